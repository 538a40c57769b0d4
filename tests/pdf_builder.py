"""PDFs built from code for the document tests: a minimal one (one line per string), and long reports laid out
like printed ones — two columns, running headers and footers, page numbers, superscript footnote markers,
footnotes at the foot of the page and numbered paragraphs — whose content streams write the two columns line
by line across the page, as many real PDFs do."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field


def _esc(s: str) -> bytes:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252")


def _assemble(page_streams: list[bytes], title: str = "", created: str = "D:20210601120000Z",
              width: int = 595, height: int = 842) -> bytes:
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                         b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"]
    kids = []
    for stream in page_streams:
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R "
                    b"/F2 4 0 R >> >> /Contents %d 0 R >>" % (width, height, len(objs)))
        kids.append(len(objs))
    objs[1] = b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids) + b"] /Count %d >>" % len(kids)
    info = b""
    if title:
        objs.append(b"<< /Title (" + _esc(title) + b") /CreationDate (" + created.encode() + b") >>")
        info = b" /Info %d 0 R" % len(objs)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, info, xref)
    return bytes(out)


PDF_PAGES = [
    ["Digital records review (test fixture)", "Key findings",
     "\u2022 Only 54% of trusts can rely on digital records.", "\u2022 NHSX does not have a plan for interoperability."],
    ["Recommendations", "\u2022 NHS Digital should publish standards by July 2021.",
     "Government committed \u00a34.7 billion from 2016-17 to 2020-21."],
]


def make_pdf(pages: list[list[str]], title: str = "") -> bytes:
    """A minimal PDF (Helvetica, WinAnsi text), one line per string, with a title in its information."""
    streams = [b"BT /F1 11 Tf 14 TL 72 770 Td " + b" ".join(b"(" + _esc(t) + b") Tj T*" for t in lines) + b" ET"
               for lines in pages]
    return _assemble(streams, title)


# ------------------------------------------------------------------------------------------- laid-out reports
@dataclass
class Run:
    x: float
    y: float
    size: float
    text: str
    bold: bool = False


@dataclass
class Block:
    """A heading (level 1-3), a paragraph (its number, like "2.14", printed before it) or a bullet."""

    kind: str  # "heading", "para" or "bullet"
    text: str  # footnote markers as ^1, ^2 … right after a word
    level: int = 0
    number: str = ""


@dataclass
class Report:
    title: str
    header: str  # running header; {page} is replaced by the page number
    footer: str  # running footer
    blocks: list[Block]
    footnotes: dict[str, str] = field(default_factory=dict)


WIDTH, HEIGHT = 595, 842
COLUMNS = (54.0, 310.0)  # left edges of the two columns
CHARS = 44  # characters per column line at 9.5 pt
BODY, LEADING, TOP, BOTTOM = 9.5, 12.0, 770.0, 150.0  # footnotes sit below BOTTOM, above the footer


def _line_runs(x: float, y: float, line: str, size: float, bold: bool) -> list[Run]:
    """A line's runs: footnote markers (^n) become small raised runs of their own."""
    runs: list[Run] = []
    parts = line.split("^")
    cursor = x
    for i, part in enumerate(parts):
        if i > 0:
            digits = len(part) - len(part.lstrip("0123456789"))
            marker, part = part[:digits], part[digits:]
            runs.append(Run(cursor, y + 3.5, size * 0.6, marker))
            cursor += len(marker) * size * 0.35
        if part:
            runs.append(Run(cursor, y, size, part, bold))
            cursor += len(part) * size * 0.5
    return runs


def layout(report: Report) -> bytes:
    """The report as a two-column PDF (see the module doc)."""
    pages: list[list[Run]] = []
    footnotes_on: list[list[str]] = []
    page: list[Run] = []
    notes: list[str] = []
    column, y = 0, TOP - 40.0

    def new_page() -> None:
        nonlocal page, notes, column, y
        pages.append(page)
        footnotes_on.append(notes)
        page, notes, column, y = [], [], 0, TOP

    page.append(Run(COLUMNS[0], TOP, 16, report.title, True))
    for block in report.blocks:
        size = {1: 13.0, 2: 11.5, 3: 10.5}.get(block.level, BODY) if block.kind == "heading" else BODY
        prefix = f"{block.number} " if block.number else ("\u2022 " if block.kind == "bullet" else "")
        lines = textwrap.wrap(prefix + block.text, CHARS if size == BODY else int(CHARS * BODY / size))
        needed = len(lines) * LEADING + (8 if block.kind != "bullet" else 2)
        if y - needed < BOTTOM:
            if column == 0:
                column, y = 1, (TOP - 40.0 if not pages else TOP)
            else:
                new_page()
        y -= 8 if block.kind != "bullet" else 2
        for line in lines:
            page.extend(_line_runs(COLUMNS[column], y, line, size, block.kind == "heading"))
            for ref in [p[:len(p) - len(p.lstrip("0123456789"))] for p in line.split("^")[1:]]:
                if ref in report.footnotes:
                    notes.append(f"{ref} {report.footnotes[ref]}")
            y -= LEADING
    new_page()
    streams = []
    for number, (runs, notes_here) in enumerate(zip(pages, footnotes_on, strict=True), start=1):
        runs = list(runs)
        runs.append(Run(COLUMNS[0], 810, 8, report.header.format(page=number)))
        runs.append(Run(COLUMNS[0], 40, 8, report.footer.format(page=number)))
        runs.append(Run(290, 26, 8, str(number)))
        for k, note in enumerate(notes_here[:8]):
            runs.append(Run(COLUMNS[0], 135 - k * 9, 7, note))
        # line by line across the page, left column then right, as a typesetter might write them
        runs.sort(key=lambda r: (-round(r.y), r.x))
        body = b" ".join(b"BT /%s %.1f Tf 1 0 0 1 %.1f %.1f Tm (%s) Tj ET" % (
            b"F2" if r.bold else b"F1", r.size, r.x, r.y, _esc(r.text)) for r in runs)
        streams.append(body)
    return _assemble(streams, report.title, width=WIDTH, height=HEIGHT)
