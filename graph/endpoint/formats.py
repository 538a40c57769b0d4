"""Content negotiation: which serialisation a client gets, from its ``Accept`` header or a ``format`` parameter.

SELECT and ASK results come as SPARQL JSON (the default), XML, CSV or TSV; CONSTRUCT and DESCRIBE graphs as
Turtle (the default), N-Triples, JSON-LD or RDF/XML. Every one is written by pyoxigraph's own serialisers.
A ``format`` (or ``output``) parameter wins over the header, so a link can ask for CSV; its values are the
short names below or a media type (SPARQLWrapper sends ``format=json``, ``format=xml``, ``format=turtle`` …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str  # what the response's Content-Type says
    accepts: tuple[str, ...]  # media types a client may ask for it with
    results: ox.QueryResultsFormat | None = None
    rdf: ox.RdfFormat | None = None

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.media_type.startswith("text/") else self.media_type

    @property
    def iri(self) -> str:
        fmt = self.results or self.rdf
        assert fmt is not None
        return fmt.iri


JSON = Format("json", "application/sparql-results+json", ("application/sparql-results+json", "application/json"),
              results=ox.QueryResultsFormat.JSON)
XML = Format("xml", "application/sparql-results+xml",
             ("application/sparql-results+xml", "application/xml", "text/xml"), results=ox.QueryResultsFormat.XML)
CSV = Format("csv", "text/csv", ("text/csv",), results=ox.QueryResultsFormat.CSV)
TSV = Format("tsv", "text/tab-separated-values", ("text/tab-separated-values",), results=ox.QueryResultsFormat.TSV)
TURTLE = Format("ttl", "text/turtle", ("text/turtle", "application/turtle", "application/x-turtle", "text/n3"),
                rdf=ox.RdfFormat.TURTLE)
NTRIPLES = Format("nt", "application/n-triples", ("application/n-triples", "text/plain"),
                  rdf=ox.RdfFormat.N_TRIPLES)
JSONLD = Format("jsonld", "application/ld+json", ("application/ld+json", "application/x-json+ld"),
                rdf=ox.RdfFormat.JSON_LD)
RDFXML = Format("rdfxml", "application/rdf+xml", ("application/rdf+xml",), rdf=ox.RdfFormat.RDF_XML)

RESULT_FORMATS = (JSON, XML, CSV, TSV)  # SELECT and ASK; the first is the default
GRAPH_FORMATS = (TURTLE, NTRIPLES, JSONLD, RDFXML)  # CONSTRUCT, DESCRIBE, the service description

# ``format=`` values: (for SELECT/ASK, for CONSTRUCT/DESCRIBE)
_PARAM = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "ttl": (None, "ttl"), "turtle": (None, "ttl"), "n3": (None, "ttl"),
    "nt": (None, "nt"), "ntriples": (None, "nt"), "n-triples": (None, "nt"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"), "rdfxml": (None, "rdfxml"), "rdf+xml": (None, "rdfxml"),
}


def _by_name(name: str | None, formats: Sequence[Format]) -> Format | None:
    return next((f for f in formats if f.name == name), None)


def parse_accept(header: str) -> list[tuple[str, float]]:
    """``text/csv;q=0.5, */*;q=0.1`` → ``[("text/csv", 0.5), ("*/*", 0.1)]`` (media ranges lower-cased)."""
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q))
    return out


def _quality(fmt: Format, ranges: list[tuple[str, float]]) -> float:
    """The q the client gives ``fmt``: from the most specific range that matches it (RFC 9110 §12.5.1)."""
    best: tuple[int, float] | None = None
    for media, q in ranges:
        for accepted in fmt.accepts:
            if media == accepted:
                rank = 3
            elif media.endswith("/*") and accepted.startswith(media[:-1]):
                rank = 2
            elif media == "*/*":
                rank = 1
            else:
                continue
            if best is None or rank > best[0] or (rank == best[0] and q > best[1]):
                best = (rank, q)
    return best[1] if best else 0.0


def negotiate(kind: str, accept: str | None, format_values: Sequence[str] = ()) -> Format | None:
    """The format for a ``kind`` of answer ("results" or "graph"); None when the client accepts none."""
    formats = RESULT_FORMATS if kind == "results" else GRAPH_FORMATS
    for value in format_values:
        value = value.strip().lower()
        if value in _PARAM:
            chosen = _by_name(_PARAM[value][0 if kind == "results" else 1], formats)
            if chosen:
                return chosen
        for fmt in formats:
            if value.split(";")[0].strip() in fmt.accepts:
                return fmt
    if not accept or not accept.strip():
        return formats[0]
    ranges = parse_accept(accept)
    scored = [(_quality(f, ranges), -i, f) for i, f in enumerate(formats)]
    q, _, fmt = max(scored, key=lambda t: (t[0], t[1]))
    return fmt if q > 0 else None


def prefers_html(accept: str | None) -> bool:
    """True when the client (a browser) ranks HTML above every RDF format: show it YASGUI."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    html = max((q for media, q in ranges if media in ("text/html", "application/xhtml+xml")), default=0.0)
    return html > 0 and html >= max(_quality(f, ranges) for f in GRAPH_FORMATS) and \
        any(media == "text/html" for media, _ in ranges)


def names(kind: str) -> list[str]:
    return [f.media_type for f in (RESULT_FORMATS if kind == "results" else GRAPH_FORMATS)]
