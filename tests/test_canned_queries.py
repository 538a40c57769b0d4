"""Canned queries: their answers on the bundled data, and on small graphs with planted gaps and overlaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from graph.backends.embedded import Store
from graph.errors import QueryError
from graph.queries import canned_queries, get_query

ID = "https://w3id.org/govkg/id/"


def run(store: Store, name: str, **params: str) -> list[dict[str, object]]:
    return store.select(get_query(name).bind(params))


def test_every_canned_query_has_title_description_and_defaults() -> None:
    queries = canned_queries()
    assert len(queries) >= 8
    for q in queries.values():
        assert q.title and q.description, q.name
        for p in q.params:
            assert p.default is not None and p.help, f"{q.name}: {p.name}"


def test_every_canned_query_runs_with_its_defaults_on_the_bundled_data(bundled: Store) -> None:
    for name in canned_queries():
        if name == "accountability-gaps":
            continue  # the bundled data has no gap: see the planted test below
        assert run(bundled, name), f"{name} returned nothing with its defaults"


def test_who_was_accountable_for_national_digital_strategy_in_2020(bundled: Store) -> None:
    rows = run(bundled, "accountable-for-scope", scope="national-digital-strategy", year="2020")
    holders = {(r["holder"].removeprefix(ID), r["kind"]) for r in rows}
    assert ("body/nhsx", "responsible") in holders
    assert ("body/department-of-health-and-social-care", "policy") in holders
    assert all(r["sources"] for r in rows)
    # NHSX did not exist in 2015
    rows_2015 = run(bundled, "accountable-for-scope", scope="national-digital-strategy", year="2015")
    assert "body/nhsx" not in {r["holder"].removeprefix(ID) for r in rows_2015}


def test_lineage_runs_from_the_information_authority_to_nhs_england(bundled: Store) -> None:
    rows = run(bundled, "body-lineage", body="nhs-digital")
    steps = {(r["from"].removeprefix(ID + "body/"), r["kind"], r["to"].removeprefix(ID + "body/")) for r in rows}
    assert ("health-and-social-care-information-centre", "renamed", "nhs-digital") in steps
    assert ("nhs-digital", "merged", "nhs-england") in steps
    assert any(f == "nhs-connecting-for-health" and t == "health-and-social-care-information-centre"
               for f, _k, t in steps)
    renamed = next(r for r in rows if r["kind"] == "renamed")
    assert renamed["date"] == "2016-08-01"


def test_lessons_on_a_theme_include_narrower_themes(bundled: Store) -> None:
    rows = run(bundled, "lessons-on-theme", theme="governance")
    assert len(rows) >= 3
    direct = bundled.select(f"SELECT ?l WHERE {{ ?l gk:theme <{ID}theme/governance> }}")
    assert {r["l"] for r in direct} <= {r["lesson"] for r in rows}


def test_recommendations_follow_lineage_to_todays_successor(bundled: Store) -> None:
    rows = run(bundled, "recommendations-to-body", body="nhs-connecting-for-health")
    assert {r["today"] for r in rows} == {ID + "body/nhs-england"}
    addressees = {r["addressee"].removeprefix(ID + "body/") for r in rows}
    assert "nhs-digital" in addressees  # NAO 2020 recommendations went to NHS Digital
    nao = [r for r in rows if r["madeByLabel"] == "National Audit Office"]
    assert len({r["recommendation"] for r in nao}) >= 6


def test_npfit_cost_estimates_are_separate_figures_in_date_order(bundled: Store) -> None:
    rows = run(bundled, "figures-about-programme", programme="npfit")
    dated = [r for r in rows if r["estimateDate"] and r["unit"] == "GBP"]
    assert len(dated) >= 4
    assert [r["estimateDate"] for r in dated] == sorted(r["estimateDate"] for r in dated)
    amounts = {r["amount"] for r in rows}
    assert 12_400_000_000 in amounts and 6_200_000_000 in amounts


def test_overlaps_on_the_bundled_data_show_the_2019_to_2022_confusion(bundled: Store) -> None:
    rows = run(bundled, "accountability-overlaps")
    pairs = {(r["scope"].removeprefix(ID + "scope/"), r["holderA"].removeprefix(ID),
              r["holderB"].removeprefix(ID)) for r in rows}
    assert ("standards-and-interoperability", "body/nhs-digital", "body/nhsx") in {
        (s, *sorted((a, b))) for s, a, b in pairs}
    for r in rows:  # never a post against its own body or a person against their post
        assert {r["holderA"], r["holderB"]} != {ID + "post/nhsx-chief-executive", ID + "body/nhsx"}


def test_source_supports_lists_what_cites_the_nao_summary(bundled: Store) -> None:
    rows = run(bundled, "source-supports", source="seed-nao20-summary")
    types = {r["type"] for r in rows}
    assert {"Finding", "Body"} <= types


PLANTED = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix id: <https://w3id.org/govkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/govkg/id/accountability-kind/accountable> skos:notation "accountable" .
<https://w3id.org/govkg/id/accountability-kind/oversight> skos:notation "oversight" .
<https://w3id.org/govkg/id/scope/s1> a gk:Scope ; skos:prefLabel "Scope one" .
<https://w3id.org/govkg/id/scope/s2> a gk:Scope ; skos:prefLabel "Scope two" .
# s1: A 2000-2004, gap 2005-2006, B 2007-2012, C 2010-today (overlap with B 2010-2012)
<urn:a1> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s1> ; gk:holder <urn:A> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2000-01-01"^^xsd:date ; gk:endDate "2004-12-31"^^xsd:date .
<urn:a2> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s1> ; gk:holder <urn:B> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2007-01-01"^^xsd:date ; gk:endDate "2012-06-30"^^xsd:date .
<urn:a3> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s1> ; gk:holder <urn:C> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2010-04-01"^^xsd:date .
# s2: two overseers at once (shared by design: not an overlap unless asked)
<urn:a4> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s2> ; gk:holder <urn:A> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/oversight> ;
  gk:startDate "2001-01-01"^^xsd:date .
<urn:a5> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s2> ; gk:holder <urn:B> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/oversight> ;
  gk:startDate "2003-01-01"^^xsd:date .
"""


@pytest.fixture
def planted(tmp_path: Path) -> Store:
    store = Store.open(None)
    with store.staging() as stage:
        import pyoxigraph as ox

        stage.put("planted", PLANTED.encode(), rdf_format=ox.RdfFormat.TURTLE, content_hash="x", origin="t",
                  ingester="t")
    return store


def test_exactly_the_planted_gap_is_found(planted: Store) -> None:
    found = {y for y in range(1998, 2015) if run(planted, "accountability-gaps", year=str(y))}
    assert found == {2005, 2006}
    row = run(planted, "accountability-gaps", year="2005")[0]
    assert row["lastBefore"] == "2004-12-31" and row["nextAfter"] == "2007-01-01"


def test_exactly_the_planted_overlap_is_found(planted: Store) -> None:
    rows = run(planted, "accountability-overlaps")
    assert [(r["holderA"], r["holderB"], r["fromYear"], r["toYear"]) for r in rows] == [
        ("urn:B", "urn:C", 2010, "2012")]
    shared = run(planted, "accountability-overlaps", include_shared="true")
    assert len(shared) == 2


def test_bad_parameters_are_query_errors() -> None:
    q = get_query("accountable-for-scope")
    for params in ({"year": "2020; DROP"}, {"scope": "x> } INSERT"}, {"nope": "1"}):
        with pytest.raises(QueryError):
            q.bind(params)


def test_query_cli_lists_and_runs_canned_queries(bundled_store_path: Path) -> None:
    listing = run_cli("query", store=bundled_store_path)
    assert listing.code == 0 and "accountable-for-scope" in listing.out
    result = run_cli("query", "body-lineage", "--param", "body=nhs-digital", "--format", "json",
                     store=bundled_store_path)
    assert result.code == 0
    import json

    data = json.loads(result.out)
    assert "from" in data["head"]["vars"] and data["results"]["bindings"]
