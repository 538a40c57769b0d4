"""The SPARQL 1.1 Service Description that ``GET /sparql`` (without a query) returns."""

from __future__ import annotations

import pyoxigraph as ox

from graph.backends.types import SourceRecord
from graph.endpoint import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"sd": SD, "void": VOID, "dcterms": DCT, "formats": "http://www.w3.org/ns/formats/"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def service_description(endpoint: str, sources: dict[str, SourceRecord], *, update: bool) -> list[ox.Triple]:
    """Triples describing the endpoint: languages, result formats, features and the dataset of live graphs."""
    service = ox.NamedNode(endpoint)
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, ox.NamedNode(DCT + "title"), ox.Literal("GovKG SPARQL endpoint")),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(str(sum(s.triples for s in sources.values())),
                                                                      datatype=ox.NamedNode(_xsd("integer")))),
    ]
    if update:
        triples.append(ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Update")))
    for fmt in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS):
        triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(fmt.iri)))
    for source in sources.values():
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(source.graph)),
            ox.Triple(named, _sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, _sd("Graph")),
            ox.Triple(graph, ox.NamedNode(DCT + "identifier"), ox.Literal(source.key)),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"),
                      ox.Literal(str(source.triples), datatype=ox.NamedNode(_xsd("integer")))),
        ]
        if source.title:
            triples.append(ox.Triple(graph, ox.NamedNode(DCT + "title"), ox.Literal(source.title)))
    return triples


def _xsd(name: str) -> str:
    return "http://www.w3.org/2001/XMLSchema#" + name


def serialise(triples: list[ox.Triple], fmt: formats.Format) -> bytes:
    assert fmt.rdf is not None
    return ox.serialize(triples, format=fmt.rdf, prefixes=PREFIXES) or b""
