"""The types every backend shares: a source's catalog record, a staged source, a query's result (cut at a
limit, which it reports), and how terms become plain Python values."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import InputError
from graph.namespaces import GRAPH, PREFIXES

XSD = PREFIXES["xsd"]

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class SourceRecord:
    """One ingested source as the catalog records it."""

    key: str
    graph: str
    generation: int
    content_hash: str
    ingested_at: str
    triples: int
    origin: str
    ingester: str
    title: str = ""
    report: str = ""
    name: str = ""  # the IRI the source is published under (a named graph of that name); "" for none

    def as_dict(self) -> dict[str, Any]:
        """The record as plain JSON values: its report (kept as JSON text in the catalog) as an object, or
        None when the source has none."""
        out = dict(self.__dict__)
        with contextlib.suppress(ValueError):  # not JSON (a catalog written by hand): the text as it is
            out["report"] = json.loads(self.report) if self.report else None
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRecord:
        """The record from :meth:`as_dict`'s JSON."""
        report = data.get("report")
        return cls(**{**data, "report": report if isinstance(report, str) else json.dumps(report) if report else ""})

    @property
    def published(self) -> str:
        """The graph IRI queries see the source under: its name, or its own graph."""
        return self.name or self.graph


@dataclass
class StagedSource:
    key: str
    graph: ox.NamedNode
    generation: int
    content_hash: str
    origin: str
    ingester: str
    title: str
    report: str
    triples: int = 0
    name: str = ""


@dataclass
class QueryResult:
    """The result of a SPARQL query, cut at a limit that it reports."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    limit: int = 0
    seconds: float = 0.0


def cut(items: Iterable[Any], limit: int | None) -> tuple[list[Any], bool]:
    """The first ``limit`` items (all when None) and whether more were left: the one result cut."""
    kept: list[Any] = []
    for item in items:
        if limit is not None and len(kept) >= limit:
            return kept, True
        kept.append(item)
    return kept, False


def collect(raw: Any, limit: int | None) -> QueryResult:
    """A pyoxigraph query result (solutions, boolean or triples) as a QueryResult cut at ``limit``."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        rows, truncated = cut((tuple(s) for s in raw), limit)  # a solution iterates its values in order, None unbound
        return QueryResult(kind="select", variables=variables, rows=rows, truncated=truncated, limit=limit or 0)
    triples, truncated = cut((ox.Triple(t.subject, t.predicate, t.object) for t in raw), limit)
    return QueryResult(kind="graph", triples=triples, truncated=truncated, limit=limit or 0)


def py_value(term: Any) -> Any:
    """A pyoxigraph term as a plain Python value: IRIs and strings as str, numbers as int/float, None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "int", XSD + "long"):
            return int(term.value)
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            return float(term.value)
        if dt == XSD + "boolean":
            return term.value == "true"
        return term.value
    return term.value



def check_graph_name(name: str, sources: dict[str, SourceRecord], key: str) -> str:
    """``name`` if source ``key`` may be published under it: an absolute IRI outside GovKG's own graph names,
    used by no other source. InputError otherwise."""
    try:
        ox.NamedNode(name)
    except ValueError as exc:
        raise InputError(f"the graph name {name!r} is not an absolute IRI: {exc}") from exc
    if ":" not in name or name.startswith(GRAPH):
        raise InputError(f"the graph name {name!r} is not allowed: it must be an absolute IRI outside {GRAPH}")
    for other in sources.values():
        if other.key != key and name in (other.name, other.graph):
            raise InputError(f"the graph name {name} is taken by source {other.key}",
                             hint=f"remove it first (`govkg remove {other.key}`) or choose another name")
    return name


def resolve_graphs(sources: dict[str, SourceRecord], iris: Iterable[str]) -> list[str]:
    """The live graphs that graph IRIs given by a client name (a source's published name or its own graph);
    IRIs that name no live source are left out."""
    by_iri: dict[str, str] = {}
    for s in sources.values():
        by_iri[s.graph] = s.graph
        if s.name:
            by_iri[s.name] = s.graph
    return [by_iri[i] for i in iris if i in by_iri]


def sources_stamp(sources: dict[str, SourceRecord]) -> str:
    """A hash of a catalog's records ("" for an empty catalog): it changes with every switch."""
    if not sources:
        return ""
    text = "\n".join(f"{s.key} {s.graph} {s.name} {s.generation} {s.content_hash} {s.ingested_at} {s.triples}"
                     for s in sorted(sources.values(), key=lambda s: s.key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def export_prefixes() -> dict[str, str]:
    """The prefixes written into exported RDF (Turtle, TriG, JSON-LD): GovKG's own, without the SHACL and
    OWL-Time ones that exported data never uses."""
    return {p: iri for p, iri in PREFIXES.items() if p not in ("sh", "time")}


def dump_quads(quads: Iterator[ox.Quad], output: IO[bytes], fmt: str) -> None:
    """Serialise quads as ``fmt`` (a key of RDF_FORMATS): with graph names for TriG and N-Quads, as one merged
    graph otherwise."""
    rdf_format = RDF_FORMATS[fmt]
    if rdf_format.supports_datasets:
        ox.serialize(quads, output, rdf_format, prefixes=export_prefixes())
    else:
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), output, rdf_format,
                     prefixes=export_prefixes())


_TSV_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_TSV_CHARS = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _tsv_unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if code[0] in "uU" and len(code) > 1 else _TSV_CHARS.get(code, code)


def _tsv_value(cell: str) -> str | None:
    if not cell:
        return None
    if cell[0] == "<":
        return cell[1:-1]
    if cell[0] == '"':
        lexical = cell[1:cell.rindex('"')]
        return _TSV_ESCAPE.sub(_tsv_unescape, lexical) if "\\" in lexical else lexical
    return cell  # a blank node or a bare number or boolean


def tsv_rows(data: bytes) -> list[dict[str, Any]]:
    """SPARQL results TSV as rows of IRIs and lexical forms (None when unbound)."""
    lines = data.decode("utf-8").split("\n")
    names = [v[1:] for v in lines[0].split("\t")] if lines and lines[0] else []
    return [dict(zip(names, map(_tsv_value, line.split("\t")), strict=True)) for line in lines[1:] if line]

