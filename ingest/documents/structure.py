"""The structure of a document's text: sections, list items, sentences and key facts, all as character spans.

Lines are grouped into blocks (runs of non-blank lines). Within a block a line is a marked heading (Markdown
``#``, HTML ``<h1>``, reStructuredText and AsciiDoc titles, LaTeX ``\\section``, a PDF line set large), a list
item (``•``, ``-``, ``*``, ``1.``, ``a)``… with its indented or wrapped continuation lines), a *key fact* (a
line holding only a figure or date, such as ``£4.7 billion``, followed by the lines saying what it counts) or
prose. Unmarked headings are found among the prose lines: a short line (at most 14 words, or 16 ending in a
colon) that starts with a capital or digit, does not end like a sentence, and stands alone in its block or
opens it. Their levels are relative: the document's first line is its title (level 1); a heading followed by
prose, or that introduces a topic, is one level below the last marked heading (or 2); a heading followed by a
list is one level further down. A transcript turn's label (``Q117 Austin Mitchell:``) is not part of the
text of its statements, nor is a numbered paragraph's number (``2.14``): both are kept as the statements'
reference.

Prose is split into sentences. A list item is one statement when its list has a kind (from a heading or the
list's lead-in), its sentences kept as the statement's parts; otherwise each of its sentences is one. A prose
sentence ending in a colon right before a list is the list's *lead-in*: the list takes its kind and, for
recommendations, its addressee. What kind a heading or lead-in introduces is asked of ``kind_of`` (the
heading classifier of classify.py: cue words, then a model).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.documents.classify import RECORD_KINDS, topic_of_heading
from ingest.documents.speech import Speech

_ITEM = re.compile(r"^[ \t\xa0]*(?:(?P<bullet>[•●▪◦‣∙·*+–-])|\(?(?P<num>\d{1,3})[.)]|\(?(?:[a-z]|i{1,3}|iv|v|vi{1,3}|"
                   r"ix|x)[.)])[ \t\xa0]+(?=\S)")
_FIGURE_LINE = re.compile(
    r"^(?:(?:up to|over|around|about|more than|less than|almost|nearly|at least)\s+)?(?:£\s?[\d.,]+\s*(?:billion|bn|"
    r"million|m|thousand|k)?|[\d.,]+\s*(?:%|per cent|percent)|[\d,]+(?:\.\d+)?\s*(?:million|billion|thousand)|"
    r"(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+"
    r"\d{4}|(?:spring|summer|autumn|winter)\s+\d{4}|\d{4}[-–/]\d{2,4})$", re.I)
_NUMBER_LINE = re.compile(r"^(?:(?:up to|over|around|about|more than|less than|almost|nearly|at least)\s+)?"
                          r"\d[\d,]*(?:\.\d+)?$", re.I)
_ABBREVIATIONS = {"e.g", "i.e", "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "cf", "para", "paras",
                  "fig", "figs", "approx", "co", "ltd", "inc", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                  "sep", "sept", "oct", "nov", "dec", "rt", "hon", "cllr", "gov", "vol", "p", "pp"}
_NUMBER_WORDS = {"no", "nos", "p", "pp", "para", "paras", "vol", "fig", "figs"}  # abbreviations only before a number
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|:(?=[ \t\xa0]*\n)")
_PARAGRAPH_NUMBER = re.compile(r"^(\d{1,2}\.\d{1,3})[ \t\xa0]+(?=[A-Z“\"‘(])")


@dataclass
class Line:
    start: int  # first non-space character
    end: int  # after the last non-space character
    indent: int
    text: str
    item_start: int | None = None  # where a list item's text begins, after its marker
    number: int | None = None  # a numbered item's number
    heading: int = 0  # a marked heading's level
    turn: bool = False  # opens a transcript turn (its label is left out of ``start``)


@dataclass
class Element:
    kind: str  # "heading", "para", "item" or "keyfact"
    lines: list[Line]
    level: int = 0
    marked: bool = False

    @property
    def start(self) -> int:
        first = self.lines[0]
        return first.item_start if self.kind == "item" and first.item_start is not None else first.start

    @property
    def end(self) -> int:
        return self.lines[-1].end


@dataclass
class Section:
    index: int
    title: str
    start: int
    end: int
    level: int
    parent: int | None
    topic: str | None  # its own topic, or its parent's
    own_topic: str | None
    marked: bool


@dataclass
class Unit:
    """One statement: a sentence, a whole list item or a key fact."""

    index: int
    start: int
    end: int
    form: str  # "sentence", "item" or "key-fact"
    section: int | None
    topic: str | None
    first_in_paragraph: bool = False
    number: int | None = None  # the item's number in a numbered list
    lead: tuple[int, int] | None = None  # the lead-in sentence of the list the item is in
    value_end: int | None = None  # a key fact: where its value line ends
    lead_kind: str | None = None  # the kind the list's lead-in introduces
    reference: str = ""  # a numbered paragraph's number ("2.14") or a turn's question ("Q117")
    parts: list[tuple[int, int]] = field(default_factory=list)  # the sentences of a whole list item
    speech: int | None = None  # the turn or quotation it is said in (Structure.speeches)
    paragraph: int = 0  # which block element (paragraph, item, key fact) it belongs to


@dataclass
class Structure:
    sections: list[Section] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    title: str | None = None  # the first heading, when it is the document's first line and level 1
    speeches: list[Speech] = field(default_factory=list)
    elements: int = 0  # how many block elements there are (for positions)

    def section_chain(self, index: int | None) -> list[Section]:
        chain: list[Section] = []
        while index is not None:
            chain.append(self.sections[index])
            index = self.sections[index].parent
        return chain[::-1]


def parse(text: str, headings: dict[int, int] | None = None, *, speeches: list[Speech] | None = None,
          labels: dict[int, int] | None = None, kind_of: Callable[[str], str | None] | None = None) -> Structure:
    """The structure of ``text``; ``headings`` maps the offsets of marked heading lines to their levels,
    ``labels`` the lines that open a transcript turn to where its speech begins, ``speeches`` are the
    document's turns and quotations and ``kind_of`` says what kind a heading or lead-in introduces."""
    kind_of = kind_of or topic_of_heading
    elements = _unmarked_headings(_elements(_lines(text, headings or {}, labels or {})))
    out = Structure(speeches=list(speeches or []))
    _levels(elements)
    stack: list[Section] = []
    lead: tuple[int, int] | None = None
    lead_kind: str | None = None
    for n, el in enumerate(elements):
        if el.kind == "heading":
            title = " ".join(text[el.start:el.end].split()).rstrip(":").strip()
            while stack and stack[-1].level >= el.level:
                stack.pop()
            parent = stack[-1] if stack else None
            # under a heading that has a kind, a subheading names its own kind only in so many words
            own = topic_of_heading(title) if parent is not None and parent.topic else kind_of(title)
            is_title = n == 0 and (el.level == 1 or all(o.level > el.level for o in elements[1:] if o.kind == "heading"))
            if is_title and len(title.split()) > 3:
                own = None  # a document's title ("Lessons from NPfIT") does not make everything a lesson
            section = Section(len(out.sections), title, el.start, el.end, el.level,
                              parent.index if parent else None, own or (parent.topic if parent else None), own,
                              el.marked)
            out.sections.append(section)
            stack.append(section)
            if is_title:
                out.title = title  # the first line, as a heading above all others (a note's only \section)
            lead, lead_kind = None, None
            continue
        current = stack[-1] if stack else None
        topic = current.topic if current else None
        where = current.index if current else None
        if el.kind == "keyfact":
            out.units.append(Unit(len(out.units), el.start, el.end, "key-fact", where, topic,
                                  True, value_end=el.lines[0].end, paragraph=n))
            lead = None
            continue
        if el.kind == "item":
            kind = lead_kind or topic
            sentences = split_sentences(text, el.start, el.end)
            if kind in RECORD_KINDS or len(sentences) == 1:
                out.units.append(Unit(len(out.units), el.start, el.end, "item", where, topic, True,
                                      el.lines[0].number, lead, lead_kind=lead_kind, paragraph=n,
                                      parts=sentences if len(sentences) > 1 else []))
            else:
                for i, (s, e) in enumerate(sentences):
                    out.units.append(Unit(len(out.units), s, e, "sentence", where, topic, i == 0,
                                          el.lines[0].number, lead, lead_kind=lead_kind, paragraph=n))
            continue
        start, reference = el.start, ""
        numbered = _PARAGRAPH_NUMBER.match(text[el.start:el.end])
        if numbered:
            start, reference = el.start + numbered.end(), numbered.group(1)
        sentences = split_sentences(text, start, el.end)
        for i, (s, e) in enumerate(sentences):
            out.units.append(Unit(len(out.units), s, e, "sentence", where, topic, i == 0, reference=reference,
                                  paragraph=n))
        lead, lead_kind = None, None
        following = elements[n + 1] if n + 1 < len(elements) else None
        if sentences and following is not None and following.kind == "item" and text[sentences[-1][1] - 1] == ":":
            lead = sentences[-1]
            lead_kind = kind_of(text[lead[0]:lead[1]])
    out.elements = len(elements)
    _speakers(out)
    return out


def split_items(structure: Structure, split: set[int]) -> None:
    """Make each of the listed whole list items (by unit index) one statement per sentence, and number the
    statements again (an item whose sentences are of different kinds: a committee's numbered paragraph of
    conclusions and recommendations)."""
    units: list[Unit] = []
    for unit in structure.units:
        if unit.index in split and unit.parts:
            units += [replace(unit, start=a, end=b, form="sentence", first_in_paragraph=i == 0, parts=[])
                      for i, (a, b) in enumerate(unit.parts)]
        else:
            units.append(unit)
    for i, unit in enumerate(units):
        unit.index = i
    structure.units = units


def _speakers(out: Structure) -> None:
    """Each statement said in a turn or quotation points to it, and takes a turn's question number."""
    for unit in out.units:
        for k, speech in enumerate(out.speeches):
            if speech.start <= unit.start < speech.end:
                unit.speech = k
                if speech.reference and not unit.reference:
                    unit.reference = speech.reference
                break


# ------------------------------------------------------------------------------------------- lines
def _lines(text: str, headings: dict[int, int], labels: dict[int, int]) -> list[Line | None]:
    """Every line (None for a blank one)."""
    out: list[Line | None] = []
    offset = 0
    for raw in text.split("\n"):
        m = re.search(r"\S", raw)
        if m is None:
            out.append(None)
        else:
            stripped = raw.rstrip()
            line = Line(offset + m.start(), offset + len(stripped), m.start(), stripped[m.start():])
            line.heading = headings.get(offset, 0)
            if offset in labels and labels[offset] < offset + len(stripped):
                line.start, line.turn = labels[offset], True
                line.text = text[line.start:offset + len(stripped)]
            item = _ITEM.match(raw)
            if item and not line.heading and not line.turn:
                line.item_start = offset + item.end()
                line.number = int(item.group("num")) if item.group("num") else None
            out.append(line)
        offset += len(raw) + 1
    return out


def _elements(lines: list[Line | None]) -> list[Element]:
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for line in [*lines, None]:
        if line is None:
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    elements: list[Element] = []
    for block in blocks:
        i = 0
        while i < len(block):
            line = block[i]
            if line.heading:
                elements.append(Element("heading", [line], line.heading, marked=True))
                i += 1
                continue
            j = i + 1
            if line.item_start is not None:
                while j < len(block) and _continues(block[j - 1], block[j], line):
                    j += 1
                elements.append(Element("item", block[i:j], level=int(len(block) == 1)))
            elif _starts_key_fact(block, i):
                while j < len(block) and _plain(block[j]) and not _starts_key_fact(block, j):
                    j += 1
                elements.append(Element("keyfact", block[i:j]))
            else:  # a paragraph, up to the next transcript turn
                while j < len(block) and _plain(block[j]) and not _starts_key_fact(block, j) and not block[j].turn:
                    j += 1
                elements.append(Element("para", block[i:j]))
            i = j
    return _numbered_headings(elements)


def _numbered_headings(elements: list[Element]) -> list[Element]:
    """A numbered line standing alone between paragraphs ("5. Risks" in minutes) is a heading, not an item."""
    for k, el in enumerate(elements):
        if el.kind != "item" or not el.level or len(el.lines) != 1:
            continue
        before = elements[k - 1] if k else None
        after = elements[k + 1] if k + 1 < len(elements) else None
        line = el.lines[0]
        numbered = line.number is not None
        same_list = before is not None and before.kind == "item" and (before.lines[0].number is not None) == numbered
        next_ok = after is not None and (after.kind == "para" or (
            after.kind == "item" and (after.lines[0].number is not None) != numbered))
        if not same_list and next_ok and looks_like_heading(line.text[(line.item_start or line.start) - line.start:]):
            elements[k] = Element("heading", [line])
        else:
            el.level = 0
    return elements


def _plain(line: Line) -> bool:
    return line.item_start is None and not line.heading


def _starts_key_fact(block: list[Line], i: int) -> bool:
    """A value line (see :func:`_is_value_line`) followed in its block by a line of description."""
    return i + 1 < len(block) and _plain(block[i + 1]) and _is_value_line(block[i].text, block[i + 1].text)


def _is_value_line(text: str, following: str) -> bool:
    """A key fact's value: money, a percentage, a date; a bare number (or year) only before a description that
    starts in lower case ("227" / "trusts in England"), so that a page number is not one."""
    if _FIGURE_LINE.match(text):
        return True
    return bool(_NUMBER_LINE.match(text)) and following[:1].islower()


def _continues(previous: Line, line: Line, item: Line) -> bool:
    if line.item_start is not None or line.heading:
        return False
    return line.indent > item.indent or not _ends_sentence(previous.text)


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;][\"'”’)\]]*$", text))


# ------------------------------------------------------------------------------------------- headings
def looks_like_heading(text: str) -> bool:
    words = text.split()
    limit = 16 if text.endswith(":") else 14
    if not words or len(words) > limit or len(text) > 120:
        return False
    if not re.match(r"[A-Z0-9]", text) or not re.search(r"[A-Za-z]", text):
        return False
    if re.search(r"[.;,!?][\"'”’)\]]*$", text) or re.match(r"https?://", text):
        return False
    if re.search(r"[a-z0-9)][.!?]\s+[A-Z]", text):  # two sentences
        return False
    return not _FIGURE_LINE.match(text) and not _NUMBER_LINE.match(text)


def _unmarked_headings(elements: list[Element]) -> list[Element]:
    """Split unmarked heading lines out of the prose elements."""
    out: list[Element] = []
    for n, el in enumerate(elements):
        if el.kind != "para":
            out.append(el)
            continue
        lines = el.lines
        pending: list[Line] = []
        before_list = n + 1 < len(elements) and elements[n + 1].kind == "item"
        after_heading = False
        for k, line in enumerate(lines):
            if not line.turn and _is_heading_line(lines, k, has_more=n + 1 < len(elements), before_list=before_list,
                                                  after_heading=after_heading):
                if pending:
                    out.append(Element("para", pending))
                    pending = []
                out.append(Element("heading", [line]))
                after_heading = True
            else:
                pending.append(line)
                after_heading = False
        if pending:
            out.append(Element("para", pending))
    return out


def _is_heading_line(lines: list[Line], k: int, *, has_more: bool, before_list: bool, after_heading: bool) -> bool:
    line = lines[k]
    if not looks_like_heading(line.text):
        return False
    if len(lines) == 1:
        return has_more
    after_break = k == 0 or after_heading or _ends_sentence(lines[k - 1].text)
    if k == len(lines) - 1:  # a short last line closes its paragraph (a signature), unless a list follows
        return before_list and after_break
    return after_break and bool(re.match(r"[\"'“‘(]?[A-Z0-9£•]", lines[k + 1].text))


def _levels(elements: list[Element]) -> None:
    """Give unmarked headings levels relative to the last marked heading (see the module doc)."""
    base = 0
    any_marked = any(el.marked for el in elements)
    for n, el in enumerate(elements):
        if el.kind != "heading":
            continue
        if el.marked:
            base = el.level
            continue
        following = elements[n + 1] if n + 1 < len(elements) else None
        if n == 0 and not any_marked:
            el.level = 1
        elif following is not None and following.kind == "item" and not topic_of_heading(el.lines[0].text):
            el.level = base + 3 if not any_marked else base + 2
        else:
            el.level = base + 2 if not any_marked else base + 1


# ------------------------------------------------------------------------------------------- sentences
def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]``, trimmed of surrounding space."""
    segment = text[start:end]
    cuts = [0]
    for m in _END.finditer(segment):
        stop = m.end()
        if m.group(0) != ":":
            rest = segment[stop:].lstrip()
            if not rest or not re.match(r"[\"'“‘(\[]*[A-Z0-9£•]", rest):
                continue
            word = re.search(r"([\w.]+)\.+[\"'”’)\]]*$", segment[:stop])
            abbreviation = word is not None and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1) \
                and segment[max(0, word.start(1) - 1):word.start(1)] not in ("'", "’")  # "the supplier's." ends one
            if m.group(0).startswith(".") and word and abbreviation and (
                    word.group(1).lower() not in _NUMBER_WORDS or rest[:1].isdigit()):
                continue
        cuts.append(stop)
    cuts.append(len(segment))
    spans = []
    for a, b in itertools.pairwise(cuts):
        piece = segment[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if trail > lead:
            spans.append((start + a + lead, start + a + trail))
    return spans
