"""Governance analytics on a small graph built in code, with planted overlaps, gaps, transfers and closures:
exactly those are found. (Lessons coverage and recurring lessons, which need the embedding model, are in
test_analytics_similarity.py; the answers on the bundled data in test_analytics_bundled.py.)"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import networkx as nx
import pytest
from support import full_iris, load

from conftest import run_cli
from graph.analytics import (
    GovernanceData,
    accountable,
    analyse_network,
    body_network,
    changes_between,
    gaps,
    lapsed,
    lineage_of,
    orphans,
    overlap_years,
    overlaps,
    plain,
    timeline,
    transfers,
    write_network,
)
from graph.backends.embedded import Store
from graph.errors import InputError, NotFoundError
from graph.queries import get_query

ID = "https://w3id.org/govkg/id/"
TODAY = date(2020, 1, 1)

# Bodies: old-dept was renamed dept (2000); board and unit are units of dept; a merged into b (2010), which was
# renamed c (2015); z closed in 2012 with no successor; q stands apart. post-p is in dept, held by person x.
PLANTED = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix id: <https://w3id.org/govkg/id/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:accountability-kind/policy skos:notation "policy" .
id:accountability-kind/delivery skos:notation "delivery" .
id:accountability-kind/responsible skos:notation "responsible" .
id:accountability-kind/oversight skos:notation "oversight" .
id:lineage-kind/renamed skos:notation "renamed" .
id:lineage-kind/merged skos:notation "merged" .

id:source/src1 a gk:SourceDocument ; gk:key "src1" ; dcterms:title "Report one" ; gk:url "https://example.org/1" .
id:source/src2 a gk:SourceDocument ; gk:key "src2" ; dcterms:title "Report two" .

id:body/old-dept a gk:Body ; gk:key "old-dept" ; rdfs:label "Old Department" ; gk:endDate "1999-12-31"^^xsd:date ;
  gk:succeededBy id:body/dept .
id:body/dept a gk:Body ; gk:key "dept" ; rdfs:label "Department" ; gk:startDate "2000-01-01"^^xsd:date .
id:body/board a gk:Body ; gk:key "board" ; rdfs:label "Board" ; gk:parent id:body/dept .
id:body/unit a gk:Body ; gk:key "unit" ; rdfs:label "Unit" ; gk:parent id:body/dept .
id:body/a a gk:Body ; gk:key "a" ; rdfs:label "Agency A" ; gk:startDate "2000-01-01"^^xsd:date ;
  gk:endDate "2009-12-31"^^xsd:date ; gk:succeededBy id:body/b .
id:body/b a gk:Body ; gk:key "b" ; rdfs:label "Agency B" ; gk:startDate "2010-01-01"^^xsd:date ;
  gk:endDate "2015-06-30"^^xsd:date ; gk:succeededBy id:body/c .
id:body/c a gk:Body ; gk:key "c" ; rdfs:label "Agency C" ; gk:startDate "2015-07-01"^^xsd:date .
id:body/z a gk:Body ; gk:key "z" ; rdfs:label "Closed Body Z" ; gk:endDate "2012-12-31"^^xsd:date .
id:body/q a gk:Body ; gk:key "q" ; rdfs:label "Body Q" .
id:post/post-p a gk:Post ; gk:key "post-p" ; rdfs:label "Post P" ; org:postIn id:body/dept .
id:person/x a gk:Person ; gk:key "x" ; rdfs:label "Person X" .
id:tenure/t1 a gk:Tenure ; gk:post id:post/post-p ; gk:person id:person/x .

id:lineage/old-dept--dept a gk:LineageEvent ; gk:predecessor id:body/old-dept ; gk:successor id:body/dept ;
  gk:lineageKind id:lineage-kind/renamed ; gk:date "2000-01-01"^^xsd:date ; prov:wasDerivedFrom id:source/src1 .
id:lineage/a--b a gk:LineageEvent ; gk:predecessor id:body/a ; gk:successor id:body/b ;
  gk:lineageKind id:lineage-kind/merged ; gk:date "2010-01-01"^^xsd:date ; prov:wasDerivedFrom id:source/src2 .
id:lineage/b--c a gk:LineageEvent ; gk:predecessor id:body/b ; gk:successor id:body/c ;
  gk:lineageKind id:lineage-kind/renamed ; gk:date "2015-07-01"^^xsd:date .

id:scope/strategy a gk:Scope ; skos:prefLabel "Strategy" .
id:scope/delivery a gk:Scope ; skos:prefLabel "Delivery" .
id:scope/gappy a gk:Scope ; skos:prefLabel "Gappy" .
id:scope/shared a gk:Scope ; skos:prefLabel "Shared" .
id:scope/orphaned a gk:Scope ; skos:prefLabel "Orphaned" .

id:recommendation/r1 a gk:Recommendation ; gk:key "r1" ; gk:text "Do better." ; gk:madeBy id:body/q ;
  gk:addressedTo id:body/a ; dcterms:date "2005-03-01"^^xsd:date ; prov:wasDerivedFrom id:source/src2 .
id:recommendation/r2 a gk:Recommendation ; gk:key "r2" ; gk:text "Close well." ; gk:madeBy id:body/q ;
  gk:addressedTo id:body/z ; dcterms:date "2011-03-01"^^xsd:date .
"""

# key, holder, scope, kind, start, end (None: still in force)
ACCOUNTABILITIES = [
    # strategy: one line throughout (old-dept → renamed dept; its board, its post, the post's holder) except q
    ("s1", "body/old-dept", "strategy", "policy", "1995-01-01", "1999-12-31"),
    ("s2", "body/board", "strategy", "policy", "1998-01-01", "1999-12-31"),
    ("s3", "body/dept", "strategy", "policy", "2000-01-01", None),
    ("s4", "post/post-p", "strategy", "policy", "2001-01-01", "2003-12-31"),
    ("s5", "person/x", "strategy", "policy", "2002-01-01", "2002-12-31"),
    ("s6", "body/q", "strategy", "policy", "2006-01-01", "2007-12-31"),  # THE overlap: with dept, 2006-2007
    # delivery passes along the lineage a → b → c
    ("d1", "body/a", "delivery", "delivery", "2000-01-01", "2009-12-31"),
    ("d2", "body/b", "delivery", "delivery", "2010-01-01", "2015-06-30"),
    ("d3", "body/c", "delivery", "delivery", "2015-07-01", None),
    # gappy: nobody in 2005-2006 (whole years), nor in July-August 2010 (a gap of days only)
    ("g1", "body/q", "gappy", "responsible", "2000-01-01", "2004-12-31"),
    ("g2", "body/unit", "gappy", "responsible", "2007-01-01", "2010-06-30"),
    ("g3", "body/dept", "gappy", "responsible", "2010-09-01", None),
    # shared: two overseers at once, an overlap only when shared kinds are counted
    ("o1", "body/dept", "shared", "oversight", "2000-01-01", None),
    ("o2", "body/q", "shared", "oversight", "2001-01-01", None),
    # orphaned: z's role ends with z
    ("z1", "body/z", "orphaned", "responsible", "2005-01-01", "2012-12-31"),
]


def planted_turtle() -> str:
    lines = [PLANTED]
    for key, holder, scope, kind, start, end in ACCOUNTABILITIES:
        lines.append(
            f'id:accountability/{key} a gk:Accountability ; gk:key "{key}" ; gk:holder id:{holder} ; '
            f'gk:scope id:scope/{scope} ; gk:accountabilityKind id:accountability-kind/{kind} ; '
            f'gk:startDate "{start}"^^xsd:date ; prov:wasDerivedFrom id:source/src1'
            + (f' ; gk:endDate "{end}"^^xsd:date .' if end else " ."))
    return full_iris("\n".join(lines))


@pytest.fixture(scope="module")
def planted_store() -> Store:
    return load(Store.open(None), planted_turtle())


@pytest.fixture(scope="module")
def data(planted_store: Store) -> GovernanceData:
    return GovernanceData.load(planted_store)


def keys(items: Sequence[object], attr: str = "accountability") -> list[str]:
    return [getattr(x, attr) for x in items]


def test_records_are_read_with_dates_kinds_and_sources(data: GovernanceData) -> None:
    assert len(data.accountabilities) == len(ACCOUNTABILITIES)
    s6 = next(a for a in data.accountabilities if a.key == "s6")
    assert (s6.kind, s6.start, s6.end, s6.sources) == ("policy", date(2006, 1, 1), date(2007, 12, 31), ("src1",))
    assert data.sources["src1"].title == "Report one"
    assert {s.kind for s in data.lineage} == {"renamed", "merged"}
    assert data.resolve("Agency A", "body") == ID + "body/a" == data.resolve(ID + "body/a", "body")
    for ref in ("nobody", ID + "body/nobody", ID + "scope/strategy"):
        with pytest.raises(NotFoundError):
            data.resolve(ref, "body")


def test_exactly_the_planted_overlap_is_found(data: GovernanceData) -> None:
    found = overlaps(data)
    assert [(o.scope_label, o.kind, o.a.holder_label, o.b.holder_label, o.start, o.end) for o in found] == [
        ("Strategy", "policy", "Department", "Body Q", date(2006, 1, 1), date(2007, 12, 31))]
    o = found[0]
    assert (o.from_year, o.to_year) == (2006, 2007)
    assert {o.a.accountability, o.b.accountability} == {"s3", "s6"}
    assert o.a.sources[0].title == "Report one"  # evidence: the accountabilities and their sources
    assert overlap_years(data, ID + "scope/strategy") == {2006: found, 2007: found}


def test_shared_kinds_overlap_only_when_asked(data: GovernanceData) -> None:
    shared = [o for o in overlaps(data, include_shared=True) if o.kind == "oversight"]
    assert [(o.a.holder_label, o.b.holder_label, o.start, o.end) for o in shared] == [
        ("Department", "Body Q", date(2001, 1, 1), None)]


def test_lines_go_further_than_the_canned_query(planted_store: Store, data: GovernanceData) -> None:
    """The canned query also pairs the old department with the new one's board (1998-99) and the person
    with the department (2002); a rename and a person → post → body chain are one line here."""
    rows = planted_store.select(get_query("accountability-overlaps").bind({}))
    canned = {frozenset((r["holderA"].removeprefix(ID), r["holderB"].removeprefix(ID))) for r in rows}
    ours = {frozenset((o.a.holder.removeprefix(ID), o.b.holder.removeprefix(ID))) for o in overlaps(data)}
    assert ours < canned
    assert canned - ours == {frozenset({"body/old-dept", "body/board"}), frozenset({"person/x", "body/dept"})}


def test_exactly_the_planted_gaps_are_found(planted_store: Store, data: GovernanceData) -> None:
    by_year = gaps(data)
    assert [(g.scope_label, g.start, g.end, g.years) for g in by_year] == [
        ("Gappy", date(2005, 1, 1), date(2006, 12, 31), (2005, 2006))]
    assert keys(by_year[0].before) == ["g1"] and keys(by_year[0].after) == ["g2"]
    canned = {y for y in range(1994, 2016)
              if planted_store.select(get_query("accountability-gaps").bind({"year": str(y)}))}
    assert canned == set(by_year[0].years)  # the same years as the canned query
    by_day = gaps(data, by="day")
    assert [(g.start, g.end, g.years) for g in by_day] == [
        (date(2005, 1, 1), date(2006, 12, 31), (2005, 2006)), (date(2010, 7, 1), date(2010, 8, 31), ())]


def test_who_was_accountable_in_a_year_and_on_a_day(data: GovernanceData) -> None:
    state = accountable(data, ID + "scope/strategy", 2006)
    assert sorted(e.holder_label for e in state.holders) == ["Body Q", "Department"]
    assert state.overlapping == {"policy": ["Body Q", "Department"]} and not state.gap
    quiet = accountable(data, ID + "scope/strategy", 2002)
    assert sorted(e.holder_label for e in quiet.holders) == ["Department", "Person X", "Post P"]
    assert quiet.overlapping == {}
    assert accountable(data, ID + "scope/gappy", 2005).gap
    assert accountable(data, ID + "scope/gappy", date(2010, 7, 15)).gap
    assert not accountable(data, ID + "scope/gappy", 2010).gap
    years = timeline(data, ID + "scope/gappy", today=TODAY)
    assert [s.when for s in years if s.gap] == ["2005", "2006"]


def test_exactly_the_planted_transfers_are_found(data: GovernanceData) -> None:
    found = {(t.source.accountability, t.target.accountability, t.via) for t in transfers(data)}
    assert found == {("s1", "s3", "renamed"), ("d1", "d2", "merged"), ("d2", "d3", "renamed")}
    merged = next(t for t in transfers(data) if t.via == "merged")
    assert merged.lineage_date == date(2010, 1, 1) and merged.lineage_sources[0].key == "src2"
    assert merged.days_between == 0 and merged.same_scope


def test_a_handover_within_the_window_is_a_transfer_and_outside_it_is_not(data: GovernanceData) -> None:
    """g1 (q, ends 2004) and g2 (unit, starts 2007) are two years apart; with a three-year window they join."""
    assert not any(t.source.accountability == "g1" for t in transfers(data))
    wide = {(t.source.accountability, t.target.accountability) for t in transfers(data, window_days=3 * 366)}
    assert ("g1", "g2") in wide


def test_changes_between_two_dates(data: GovernanceData) -> None:
    c = changes_between(data, date(2005, 1, 1), date(2020, 12, 31))
    assert [(t.source.accountability, t.target.accountability, [s.target.accountability for s in t.steps])
            for t in c.transferred] == [("d1", "d3", ["d2", "d3"])]
    assert keys(c.added) == ["g3"]
    assert keys(c.removed) == ["z1"]
    assert sorted(keys(c.came_and_went)) == ["g2", "s6"]  # d2 is a step of the transfer, not listed again
    assert sorted(keys(c.unchanged)) == ["o1", "o2", "s3"]  # listed, not only counted
    assert [(t.source.accountability, t.target.accountability, t.target.start.year, t.part) for t in c.steps] == [
        ("d1", "d2", 2010, "transferred"), ("d2", "d3", 2015, "transferred")]
    assert c.counts == {"unchanged": 3, "transferred": 1, "added": 1, "removed": 1, "came and went": 2,
                        "hand-over steps": 2, "steps: transferred": 2}
    early = changes_between(data, date(1999, 1, 1), date(2001, 12, 31))
    assert [(t.source.accountability, t.target.accountability) for t in early.transferred] == [("s1", "s3")]
    assert keys(early.removed) == ["s2"]  # the board's role ended; its parent's is its own, not a transfer


def test_todays_successor_with_the_chain_and_what_it_inherited(data: GovernanceData) -> None:
    result = lineage_of(data, ID + "body/a", today=TODAY)
    assert result.status == "succeeded" and [b.label for b in result.today] == ["Agency C"]
    assert [[(s.predecessor_label, s.kind, s.date) for s in c.steps] for c in result.chains] == [
        [("Agency A", "merged", date(2010, 1, 1)), ("Agency B", "renamed", date(2015, 7, 1))]]
    inherited = {a.accountability.accountability: a for a in result.accountabilities}
    assert set(inherited) == {"d1", "d2"}
    assert inherited["d1"].how == "transferred" and keys(inherited["d1"].now) == ["d3"]
    assert [t.target.accountability for t in inherited["d1"].path] == ["d2", "d3"]
    assert [(r.recommendation, r.addressee.label) for r in result.recommendations] == [("r1", "Agency A")]


def test_a_current_body_is_its_own_successor(data: GovernanceData) -> None:
    result = lineage_of(data, ID + "body/c", today=TODAY)
    assert result.status == "current" and [b.key for b in result.today] == ["c"] and not result.accountabilities


def test_lineage_as_of_an_earlier_day_stops_at_the_successor_of_that_day(data: GovernanceData) -> None:
    result = lineage_of(data, ID + "body/a", today=date(2012, 1, 1))
    assert [b.key for b in result.today] == ["b"]


def test_exactly_the_planted_closure_is_orphaned(data: GovernanceData) -> None:
    found = orphans(data, today=TODAY)
    assert [o.body.key for o in found] == ["z"]
    z = found[0]
    assert z.status == "orphaned" and z.orphaned[0].end == date(2012, 12, 31)
    assert [(a.accountability.accountability, a.how) for a in z.accountabilities] == [("z1", "lapsed")]
    assert [r.recommendation for r in z.recommendations] == ["r2"]
    assert [(x.scope_label, x.since) for x in lapsed(data, today=TODAY)] == [("Orphaned", date(2013, 1, 1))]


def test_an_open_role_of_a_closed_body_is_stale() -> None:
    turtle = planted_turtle() + full_iris("""
id:accountability/late a gk:Accountability ; gk:holder id:body/z ; gk:scope id:scope/orphaned ;
  gk:accountabilityKind id:accountability-kind/responsible ; gk:startDate "2011-01-01"^^xsd:date .""")
    data = GovernanceData.load(load(Store.open(None), turtle))
    z = lineage_of(data, ID + "body/z", today=TODAY)
    assert {a.accountability.accountability: a.how for a in z.accountabilities}["late"] == "stale"


def test_body_network_links_lineage_parents_shared_scopes_and_recommendations(data: GovernanceData,
                                                                             tmp_path: Path) -> None:
    g = body_network(data)
    assert g.number_of_nodes() == len(data.bodies)
    assert g.edges[ID + "body/a", ID + "body/b"]["lineage"] == 1
    assert g.edges[ID + "body/dept", ID + "body/unit"]["parent"] == 1
    assert g.edges[ID + "body/dept", ID + "body/q"]["shared_scopes"] == 3  # strategy, gappy, shared
    assert g.edges[ID + "body/q", ID + "body/a"]["recommendations"] == 1
    report = analyse_network(g)
    assert report.bodies[0].label == "Department"  # tied to most, most strongly
    assert report.nodes == len(data.bodies) and sum(len(c) for c in report.communities) == report.nodes
    for suffix in ("graphml", "gexf"):
        path = write_network(g, tmp_path / f"bodies.{suffix}")
        back = nx.read_graphml(path) if suffix == "graphml" else nx.read_gexf(path)
        assert back.number_of_edges() == g.number_of_edges()
        assert back.nodes[ID + "body/dept"]["label"] == "Department"
        assert "pagerank" in back.nodes[ID + "body/dept"]
    with pytest.raises(InputError):
        write_network(g, tmp_path / "bodies.png")


def test_results_turn_into_plain_json(data: GovernanceData) -> None:
    text = json.dumps(plain(overlaps(data)))
    back = json.loads(text)
    assert back[0]["start"] == "2006-01-01" and back[0]["from_year"] == 2006
    assert back[0]["a"]["sources"][0]["url"] == "https://example.org/1"


# ------------------------------------------------------------------------------------------- command line
@pytest.fixture(scope="module")
def planted_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("planted") / "store"
    with Store.open(path) as store:
        load(store, planted_turtle())
    return path


def test_analyse_cli_prints_tables_and_json(planted_path: Path) -> None:
    table = run_cli("analyse", "overlaps", store=planted_path)
    assert table.code == 0 and "Body Q" in table.out and "1 overlap(s)" in table.out
    as_json = run_cli("analyse", "gaps", "--format", "json", store=planted_path)
    assert as_json.code == 0 and [g["years"] for g in json.loads(as_json.out)] == [[2005, 2006]]
    lineage = run_cli("analyse", "lineage", "Agency A", "--today", "2020", "--json", store=planted_path)
    assert [b["key"] for b in json.loads(lineage.out)["today"]] == ["c"]
    changed = run_cli("analyse", "changes", "2005", "2020", store=planted_path)
    assert changed.code == 0 and "Transferred (1)" in changed.out and "Removed (1)" in changed.out
    timeline_out = run_cli("analyse", "accountable", "strategy", store=planted_path)
    assert "more than one line in the same kind of role: 2006–2007" in timeline_out.out


def test_a_change_report_adds_up_in_its_table_and_its_json(planted_path: Path) -> None:
    out = run_cli("analyse", "changes", "2005", "2020", store=planted_path).out
    assert out.splitlines()[0] == ("Changes from 2005-01-01 to 2020-12-31 (transfer window 366 days): 3 unchanged, "
                                   "1 transferred, 1 added, 1 removed, 2 came and went; 2 hand-over step(s) "
                                   "(2 transferred)")
    for heading in ("Transferred (1)", "Added (1)", "Removed (1)", "Came and went (2)", "Unchanged (3)",
                    "Hand-over steps between the two dates (2)"):
        assert heading in out
    data = json.loads(run_cli("analyse", "changes", "2005", "2020", "--json", store=planted_path).out)
    assert sorted(e["accountability"] for e in data["unchanged"]) == ["o1", "o2", "s3"]
    assert all(data["counts"][part] == len(data[part]) for part in ("unchanged", "added", "removed"))
    assert data["counts"]["came and went"] == len(data["came_and_went"])
    assert data["counts"]["hand-over steps"] == len(data["steps"]) == 2


def test_a_reversed_period_is_swapped_with_a_note(planted_path: Path) -> None:
    swapped = run_cli("analyse", "changes", "2020", "2005", store=planted_path).out
    assert "note: the dates were given latest first: compared 2005-01-01 with 2020-12-31" in swapped
    assert swapped.splitlines()[0].startswith("Changes from 2005-01-01 to 2020-12-31")
    assert changes_between(GovernanceData(), date(2020, 1, 1), date(2005, 1, 1)).note.startswith(
        "the second date came first")


def test_analyse_cli_exports_the_network_and_reports_bad_input(planted_path: Path, tmp_path: Path) -> None:
    out = run_cli("analyse", "network", "--export", str(tmp_path / "n.gexf"), "--top", "3", store=planted_path)
    assert out.code == 0 and (tmp_path / "n.gexf").exists() and "Department" in out.out
    missing = run_cli("analyse", "lineage", "no-such-body", store=planted_path)
    assert missing.code == 2 and missing.err.startswith("Error: no body")
    bad_date = run_cli("analyse", "changes", "2005-13", "2010", store=planted_path)
    assert bad_date.code == 2 and "bad date" in bad_date.err


def test_analyse_cli_says_when_the_store_is_empty(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty").close()
    out = run_cli("analyse", "overlaps", store=tmp_path / "empty")
    assert out.code == 2 and "empty" in out.err
