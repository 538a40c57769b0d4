"""AsciiDoc → the document text (see markup.py for what is kept): ``=`` … ``======`` titles, ``.Title`` block
titles as lines of their own, the header's revision date and ``:revdate:`` as metadata, ``. item`` lists
numbered, ``____`` quote blocks with the ``[quote, who, where]`` attribution written after them as ``— who,
where``, admonitions (``NOTE:``) kept as text, each ``|===`` table row a list item of its own with its cells
joined by "; " (the columns from ``[cols=…]`` or the first row); comments, attributes, listings, passthroughs and images
removed; inline markup (``*``, ``_``, ``link:url[text]``, ``<<id,text>>``, ``footnote:[…]``) reduced to its
text."""

from __future__ import annotations

import re
from typing import Any

from ingest.documents.markup import TABLE_HEADER_LEVEL, Emitter, Marked

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
    out = Emitter()
    meta: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    counters: dict[int, int] = {}
    pending_quote: tuple[str, ...] | None = None
    block: str | None = None  # the open delimited block's kind
    closer = ""
    attribution = ""
    columns = 0  # of the open table, from [cols=…] or its first row
    table_start = False  # the next table line is its first
    header_row = False  # the table's first row is its header ([%header], options="header")
    cells: list[str] = []  # of the table row being read
    block_attrs = ""  # the last [attribute line], for the table it may open
    header = True
    for n, line in enumerate(lines):
        stripped = line.strip()
        if block is not None:
            if stripped == closer:
                if block == "table" and cells:
                    _emit_row(out, cells, attributes)
                    cells = []
                if block == "quote" and attribution:
                    out.close_quote()
                    out.emit("")
                    out.emit(f"— {attribution}")
                block, attribution = None, ""
                out.emit("")
                continue
            if block == "drop":
                out.emit("")
            elif block == "table":  # each row a block of its own, its cells joined by "; " (as markup.py does)
                if not stripped:
                    if cells and not columns:
                        columns = len(cells)
                    if cells and len(cells) >= columns:
                        _emit_row(out, cells, attributes)
                        cells = []
                    continue
                first, *found = [c.strip() for c in re.split(r"(?<!\\)\|", stripped)]
                if table_start:
                    table_start = False
                    following = lines[n + 1].strip() if n + 1 < len(lines) else ""
                    if len(found) > 1 and not first and (header_row or not following):  # AsciiDoc's implicit header
                        columns = columns or len(found)
                        titles = "; ".join(c for c in (_adoc_inline(c, attributes).strip() for c in found) if c)
                        out.emit("")
                        out.emit(titles, TABLE_HEADER_LEVEL)
                        out.emit("")
                        continue
                if first:  # text before any "|": the last cell goes on
                    if cells:
                        cells[-1] = f"{cells[-1]} {first}".strip()
                    else:
                        cells.append(first)
                if not columns and not cells and len(found) > 1:
                    columns = len(found)
                cells.extend(found)
                if columns and len(cells) >= columns:
                    _emit_row(out, cells[:columns], attributes)
                    cells = cells[columns:]
            else:
                out.emit(_adoc_inline(_ADMONITION.sub("", line.rstrip()), attributes), quote=block == "quote")
            continue
        if stripped in _ADOC_DELIMS or re.fullmatch(r"(-{4,}|\.{4,}|/{4,}|\+{4,}|_{4,}|={4,}|\*{4,})", stripped):
            key = stripped if stripped in _ADOC_DELIMS else stripped[:4]
            block, closer = _ADOC_DELIMS.get(key, "keep"), stripped
            if block == "table":
                columns, cells, table_start = _columns(block_attrs), [], True
                header_row = bool(re.search(r"%header|options\s*=\s*\"?[^\]]*header", block_attrs))
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
            block_attrs = stripped
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


def _columns(attrs: str) -> int:
    """The number of columns a table's ``[cols="1,3,1"]`` or ``[cols="3*"]`` gives (0: unknown)."""
    spec = re.search(r"cols\s*=\s*\"?([^\"\]]*)", attrs)
    if not spec:
        return 0
    total = 0
    for part in spec.group(1).split(","):
        repeat = re.match(r"\s*(\d+)\*", part)
        total += int(repeat.group(1)) if repeat else 1 if part.strip() else 0
    return total


def _emit_row(out: Emitter, cells: list[str], attributes: dict[str, str]) -> None:
    """A table row as a list item of its own (a short row is not taken for a heading), cells joined by "; "."""
    text = "; ".join(c for c in (_adoc_inline(c, attributes).strip() for c in cells) if c)
    if text:
        out.emit(f"- {text}")
