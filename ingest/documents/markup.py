"""Marked-up text → the document text, its marked headings and its block quotes: Markdown, reStructuredText
and AsciiDoc (LaTeX-style macros in Markdown or plain text are read first, by latex.py).

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


class _Emitter:
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
    out = _Emitter()
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
        if _TABLE_ROW.match(line):  # a table row: its cells, as a block of its own
            cells = [_inline(c).strip() for c in line.strip().strip("|").split("|")]
            if out.lines and out.lines[-1].strip():
                out.emit("")
            out.emit("; ".join(c for c in cells if c))
            if not (i < len(lines) and (_TABLE_ROW.match(lines[i]) or not lines[i].strip())):
                out.emit("")
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            out.emit(_inline(line[quoted.end():]), quote=True)
            continue
        out.emit(_inline(line))
    return out.done()


# ------------------------------------------------------------------------------------------- reStructuredText
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
    out = _Emitter()
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


def seen_text_after_title(out: _Emitter) -> bool:
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


# ------------------------------------------------------------------------------------------- AsciiDoc
_ADOC_TITLE = re.compile(r"^(={1,6})\s+(.+?)\s*(?:=+)?\s*$")
_ADOC_ATTR = re.compile(r"^:([\w-]+)!?:\s*(.*)$")
_ADOC_DELIMS = {"----": "drop", "....": "drop", "////": "drop", "++++": "drop", "____": "quote", "====": "keep",
                "****": "keep", "--": "keep", "|===": "table", '""': "quote"}
_ADOC_INLINE = (
    (re.compile(r"footnote(?:ref)?:[\w-]*\[(?:[^\]\\]|\\.)*\]"), ""),
    (re.compile(r"image:[^\s\[]*\[[^\]]*\]"), ""),
    (re.compile(r"(?:link|mailto|xref):([^\s\[]+)\[([^\]]*)\]"), lambda m: m.group(2) or m.group(1)),
    (re.compile(r"(https?://[^\s\[]+)\[([^\]]*)\]"), lambda m: m.group(2) or m.group(1)),
    (re.compile(r"<<[^,>]+,\s*([^>]+)>>"), r"\1"),
    (re.compile(r"<<([^>]+)>>"), r"\1"),
    (re.compile(r"(?:kbd|btn|menu|pass|stem|latexmath|asciimath):\[([^\]]*)\]"), r"\1"),
    (re.compile(r"\[\[[^\]]*\]\]"), ""),
    (re.compile(r"\[\.?[\w.#-]+\]#(.+?)#"), r"\1"),
    (re.compile(r"``(.+?)``|`(.+?)`"), lambda m: m.group(1) or m.group(2)),
    (re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?!\w)"), lambda m: m.group(1) or m.group(2)),
    (re.compile(r"__(.+?)__|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?!\w)"), lambda m: m.group(1) or m.group(2)),
    (re.compile(r"##(.+?)##|(?<![\w#])#(?=\S)(.+?)(?<=\S)#(?!\w)"), lambda m: m.group(1) or m.group(2)),
    (re.compile(r"\s\+$"), ""),
)
_ADMONITION = re.compile(r"^(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION):\s+")


def _adoc_inline(line: str, attributes: dict[str, str]) -> str:
    line = re.sub(r"\{([\w-]+)\}", lambda m: attributes.get(m.group(1).lower(), m.group(0)), line)
    for pattern, repl in _ADOC_INLINE:
        line = pattern.sub(repl, line)  # type: ignore[call-overload]
    return line


def read_asciidoc(body: str) -> Marked:
    lines = body.split("\n")
    out = _Emitter()
    meta: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    counters: dict[int, int] = {}
    pending_quote: tuple[str, ...] | None = None
    block: str | None = None  # the open delimited block's kind
    closer = ""
    attribution = ""
    header = True
    for n, line in enumerate(lines):
        stripped = line.strip()
        if block is not None:
            if stripped == closer:
                if block == "quote" and attribution:
                    out.close_quote()
                    out.emit("")
                    out.emit(f"— {attribution}")
                block, attribution = None, ""
                out.emit("")
                continue
            if block == "drop":
                out.emit("")
            elif block == "table":
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", stripped) if c.strip()]
                out.emit(_adoc_inline(" ".join(cells), attributes))
            else:
                out.emit(_adoc_inline(_ADMONITION.sub("", line.rstrip()), attributes), quote=block == "quote")
            continue
        if stripped in _ADOC_DELIMS or re.fullmatch(r"(-{4,}|\.{4,}|/{4,}|\+{4,}|_{4,}|={4,}|\*{4,})", stripped):
            key = stripped if stripped in _ADOC_DELIMS else stripped[:4]
            block, closer = _ADOC_DELIMS.get(key, "keep"), stripped
            if pending_quote is not None:
                block = "quote"
                attribution = ", ".join(p for p in pending_quote if p)
                pending_quote = None
            out.emit("")
            continue
        if stripped.startswith("//"):
            out.emit("")
            continue
        title = _ADOC_TITLE.match(line)
        if title:
            out.emit(_adoc_inline(title.group(2), attributes), len(title.group(1)))
            header = len(title.group(1)) == 1 and n < 3
            continue
        attr = _ADOC_ATTR.match(line)
        if attr:
            name, value = attr.group(1).lower(), attr.group(2).strip()
            attributes[name] = value
            if name in ("revdate", "date", "published") and value:
                meta.setdefault("date", value)
            elif name in ("publisher", "organization", "organisation") and value:
                meta.setdefault("publisher", value)
            out.emit("")
            continue
        if header and stripped and out.headings:  # author and revision lines under the document title
            revision = re.match(r"^v?[\d.]+,\s*([^:]+?)\s*(?::.*)?$", stripped)
            if revision:
                meta.setdefault("date", revision.group(1))
            out.emit("")
            continue
        header = header and bool(stripped)
        quote_attrs = re.match(r"^\[(quote|verse)(?:,\s*([^,\]]*))?(?:,\s*([^\]]*))?\]\s*$", stripped)
        if quote_attrs:
            pending_quote = (quote_attrs.group(2) or "").strip(), (quote_attrs.group(3) or "").strip()
            out.emit("")
            continue
        if re.match(r"^\[[^\]]*\]\s*$", stripped) or re.match(r"^(?:image|include|toc|video|audio)::", stripped):
            out.emit("")
            continue
        if stripped == "+":
            out.emit("")
            continue
        block_title = re.match(r"^\.([^\s.].*)$", stripped)
        if block_title:
            out.emit(_adoc_inline(block_title.group(1), attributes))
            out.emit("")
            continue
        ordered = re.match(r"^(\.{1,5})\s+(.*)$", stripped)
        if ordered:
            depth = len(ordered.group(1))
            counters[depth] = counters.get(depth, 0) + 1
            for deeper in [d for d in counters if d > depth]:
                del counters[deeper]
            out.emit(f"{'  ' * (depth - 1)}{counters[depth]}. {_adoc_inline(ordered.group(2), attributes)}")
            continue
        bullet = re.match(r"^(\*{1,5}|-)\s+(?:\[[ x*]\]\s+)?(.*)$", stripped)
        if bullet:
            depth = len(bullet.group(1)) if bullet.group(1) != "-" else 1
            out.emit(f"{'  ' * (depth - 1)}- {_adoc_inline(bullet.group(2), attributes)}")
            continue
        described = re.match(r"^(.+?)(?<!:):{2,4}\s+(.+)$", stripped)
        if described and not stripped.startswith(("http", "link:")):
            out.emit(f"{_adoc_inline(described.group(1), attributes)}: {_adoc_inline(described.group(2), attributes)}")
            continue
        if stripped:
            counters.clear()
        out.emit(_adoc_inline(_ADMONITION.sub("", line.rstrip()), attributes))
    return out.done(meta)
