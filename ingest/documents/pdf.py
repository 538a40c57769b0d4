"""Reading a PDF's text as a reader sees the page, not in the order the file happens to write it.

pypdf hands over every piece of text with its position and font size; from those, page by page:

* **columns**: when body lines start at two distinct left edges, one in each half of the page, with nothing
  of body size crossing the middle, the page has two columns: the left one is read before the right one
  (lines that span both, such as a title, keep their place above or below them);
* **running headers and footers**: lines in the top or bottom band of the page whose text, digits aside,
  comes back on other pages, and lone page numbers ("12", "Page 12", "12 of 40", "- 12 -"), are left out;
* **footnotes**: small raised figures next to the text (the markers) are left out; small-print lines at the
  foot of a page (the notes themselves) move to the end of the document, under a "Notes" heading, so that
  they do not break a paragraph that runs on to the next page;
* **headings**: lines set larger than the body text (or bold at body size, on a line of their own) are
  marked headings, the largest being level 1;
* **paragraphs**: a blank line where the gap between lines is wider than the usual line spacing; a word
  hyphenated at a line end is joined again ("imple-" / "mentation"); a paragraph that runs on to the next
  page is not cut by the page break.

When the positions cannot be had (a PDF whose text pypdf extracts without them), the page's plain extracted
text is used as it is.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—(\[]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$",
                          re.I)
_MARKER = re.compile(r"^[\d*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰,–-]{1,6}$")


@dataclass
class Chunk:
    x: float
    y: float
    size: float
    text: str
    bold: bool = False


@dataclass
class Line:
    y: float
    x: float
    size: float
    text: str
    bold: bool
    end_x: float = 0.0


@dataclass
class PageText:
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    height: float = 842.0
    width: float = 595.0


@dataclass
class LaidOut:
    text: str
    pages: list[int]  # offsets where pages begin
    headings: dict[int, int]
    notes: list[str]


def chunks_of(page: Any) -> list[Chunk]:
    """The text pieces of a pypdf page with their positions and sizes."""
    found: list[Chunk] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text or not text.strip():
            return
        a, b, e, f = (float(tm[k]) for k in (0, 1, 4, 5))
        ca, cb, cc, cd, ce, cf = (float(v) for v in cm)
        x = e * ca + f * cc + ce
        y = e * cb + f * cd + cf
        scale = ((a * a + b * b) ** 0.5) * ((ca * ca + cb * cb) ** 0.5) or 1.0
        name = str((font or {}).get("/BaseFont", "")) if hasattr(font, "get") else ""
        for k, piece in enumerate(text.split("\n")):
            if piece.strip():
                found.append(Chunk(x, y - k * size * scale * 1.2, float(size) * scale, piece,
                                   "bold" in name.lower() or "black" in name.lower()))

    page.extract_text(visitor_text=visit)
    return found


def _width(chunk: Chunk) -> float:
    return len(chunk.text) * chunk.size * 0.5


def body_size(pages: list[list[Chunk]]) -> float:
    sizes: Counter[float] = Counter()
    for chunks in pages:
        for c in chunks:
            sizes[round(c.size, 1)] += len(c.text.strip())
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _markers_dropped(chunks: list[Chunk], body: float) -> list[Chunk]:
    """Without footnote markers: small figures raised above a body-size piece of text they follow."""
    return [c for c in chunks if not (c.size < body * 0.8 and _MARKER.match(c.text.strip()) and any(
        b.size >= body * 0.9 and 0.5 < c.y - b.y < body and abs(b.x + _width(b) - c.x) < body * 3 for b in chunks))]


def _lines(chunks: list[Chunk]) -> list[Line]:
    """Chunks on the same baseline joined into lines, top to bottom."""
    rows: list[list[Chunk]] = []
    for c in sorted(chunks, key=lambda c: (-c.y, c.x)):
        if rows and abs(rows[-1][0].y - c.y) <= max(1.5, c.size * 0.2):
            rows[-1].append(c)
        else:
            rows.append([c])
    out = []
    for row in rows:
        row.sort(key=lambda c: c.x)
        text = ""
        for c in row:
            piece = c.text.strip() if not text else c.text.rstrip()
            if text and not text.endswith(" ") and not piece.startswith(" "):
                text += " "
            text += piece
        size = max(c.size for c in row)
        out.append(Line(row[0].y, row[0].x, size, " ".join(text.split()), all(c.bold for c in row),
                        max(c.x + _width(c) for c in row)))
    return out


def _page_lines(chunks: list[Chunk], width: float, body: float) -> list[Line]:
    """A page's lines in reading order: a two-column page's left column before its right one, lines that span
    both (a title) keeping their place above or below them (see the module doc)."""
    chunks = _markers_dropped(chunks, body)
    middle = width / 2
    bodied = [c for c in chunks if c.size <= body * 1.1]
    left = [c for c in bodied if c.x < middle - 10]
    right = [c for c in bodied if c.x >= middle - 10]
    crossing = [c for c in left if c.x + _width(c) > middle + body * 2]
    if len(left) < 3 or len(right) < 3 or len(crossing) > len(left) * 0.2:
        return _lines(chunks)
    spanning = [c for c in chunks if c.x < middle - 10 and c.x + _width(c) > middle + body * 2]
    rest = [c for c in chunks if not any(c is s for s in spanning)]
    separators = sorted(_lines(spanning), key=lambda ln: -ln.y)
    left_lines = _lines([c for c in rest if c.x < middle - 10])
    right_lines = _lines([c for c in rest if c.x >= middle - 10])
    out: list[Line] = []
    upper = float("inf")
    for sep in [*separators, None]:
        lower = sep.y if sep is not None else float("-inf")
        out.extend(ln for ln in left_lines if lower < ln.y < upper)
        out.extend(ln for ln in right_lines if lower < ln.y < upper)
        if sep is not None:
            out.append(sep)
            upper = sep.y
    return out


def _normalised(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _furniture(pages: list[PageText], body: float) -> None:
    """Leave out running headers, footers and page numbers (see the module doc)."""
    bands: list[list[Line]] = []
    for page in pages:
        top, bottom = page.height * 0.92, page.height * 0.08
        bands.append([ln for ln in page.lines if ln.y >= top or ln.y <= bottom])
    seen: Counter[str] = Counter()
    for band in bands:
        for key in {_normalised(ln.text) for ln in band}:
            seen[key] += 1
    repeated = {k for k, n in seen.items() if n >= 2 and n >= len(pages) * 0.4}
    for page, band in zip(pages, bands, strict=True):
        drop = {id(ln) for ln in band if _normalised(ln.text) in repeated or _PAGE_NUMBER.match(ln.text.strip())}
        page.lines = [ln for ln in page.lines if id(ln) not in drop]


def _footnotes(page: PageText, body: float) -> None:
    """Small-print lines in the lower part of the page are notes, not body text."""
    notes: list[str] = []
    kept: list[Line] = []
    for ln in page.lines:
        if ln.size <= body * 0.85 and ln.y < page.height * 0.3:
            if notes and not re.match(r"^\d{1,3}\s", ln.text):
                notes[-1] += " " + ln.text
            else:
                notes.append(ln.text)
        else:
            kept.append(ln)
    page.notes, page.lines = notes, kept


def lay_out(page_chunks: list[list[Chunk]], sizes: list[tuple[float, float]]) -> LaidOut | None:
    """The text of pages given as chunks (see the module doc); None when there are no chunks to lay out."""
    if not any(page_chunks):
        return None
    body = body_size(page_chunks)
    pages: list[PageText] = []
    for chunks, (width, height) in zip(page_chunks, sizes, strict=True):
        pages.append(PageText(_page_lines(chunks, width, body), height=height, width=width))
    _furniture(pages, body)
    for page in pages:
        _footnotes(page, body)
    heading_sizes = sorted({round(ln.size, 1) for p in pages for ln in p.lines if ln.size >= body * 1.15},
                           reverse=True)
    return _text(pages, body, heading_sizes)


def _heading_level(line: Line, body: float, heading_sizes: list[float]) -> int:
    size = round(line.size, 1)
    if size in heading_sizes:
        return heading_sizes.index(size) + 1
    if line.bold and size >= body * 0.95 and len(line.text.split()) <= 14 and not re.search(r"[.;,]$", line.text):
        return len(heading_sizes) + 1
    return 0


def _text(pages: list[PageText], body: float, heading_sizes: list[float]) -> LaidOut:
    parts: list[str] = []
    offsets: list[int] = []
    headings: dict[int, int] = {}
    notes: list[str] = []
    offset = 0
    last_line = ""
    for page in pages:
        gaps = [a.y - b.y for a, b in zip(page.lines, page.lines[1:], strict=False) if 0 < a.y - b.y < body * 3]
        spacing = statistics.median(gaps) if gaps else body * 1.2
        lines = [ln.text for ln in page.lines]
        levels = [_heading_level(ln, body, heading_sizes) for ln in page.lines]
        _dehyphenate(lines)
        if parts:
            runs_on = bool(lines) and not levels[0] and bool(re.match(r"^[a-z(,;–—-]", lines[0])) \
                and not re.search(r"[.!?:][\"'”’)]*$", last_line)
            sep = "\n" if runs_on else "\n\n"
            parts.append(sep)
            offset += len(sep)
        offsets.append(offset)
        previous: Line | None = None
        previous_level = 0
        for ln, text, level in zip(page.lines, lines, levels, strict=True):
            if not text:
                continue
            if previous is not None:
                gap = previous.y - ln.y
                wide = gap > spacing * 1.45 or gap < 0
                sep = "\n\n" if wide or level or previous_level else "\n"
                parts.append(sep)
                offset += len(sep)
            if level:
                headings[offset] = level
            parts.append(text)
            offset += len(text)
            previous, previous_level, last_line = ln, level, text
        notes.extend(page.notes)
    text = "".join(parts)
    if notes:
        text += "\n\n"
        headings[len(text)] = 2 if heading_sizes else 1
        text += "Notes\n\n" + "\n".join(notes)
    return LaidOut(text + "\n", offsets, headings, notes)


def _dehyphenate(lines: list[str]) -> None:
    """Join a word hyphenated at a line end: its second half moves up to the first."""
    for i in range(len(lines) - 1):
        m = re.search(r"([A-Za-z]{2,})-$", lines[i])
        nxt = re.match(r"^([a-z]{2,}[,.;:]?)(?:\s+|$)", lines[i + 1])
        if m and nxt:
            lines[i] = lines[i][:-1] + nxt.group(1)
            lines[i + 1] = lines[i + 1][nxt.end():]
