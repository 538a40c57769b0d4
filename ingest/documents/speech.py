"""Who says what in a document: transcript turns and quotations, each with its speaker's name (and role).

* A **turn** is a line that opens with a speaker's label, ``Q117 Austin Mitchell: …``, ``Sir David
  Nicholson: …``, ``Mr Granger (Director General of NHS IT): …``, ``Chair: …``. The label is a name (two to
  four capitalised words, or one after a title such as Mr, Sir or Dr), "Chair", or either after a question
  number, and not a word that labels something else ("Recommendation 3:", "Note:", "Key findings:"). In a
  document with two turns or more (a transcript), a turn runs until the next one or the next marked heading;
  a lone turn is its paragraph. The label is not part of what is said; the question number (``Q117``) is
  kept as the statements' reference.
* A **quotation** is a block quote (Markdown ``>``, reStructuredText indented block, AsciiDoc ``____``,
  LaTeX ``quote``) or a run of paragraphs in quotation marks, with the speaker named on the line after it
  ("Gareth Davies, head of the NAO", "— Margaret Hodge, Chair of the Committee of Public Accounts"); or one
  sentence with the speaker in it ("“…,” said Sir David Nicholson, the NHS Chief Executive.").

What is said inside a turn or quotation is the speaker's, not the document author's: see rdf.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLES = r"(?:The\s+)?(?:Rt\.?\s+Hon\.?\s+)?(?:Sir|Dame|Lord|Lady|Baroness|Baron|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|" \
          r"Professor|Prof\.?|Cllr\.?|Councillor)"
_WORD = r"[A-Z][A-Za-z'’\-]+"
NAME = rf"(?:{_TITLES}\s+(?:[A-Z]\.?\s+)?{_WORD}(?:\s+{_WORD}){{0,2}}|{_WORD}(?:\s+(?:[A-Z]\.\s*)?{_WORD}){{1,3}})"
TITLED = re.compile(rf"(?<![\w-]){_TITLES}\s+(?:[A-Z]\.?\s+)?{_WORD}(?:\s+{_WORD}){{0,2}}")
_TURN = re.compile(rf"^(?P<lead>[ \t>*_]*(?:(?P<q>Q\s?\d{{1,4}})[.:]?\s+)?)(?P<name>{NAME}|(?:The\s+)?Chair(?:man|"
                   rf"woman|person)?)(?:\s*\((?P<role>[^()\n]{{2,90}})\)(?:\s*\([^()\n]{{2,40}}\))?)?[*_]*\s*:[*_]*[ \t]+(?=\S)")
# a second bracket after the role ("Jane Hale (Northvale) (Lab):", a party) is part of the label, not the role
_NOT_SPEAKERS = {
    "recommendation", "recommendations", "finding", "findings", "lesson", "lessons", "note", "notes", "source",
    "sources", "summary", "conclusion", "conclusions", "example", "action", "actions", "risk", "risks", "issue",
    "issues", "date", "title", "question", "answer", "background", "context", "status", "update", "figure",
    "table", "box", "key", "step", "phase", "stage", "part", "section", "chapter", "annex", "appendix",
    "outcome", "decision", "response", "comment", "owner", "deadline", "progress", "purpose", "why", "what",
    "how", "who", "when", "where", "problem", "problems", "challenge", "challenges", "cost", "costs", "budget",
    "target", "aim", "objective", "result", "results", "impact", "evidence", "overview", "scope", "method",
    "approach", "agenda", "item", "minute", "minutes", "present", "apologies", "attendees", "author",
    "publisher", "published", "ref", "reference", "tags", "category", "keywords", "abstract", "warning", "tip",
    "important", "caution", "paper", "report", "board", "committee", "department", "the", "our", "this",
    "these", "in", "on", "for", "by", "at", "next", "recommended", "agreed", "contact",
    "strategic", "operational", "financial", "national", "local", "digital", "press", "editor", "editors",
}
_ATTRIBUTION = re.compile(rf"^\s*(?:[—–-]{{1,2}}|―)?\s*(?P<name>{NAME})(?:,\s*(?P<role>[^\n]{{3,120}}?))?\s*\.?\s*$")
_SAID = re.compile(rf"[”\"’'],?\s+(?:said|says|told [^,.;]{{1,40}}|added|explained|warned|argued|stated|commented|"
                   rf"admitted|conceded)\s+(?P<name>{NAME})(?:,\s*(?P<role>(?:the\s+)?[^,.;”\"]{{3,90}}?))?\s*[,.;]"
                   rf"|(?P<name2>{NAME})(?:,\s*(?P<role2>(?:the\s+)?[^,.;”\"]{{3,90}}?),)?\s+(?:said|says|told [^,.;]"
                   rf"{{1,40}}|added|explained|warned|argued|stated|commented|admitted|conceded)\s*:?\s*[“\"]")


@dataclass(frozen=True)
class Speech:
    """What one speaker says: ``start``-``end`` in the document text, the name's and role's spans, and the
    question number of a transcript turn."""

    start: int
    end: int
    name: tuple[int, int]
    role: tuple[int, int] | None = None
    reference: str = ""
    kind: str = "turn"  # "turn" or "quote"


def _is_speaker(name: str) -> bool:
    """A person's name or "Chair", not a label such as "Key findings" or "NAO Report" (no common label word,
    no acronym)."""
    words = name.split()
    if any(w.lower().rstrip(".") in _NOT_SPEAKERS for w in words[1:] + words[:1]):
        return words[0].lower() == "the" and words[-1].lower().startswith("chair")
    return not any(len(w) > 1 and w.isupper() for w in words)


def _titled(name: str) -> bool:
    return bool(re.match(_TITLES + r"\s", name)) or name.lower().endswith(("chair", "chairman", "chairwoman"))


def turns(text: str, headings: dict[int, int]) -> tuple[list[Speech], dict[int, int]]:
    """Transcript turns, and for each line that opens one, where its speech begins (after the label)."""
    found: list[tuple[int, int, re.Match[str]]] = []  # (line start, speech start, match)
    offset = 0
    for line in text.split("\n"):
        m = _TURN.match(line)
        if m and _is_speaker(m.group("name")) and offset not in headings:
            found.append((offset, offset + m.end(), m))
        offset += len(line) + 1
    transcript = len(found) >= 2
    if not transcript:  # a lone label is a turn only with a question number or a title ("Q117 …", "Sir …:")
        found = [f for f in found if f[2].group("q") or _titled(f[2].group("name"))]
    marks = sorted(headings)
    out: list[Speech] = []
    labels: dict[int, int] = {}
    for k, (line_start, speech_start, m) in enumerate(found):
        if transcript:
            end = found[k + 1][0] if k + 1 < len(found) else len(text)
            nxt = next((h for h in marks if h > line_start), None)
            if nxt is not None and nxt < end:
                end = nxt
        else:
            blank = text.find("\n\n", speech_start)
            end = len(text) if blank < 0 else blank
        end = len(text[:end].rstrip())
        role = (line_start + m.start("role"), line_start + m.end("role")) if m.group("role") else None
        reference = re.sub(r"\s", "", m.group("q") or "")
        out.append(Speech(speech_start, end, (line_start + m.start("name"), line_start + m.end("name")), role,
                          reference, "turn"))
        labels[line_start] = speech_start
    return out, labels


def quotations(text: str, blocks: list[tuple[int, int]], taken: list[Speech]) -> list[Speech]:
    """Quotations with a named speaker (see the module doc); ``blocks`` are the reader's block quotes."""
    out: list[Speech] = []
    inside = [(s.start, s.end) for s in taken]
    runs = [(a, b) for a, b in blocks if not any(x <= a < y for x, y in inside)]
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", text) if m.end() > m.start()]
    k = 0
    while k < len(lines):
        start, end = lines[k]
        stripped = text[start:end].lstrip()
        first = start + len(text[start:end]) - len(stripped)
        if stripped[:1] in ("\"", "“") and not any(x <= first < y for x, y in inside + runs):
            j = k
            while j < len(lines) and not re.search(r"[\"”][)\]]?\s*$", text[lines[j][0]:lines[j][1]]) and j - k < 40:
                j += 1
            if j < len(lines):
                runs.append((first, lines[j][1]))
                k = j + 1
                continue
        k += 1
    merged: list[tuple[int, int]] = []
    for start, end in sorted(runs):  # quoted lines one after another are one quotation
        if merged and re.fullmatch(r"\s*", text[merged[-1][1]:start]) and text[merged[-1][1]:start].count("\n") <= 1:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    for start, end in merged:
        last_line = text.rfind("\n", start, end) + 1
        if last_line > start and text[last_line:end].lstrip()[:1] in "—–-―":
            inner = _ATTRIBUTION.match(text[last_line:end])
            if inner and _is_speaker(inner.group("name")):
                out.append(_speech(start, len(text[:last_line].rstrip()), last_line, inner))
                continue
        after = re.match(r"[ \t]*\n(?:[ \t]*\n)?", text[end:])
        if after is None:
            continue
        line_start = end + after.end()
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        m = _ATTRIBUTION.match(line)
        if m and len(line.split()) <= 16 and _is_speaker(m.group("name")):
            out.append(_speech(start, end, line_start, m))
    return out


def _speech(start: int, end: int, base: int, m: re.Match[str]) -> Speech:
    role = (base + m.start("role"), base + m.end("role")) if m.group("role") else None
    return Speech(start, end, (base + m.start("name"), base + m.end("name")), role, "", "quote")


def said(text: str, start: int, end: int) -> Speech | None:
    """A sentence that names its speaker ("“…,” said Sir David Nicholson, the NHS Chief Executive.")."""
    segment = text[start:end]
    m = _SAID.search(segment)
    if m is None or not re.search(r"[“\"]", segment):
        return None
    group = "name" if m.group("name") else "name2"
    role_group = "role" if group == "name" else "role2"
    if not _is_speaker(m.group(group)):
        return None
    role = (start + m.start(role_group), start + m.end(role_group)) if m.group(role_group) else None
    return Speech(start, end, (start + m.start(group), start + m.end(group)), role, "", "quote")


def find_speech(text: str, headings: dict[int, int], blocks: list[tuple[int, int]]
                ) -> tuple[list[Speech], dict[int, int]]:
    """Turns and quotations of a document, and the turn labels (line start → where the speech begins)."""
    found, labels = turns(text, headings)
    found += quotations(text, blocks, found)
    return sorted(found, key=lambda s: s.start), labels
