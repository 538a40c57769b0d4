"""The RDF → Neo4j mapping, the canned Cypher files and connection errors, without a Neo4j server.

The end-to-end tests against a real Neo4j are in test_neo4j.py.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import free_port, need, run_cli
from graph.backends.embedded import Store
from graph.errors import QueryError, StoreError
from graph.neo4j.cypher import canned_cypher, get_cypher
from graph.neo4j.mapping import Vocabulary, build_projection, literal_value, upper_snake
from graph.queries import canned_queries
from graph.settings import Settings

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"

VOCAB = """
@prefix gk: <https://w3id.org/govkg/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
gk:Person a owl:Class . foaf:Person a owl:Class . gk:Accountability a owl:Class .
gk:date a owl:DatatypeProperty, owl:FunctionalProperty ; rdfs:subPropertyOf dcterms:date .
dcterms:date a owl:DatatypeProperty . gk:abbreviation a owl:AnnotationProperty .
gk:title a owl:DatatypeProperty . dcterms:title a owl:DatatypeProperty .
<https://w3id.org/govkg/id/accountability-kind/sro> skos:notation "sro" .
"""

DATA = """
@prefix gk: <https://w3id.org/govkg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix person: <https://w3id.org/govkg/id/person/> .
@prefix acc: <https://w3id.org/govkg/id/accountability/> . @prefix src: <https://w3id.org/govkg/id/source/> .
@prefix id: <https://w3id.org/govkg/id/> .
person:ann a gk:Person ; rdfs:label "Ann"@en ; gk:abbreviation "A" ; prov:wasDerivedFrom src:s1 .
acc:a1 a gk:Accountability ; gk:holder person:ann ; gk:scope <https://w3id.org/govkg/id/scope/x> ;
    gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/sro> ;
    gk:startDate "2004-01-01"^^xsd:date ; gk:certainty "sourced" ; prov:wasDerivedFrom src:s1 , src:s2 .
<https://w3id.org/govkg/id/event/e1> gk:date "2010-04-01"^^xsd:date .
<https://w3id.org/govkg/id/lesson/l1> dcterms:date "2011-05-01"^^xsd:date .
"""


def small_store(*graphs: tuple[str, str]) -> Store:
    store = Store.open(None)
    with store.staging() as stage:
        for key, turtle in graphs:
            stage.put(key, turtle.encode(), rdf_format=ox.RdfFormat.TURTLE, content_hash=key, origin="test",
                      ingester="test")
    return store


def test_local_names_become_labels_relationship_types_and_properties() -> None:
    vocab = Vocabulary.from_store(small_store(("vocab", VOCAB), ("data", DATA)))
    assert vocab.label(GK + "Accountability") == "Accountability"
    assert vocab.type("http://www.w3.org/ns/prov#wasDerivedFrom") == "WAS_DERIVED_FROM"
    assert vocab.type(GK + "accountabilityKind") == "ACCOUNTABILITY_KIND"
    assert vocab.property(GK + "startDate") == "startDate"
    assert upper_snake("isPartOf") == "IS_PART_OF" and upper_snake("odsCode2") == "ODS_CODE2"


def test_colliding_local_names_keep_the_gk_term_and_shorten_the_others() -> None:
    vocab = Vocabulary.from_store(small_store(("vocab", VOCAB)))
    assert vocab.label(GK + "Person") == "Person"
    assert vocab.label("http://xmlns.com/foaf/0.1/Person") == "foaf__Person"
    assert vocab.property(GK + "title") == "title"
    assert vocab.property("http://purl.org/dc/terms/title") == "dcterms__title"


def test_a_sub_property_shares_the_name_of_its_super_property() -> None:
    vocab = Vocabulary.from_store(small_store(("vocab", VOCAB)))
    assert vocab.property(GK + "date") == vocab.property("http://purl.org/dc/terms/date") == "date"


def test_annotation_and_alt_labels_are_lists_functional_properties_are_not() -> None:
    vocab = Vocabulary.from_store(small_store(("vocab", VOCAB), ("data", DATA)))
    projection = build_projection(small_store(("vocab", VOCAB), ("data", DATA)), ["data"], vocab)
    ann = projection.nodes[ID + "person/ann"].properties(vocab.multivalued)
    assert ann["abbreviation"] == ["A"] and ann["label"] == "Ann"
    assert ann["graphs"] == ["data"] and ann["uri"] == ID + "person/ann"


def test_literals_keep_their_types() -> None:
    def lit(text: str, datatype: str) -> ox.Literal:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))

    assert literal_value(lit("2020-02-29", "date")) == dt.date(2020, 2, 29)
    assert literal_value(lit("4700000000", "decimal")) == 4.7e9
    assert literal_value(lit("12", "integer")) == 12
    assert literal_value(lit("true", "boolean")) is True
    assert literal_value(lit("2020-13-01", "date")) == "2020-13-01"  # not a date: kept as text
    assert literal_value(lit("99999999999999999999", "integer")) == "99999999999999999999"
    assert literal_value(ox.Literal("NHS", language="en")) == "NHS"


def test_projection_arithmetic_nodes_relationships_and_shortcuts() -> None:
    store = small_store(("vocab", VOCAB), ("data", DATA))
    vocab = Vocabulary.from_store(store)
    projection = build_projection(store, ["data"], vocab)
    # nodes: the IRIs in subject position, and in object position of a triple other than rdf:type
    subjects = {ID + k for k in ("person/ann", "accountability/a1", "event/e1", "lesson/l1")}
    objects = {ID + k for k in ("source/s1", "source/s2", "scope/x", "accountability-kind/sro")}
    assert set(projection.nodes) == subjects | objects
    # relationships: IRI-object triples other than rdf:type, plus one shortcut per accountability
    plain = [r for r in projection.rels if not r.via]
    assert len(plain) == 6  # ann→s1; a1→ann, scope, kind, s1, s2
    (shortcut,) = projection.derived
    assert (shortcut.start, shortcut.type, shortcut.end) == (ID + "person/ann", "ACCOUNTABILITY_FOR", ID + "scope/x")
    assert dict(shortcut.props) == {"kind": "sro", "startDate": dt.date(2004, 1, 1), "certainty": "sourced"}
    assert projection.nodes[ID + "accountability/a1"].labels == {"Accountability"}


def test_a_node_shared_by_two_graphs_has_the_properties_of_both() -> None:
    extra = '<https://w3id.org/govkg/id/person/ann> <https://w3id.org/govkg/ontology#key> "ann" .'
    store = small_store(("vocab", VOCAB), ("data", DATA), ("extra", extra))
    vocab = Vocabulary.from_store(store)
    node = build_projection(store, ["data", "extra"], vocab).nodes[ID + "person/ann"]
    assert node.graphs == {"data", "extra"} and node.values["key"] == ["ann"] and node.values["label"] == ["Ann"]


# ------------------------------------------------------------------------------------------ canned Cypher
def test_every_sparql_query_has_a_cypher_twin_with_the_same_parameters() -> None:
    sparql, cypher = canned_queries(), canned_cypher()
    assert set(cypher) == set(sparql)
    for name, rq in sparql.items():
        assert cypher[name].params == rq.params, name
        assert cypher[name].title == rq.title, name


def test_cypher_parameters_are_checked_and_typed_like_sparql_ones() -> None:
    q = get_cypher("accountable-for-scope")
    assert q.parameters({"scope": "npfit-sro", "year": "2005"}) == {"scope": ID + "scope/npfit-sro", "year": 2005}
    assert q.parameters() == {"scope": ID + "scope/national-digital-strategy", "year": 2020}
    with pytest.raises(QueryError, match="not a whole number"):
        q.parameters({"year": "twenty"})
    with pytest.raises(QueryError, match="unknown parameter"):
        q.parameters({"colour": "red"})
    date_param = next(p for p in get_cypher("accountability-gaps").params if p.name == "year")
    assert date_param.value("2008") == 2008


def test_cypher_show_prints_the_query_and_typed_parameters() -> None:
    result = run_cli("cypher", "body-lineage", "--param", "body=nhsx", "--show")
    assert result.code == 0
    assert "SUCCEEDED_BY" in result.out and '"body": "https://w3id.org/govkg/id/body/nhsx"' in result.out


def test_cypher_lists_the_canned_queries() -> None:
    result = run_cli("cypher")
    assert result.code == 0 and "accountable-for-scope" in result.out and "source-supports" in result.out


# ------------------------------------------------------------------------------------------ errors
def test_an_unreachable_server_is_a_store_error_within_ten_seconds() -> None:
    try:
        import neo4j  # noqa: F401
    except ImportError:
        need(False, "the neo4j driver is not installed")
    from graph.neo4j.connection import connect

    settings = Settings.load(environ={"GOVKG_NEO4J_URI": f"bolt://127.0.0.1:{free_port()}",
                                      "GOVKG_NEO4J_PASSWORD": "whatever1"})
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        connect(settings)
    assert time.monotonic() - started < 10


def test_push_to_an_unreachable_server_exits_3_with_one_error_line(bundled_store_path: Path) -> None:
    started = time.monotonic()
    result = run_cli("neo4j", "push", "--uri", f"bolt://127.0.0.1:{free_port()}", "--password", "x" * 8,
                     "--no-embeddings", store=bundled_store_path)
    assert time.monotonic() - started < 10
    assert result.code == 3
    assert result.err.startswith("Error: cannot reach Neo4j at bolt://127.0.0.1:")
    assert "scripts/servers/neo4j.sh start" in result.err


def test_a_uri_that_is_not_a_neo4j_uri_is_named() -> None:
    result = run_cli("cypher", "RETURN 1", "--uri", "http://127.0.0.1:7474")
    assert result.code == 3 and "is not a Neo4j URI" in result.err
