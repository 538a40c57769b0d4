"""reStructuredText → the document text (see markup.py for what is kept): section titles (underlined, or over-
and underlined; levels in the order the styles first appear), the docinfo fields as metadata, ``#.`` lists
numbered, indented blocks after a blank line as block quotes with their ``-- attribution``, admonitions kept
as text; comments, targets, footnotes, images, code and table borders removed; inline markup reduced to its
text."""

from __future__ import annotations

import re
from typing import Any

from ingest.documents.markup import Emitter, Marked

_RST_ADORN = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
_RST_DIRECTIVE = re.compile(r"^(\s*)\.\.\s+([\w:-]+)::\s*(.*)$")
_RST_KEEP = {"note", "warning", "important", "tip", "attention", "caution", "danger", "hint", "error",
             "admonition", "topic", "sidebar", "rubric", "container", "highlights", "compound", "line-block"}
_RST_QUOTE = {"epigraph", "pull-quote"}
_RST_FIELD = re.compile(r"^:([A-Za-z][\w -]*):\s*(.*)$")
_RST_INLINE = (
    (re.compile(r"``(.+?)``"), r"\1"),
    (re.compile(r":[\w:.-]+:`([^`<]+?)(?:\s*<[^>]*>)?`"), r"\1"),
    (re.compile(r"`([^`<]+?)\s*<[^>]+>`__?"), r"\1"),
    (re.compile(r"`([^`]+)`__?"), r"\1"),
    (re.compile(r"`([^`]+)`"), r"\1"),
    (re.compile(r"\s?\[(?:\d+|#\w*|\*|[A-Za-z][\w-]*)\]_"), ""),
    (re.compile(r"\|([^|\s][^|]*)\|_?"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)"), r"\1"),
    (re.compile(r"(?<=\w)__?(?=\W|$)"), ""),
    (re.compile(r"\\ "), ""),
    (re.compile(r"\\(.)"), r"\1"),
)
_DOCINFO = {"date": "date", "published": "date", "publisher": "publisher", "organization": "publisher",
            "organisation": "publisher", "title": "title", "url": "url", "identifier": "identifier"}


def _rst_inline(line: str) -> str:
    for pattern, repl in _RST_INLINE:
        line = pattern.sub(repl, line)
    return line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def read_rst(body: str) -> Marked:
    lines = body.split("\n")
    out = Emitter()
    styles: list[tuple[str, bool]] = []
    meta: dict[str, Any] = {}
    enumerators: dict[int, int] = {}
    i = 0

    def level(style: tuple[str, bool]) -> int:
        if style not in styles:
            styles.append(style)
        return min(6, styles.index(style) + 1)

    def skip_block(start: int, base: int) -> int:
        """The index after an indented block that belongs to the line before ``start``."""
        j = start
        while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > base):
            j += 1
        return j

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        after = lines[i + 2] if i + 2 < len(lines) else ""
        if _RST_ADORN.match(line) and nxt.strip() and _RST_ADORN.match(after) and after.strip()[0] == stripped[0] \
                and not _RST_ADORN.match(nxt):
            out.emit("")
            out.emit(_rst_inline(nxt.strip()), level((stripped[0], True)))
            out.emit("")
            i += 3
            continue
        if stripped and not _RST_ADORN.match(line) and _RST_ADORN.match(nxt) and _indent(line) == 0 \
                and len(nxt.strip()) >= min(len(stripped), 3):
            out.emit(_rst_inline(stripped), level((nxt.strip()[0], False)))
            out.emit("")
            i += 2
            continue
        field_match = _RST_FIELD.match(line)
        if field_match and _indent(line) == 0 and not seen_text_after_title(out):
            name = field_match.group(1).strip().lower()
            if name in _DOCINFO and field_match.group(2).strip():
                meta.setdefault(_DOCINFO[name], field_match.group(2).strip())
            out.emit("")
            i += 1
            continue
        directive = _RST_DIRECTIVE.match(line)
        if directive:
            base = len(directive.group(1))
            name = directive.group(2).lower()
            i += 1
            while i < len(lines) and re.match(r"^\s+:[\w -]+:", lines[i]):  # directive options
                i += 1
            if name in _RST_KEEP or name in _RST_QUOTE or name == "figure":
                if directive.group(3).strip() and name not in ("figure",):
                    out.emit("")
                    out.emit(_rst_inline(directive.group(3).strip()), quote=name in _RST_QUOTE)
                end = skip_block(i, base)
                for inner in lines[i:end]:
                    text = inner.strip()
                    out.emit(_rst_inline(text) if text else "", quote=name in _RST_QUOTE and bool(text))
                out.emit("")
                i = end
            else:
                i = skip_block(i, base)
                out.emit("")
            continue
        if re.match(r"^\s*\.\.(?:\s|$)", line):  # comment, target or footnote: the block goes
            base = _indent(line)
            i = skip_block(i + 1, base)
            out.emit("")
            continue
        if re.match(r"^\s*[+|][-=+|: ]*$", line) and ("+" in line or "|" in stripped[:1]) and "-" in line:
            out.emit("")  # a table border
            i += 1
            continue
        if _RST_ADORN.match(line) and not stripped.startswith(".."):  # a transition
            out.emit("")
            i += 1
            continue
        previous = lines[i - 1] if i > 0 else ""
        if stripped and _indent(line) > 0 and not previous.strip() and not _rst_list(line) \
                and _block_parent_is_text(lines, i):
            base = _indent(line)
            j = i
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) >= base):
                j += 1
            while j > i and not lines[j - 1].strip():
                j -= 1
            for inner in lines[i:j]:
                text = inner.strip()
                attribution = re.match(r"^(?:--|—|―)\s*(.+)$", text)
                if attribution:
                    out.close_quote()
                    out.emit(f"— {_rst_inline(attribution.group(1))}")
                else:
                    out.emit(_rst_inline(text) if text else "", quote=bool(text))
            i = j
            continue
        numbered = re.match(r"^(\s*)#\.\s+", line)
        if numbered:
            depth = len(numbered.group(1))
            enumerators[depth] = enumerators.get(depth, 0) + 1
            line = f"{numbered.group(1)}{enumerators[depth]}. {line[numbered.end():]}"
        elif stripped and _indent(line) == 0 and not _rst_list(line):
            enumerators.clear()
        if stripped.startswith("| "):
            line = line.replace("| ", "", 1)
        if "|" in stripped and stripped.startswith("|") and stripped.endswith("|"):
            line = " ".join(cell.strip() for cell in stripped.strip("|").split("|"))
        out.emit(_rst_inline(line.rstrip()))
        i += 1
    return out.done(meta)


def seen_text_after_title(out: Emitter) -> bool:
    """Whether prose came before (docinfo fields sit right after the title)."""
    text_lines = [line for line in out.lines if line.strip()]
    return len(text_lines) > len(out.headings)


def _rst_list(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+•]|#\.|\d{1,3}[.)]|\(?[a-z][.)])\s+", line))


def _block_parent_is_text(lines: list[str], i: int) -> bool:
    """An indented block after a blank line is a block quote unless it continues a list item or directive."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j < 0:
        return True
    parent = lines[j]
    while j >= 0 and lines[j].strip() and _indent(lines[j]) >= _indent(lines[i]):
        j -= 1
        parent = lines[j] if j >= 0 else parent
    return not _rst_list(parent) and not _RST_DIRECTIVE.match(parent)
