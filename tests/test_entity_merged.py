"""One entity per thing: records linked as the same thing (owl:sameAs, gk:sameInitiativeAs) are shown merged,
each fact with the records and sources that state it; a name of several things opens the best one.

The graph is built here, in three sources as ingests would make them: a curated-like source, a dataset-like
source and the reconciliation that links them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import run_cli
from graph.backends.embedded import Store
from graph.entity import entity, same_as
from graph.errors import NotFoundError

ID = "https://w3id.org/govkg/id/"
PREFIXES = """@prefix gk: <https://w3id.org/govkg/ontology#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
CURATED = """
id:source/report a gk:SourceDocument ; gk:key "report" ; dcterms:title "A report" ; gk:sourceKind "report" .
id:body/dept a gk:Body ; gk:key "dept" ; rdfs:label "Department of Examples" ; prov:wasDerivedFrom id:source/report .
id:programme/alpha a gk:Programme ; gk:key "alpha" ; rdfs:label "Alpha Records" ; gk:gmppId "EX_0001" ;
  gk:ledBy id:body/dept ; dcterms:description "Records for wards." ; prov:wasDerivedFrom id:source/report .
id:scope/alpha a gk:Scope ; gk:key "alpha-scope" ; rdfs:label "Alpha Records" ; gk:initiative id:programme/alpha .
id:accountability/dept-alpha a gk:Accountability ; gk:key "dept-alpha" ; gk:holder id:body/dept ;
  gk:scope id:scope/alpha ; gk:accountabilityKind id:accountability-kind/accountable ;
  gk:startDate "2020-04-01"^^xsd:date ; prov:wasDerivedFrom id:source/report .
id:accountability-kind/accountable skos:notation "accountable" .
id:accountability-kind/sro skos:notation "sro" .
id:body/beta a gk:Body ; gk:key "beta-body" ; rdfs:label "Beta" .
id:programme/beta a gk:Programme ; gk:key "beta-programme" ; rdfs:label "BETA" .
id:body/gamma-one a gk:Body ; gk:key "gamma-one" ; rdfs:label "Gamma" ; gk:parent id:body/dept ;
  gk:succeededBy id:body/beta .
id:body/gamma-two a gk:Body ; gk:key "gamma-two" ; rdfs:label "Gamma" .
"""
DATASET = """
id:source/data-2024 a gk:SourceDocument ; gk:key "data-2024" ; dcterms:title "Data 2024-25" ; gk:sourceKind "dataset" .
id:body/data-dept a gk:Body ; gk:key "data-dept" ; rdfs:label "Department of Examples" ; gk:abbreviation "DEX" .
id:programme/data-alpha a gk:Project ; gk:key "data-alpha" ; rdfs:label "Alpha Records" ; gk:gmppId "EX_0001_2324" ;
  gk:ledBy id:body/data-dept ; gk:gmppCategory "ICT" ; prov:wasDerivedFrom id:source/data-2024 .
id:project-report/data-alpha-2024 a gk:ProjectAnnualReport ; gk:reportOf id:programme/data-alpha ;
  gk:financialYear "2024-25" ; gk:ipaRatingText "Red" ; gk:sroName "Kim Lee" ; gk:wholeLifeCost id:figure/wlc ;
  rdfs:label "Alpha Records, 2024-25" ; prov:wasDerivedFrom id:source/data-2024 .
id:figure/wlc a gk:Figure ; gk:amount "1234500000"^^xsd:decimal ; rdfs:label "Alpha whole-life cost" .
id:person/kim-lee a gk:Person ; gk:key "kim-lee" ; rdfs:label "Kim Lee" ; prov:wasDerivedFrom id:source/data-2024 .
id:post/sro-alpha a gk:Post ; rdfs:label "SRO of Alpha Records" ; org:postIn id:body/data-dept .
id:tenure/kim a gk:Tenure ; gk:person id:person/kim-lee ; gk:post id:post/sro-alpha .
id:scope/data-alpha a gk:Scope ; gk:key "portfolio-data-alpha" ; rdfs:label "Alpha Records" ;
  gk:initiative id:programme/data-alpha .
id:accountability/kim-alpha a gk:Accountability ; gk:key "kim-alpha" ; gk:holder id:person/kim-lee ;
  gk:scope id:scope/data-alpha ; gk:accountabilityKind id:accountability-kind/sro ;
  gk:startDate "2024-04-01"^^xsd:date ; gk:endDate "2025-03-31"^^xsd:date ; prov:wasDerivedFrom id:source/data-2024 .
"""
LINKS = """
id:programme/alpha gk:sameInitiativeAs id:programme/data-alpha .
id:body/data-dept owl:sameAs id:body/dept .
"""


def turtle(text: str) -> bytes:
    return (PREFIXES + re.sub(r"\bid:([a-z-]+/[a-z0-9-]+)", rf"<{ID}\1>", text)).encode()


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("merged") / "store"
    with Store.open(where) as store, store.staging() as stage:
        for key, text in (("curated-x", CURATED), ("dataset-x", DATASET), ("reconciliation", LINKS)):
            stage.put(key, turtle(text), rdf_format=ox.RdfFormat.TURTLE, content_hash=key, origin="test",
                      ingester="test")
    return where


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    with Store.open(path, read_only=True) as st:
        yield st


def test_linked_records_are_found_however_they_are_linked(store: Store) -> None:
    assert same_as(store, f"{ID}programme/data-alpha") == {f"{ID}programme/data-alpha": "",
                                                           f"{ID}programme/alpha": "gk:sameInitiativeAs"}
    assert set(same_as(store, f"{ID}body/dept")) == {f"{ID}body/dept", f"{ID}body/data-dept"}


def test_a_name_of_linked_records_opens_them_merged_with_each_facts_sources(store: Store) -> None:
    ent = entity(store, "Alpha Records")
    assert {r["iri"] for r in ent.referents} == {f"{ID}programme/alpha", f"{ID}programme/data-alpha"}
    assert ent.types == ["gk:Programme", "gk:Project"]
    facts = {(p["predicate"], str(p["value"])): p["sources"] for p in ent.properties}
    assert facts[("rdfs:label", "Alpha Records")] == ["curated-x", "dataset-x"]  # said by both: one fact
    assert facts[("gk:gmppCategory", "ICT")] == ["dataset-x"]
    assert facts[("dcterms:description", "Records for wards.")] == ["curated-x"]
    assert not any(o["predicate"] == "gk:sameInitiativeAs" for o in ent.outgoing + ent.incoming)
    assert {s["source"].rsplit("/", 1)[1] for s in ent.sources} == {"report", "data-2024"}


def test_the_merged_entity_has_the_projects_years_and_every_accountability_for_it(store: Store) -> None:
    ent = entity(store, "programme/alpha")
    (year,) = ent.reports
    assert (year["year"], year["IPA rating"], year["whole-life cost"], year["SRO"]) == (
        "2024-25", "Red", "£1,234.5m", "Kim Lee")
    held = {(a["holder"], a["kind"], a["how"]) for a in ent.accountabilities}
    assert held == {("Department of Examples", "accountable", "for its scope"), ("Kim Lee", "sro", "for its scope")}


def test_a_body_shows_what_people_in_its_posts_hold(store: Store) -> None:
    ent = entity(store, "DEX")
    assert {r["iri"] for r in ent.referents} == {f"{ID}body/dept", f"{ID}body/data-dept"}
    assert {(a["holder"], a["how"]) for a in ent.accountabilities} == {
        ("Department of Examples", "held by it"), ("Kim Lee", "held by a person in a post in it")}


def test_other_things_of_the_name_are_listed_not_refused(store: Store) -> None:
    ent = entity(store, "Alpha Records")
    assert {o["iri"] for o in ent.also_named} == {f"{ID}scope/alpha", f"{ID}scope/data-alpha"}
    assert all(o["types"] == ["gk:Scope"] for o in ent.also_named)


def test_the_exact_label_wins_then_the_record_with_most_links(store: Store) -> None:
    beta = entity(store, "Beta")  # body "Beta" and programme "BETA": the exact label wins
    assert beta.iri == f"{ID}body/beta" and [o["iri"] for o in beta.also_named] == [f"{ID}programme/beta"]
    gamma = entity(store, "gamma")  # two bodies labelled "Gamma": the one with links wins
    assert gamma.iri == f"{ID}body/gamma-one" and [o["iri"] for o in gamma.also_named] == [f"{ID}body/gamma-two"]
    with pytest.raises(NotFoundError, match="no entity named 'Delta'"):
        entity(store, "Delta")


def test_the_command_line_shows_the_merged_entity_or_one_record(path: Path) -> None:
    out = run_cli("entity", "Alpha Records", store=path).out
    assert "one entity of 2 linked records:" in out and "via gk:sameInitiativeAs" in out
    assert "2024-25  IPA Red  SRO -  whole-life cost £1,234.5m  SRO named: Kim Lee" in out
    assert "also named so (2; open one by kind/key):" in out
    assert "gk:gmppCategory              ICT  [dataset-x]" in out
    single = json.loads(run_cli("entity", "programme/alpha", "--record", "--json", store=path).out)
    assert single["referents"] == [] and "gk:Project" not in single["types"]
    assert run_cli("entity", "nothing of this name", store=path).code == 2
