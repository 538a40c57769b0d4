"""Reading report documents: bytes → the document text, its marked headings, block quotes and any embedded
metadata.

The document text is what evidence offsets count in (it is stored as ``gk:documentText``); it holds no markup:

* plain text: the file decoded, line ends made ``\\n`` (LaTeX-style macros, if it has them, read as below);
* Markdown, reStructuredText, AsciiDoc (markup.py, rst.py, asciidoc.py) and LaTeX-style macros in Markdown,
  plain text or a ``.tex`` file (latex.py): the text without markup, headings remembered as marked headings,
  block quotes as quotes;
* HTML (html.py): the text of the page (of ``<main>`` or ``<article>`` when there is one), one block per
  paragraph, heading or list item, list items written ``• item`` or ``1. item``; scripts, styles and
  navigation left out;
* PDF (pdf.py): the text laid out as a reader sees the page — columns, running headers and footers, page
  numbers and footnotes dealt with — page by page.

Encoding policy for the text formats: UTF-8 (with or without a byte-order mark); failing that, Windows-1252
when every byte is defined in it (noted in the report). Anything else is refused with the byte, line and
column of the first bad byte: UTF-16 or UTF-32 (with or without a byte-order mark), binary data (NUL or
control bytes), and bytes that are neither UTF-8 nor Windows-1252.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from ingest.documents.pdf import Chunk, chunks_of, lay_out

TEXT_TYPES = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown",
              ".rst": "text/x-rst", ".rest": "text/x-rst", ".adoc": "text/asciidoc", ".asciidoc": "text/asciidoc",
              ".asc": "text/asciidoc", ".tex": "text/x-tex", ".html": "text/html", ".htm": "text/html",
              ".xhtml": "text/html", ".pdf": "application/pdf"}


@dataclass
class Extracted:
    """A document read into text."""

    text: str
    media_type: str
    encoding: str = ""
    headings: dict[int, int] = field(default_factory=dict)  # offset of a marked heading's line → its level
    metadata: dict[str, Any] = field(default_factory=dict)  # front matter, or HTML/PDF metadata
    metadata_origin: str = ""  # "front matter", "HTML head" or "PDF information"
    embedded: bool = False  # metadata from the HTML head or PDF information (weaker than front matter)
    pages: list[int] = field(default_factory=list)  # offsets where PDF pages begin
    skipped_lines: int = 0  # lines before the text (front matter), to give file lines in messages
    notes: list[str] = field(default_factory=list)
    quotes: list[tuple[int, int]] = field(default_factory=list)  # block quotes (Markdown ">", AsciiDoc "____" …)
    lines_exact: bool = True  # a text line is a file line (after the skipped ones)


def media_type(path: Path, head: bytes) -> str | None:
    """The document format from the file name, else from the first bytes (PDF, HTML)."""
    known = TEXT_TYPES.get(path.suffix.lower())
    if known:
        return known
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:64].lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    return None


def read(raw: bytes, kind: str, where: str) -> Extracted:
    """The document text of ``raw`` read as ``kind`` (a media type); InputError for what cannot be read."""
    if not raw.strip():
        raise InputError("empty document: there is no text in it", where=where)
    if kind == "application/pdf":
        out = read_pdf(raw, where)
    else:
        text, encoding, note = decode(raw, where)
        if kind == "text/html":
            from ingest.documents.html import read_html

            out = read_html(text)
        else:
            out = read_marked(text, where, kind)
        out.encoding = encoding
        if note:
            out.notes.append(note)
    if not out.text.strip():
        what = {"application/pdf": "no text could be extracted (a scanned image?)",
                "text/html": "the page has no text outside scripts, styles and navigation"}.get(kind, "no text")
        raise InputError(f"empty document: {what}", where=where)
    return out


# ------------------------------------------------------------------------------------------- decoding
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
         (codecs.BOM_UTF16_BE, "UTF-16"))
_CONVERT = "save it as UTF-8 (for example: iconv -f {enc} -t UTF-8 FILE > FILE.txt)"


def decode(raw: bytes, where: str) -> tuple[str, str, str]:
    """The text, the encoding it was read with, and a note when it was not UTF-8 (see the module doc)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise InputError(f"{name} text (byte-order mark at byte 0): documents must be UTF-8", where=where,
                             hint=_CONVERT.format(enc=name))
    nul = raw.find(b"\x00")
    if nul >= 0:
        sample = raw[:400]
        if sample.count(b"\x00") * 3 >= len(sample):
            raise InputError(f"looks like UTF-16 text without a byte-order mark (NUL bytes from byte {nul}): "
                             "documents must be UTF-8", where=where, hint=_CONVERT.format(enc="UTF-16"))
        raise InputError(f"binary data, not text: NUL byte at byte {nul} ({_position(raw, nul)})", where=where,
                         hint="is this the right file?")
    controls = list(_CONTROL.finditer(raw[:65536]))
    if controls and len(controls) > max(8, min(len(raw), 65536) // 200):
        first = controls[0].start()
        raise InputError(f"binary data, not text: control bytes from byte {first} ({_position(raw, first)})",
                         where=where, hint="is this the right file?")
    try:
        text = raw.decode("utf-8-sig")
        return _newlines(text), "utf-8", ""
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte 0x{raw[bad]:02x} at byte {bad}, {_position(raw, bad)}) nor Windows-1252 (byte "
            f"0x{raw[exc.start]:02x} at byte {exc.start} has no character in it)", where=where,
            hint="save the file as UTF-8") from None
    note = f"not UTF-8 (byte 0x{raw[bad]:02x} at byte {bad}, {_position(raw, bad)}): read as Windows-1252"
    return _newlines(text), "cp1252", note


def _position(raw: bytes, offset: int) -> str:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------------------------------- plain text
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def load_yaml(text: str) -> Any:
    """YAML with dates left as text (so that a bad date is reported as a bad date of its field)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return yaml.load(text, Loader=_Loader)


def front_matter(text: str, where: str) -> tuple[dict[str, Any], str, int]:
    """YAML front matter between ``---`` lines at the top: (metadata, the rest of the text, lines removed)."""
    import yaml

    match = _FRONT.match(text)
    if not match:
        return {}, text, 0
    try:
        data = load_yaml(match.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 2}" if mark is not None else ""
        raise InputError(f"malformed YAML front matter: {getattr(exc, 'problem', exc)}", where=f"{where}{line}",
                         hint="the front matter is the YAML between the first two '---' lines") from exc
    if not isinstance(data, dict):
        raise InputError("the front matter must be a YAML mapping (key: value lines)", where=f"{where}:2")
    skipped = match.group(0).count("\n")
    return data, text[match.end():], skipped


# ------------------------------------------------------------------------------------------- marked-up text
def read_marked(text: str, where: str, kind: str) -> Extracted:
    """Markdown, reStructuredText, AsciiDoc or LaTeX (see markup.py and latex.py); LaTeX-style macros in
    Markdown or plain text are read first."""
    from ingest.documents.asciidoc import read_asciidoc
    from ingest.documents.latex import latex_to_markdown, looks_like_latex
    from ingest.documents.markup import read_markdown
    from ingest.documents.rst import read_rst

    meta, body, skipped = front_matter(text, where) if kind in ("text/markdown", "text/plain", "text/x-tex") \
        else ({}, text, 0)
    notes: list[str] = []
    converted = False
    if kind == "text/x-tex" or (kind in ("text/markdown", "text/plain") and looks_like_latex(body)):
        body = latex_to_markdown(body, tex=kind == "text/x-tex")
        converted = True
        notes.append("LaTeX-style macros read: sections made headings, the text inside other macros kept")
    if kind == "text/x-rst":
        marked = read_rst(body)
    elif kind == "text/asciidoc":
        marked = read_asciidoc(body)
    else:
        marked = read_markdown(body)
    if kind == "text/plain" and not converted:  # plain text: no markup of its own, only what LaTeX gave
        marked.text, marked.headings, marked.quotes = body, {}, []
    embedded = dict(marked.metadata)
    for name, value in meta.items():
        embedded[name] = value
    origin = "front matter" if meta else ("document header" if embedded else "")
    return Extracted(marked.text, kind, headings=marked.headings, metadata=embedded, metadata_origin=origin,
                     skipped_lines=skipped, quotes=marked.quotes, notes=notes, lines_exact=not converted)


# ------------------------------------------------------------------------------------------- PDF
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}


def read_pdf(raw: bytes, where: str) -> Extracted:
    """The text of a PDF, page by page (pypdf); InputError naming the page for a damaged file."""
    try:
        from pypdf import PdfReader
    except ModuleNotFoundError:  # pragma: no cover - pypdf is a dependency
        raise InputError("reading PDF documents needs pypdf", where=where, hint="pip install pypdf") from None
    if not raw.startswith(b"%PDF-"):
        raise InputError(f"not a PDF: it starts with {raw[:8]!r}, not %PDF-", where=where)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    page = 0
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("the PDF is encrypted with a password", where=where,
                             hint="save an unencrypted copy")
        texts: list[str] = []
        chunks: list[list[Chunk]] = []
        sizes: list[tuple[float, float]] = []
        for pdf_page in reader.pages:
            page += 1
            texts.append(pdf_page.extract_text() or "")
            chunks.append(chunks_of(pdf_page))
            box = pdf_page.mediabox
            sizes.append((float(box.width), float(box.height)))
        info = reader.metadata
        meta = _pdf_metadata(info) if info is not None else {}
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        at = f" (page {page})" if page else ""
        raise InputError(f"corrupt PDF{at}: {type(exc).__name__}: {exc}", where=where,
                         hint="check the file opens in a PDF reader") from exc
    if not texts:
        raise InputError("corrupt PDF: it has no pages", where=where)
    plain = sum(len("".join(t.split())) for t in texts)
    laid = lay_out(chunks, sizes)
    if laid is not None and len("".join(laid.text.split())) >= plain * 0.6:
        text = _ligatures(laid.text)
        notes = [f"PDF laid out from text positions: {len(laid.notes)} footnote(s) moved to the end"] \
            if laid.notes else []
        return Extracted(text, "application/pdf", metadata=meta, metadata_origin="PDF information" if meta else "",
                         embedded=True, pages=laid.pages, headings=laid.headings, notes=notes)
    pages: list[int] = []
    parts: list[str] = []
    offset = 0
    for page_text in texts:
        page_text = _newlines(_ligatures(page_text)).strip("\n") + "\n"
        pages.append(offset)
        parts.append(page_text)
        offset += len(page_text) + 1
    return Extracted("\n".join(parts), "application/pdf", metadata=meta,
                     metadata_origin="PDF information" if meta else "", embedded=True, pages=pages)


def _ligatures(text: str) -> str:
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    return text


def _pdf_metadata(info: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    title = getattr(info, "title", None)
    if isinstance(title, str) and title.strip():
        meta["title"] = " ".join(title.split())
    try:
        created = info.creation_date
    except (ValueError, TypeError):
        created = None
    if isinstance(created, dt.datetime):
        meta["date"] = created.date().isoformat()
    return meta
