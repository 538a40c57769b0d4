"""Reading an HTML page into a document's text: the text of ``<main>`` or ``<article>`` when there is one, else
of the body; one block per paragraph, heading or list item (``• item``, ``1. item``), blocks separated by a
blank line; scripts, styles, navigation and forms left out. The ``<title>``, ``<meta>`` tags and canonical
link give metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from ingest.documents.markup import TABLE_HEADER_LEVEL
from ingest.documents.read import Extracted

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "form", "button", "select", "iframe", "canvas"}
_BLOCKS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre", "table",
           "tr", "ul", "ol", "dl", "dt", "dd", "figure", "figcaption", "address", "li", "br", "hr", "caption",
           "h1", "h2", "h3", "h4", "h5", "h6", "body", "details", "summary"}
_META_FIELDS = {
    "title": ("dc.title", "dcterms.title", "citation_title", "og:title"),
    "publisher": ("dc.publisher", "dcterms.publisher", "citation_publisher", "publisher", "og:site_name"),
    "date": ("dc.date", "dcterms.issued", "dcterms.date", "citation_publication_date", "article:published_time",
             "date"),
    "identifier": ("dc.identifier", "dcterms.identifier", "citation_doi"),
    "url": ("og:url",),
}


_BREAK = "\x1e"  # stands for <br> while a block's text is gathered


@dataclass
class _Block:
    kind: str  # "heading", "item" or "text"
    level: int = 0
    marker: str = ""
    parts: list[str] = field(default_factory=list)
    in_main: bool = False


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.current = _Block("text")
        self.skip = 0
        self.main = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}
        self.lists: list[list[int]] = []  # per open list: [ordered (0/1), counter]
        self.row_has_data = False  # the open table row has a <td> (else it is a header row of <th>)

    def _flush(self, kind: str = "text", level: int = 0, marker: str = "") -> None:
        if "".join(self.current.parts).strip():
            self.blocks.append(self.current)
        self.current = _Block(kind, level, marker, in_main=self.main > 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or "").lower()
            if name and a.get("content"):
                self.meta.setdefault(name, a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        if tag in ("main", "article"):
            self.main += 1
        if tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0, 0])
        if tag == "td":
            self.row_has_data = True
        if tag in ("td", "th"):  # a table's cells joined by "; " within their row (as markup.py does)
            self.current.parts.append("; " if "".join(self.current.parts).strip() else " ")
        if tag not in _BLOCKS:
            return
        if tag == "tr":  # a table row as a list item of its own: a short row is not taken for a heading
            self._flush("item", marker="• ")
            self.row_has_data = False
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush("heading", int(tag[1]))
        elif tag == "li":
            marker = "• "
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                marker = f"{self.lists[-1][1]}. "
            self._flush("item", marker=marker)
        elif tag == "br":
            self.current.parts.append(_BREAK)
        else:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "title":
            self.in_title = False
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag == "tr" and not self.row_has_data and self.current.kind == "item":  # a row of <th> only: a header
            self.current.kind, self.current.level, self.current.marker = "heading", TABLE_HEADER_LEVEL, ""
        if tag in _BLOCKS and tag != "br":
            self._flush()
        if tag in ("main", "article"):
            self.main = max(0, self.main - 1)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.current.parts.append(data)


def read_html(text: str) -> Extracted:
    reader = _PageReader()
    reader.feed(text)
    reader.close()
    reader._flush()
    blocks = reader.blocks
    if any(b.in_main for b in blocks):
        blocks = [b for b in blocks if b.in_main]
    lines: list[str] = []
    headings: dict[int, int] = {}
    offset = 0
    previous = ""
    for block in blocks:
        pieces = (" ".join(part.split()) for part in "".join(block.parts).split(_BREAK))
        body = "\n".join(piece for piece in pieces if piece)
        if not body:
            continue
        if lines:
            sep = "\n" if block.kind == "item" and previous == "item" else "\n\n"
            lines.append(sep)
            offset += len(sep)
        if block.kind == "heading":
            headings[offset] = block.level
            body = body.replace("\n", " ")
        elif block.kind == "item":
            body = block.marker + body.replace("\n", " ")
        lines.append(body)
        offset += len(body)
        previous = block.kind
    meta = _html_metadata(reader.meta, " ".join(reader.title.split()))
    return Extracted("".join(lines) + "\n", "text/html", headings=headings, metadata=meta,
                     metadata_origin="HTML head" if meta else "", embedded=True)


def _html_metadata(found: dict[str, str], title: str) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for name, keys in _META_FIELDS.items():
        for key in keys:
            if found.get(key):
                meta[name] = found[key]
                break
    if "title" not in meta and title:
        meta["title"] = title
    if "url" not in meta and found.get("canonical", "").startswith(("http://", "https://")):
        meta["url"] = found["canonical"]
    if "date" in meta:
        day = re.match(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", str(meta["date"]))
        if day:
            meta["date"] = day.group(0)
        else:
            del meta["date"]
    return meta
