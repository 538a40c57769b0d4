"""Derived views (graph/derived.py): accountability overlaps and gaps kept as data, in step with the sources.

The canned queries ``accountability-overlaps`` and ``accountability-gaps`` read the derived records; the
direct formulations over the raw accountabilities (tests/fixtures/direct-queries/) are the reference: both
must give the same rows on the bundled data and on a generated graph with thousands of accountabilities.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import ROOT, run_cli
from graph.backends.embedded import Store
from graph.derived import DERIVED_KEY
from graph.queries import CannedQuery, get_query, parse_query_file

DIRECT = ROOT / "tests" / "fixtures" / "direct-queries"
ID = "https://w3id.org/govkg/id/"
GK = "https://w3id.org/govkg/ontology#"


def direct(name: str) -> CannedQuery:
    return parse_query_file(DIRECT / f"{name}.rq")


def rows(store: Store, query: CannedQuery, **params: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(sorted(r.items())) for r in store.select(query.bind(params)))


def same_answers(store: Store, years: range) -> int:
    """Assert derived and direct queries agree; the number of rows compared."""
    compared = 0
    for shared in ("false", "true"):
        want = rows(store, direct("accountability-overlaps"), include_shared=shared)
        assert rows(store, get_query("accountability-overlaps"), include_shared=shared) == want
        compared += len(want)
        # listed in the same order (rows that tie on the sort keys may come in any order)
        keys = ("scopeLabel", "kind", "fromYear", "holderALabel", "holderBLabel")
        order = [[tuple(r[k] for k in keys) for r in store.select(q.bind({"include_shared": shared}))]
                 for q in (get_query("accountability-overlaps"), direct("accountability-overlaps"))]
        assert order[0] == order[1]
    for year in years:
        want = rows(store, direct("accountability-gaps"), year=str(year))
        assert rows(store, get_query("accountability-gaps"), year=str(year)) == want, year
        compared += len(want)
    return compared


def test_derived_and_direct_answers_agree_on_the_bundled_data(bundled: Store) -> None:
    assert DERIVED_KEY in bundled.sources()
    assert same_answers(bundled, range(1995, 2027)) >= 14


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("generated")
    nt = folder / "g.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--triples", "30k", "-o", str(nt)],
                   check=True, capture_output=True)
    store = Store.open(folder / "store")
    with store.staging() as stage:
        stage.put("generated", nt.read_bytes(), content_hash="g", origin=str(nt), ingester="test")
    return store


def test_derived_and_direct_answers_agree_on_a_generated_graph(generated: Store) -> None:
    record = generated.sources()[DERIVED_KEY]
    assert record.triples > 0 and '"overlaps"' in record.report
    # hundreds of overlaps and a few dozen gap years, every year of the generated span compared
    assert same_answers(generated, range(1990, 2030)) > 100


def test_every_derived_record_cites_the_accountabilities_it_comes_from(generated: Store) -> None:
    orphans = generated.select("""SELECT ?x WHERE {
        { ?x a gk:AccountabilityOverlap FILTER NOT EXISTS { ?x gk:overlapFirst ?a ; gk:overlapSecond ?b .
                                                            ?a a gk:Accountability . ?b a gk:Accountability } }
        UNION
        { ?x a gk:AccountabilityGap FILTER NOT EXISTS { ?x prov:wasDerivedFrom ?a . ?a a gk:Accountability } } }""")
    assert orphans == []
    # gk:overlapFirst and gk:overlapSecond are the overlap's prov:wasDerivedFrom
    import rdflib

    onto = rdflib.Graph().parse(ROOT / "ontology" / "govkg.ttl")
    derived_from = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    for p in ("overlapFirst", "overlapSecond"):
        assert (rdflib.URIRef(GK + p), rdflib.RDFS.subPropertyOf, derived_from) in onto


PLANTED = """
@prefix gk: <https://w3id.org/govkg/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/govkg/id/accountability-kind/accountable> skos:notation "accountable" .
<https://w3id.org/govkg/id/scope/s> a gk:Scope .
<urn:a1> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s> ; gk:holder <urn:A> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2000-01-01"^^xsd:date ; gk:endDate "2004-12-31"^^xsd:date .
<urn:a2> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s> ; gk:holder <urn:B> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2004-06-01"^^xsd:date ; gk:endDate "2006-12-31"^^xsd:date .
<urn:a3> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s> ; gk:holder <urn:C> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2009-01-01"^^xsd:date .
"""


def put(store: Store, key: str, turtle: str) -> None:
    with store.staging() as stage:
        stage.put(key, turtle.encode(), rdf_format=ox.RdfFormat.TURTLE, content_hash=str(hash(turtle)),
                  origin="test", ingester="test")


def count(store: Store, cls: str) -> int:
    return len(store.select(f"SELECT ?x WHERE {{ ?x a gk:{cls} }}"))


def test_the_view_changes_in_the_same_commit_as_its_sources(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    put(store, "planted", PLANTED)
    assert count(store, "AccountabilityOverlap") == 1 and count(store, "AccountabilityGap") == 2  # 2007, 2008
    generation = store.sources()[DERIVED_KEY].generation

    put(store, "other", "<urn:x> <urn:p> <urn:y> .")  # nothing the view depends on: view untouched
    assert store.sources()[DERIVED_KEY].generation == generation

    # a fourth holder filling 2007-2008 ends both gap years, and overlaps nobody
    put(store, "more", PLANTED.split("<urn:a1>")[0] + """
<urn:a4> a gk:Accountability ; gk:scope <https://w3id.org/govkg/id/scope/s> ; gk:holder <urn:D> ;
  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/accountable> ;
  gk:startDate "2007-01-01"^^xsd:date ; gk:endDate "2008-12-31"^^xsd:date .""")
    assert count(store, "AccountabilityGap") == 0 and count(store, "AccountabilityOverlap") == 1
    assert store.sources()[DERIVED_KEY].generation == generation + 1

    # an aborted staging leaves sources and view as they were
    with pytest.raises(RuntimeError), store.staging() as stage:
        stage.remove("more")
        stage.derive()
        raise RuntimeError("stop")
    assert count(store, "AccountabilityGap") == 0 and store.sources()[DERIVED_KEY].generation == generation + 1

    # removing a source brings the gaps back; removing every accountability removes the view
    with store.staging() as stage:
        stage.remove("more")
    assert count(store, "AccountabilityGap") == 2
    with store.staging() as stage:
        stage.remove("planted")
    assert DERIVED_KEY not in store.sources() and count(store, "AccountabilityOverlap") == 0


def test_govkg_ingest_reports_the_view_and_validate_accepts_it(tmp_path: Path) -> None:
    store = tmp_path / "s"
    out = run_cli("ingest", str(ROOT / "data" / "curated"), store=store)
    assert out.code == 0, out.err
    assert DERIVED_KEY in out.out and "overlaps" in out.out
    again = run_cli("ingest", str(ROOT / "data" / "curated"), store=store)
    assert again.code == 0 and "0 source(s) written" in again.out, again.out
    valid = run_cli("validate", store=store)
    assert valid.code == 0, valid.out + valid.err
    with Store.open(store, read_only=True) as s:
        assert count(s, "AccountabilityOverlap") == len(s.select(direct("accountability-overlaps").bind(
            {"include_shared": "true"})))


def test_govkg_remove_keeps_the_view_in_step_and_refuses_to_remove_it(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert run_cli("ingest", str(ROOT / "data" / "curated"), store=store).code == 0
    refused = run_cli("remove", DERIVED_KEY, store=store)
    assert refused.code == 2 and "worked out from the other sources" in refused.err
    with Store.open(store, read_only=True) as s:
        before = s.sources()[DERIVED_KEY]
    # a scope's label is copied into the overlaps: removing the scopes changes the view in the same switch
    assert run_cli("remove", "curated-scopes", store=store).code == 0
    with Store.open(store, read_only=True) as s:
        after = s.sources()[DERIVED_KEY]
        assert after.generation == before.generation + 1
        assert not s.select("SELECT ?o WHERE { ?o gk:overlapScopeLabel ?l }")
    assert run_cli("remove", "curated-accountabilities", store=store).code == 0
    with Store.open(store, read_only=True) as s:
        assert DERIVED_KEY not in s.sources()
