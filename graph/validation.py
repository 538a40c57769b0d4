"""SHACL validation with pySHACL, on rdflib in-memory graphs (never on an Oxigraph-backed Graph: see README)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from graph.backends import Backend
from ontology import shape_files, vocabulary_files


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str
    severity: str
    value: str = ""

    def render(self, locate: Callable[[str], str] | None = None) -> str:
        where = locate(self.focus) if locate else self.focus
        path = f", property {_short(self.path)}" if self.path else ""
        value = f" (value {self.value})" if self.value else ""
        return f"{where}{path}: {self.message}{value}"


def _short(iri: str) -> str:
    from graph.namespaces import shorten

    return shorten(iri)


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for path in vocabulary_files():
        g.parse(path, format="turtle")
    return g


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    g = Graph()
    for path in shape_files():
        g.parse(path, format="turtle")
    return g


def validate(data: Graph, focus: set[str] | None = None) -> list[Violation]:
    """Validate ``data`` (plus the ontology and concept schemes) against the GovKG shapes.

    ``focus`` limits the *results* to those nodes (the records being ingested), so that nodes present only
    through the type triples of what they reference are not reported as if they were records. (pySHACL's
    own ``focus_nodes`` option is not used: it also prunes the values that ``sh:or``/``sh:not`` test.)
    """
    from pyshacl import validate as shacl_validate

    working = Graph()
    working += data
    working += ontology_graph()  # mixed in by hand: pySHACL mixes ont_graph only when it infers
    _conforms, results, _text = shacl_validate(
        working,
        shacl_graph=shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = str(results.value(result, SH.resultSeverity) or "")
        out.append(Violation(
            focus=str(results.value(result, SH.focusNode) or ""),
            path=str(results.value(result, SH.resultPath) or ""),
            message=str(results.value(result, SH.resultMessage) or "does not conform"),
            shape=str(results.value(result, SH.sourceShape) or ""),
            severity=severity.rsplit("#", 1)[-1],
            value=str(results.value(result, SH.value) or ""),
        ))
    if focus is not None:
        out = [v for v in out if v.focus in focus]
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))


def violations_only(results: list[Violation]) -> list[Violation]:
    return [v for v in results if v.severity == "Violation"]


def referenced_iris(data: Graph) -> set[str]:
    """IRIs used as objects in ``data`` that ``data`` does not type: they are defined elsewhere."""
    typed = {str(s) for s in data.subjects(RDF.type, None)}
    return {str(o) for o in data.objects() if isinstance(o, URIRef) and str(o) not in typed} - {
        str(o) for o in data.objects(None, RDF.type)
    }


def store_graph(store: Backend, *, skip: tuple[str, ...] = ("ontology",)) -> Graph:
    """The live data of a store as one rdflib in-memory graph (for SHACL), without the ontology source."""
    import pyoxigraph as ox

    g = Graph()
    for key in store.sources():
        if key in skip:
            continue
        quads = store.source_quads(key)
        data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES)
        if data:
            g.parse(data=data.decode("utf-8"), format="nt")
    return g
