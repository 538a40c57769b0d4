"""Marked-up text → the document text, its marked headings and its block quotes: Markdown here, with what
the readers of reStructuredText (rst.py) and AsciiDoc (asciidoc.py) share (LaTeX-style macros in Markdown or
plain text are read first, by latex.py).

What the document text keeps of each (evidence offsets count in it, so no quote ever holds markup):

* **Markdown**: ``#`` and underlined headings (marked), list items as written, ``>`` block quotes without
  their ``>`` (remembered as quotes), inline markup, link targets and fenced code removed;
* **reStructuredText**: section titles (underlined, or over- and underlined; levels in the order the styles
  first appear) marked, the docinfo fields (``:Date:``, ``:Publisher:``…) read as metadata, ``#.`` lists
  numbered, indented blocks after a blank line as block quotes (with their ``-- attribution``), admonitions
  kept as text, comments, targets, footnotes, images, code and table borders removed, inline markup
  (``**``, ``*``, ````code````, ```text <url>`_``, ``:role:`text```) reduced to its text;
* **AsciiDoc**: ``=`` … ``======`` titles marked, ``.Title`` block titles kept as lines of their own, the
  header's revision date and ``:revdate:`` read as metadata, ``. item`` lists numbered, ``____`` quote blocks
  (with the ``[quote, who, where]`` attribution written after them as ``— who, where``), admonitions
  (``NOTE:``) kept as text, comments, attributes, listings, passthroughs and images removed, inline markup
  (``*``, ``_``, ``link:url[text]``, ``<<id,text>>``, ``footnote:[…]``) reduced to its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Marked:
    """What a markup reader gives: the text, marked headings (offset → level), quotes and metadata."""

    text: str
    headings: dict[int, int] = field(default_factory=dict)
    quotes: list[tuple[int, int]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


TABLE_HEADER_LEVEL = 6  # a table's header row is a heading below the section it sits in, over its rows


class Emitter:
    """Lines of the document text as a reader writes them, with the headings and quotes among them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.headings: dict[int, int] = {}
        self.quotes: list[tuple[int, int]] = []
        self.offset = 0
        self._quote: tuple[int, int] | None = None

    def emit(self, line: str, level: int = 0, quote: bool = False) -> None:
        if level:
            self.headings[self.offset] = level
        if quote and line.strip():
            lead = len(line) - len(line.lstrip())
            start, end = self.offset + lead, self.offset + len(line.rstrip())
            self._quote = (self._quote[0], end) if self._quote else (start, end)
        elif not quote or not line.strip():
            self.close_quote(keep_open=quote)
        self.lines.append(line)
        self.offset += len(line) + 1

    def close_quote(self, keep_open: bool = False) -> None:
        if self._quote and not keep_open:
            self.quotes.append(self._quote)
            self._quote = None

    def done(self, metadata: dict[str, Any] | None = None) -> Marked:
        self.close_quote()
        return Marked("\n".join(self.lines), self.headings, self.quotes, metadata or {})


# ------------------------------------------------------------------------------------------- Markdown
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+")
_QUOTE = re.compile(r"^ {0,3}>(?: ?>)* ?")
_TABLE_ROW = re.compile(r"^ {0,3}\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_INLINE = (
    (re.compile(r"<!--.*?-->"), ""),
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"\[\^[^\]]+\]"), ""),  # footnote references
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])"), r"\1"),
)


def _inline(line: str) -> str:
    for pattern, repl in _INLINE:
        line = pattern.sub(repl, line)
    return line


def _is_list_line(line: str) -> bool:
    return bool(re.match(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+", line))


def read_markdown(body: str) -> Marked:
    lines = body.split("\n")
    out = Emitter()
    fence = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            out.emit("")
            continue
        fenced = _FENCE.match(line)
        if fenced:
            fence = fenced.group(1)
            out.emit("")
            continue
        if re.match(r"^ {0,3}\[\^[^\]]+\]:", line):  # a footnote's text
            out.emit("")
            continue
        atx = _ATX.match(line)
        if atx:
            out.emit(_inline(atx.group(2)).strip(), len(atx.group(1)))
            continue
        nxt = lines[i] if i < len(lines) else ""
        if line.strip() and _SETEXT.match(nxt) and not _RULE.match(line) and not _is_list_line(line) \
                and not _QUOTE.match(line):
            out.emit(_inline(line).strip(), 1 if nxt.strip().startswith("=") else 2)
            out.emit("")
            i += 1
            continue
        if _RULE.match(line) or _LINK_DEF.match(line) or _TABLE_RULE.match(line):
            out.emit("")
            continue
        if _TABLE_ROW.match(line):  # a table row: its cells, as a list item of its own (not taken for a heading)
            cells = [_inline(c).strip() for c in line.strip().strip("|").split("|")]
            if out.lines and out.lines[-1].strip() and not _TABLE_ROW.match(lines[i - 2] if i >= 2 else ""):
                out.emit("")
            if any(cells) and i < len(lines) and _TABLE_RULE.match(lines[i]):  # the header row: the rows' heading
                out.emit("; ".join(c for c in cells if c), TABLE_HEADER_LEVEL)
            elif any(cells):
                out.emit("- " + "; ".join(c for c in cells if c))
            if not (i < len(lines) and (_TABLE_ROW.match(lines[i]) or _TABLE_RULE.match(lines[i]) or not lines[i].strip())):
                out.emit("")
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            out.emit(_inline(line[quoted.end():]), quote=True)
            continue
        out.emit(_inline(line))
    return out.done()
