"""SPARQL text helpers shared by the remote backend and the endpoint: query forms, prefixes, dataset clauses,
and reading a server's answer as a stream of terms or a :class:`graph.backends.types.QueryResult`."""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.backends.base import RawAnswer
from graph.backends.types import QueryResult, collect
from graph.errors import StoreError
from graph.namespaces import PREFIXES

FROM_CLAUSE = re.compile(r"(?i)\bFROM\s+(NAMED\s+)?<")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")
_PROLOGUE = re.compile(r"""\s*(?:\#[^\n]*\n?\s*)*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*(?:\#[^\n]*\n?\s*)*)*""",
                       re.IGNORECASE)
_FORM = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_BNODE_XML = re.compile(rb"<bnode>([^<]*)</bnode>")
_NOT_BNODE_CHAR = re.compile(rb"[^A-Za-z0-9_]")


def query_form(sparql: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe`` (the keyword after the prologue), else None."""
    rest = sparql[_PROLOGUE.match(sparql).end():]  # type: ignore[union-attr]  # the pattern matches ""
    match = _FORM.match(rest)
    return match.group(1).lower() if match else None


def with_prefixes(sparql: str) -> str:
    """The query with GovKG's common prefixes declared, except those the query declares itself."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    missing = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    return missing + sparql


def _safe_bnode(match: re.Match[bytes]) -> bytes:
    label = _NOT_BNODE_CHAR.sub(b"_", match.group(1)) or b"b"
    return b"<bnode>" + (label if label[:1].isalpha() else b"b" + label) + b"</bnode>"


def parse_raw(body: bytes, content_type: str) -> RawAnswer:
    """A server's query answer (SPARQL results in XML, JSON or TSV, or an RDF graph) as a stream of terms,
    parsed by pyoxigraph as it is read."""
    results_format = ox.QueryResultsFormat.from_media_type(content_type) if content_type else None
    if results_format is not None and results_format != ox.QueryResultsFormat.CSV:
        if results_format == ox.QueryResultsFormat.XML and b"<bnode>" in body:
            body = _BNODE_XML.sub(_safe_bnode, body)  # Virtuoso labels blank nodes nodeID://b1: not valid ids
        try:
            return ox.parse_query_results(body, results_format)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL server's results cannot be read: {exc}") from exc
    rdf_format = ox.RdfFormat.from_media_type(content_type) if content_type else None
    if rdf_format is None:
        raise StoreError(f"the SPARQL server answered with {content_type or 'no content type'}, "
                         "which GovKG cannot read")
    return (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf_format))


def parse_answer(body: bytes, content_type: str, limit: int | None, *, server_cap: int | None = None) -> QueryResult:
    """A server's query answer as a QueryResult cut at ``limit``. ``server_cap`` is a cut the server says it
    made (Virtuoso's X-SPARQL-MaxRows): reported too."""
    try:
        result = collect(parse_raw(body, content_type), limit)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the SPARQL server's answer cannot be read: {exc}") from exc
    if result.kind == "select" and server_cap is not None and len(result.rows) >= server_cap \
            and not result.truncated:
        result.truncated, result.limit = True, server_cap
    return result
