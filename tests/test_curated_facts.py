"""The curated data's dates agree with each other and say how things end (the fact check of issue 19).

Three parts: data tests over the whole curated set, read from the YAML (every accountability, post and tenure
ends or says it is current or its end unknown; every figure has an estimate date; lineage, roles, posts and
tenures keep their dates in order); the acceptance questions asked through the real command line and checked
against what the YAML says, not against a list of answers; and the format's rules for ends, on small folders
written here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from conftest import CURATED, ROOT, run_cli, snapshot
from graph.analytics import GovernanceData
from graph.backends.embedded import Store
from graph.views.matrix import matrix
from ingest.curated import read_files
from ingest.curated_schema import END_CURRENT, END_UNKNOWN, FIGURE_KINDS
from ingest.dates import parse_date
from ingest.yamlfile import Record

ID = "https://w3id.org/govkg/id/"
GAVE_WAY = ("merged", "renamed", "replaced", "absorbed", "split")  # lineage kinds after which the predecessor ends
ONE_DAY = timedelta(days=1)


# ------------------------------------------------------------------------------------------------ reading
@dataclass(frozen=True)
class Life:
    """When a record began and ended, as stored: the first day of its start, the last day of its end (or, when
    its end is unknown, the latest day it can be); ``state`` is "date", "current" or "unknown"."""

    start: date | None
    end: date | None
    state: str

    def bounded(self) -> bool:
        return self.end is not None


def life(rec: Record) -> Life:
    start = parse_date(rec["start"]).first if rec.get("start") is not None else None
    end = rec.get("end")
    if end is None or end == END_CURRENT:
        return Life(start, None, "current")
    if end == END_UNKNOWN:
        bound = parse_date(rec["ended_by"]).last if rec.get("ended_by") is not None else None
        return Life(start, bound, "unknown")
    return Life(start, parse_date(end).last, "date")


@pytest.fixture(scope="module")
def curated() -> dict[str, list[Record]]:
    return {cf.kind.key: cf.records for cf in read_files(sorted(CURATED.glob("*.yaml")))}


@pytest.fixture(scope="module")
def bodies(curated: dict[str, list[Record]]) -> dict[str, Record]:
    return {r["id"]: r for r in curated["bodies"]}


@pytest.fixture(scope="module")
def lines(bodies: dict[str, Record]) -> dict[str, Life]:
    """Each body's life under all its names: a body renamed, or renamed from, is one organisation."""
    same: dict[str, set[str]] = {key: {key} for key in bodies}
    for key, body in bodies.items():
        for step in body.get("lineage") or []:
            if step["kind"] == "renamed":
                joined = same[key] | same[step["successor"]]
                for member in joined:
                    same[member] = joined
    out = {}
    for key, members in same.items():
        lives = [life(bodies[m]) for m in members]
        starts = [x.start for x in lives]
        first = None if None in starts else min(s for s in starts if s is not None)
        last = None if any(not x.bounded() for x in lives) else max(x.end for x in lives if x.end is not None)
        out[key] = Life(first, last, "line")
    return out


def holder_body(rec: Record, posts: dict[str, Record], bodies: dict[str, Record]) -> str | None:
    """The body a holder is or sits in: a body itself, or a post's body (people are not tied to one body)."""
    holder = rec["holder"]
    if holder in bodies:
        return str(holder)
    if holder in posts and posts[holder].get("in_body"):
        return str(posts[holder]["in_body"])
    return None


def within(what: str, inner: Life, outer: Life, outer_name: str) -> list[str]:
    """Problems if ``inner`` starts before ``outer`` or outlasts it (an open end outlasts a closed body)."""
    problems = []
    if inner.start is not None and outer.start is not None and inner.start < outer.start:
        problems.append(f"{what} starts {inner.start} before {outer_name} ({outer.start})")
    if outer.end is not None:
        if not inner.bounded():
            problems.append(f"{what} is {inner.state} but {outer_name} ended by {outer.end}")
        elif inner.end is not None and inner.end > outer.end:
            problems.append(f"{what} ends {inner.end} after {outer_name} ({outer.end})")
    return problems


# ------------------------------------------------------------------------------ every record says how it ends
def test_every_accountability_post_and_tenure_says_how_it_ends(curated: dict[str, list[Record]]) -> None:
    silent = [r.where() for r in curated["accountabilities"] + curated["posts"] if "end" not in r]
    silent += [t.where() for p in curated["posts"] for t in p.get("tenures") or [] if "end" not in t]
    assert silent == [], "no end, and not marked current or unknown:\n" + "\n".join(silent)
    unbounded = [r.where("end") for r in curated["accountabilities"] if life(r).state == "unknown"
                 and not life(r).bounded()]
    assert unbounded == [], "an accountability whose end is unknown must give ended_by"


def test_every_figure_has_an_estimate_date_and_a_kind(curated: dict[str, list[Record]]) -> None:
    undated = [f.where() for f in curated["figures"] if not f.get("estimate_date")]
    untyped = [f.where() for f in curated["figures"] if not f.get("kind")]
    assert undated == [] and untyped == [], f"no estimate date: {undated}; no kind: {untyped}"


def test_records_that_cite_only_secondary_sources_do_not_claim_a_primary_one(
        curated: dict[str, list[Record]]) -> None:
    secondary = {s["id"] for s in curated["sources"] if s["reliability"] == "secondary"}
    wrong = []
    for key, records in curated.items():
        for rec in records:
            items = [(rec, rec)] + [(rec, x) for name in ("tenures", "lineage") for x in rec.get(name) or []]
            for parent, item in items:
                sources = item.get("sources") or parent.get("sources") or []
                certainty = item.get("certainty", parent.get("certainty", "sourced"))
                if key != "sources" and sources and set(sources) <= secondary and certainty == "sourced":
                    wrong.append(item.where("sources"))
    assert wrong == [], "secondary sources only, yet certainty 'sourced':\n" + "\n".join(wrong)


# ------------------------------------------------------------------------------------- dates in order
def test_lineage_steps_fall_after_the_predecessor_ends_and_once_the_successor_exists(
        bodies: dict[str, Record]) -> None:
    problems = []
    for key, body in bodies.items():
        before = life(body)
        for step in body.get("lineage") or []:
            where = step.where("date")
            if step["kind"] in GAVE_WAY and before.state == "current":
                problems.append(f"{where}: {key} {step['kind']} into {step['successor']} but has no end")
            if step.get("date") in (None, END_UNKNOWN):
                continue
            when = parse_date(step["date"]).first
            after = life(bodies[step["successor"]])
            if before.state == "date" and before.end is not None and when <= before.end:
                problems.append(f"{where}: {when} is not after {key} ends ({before.end})")
            if before.state == "unknown" and before.end is not None and when > before.end + ONE_DAY:
                problems.append(f"{where}: {when} is after the latest end of {key} ({before.end})")
            if before.start is not None and when < before.start:
                problems.append(f"{where}: {when} is before {key} starts ({before.start})")
            if after.start is not None and when < after.start:
                problems.append(f"{where}: {when} is before {step['successor']} starts ({after.start})")
    assert problems == [], "\n".join(problems)


def test_roles_held_by_a_body_or_its_posts_lie_within_the_bodys_life(
        curated: dict[str, list[Record]], bodies: dict[str, Record], lines: dict[str, Life]) -> None:
    posts = {p["id"]: p for p in curated["posts"]}
    problems = []
    for acc in curated["accountabilities"]:
        body = holder_body(acc, posts, bodies)
        if body is not None:
            problems += [f"{acc.where()}: {p}" for p in within("the role", life(acc), lines[body], body)]
    assert problems == [], "\n".join(problems)


def test_posts_lie_within_their_bodies_and_tenures_within_their_posts(
        curated: dict[str, list[Record]], lines: dict[str, Life]) -> None:
    problems = []
    for post in curated["posts"]:
        if post.get("in_body"):
            problems += [f"{post.where()}: {p}" for p in within("the post", life(post), lines[post["in_body"]],
                                                                 post["in_body"])]
        for tenure in post.get("tenures") or []:
            problems += [f"{tenure.where()}: {p}" for p in within("the tenure", life(tenure), life(post),
                                                                   post["id"])]
    assert problems == [], "\n".join(problems)


def test_tenures_of_one_post_do_not_overlap_where_their_dates_are_known(curated: dict[str, list[Record]]) -> None:
    problems = []
    for post in curated["posts"]:
        dated = [t for t in post.get("tenures") or [] if t.get("start") is not None]
        for a in dated:
            for b in dated:
                if a is b or a.get("end") in (None, END_CURRENT, END_UNKNOWN):
                    continue
                # coarse dates: an overlap only when a's earliest possible end falls after b's latest start
                if parse_date(a["start"]).first <= parse_date(b["start"]).first \
                        and parse_date(a["end"]).first > parse_date(b["start"]).last:
                    problems.append(f"{a.where()}: {a['person']} still in post when {b['person']} started")
    assert problems == [], "\n".join(problems)


def test_the_figure_kinds_of_the_format_are_those_of_the_scheme() -> None:
    schemes = Graph().parse(ROOT / "ontology" / "schemes.ttl")
    rows = schemes.query("SELECT ?n WHERE { ?c <http://www.w3.org/2004/02/skos/core#inScheme> "
                         "<https://w3id.org/govkg/ontology#FigureKindScheme> ; "
                         "<http://www.w3.org/2004/02/skos/core#notation> ?n }")
    assert {str(r[0]) for r in rows} == set(FIGURE_KINDS)  # type: ignore[index]


# ------------------------------------------------------------------- the corrections the fact check asked for
def test_the_npfit_sro_timeline_runs_from_the_first_sro_to_the_dismantling(
        curated: dict[str, list[Record]]) -> None:
    timeline = sorted((a for a in curated["accountabilities"] if a["scope"] == "npfit-sro"),
                      key=lambda a: parse_date(a["start"]).first)
    first, *rest = timeline
    assert first["holder"] == "john-pattison" and parse_date(first["start"]).first.year == 2002
    assert life(first).state == "unknown" and all(life(a).start == date(2006, 9, 1) for a in rest)
    assert life(first).end is not None and life(first).end < date(2006, 10, 1)
    assert {a["holder"] for a in rest} == {"nhs-chief-executive", "david-nicholson"}
    assert all(life(a).end == date(2011, 12, 31) for a in rest)  # with the programme's dismantling
    for acc in timeline:  # every date says how firm it is: the sources here are secondary
        assert acc.get("certainty") in ("secondary", "inferred", "uncertain"), acc.where()
        assert acc.get("start_certainty") or acc.get("end_certainty"), acc.where()
    components = [a for a in curated["accountabilities"] if a["kind"] == "sro" and a["scope"] != "npfit-sro"
                  and parse_date(a["start"]).first.year > 2011]
    assert components and all(life(a).state == "unknown" for a in components)


def test_the_interim_it_director_of_2008_ends_and_who_followed_is_dated(curated: dict[str, list[Record]]) -> None:
    posts = {p["id"]: p for p in curated["posts"]}
    for post, interims in (("director-it-programme-system-delivery", 1), ("health-chief-information-officer", 2)):
        tenures = sorted(posts[post]["tenures"], key=lambda t: parse_date(t["start"]).first)
        assert all(life(t).state == "date" and life(t).end is not None and life(t).end.year == 2008
                   for t in tenures[:interims])
        assert life(tenures[interims]).start == date(2008, 9, 22), post
    delivery = {a["holder"]: life(a) for a in curated["accountabilities"] if a["scope"] == "npfit-delivery"}
    assert delivery["gordon-hextall"].end == date(2008, 9, 21)
    assert delivery["martin-bellamy"].start == date(2008, 9, 22) and delivery["martin-bellamy"].state == "unknown"


def test_bodies_start_when_formed_and_a_renaming_is_a_rename(bodies: dict[str, Record]) -> None:
    ipa = bodies["infrastructure-and-projects-authority"]
    assert life(ipa).start == date(2016, 1, 1)
    for before in ("major-projects-authority", "infrastructure-uk"):
        [step] = bodies[before]["lineage"]
        assert (step["successor"], step["kind"], step["date"]) == (ipa["id"], "merged", "2016-01-01")
    [step] = bodies["health-committee"]["lineage"]
    assert step["successor"] == "health-and-social-care-committee" and step["kind"] == "renamed"
    assert step["date"] == END_UNKNOWN and life(bodies["health-committee"]).state == "unknown"


# ------------------------------------------------------------------- acceptance, through the command line
def bindings(result: Any) -> list[dict[str, str]]:
    assert result.code == 0, result.err
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.out)["results"]["bindings"]]


def expected_in_year(curated: dict[str, list[Record]], scope: str, year: int) -> dict[str, Life]:
    """From the YAML: the accountabilities for ``scope`` that were or may have been in force in ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    out = {}
    for acc in curated["accountabilities"]:
        span = life(acc)
        if acc["scope"] == scope and span.start is not None and span.start <= last \
                and (span.end is None or span.end >= first):
            out[acc["id"]] = span
    return out


@pytest.mark.parametrize("year", [2009, 2020])
def test_accountable_for_scope_lists_no_role_that_had_ended(
        bundled_store_path: Path, curated: dict[str, list[Record]], year: int) -> None:
    for scope in sorted({a["scope"] for a in curated["accountabilities"]}):
        rows = bindings(run_cli("query", "accountable-for-scope", "--param", f"scope={scope}", "--param",
                                f"year={year}", "--format", "json", store=bundled_store_path))
        want = expected_in_year(curated, scope, year)
        got = {r["accountability"].removeprefix(ID + "accountability/"): r for r in rows}
        assert set(got) == set(want), (scope, year)
        for key, row in got.items():
            span = want[key]
            assert row["endStatus"] == {"date": "known", "unknown": "unknown", "current": "current"}[span.state]
            assert row.get("end", "") == (span.end.isoformat() if span.state == "date" and span.end else "")
            assert row.get("endedBy", "") == (span.end.isoformat() if span.state == "unknown" and span.end else "")


def test_accountable_for_npfit_delivery_in_2009_is_the_department_the_agency_and_the_permanent_director(
        bundled_store_path: Path) -> None:
    rows = bindings(run_cli("query", "accountable-for-scope", "--param", "scope=npfit-delivery", "--param",
                            "year=2009", "--format", "json", store=bundled_store_path))
    holders = {r["holder"].removeprefix(ID): r["endStatus"] for r in rows}
    assert holders == {"body/department-of-health": "known", "body/nhs-connecting-for-health": "known",
                       "person/martin-bellamy": "unknown"}


JUNE_2020 = date(2020, 6, 1)


def test_who_held_what_on_1_june_2020_shows_no_role_that_had_ended(
        bundled_store_path: Path, curated: dict[str, list[Record]]) -> None:
    for scope in sorted({a["scope"] for a in curated["accountabilities"]}):
        result = run_cli("analyse", "accountable", scope, "--date", JUNE_2020.isoformat(), "--json",
                         store=bundled_store_path)
        assert result.code == 0, result.err
        [state] = json.loads(result.out)
        held = {e["accountability"]: e for e in state["holders"]}
        want = {a["id"]: life(a) for a in curated["accountabilities"] if a["scope"] == scope
                and life(a).start is not None and life(a).start <= JUNE_2020  # type: ignore[operator]
                and (life(a).end is None or life(a).end >= JUNE_2020)}  # type: ignore[operator]
        assert set(held) == set(want), scope
        for key, e in held.items():
            assert e["end_unknown"] == (want[key].state == "unknown"), key


def test_the_matrix_for_1_june_2020_marks_roles_whose_end_is_unknown(
        bundled: Store, curated: dict[str, list[Record]]) -> None:
    data = GovernanceData.load(bundled)
    shown = matrix(data, JUNE_2020)
    states = {a["id"]: life(a) for a in curated["accountabilities"]}
    for cell in shown.cells:
        facts = [f.removeprefix("accountability/") for f in cell.facts]
        assert all(states[f].end is None or states[f].end >= JUNE_2020 for f in facts), cell  # type: ignore[operator]
        unknown_only = {a.kind for a in data.accountabilities if a.key in facts} - {
            a.kind for a in data.accountabilities if a.key in facts and states[a.key].state != "unknown"}
        assert sorted(unknown_only) == cell.end_unknown
        assert ("(end unknown)" in cell.text) == bool(unknown_only)


def part_of_closure(curated: dict[str, list[Record]], programme: str) -> set[str]:
    parent = {p["id"]: p.get("part_of") for p in curated["programmes"]}
    out = {programme}
    changed = True
    while changed:
        more = {key for key, up in parent.items() if up in out} - out
        out |= more
        changed = bool(more)
    return out


def test_every_estimate_of_npfits_total_cost_comes_with_its_sources(
        bundled_store_path: Path, curated: dict[str, list[Record]]) -> None:
    rows = bindings(run_cli("query", "figures-about-programme", "--param", "programme=npfit", "--param",
                            "kind=total-cost-estimate", "--format", "json", store=bundled_store_path))
    about = part_of_closure(curated, "npfit")
    want = {f["id"] for f in curated["figures"] if f.get("about") in about
            and "total-cost-estimate" in (f["kind"] if isinstance(f["kind"], list) else [f["kind"]])}
    got = {r["figure"].removeprefix(ID + "figure/"): r for r in rows}
    assert set(got) == want and "npfit-core-contracts-2003" in got
    sources = {s["id"]: s for s in curated["sources"]}
    figures = {f["id"]: f for f in curated["figures"]}
    for key, row in got.items():
        assert "total-cost-estimate" in row["kinds"].split()
        assert row["estimateDate"] == figures[key]["estimate_date"]  # at the precision it is known: 2003, 2008-05
        for cited in figures[key]["sources"]:
            source = sources[cited]
            told = source["title"] + (f" ({source['date']})" if source.get("date") else "")
            assert told in row["sourceDetails"].split(" | "), (key, told)
    dates = [parse_date(r["estimateDate"]).first for r in rows]
    assert dates == sorted(dates)


def test_the_figures_query_says_which_figures_already_include_others(bundled_store_path: Path) -> None:
    rows = bindings(run_cli("query", "figures-about-programme", "--param", "programme=npfit-care-records",
                            "--param", "kind=contract-value", "--format", "json", store=bundled_store_path))
    got = {r["figure"].removeprefix(ID + "figure/"): r for r in rows}
    assert "lsp-southern-bt-work" in got["lsp-london-2009"]["includes"].split()
    assert got["lsp-southern-bt-work"]["includedIn"] == "lsp-london-2009"
    everything = bindings(run_cli("query", "figures-about-programme", "--param", "programme=npfit", "--format",
                                  "json", store=bundled_store_path))
    assert len(everything) > len(rows) and all(r.get("kinds") for r in everything)


def test_a_kind_that_is_no_kind_returns_nothing_rather_than_everything(bundled_store_path: Path) -> None:
    rows = bindings(run_cli("query", "figures-about-programme", "--param", "programme=npfit", "--param",
                            "kind=total-cost", "--format", "json", store=bundled_store_path))
    assert rows == []


# ----------------------------------------------------------------------------- the format's rules for ends
# A small curated folder, written in more than one style: quoted and bare dates, flow and block lists.
SOURCES = """sources:
- id: s1
  title: A report
  date: "2010-05"
  kind: report
  reliability: primary
"""
BODIES = """bodies:
- id: old-board
  label: Old board
  kind: board
  start: 2001
  end: unknown
  ended_by: "2010-05"
  lineage:
  - {successor: new-board, date: unknown, kind: renamed, sources: [s1]}
  sources: [s1]
- id: new-board
  label: New board
  kind: board
  end: current
  sources:
    - s1
"""
SCOPES = """scopes:
- id: sc
  label: A scope
  definition: Something held.
  sources: [s1]
"""
PEOPLE = """people:
- {id: p1, label: Person one, sources: [s1]}
- {id: p2, label: Person two, sources: [s1]}
"""
POSTS = """posts:
- id: chair
  label: Chair
  in_body: old-board
  end: unknown
  tenures:
    - {person: p1, start: "2001-03", end: "2004-06-30", sources: [s1]}
    - person: p2
      start: 2004-07-01
      end: unknown
      end_certainty: uncertain
  sources: [s1]
"""
ACCOUNTABILITIES = """accountabilities:
- id: a-unknown
  holder: old-board
  scope: sc
  kind: policy
  start: "2001"
  end: unknown
  ended_by: "2009"
  end_certainty: inferred
  sources: [s1]
- id: a-current
  holder: new-board
  scope: sc
  kind: policy
  start: "2010-06-01"
  end: current
  sources: [s1]
"""


@pytest.fixture
def small(tmp_path: Path) -> Path:
    folder = tmp_path / "curated"
    folder.mkdir()
    for name, text in (("sources", SOURCES), ("bodies", BODIES), ("scopes", SCOPES), ("people", PEOPLE),
                       ("posts", POSTS), ("accountabilities", ACCOUNTABILITIES)):
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def ask(store: Path, sparql: str) -> set[tuple[str, ...]]:
    result = run_cli("sparql", sparql, "--format", "json", store=store)
    return {tuple(b[v]["value"] for v in sorted(b)) for b in json.loads(result.out)["results"]["bindings"]}


def test_an_unknown_end_is_stored_as_unknown_with_its_latest_day_and_current_as_no_end(
        small: Path, tmp_path: Path) -> None:
    store = tmp_path / "s"
    result = run_cli("ingest", "-q", str(small), store=store)
    assert result.code == 0, result.err
    ends = ask(store, "SELECT ?k ?end ?u WHERE { ?x gk:key ?k . OPTIONAL { ?x gk:endDate ?end } "
                      "OPTIONAL { ?x gk:endUnknown ?u } FILTER(BOUND(?end) || BOUND(?u)) }")
    assert ends == {("2009-12-31", "a-unknown", "true"), ("2010-05-31", "old-board", "true"),
                    ("2004-06-30", "chair--p1-1"), ("chair", "true"), ("chair--p2-2", "true")}
    assert ask(store, "SELECT ?k WHERE { ?x gk:dateUnknown true ; gk:key ?k FILTER NOT EXISTS { ?x gk:date ?d } }") \
        == {("old-board--new-board",)}
    assert ask(store, "SELECT ?p WHERE { ?s gk:key \"s1\" ; gk:issuedPrecision ?p }") == {("month",)}
    rows = bindings(run_cli("query", "accountable-for-scope", "--param", "scope=sc", "--param", "year=2010",
                            "--format", "json", store=store))
    assert {(r["accountability"].rsplit("/", 1)[1], r["endStatus"]) for r in rows} == {("a-current", "current")}
    assert run_cli("validate", store=store).code == 0


@pytest.mark.parametrize(("old", "new", "message"), [
    ('  end: unknown\n  ended_by: "2009"\n  end_certainty: inferred\n', "  end: unknown\n",
     r"accountabilities\.yaml:\d+ \(id a-unknown\), field 'end': an accountability whose end is unknown needs "
     r"'ended_by'"),
    ("  end: current\n  sources: [s1]\n", '  end: current\n  ended_by: "2011"\n  sources: [s1]\n',
     r"accountabilities\.yaml:\d+ \(id a-current\), field 'ended_by': ended_by is the latest day an unknown end "
     r"can be"),
    ("  end: current\n  sources: [s1]\n", "  end: ongoing\n  sources: [s1]\n",
     r"field 'end': bad date: 'ongoing' is not a date .* or 'unknown' or 'current'"),
    ('  ended_by: "2009"\n', '  ended_by: "2000"\n', r"ends \(2000\) before it starts \(2001\)"),
])
def test_a_bad_end_is_refused_with_one_message_and_the_store_unchanged(
        small: Path, tmp_path: Path, old: str, new: str, message: str) -> None:
    store = tmp_path / "s"
    assert run_cli("ingest", "-q", str(small), store=store).code == 0
    path = small / "accountabilities.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(store)
    result = run_cli("ingest", "-q", str(small), store=store)
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert result.code == 2 and len(errors) == 1, result.err
    assert re.search(message, result.err), result.err
    assert snapshot(store) == before

