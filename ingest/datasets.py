"""Shared parts of the dataset ingesters (GOV.UK organisations, NHS ODS, GMPP, lessons CSV).

Each dataset is described by a mapping file in ``data/mappings/`` (where it comes from, its licence, how its
values map to GovKG), becomes one ``Prepared`` source whose graph holds a ``gk:SourceDocument`` for the
dataset file, and is read with the same guards: binary junk, encodings and malformed CSV raise
``InputError`` naming the byte, line or row; lesser problems go into the source's report.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, XSD, Graph, Literal, URIRef

from govkg_data import MAPPINGS_DIR
from graph.errors import InputError
from graph.namespaces import GK, ID, PREFIXES, slug
from ingest.pipeline import Prepared

RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
OWL = PREFIXES["owl"]
TYPE = RDF.type
MAX_LISTED = 200  # report lists longer than this are cut (the count stays exact)


def iri(kind: str, key: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{key}")


def gk(name: str) -> URIRef:
    return URIRef(GK + name)


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------------------------------- mappings
def load_mapping(path: Path) -> dict[str, Any]:
    """A mapping file (YAML, one mapping at the top)."""
    where = display(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError("no such mapping file", where=where) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", where=f"{where}{line}") from exc
    if not isinstance(data, dict):
        raise InputError("a mapping file must hold a mapping (key: value lines)", where=where)
    return data


def bundled_mapping(name: str) -> dict[str, Any]:
    return load_mapping(MAPPINGS_DIR / f"{name}.yaml")


def need(mapping: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = mapping.get(name)
    if not isinstance(value, kind):
        raise InputError(f"mapping needs '{name}' ({kind.__name__})", where=where)
    return value


@dataclass(frozen=True)
class DatasetSource:
    """A dataset file as a source document: what the datasets README says about it."""

    key: str
    title: str
    publisher: str
    url: str
    licence: str
    identifier: str = ""

    @classmethod
    def from_mapping(cls, mapping: dict[str, Any], where: str, **override: str) -> DatasetSource:
        block = need(mapping, "source", dict, where)
        values = {name: str(block.get(name) or "").strip() for name in
                  ("key", "title", "publisher", "url", "licence", "identifier")}
        values.update(override)
        for name in ("key", "title"):
            if not values[name]:
                raise InputError(f"mapping needs source.{name}", where=where)
        return cls(**values)

    @property
    def iri(self) -> URIRef:
        return iri("source", self.key)

    def add_to(self, g: Graph, content_hash: str) -> URIRef:
        s = self.iri
        g.add((s, TYPE, gk("SourceDocument")))
        g.add((s, gk("key"), Literal(self.key)))
        g.add((s, URIRef(DCT + "title"), Literal(self.title)))
        g.add((s, URIRef(RDFS + "label"), Literal(self.title)))
        g.add((s, gk("sourceKind"), Literal("dataset")))
        g.add((s, gk("reliability"), Literal("primary")))
        g.add((s, gk("contentHash"), Literal(content_hash)))
        if self.publisher:
            g.add((s, gk("publisherName"), Literal(self.publisher)))
        if self.url:
            g.add((s, gk("url"), Literal(self.url, datatype=XSD.anyURI)))
        if self.licence:
            g.add((s, gk("licence"), Literal(self.licence)))
        if self.identifier:
            g.add((s, URIRef(DCT + "identifier"), Literal(self.identifier)))
        return s


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


# ------------------------------------------------------------------------------------------- reports
@dataclass
class Report:
    """What an ingester noticed: counts, and lists of problems (each list cut at MAX_LISTED entries)."""

    counts: dict[str, int] = field(default_factory=dict)
    lists: dict[str, list[Any]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def add(self, name: str, entry: Any) -> None:
        self.totals[name] = self.totals.get(name, 0) + 1
        items = self.lists.setdefault(name, [])
        if len(items) < MAX_LISTED:
            items.append(entry)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"counts": dict(sorted(self.counts.items()))}
        out.update(self.info)
        for name, items in self.lists.items():
            out[name] = items
            if self.totals[name] > len(items):
                out[f"{name}_total"] = self.totals[name]
        return out


def prepared(source: DatasetSource, ingester: str, origin: Path | str, content_hash: str, graph: Graph,
             report: Report, where: dict[str, str] | None = None, *, headline: str = "") -> Prepared:
    """The dataset as a source ready to check and write; ``where`` maps record IRIs to places in the file
    (for SHACL messages), ``headline`` says what was read ("1,262 organisations") at the top of the report."""
    locations = where or {}

    def locate(iri: str) -> str:
        return locations.get(iri, iri)

    data = report.as_dict()
    if headline:
        data = {"summary": headline, **data}
    return Prepared(key=source.key, title=source.title, origin=str(origin), ingester=ingester,
                    content_hash=content_hash, graph=graph, report=data, locate=locate)


# ------------------------------------------------------------------------------------------- reading
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def check_text(raw: bytes, where: str) -> None:
    """Refuse binary junk: a NUL byte, or many control characters, names the byte where it starts."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(f"binary data, not text: NUL byte at byte {nul}", where=where,
                         hint="is this the right file?")
    sample = raw[:65536]
    controls = list(_CONTROL.finditer(sample))
    if sample and len(controls) > max(8, len(sample) // 200):
        raise InputError(f"binary data, not text: control bytes from byte {controls[0].start()}", where=where,
                         hint="is this the right file?")


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("govkg-latin1", _latin1_fallback)


def decode(raw: bytes, where: str) -> tuple[str, str]:
    """Text and the encoding it was read with: UTF-8 (with or without BOM), else Windows-1252 (bytes that
    code page leaves undefined read as Latin-1)."""
    check_text(raw, where)
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig" if raw.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="govkg-latin1"), "cp1252+latin-1"


def decode_repairing(raw: bytes, repairs: dict[int, str], where: str) -> tuple[str, Callable[[str], str],
                                                                            dict[str, int]]:
    """Mostly-UTF-8 text with stray bytes. The text keeps each stray byte as a placeholder (so that a byte
    standing for a quote cannot break the CSV quoting); ``repair(cell)`` then reads it with ``repairs``
    (byte → text), else as Windows-1252, counting each way in the returned dict."""
    check_text(raw, where)
    counts = {"repaired": 0, "cp1252": 0}
    text = raw.decode("utf-8-sig", errors="surrogateescape")

    def fix(match: re.Match[str]) -> str:
        byte = ord(match.group(0)) - 0xDC00
        if byte in repairs:
            counts["repaired"] += 1
            return repairs[byte]
        counts["cp1252"] += 1
        return bytes([byte]).decode("cp1252", errors="govkg-latin1")

    def repair(cell: str) -> str:
        return _STRAY.sub(fix, cell)

    return text, repair, counts


_STRAY = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class CsvRow:
    number: int  # 1-based record number (the header, when there is one, is record 1)
    line: int  # line of the file where the record ends
    cells: list[str]


def read_csv(text: str, where: str, *, fields: int | None = None) -> Iterator[CsvRow]:
    """Records of a CSV text with any line endings (CR, LF, CRLF, and CRs inside quoted fields).

    A record cut off inside quotes, a stray quote, or (with ``fields``) a record of the wrong length raises
    InputError naming the record and line. Blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"malformed CSV in record {number + 1}: {exc}", where=f"{where}:{reader.line_num}",
                             hint="the file may be truncated or not CSV") from exc
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        number += 1
        if fields is not None and len(cells) != fields:
            raise InputError(f"record {number} has {len(cells)} fields, expected {fields}",
                             where=f"{where}:{reader.line_num}", hint="the file may be truncated or damaged")
        yield CsvRow(number, reader.line_num, cells)


_BLOCK_TAGS = ("br", "p", "div", "ul", "ol", "li", "center", "table", "tr", "thead", "tbody", "tfoot", "caption",
               "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "dl", "dt", "dd")
_INLINE_TAGS = ("a", "abbr", "b", "big", "cite", "code", "em", "font", "i", "img", "q", "s", "small", "span",
                "strike", "strong", "sub", "sup", "td", "th", "tt", "u", "col", "colgroup")
_TAG = re.compile(r"</?\s*(" + "|".join(_BLOCK_TAGS + _INLINE_TAGS) + r")(\s[^<>]*?)?\s*/?>", re.IGNORECASE)
_CUT_TAG = re.compile(r"</?\s*(" + "|".join(_BLOCK_TAGS) + r")\s*/(?=[\s<]|$)", re.IGNORECASE)  # "<br/" with no ">"
_ENTITY = re.compile(r"&(#\d{1,6}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


def strip_markup(text: str) -> str:
    """Text without the HTML that some datasets carry in their cells (``<br/>``, ``</ul>``, ``<li …>``,
    ``&amp;``): tags that break a line (br, p, li, table rows …) become line breaks, the others go; entities
    are read; a line-break tag cut short (``<br/`` with no ``>``) is read as one. Only known HTML tag names are touched, and only with attributes that have values, so "costs <10%
    over" or "a <b and c> d" stay as they are."""
    def tag(m: re.Match[str]) -> str:
        if m.group(2) and "=" not in m.group(2):  # "a <b and c> d" is text: a tag's attributes have values
            return m.group(0)
        return "\n" if m.group(1).lower() in _BLOCK_TAGS else ""

    if "<" in text:
        text = _CUT_TAG.sub("\n", _TAG.sub(tag, text))
    if "&" in text and _ENTITY.search(text):
        import html

        text = html.unescape(text)
    return text


def clean(text: str) -> str:
    """Trim a cell; drop HTML markup (:func:`strip_markup`); collapse runs of spaces; keep line breaks (CRs
    become newlines)."""
    text = strip_markup(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def key_part(text: str) -> str:
    return slug(text)


def short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "…"


Adder = Callable[[URIRef, str, Any], None]


def adder(g: Graph) -> Adder:
    """``add(subject, "gk:name" or full IRI, value)``: literals for str/int/Decimal/date, IRIs for URIRef;
    None and empty strings are skipped."""

    def add(subject: URIRef, predicate: str, value: Any) -> None:
        if value is None or value == "":
            return
        if ":" in predicate and not predicate.startswith("http"):
            prefix, _, name = predicate.partition(":")
            pred = URIRef(PREFIXES[prefix] + name)
        else:
            pred = URIRef(predicate)
        g.add((subject, pred, value if isinstance(value, URIRef | Literal) else Literal(value)))

    return add
