"""graph/views, the explorer's plain-data layer, on records built in code and on the bundled data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graph.analytics.data import Accountability, Body, GovernanceData
from graph.backends.embedded import Store
from graph.errors import NotFoundError, QueryTimeout
from graph.namespaces import ID
from graph.validation import Violation
from graph.views import body as body_view
from graph.views.console import InProcessRunner, examples, param_choices
from graph.views.matrix import GAP_COLUMN, matrix
from graph.views.network import neighbourhood
from graph.views.overview import OGL, OPL, SECONDARY, licence_of, timeline
from graph.views.quality import category_of, group, report_rows, shacl_rows
from graph.views.refs import iri_of, parse_day, ref_of


def _body(key: str, label: str) -> Body:
    return Body(f"{ID}body/{key}", key, label, "ndpb")


def _acc(key: str, holder: str, kind: str, start: str, end: str | None = None) -> Accountability:
    return Accountability(f"{ID}accountability/{key}", key, f"{ID}body/{holder}", f"{ID}scope/strategy", kind,
                          date.fromisoformat(start), date.fromisoformat(end) if end else None)


@pytest.fixture
def governance() -> GovernanceData:
    """Three bodies leading one scope: a and b overlap in 2011; nobody leads it from 2013 to 2014."""
    data = GovernanceData()
    for key, label in (("a", "Body A"), ("b", "Body B"), ("c", "Body C")):
        data.bodies[f"{ID}body/{key}"] = _body(key, label)
        data.labels[f"{ID}body/{key}"] = label
    data.scopes[f"{ID}scope/strategy"] = "Strategy"
    data.labels[f"{ID}scope/strategy"] = "Strategy"
    data.accountabilities = [_acc("a1", "a", "policy", "2010-01-01", "2012-12-31"),
                             _acc("b1", "b", "policy", "2011-01-01", "2011-12-31"),
                             _acc("c1", "c", "policy", "2015-01-01")]
    return data


def test_refs_round_trip_and_bad_dates_fall_back() -> None:
    assert ref_of(iri_of("body/nhs-digital")) == "body/nhs-digital"
    assert iri_of("https://example.org/x") == "https://example.org/x"
    assert parse_day("2020-06-01", date(2000, 1, 1)) == date(2020, 6, 1)
    assert parse_day("June 2020", date(2000, 1, 1)) == date(2000, 1, 1)


def test_licence_comes_from_the_source_then_the_publisher() -> None:
    assert licence_of("National Audit Office", "primary") == (OGL, "by publisher")
    assert licence_of("House of Commons Committee of Public Accounts", "primary") == (OPL, "by publisher")
    assert licence_of("Wikipedia", "secondary") == (SECONDARY, "secondary")
    assert licence_of("Anyone", "primary", "CC BY 4.0") == ("CC BY 4.0", "stated")


def test_matrix_marks_an_overlap_in_the_cells_of_both_holders(governance: GovernanceData) -> None:
    found = matrix(governance, date(2011, 6, 1))
    cells = {c.body_label: c for c in found.cells}
    assert cells["Body A"].overlap == ["policy"] and cells["Body B"].overlap == ["policy"]
    assert cells["Body A"].text == "policy ⚠"
    assert found.overlaps[0]["holders"] == "Body A, Body B"


def test_matrix_shows_a_gap_between_two_leading_holders(governance: GovernanceData) -> None:
    found = matrix(governance, date(2014, 1, 1))
    assert found.cells == []
    assert found.gaps[0]["scope"] == "Strategy" and found.gaps[0]["last holder"] == "Body A"
    assert {"scope": "Strategy", "body": GAP_COLUMN} in [{k: r[k] for k in ("scope", "body")}
                                                         for r in found.records()]
    assert matrix(governance, date(2016, 1, 1)).gaps == []


def test_timeline_leaves_out_undated_bodies(governance: GovernanceData) -> None:
    assert timeline(governance) == []


def test_quality_groups_shacl_results_by_shape_and_by_source() -> None:
    results = [Violation(f"{ID}body/x", "https://w3id.org/govkg/ontology#startDate", "bad date",
                         "https://w3id.org/govkg/ontology#BodyShape", "Violation", "2020-13-01"),
               Violation(f"{ID}lesson/y", "", "no title", "https://w3id.org/govkg/ontology#LessonShape", "Warning")]
    rows = shacl_rows(results, {f"{ID}body/x": "curated-bodies"})
    assert rows[0]["shape"] == "gk:BodyShape" and rows[0]["focus"] == "body/x" and rows[1]["source"] == "?"
    assert list(group(rows, "shape")) == ["gk:BodyShape", "gk:LessonShape"]
    assert set(group(rows, "source")) == {"curated-bodies", "?"}


def test_ingest_reports_become_rows_by_category() -> None:
    report = {"counts": {"rows": 3}, "dangling_references": [{"on": "x", "field": "parent"}],
              "ambiguous_names": [{"name": "the Department", "candidates": ["dh", "dhsc"]}],
              "bad_dates": [{"id": "7", "date": "31/02/2020"}], "bad_dates_total": 12,
              "aliases": [{"alias": "NAO"}]}
    with Store.open(None) as store:
        with store.staging() as stage:
            stage.put("dataset-x", b"", content_hash="h", origin="x.csv", ingester="test", report=json.dumps(report))
        rows = report_rows(store)
    assert {r["category"] for r in rows} == {"dangling reference", "ambiguous match", "unparsed row"}
    bad = next(r for r in rows if r["problem"] == "bad dates")
    assert bad["of"] == 12 and "31/02/2020" in bad["detail"]
    assert category_of("unresolved_aliases") == "dangling reference"


def test_body_profile_of_nhs_digital_walks_the_whole_lineage(bundled: Store) -> None:
    data = GovernanceData.load(bundled)
    profile = body_view.body_profile(bundled, data, "nhs-digital")
    befores = {(p["predecessor"], p["steps away"]) for p in profile.predecessors}
    assert ("Health and Social Care Information Centre", 1) in befores
    assert ("NHS Information Authority", 3) in befores
    assert [p["successor"] for p in profile.successors] == ["NHS England"]
    assert profile.parents[0]["ref"] == "body/department-of-health-and-social-care"
    with pytest.raises(NotFoundError):
        body_view.body_profile(bundled, data, "body/no-such-body")


def test_the_neighbourhood_keeps_to_its_cap_and_its_relations(bundled: Store) -> None:
    net = neighbourhood(bundled, "body/nhsx", cap=6)
    assert len(net.nodes) == 6 and net.hidden > 0 and net.nodes[0]["role"] == "centre"
    only = neighbourhood(bundled, "body/nhsx", relations={"gk:holder"}, cap=100)
    assert {e["relation"] for e in only.edges} == {"gk:holder"}
    assert all(e["target"] == "body/nhsx" for e in only.edges)


def test_canned_query_parameters_offer_the_records_of_their_kind(bundled: Store) -> None:
    scope = next(p for p in examples()["accountable-for-scope"].params if p.name == "scope")
    choices = param_choices(bundled, scope)
    assert choices["national-digital-strategy"] == "National digital strategy for health and care"
    year = next(p for p in examples()["accountable-for-scope"].params if p.name == "year")
    assert param_choices(bundled, year) == {}


def test_the_in_process_runner_reports_a_slow_query(bundled: Store) -> None:
    runner = InProcessRunner(bundled)
    assert runner.run("ASK { ?s ?p ?o }", limit=10, timeout=30).boolean is True
    with pytest.raises(QueryTimeout):
        runner.run("SELECT * WHERE { ?s ?p ?o } LIMIT 1", limit=10, timeout=1e-9)
