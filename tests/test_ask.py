"""``govkg ask`` understood and answered on the bundled data: dates as people write them, the graph's names
(exact, abbreviated, misspelt, shortened) with "did you mean", the kind of question, answers with their sources
and a summary built from the rows, refusals for what the graph cannot answer, and the evaluation set's held-out
accuracy above the floor measured for it (bench/ask.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import model_available

from conftest import need
from govkg_data import ASK_EVAL
from graph.ask import Asker
from graph.ask.answer import summarise
from graph.ask.dates import find_period
from graph.ask.entities import Entity, EntityIndex
from graph.ask.evaluation import evaluate, load_cases, parts
from graph.ask.kinds import ask_kinds
from graph.backends.embedded import Store
from graph.queries import canned_queries
from graph.settings import Settings

ID = "https://w3id.org/govkg/id/"
TODAY = dt.date(2026, 6, 1)
HELD_OUT_FLOOR = 0.9  # measured 0.972 on the curated data (bench/ask.md); a drop below 0.9 is a regression
REFUSAL_FLOOR = 0.9


@pytest.fixture(scope="module")
def store(bundled_store_path: Path) -> Iterator[Store]:
    with Store.open(bundled_store_path, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def asker(store: Store, bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Asker:
    """An asker on the bundled data; its search index in a folder of its own (the bundled store is shared)."""
    need(model_available(), "the embedding model is not installed")
    search = tmp_path_factory.mktemp("ask-search")
    return Asker(store, Settings.load({"store": str(bundled_store_path), "search_dir": str(search)}), today=TODAY)


@pytest.fixture(scope="module")
def names(store: Store) -> EntityIndex:
    return EntityIndex.load(store)


# ------------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize(("text", "start", "end", "grain"), [
    ("who was in charge in June 2020?", "2020-06-01", "2020-06-30", "month"),
    ("on 1 April 2013", "2013-04-01", "2013-04-01", "day"),
    ("on April 1, 2013", "2013-04-01", "2013-04-01", "day"),
    ("as of 2020-06-01", "2020-06-01", "2020-06-01", "day"),
    ("projects rated red in 2019-20", "2019-04-01", "2020-03-31", "fy"),
    ("rated red in 2019/20", "2019-04-01", "2020-03-31", "fy"),
    ("what changed between 2018 and 2023", "2018-01-01", "2023-12-31", "range"),
    ("from 2005 to 2011", "2005-01-01", "2011-12-31", "range"),
    ("2019 compared with 2017: in 2019 compared with 2017", "2017-01-01", "2019-12-31", "range"),
    ("in 2009", "2009-01-01", "2009-12-31", "year"),
    ("who is responsible now?", "2026-06-01", "2026-06-01", "now"),
    ("in 2008, in October 2008 to be exact", "2008-10-01", "2008-10-31", "month"),
])
def test_dates_and_periods_are_read_as_people_write_them(text: str, start: str, end: str, grain: str) -> None:
    period = find_period(text, today=TODAY)
    assert period is not None
    assert (period.start.isoformat(), period.end.isoformat(), period.grain) == (start, end, grain)


def test_a_question_without_a_date_has_no_period() -> None:
    assert find_period("what replaced NHS Connecting for Health?") is None
    assert find_period("rated red in 2019-21") is not None  # not a financial year: the year 2019 is read
    no_such_day = find_period("on 31 February 2020")
    assert no_such_day is not None and no_such_day.grain == "month"  # the month is still read


# ------------------------------------------------------------------------------------------------ names
def _found(names: EntityIndex, question: str) -> list[str]:
    return [m.entities[0].iri.removeprefix(ID) for m in names.mentions(question)]


def test_names_are_found_by_label_abbreviation_alias_and_key(names: EntityIndex) -> None:
    assert _found(names, "what replaced NHS Connecting for Health?") == ["body/nhs-connecting-for-health"]
    assert _found(names, "what became of HSCIC") == ["body/health-and-social-care-information-centre"]
    assert _found(names, "what did NPfIT cost") == ["programme/npfit"]
    assert _found(names, "recommendations of the Public Accounts Committee") == ["body/public-accounts-committee"]
    assert _found(names, "who led national-digital-strategy") == ["scope/national-digital-strategy"]


def test_an_abbreviation_is_matched_only_as_written(names: EntityIndex) -> None:
    assert _found(names, "what did the NAO find") == ["body/national-audit-office"]
    assert _found(names, "what did the nao find") == []  # "nao" in lower case is not taken for the NAO


def test_misspelt_and_shortened_names_are_read_fuzzily(names: EntityIndex) -> None:
    assert _found(names, "what replaced NHS Conecting for Helth?") == ["body/nhs-connecting-for-health"]
    assert _found(names, "what did the Departmnt of Health recommend") == ["body/department-of-health"]
    assert _found(names, "findings on NPfIT detailed care records") == ["programme/npfit-care-records"]


def test_did_you_mean_offers_close_names_of_the_kind_wanted(names: EntityIndex) -> None:
    offered = [e.iri.removeprefix(ID) for e in names.suggestions("who ran Conecting Helth", ("body",))]
    assert offered and offered[0] == "body/nhs-connecting-for-health"
    assert names.suggestions("what is the weather in Leeds", ("body",)) == []


def test_two_unlinked_things_of_one_name_are_an_ambiguity_to_tell(names: EntityIndex) -> None:
    index = EntityIndex()
    curated, other = (Entity(ID + "body/dcms", "body", "DCMS", 1000.0), Entity(ID + "body/gmpp-dcms", "body", "DCMS"))
    for entity in (curated, other):
        index._add("Department for Culture", entity)
    mention = index.mentions("what did the Department for Culture recommend")[0]
    assert mention.entities[0] == curated and index.others(curated, mention) == [other]
    index._link(other.iri, curated.iri)  # linked as the same body: no longer an ambiguity
    assert index.others(curated, mention) == []


# ------------------------------------------------------------------------------------------------ kinds
def test_every_kind_has_examples_and_fills_what_it_needs() -> None:
    kinds = ask_kinds()
    assert len(kinds) >= 16
    for kind in kinds.values():
        assert len(kind.examples) >= 4, kind.name
        assert (kind.query is None) != (kind.analysis is None), kind.name
        assert set(kind.needs) <= {p.name for p in kind.params}, kind.name
    reused = {"accountable-for-scope", "body-lineage", "recommendations-to-body", "figures-about-programme",
              "accountability-gaps", "lessons-on-theme"}
    assert reused - {"accountable-for-scope"} <= set(kinds) and reused <= set(canned_queries())


def test_adding_a_kind_is_adding_a_file(tmp_path: Path) -> None:
    (tmp_path / "sources-count.rq").write_text(
        "# title: How many sources\n# description: Source documents in the graph.\n"
        "# ask: how many source documents are there?\n# ask: count the sources\n"
        "# ask-summary: {first:n} sources.\nSELECT (COUNT(?s) AS ?n) WHERE { ?s a gk:SourceDocument }\n")
    (tmp_path / "lessons-again.yaml").write_text(
        "title: Lessons again\nanalysis: search-lessons\nparams: [{name: topic, type: string}]\n"
        "ask: [lessons about X]\nneeds: [topic]\n")
    kinds = ask_kinds((tmp_path,))
    assert set(kinds) == {"sources-count", "lessons-again"}
    assert kinds["sources-count"].examples == ("how many source documents are there?", "count the sources")
    assert kinds["lessons-again"].analysis == "search-lessons"


def test_summaries_are_built_from_the_rows_and_parameters_only() -> None:
    rows = [{"holderLabel": "NHSX", "kind": "responsible"}, {"holderLabel": "DHSC", "kind": "policy"}]
    text = summarise("{n} for {subject} in {period}: {list:holderLabel (kind)}.", rows,
                     {"subject": "National digital strategy", "period": "2020"})
    assert text == "2 for National digital strategy in 2020: NHSX (responsible); DHSC (policy)."
    assert summarise("{n} things{missing| for }.", [], {}) == "0 things."


# ------------------------------------------------------------------------------------------------ answers
def _values(answer: object) -> str:
    return " ".join(str(v) for r in answer.rows for v in r.values.values())  # type: ignore[attr-defined]


def test_who_was_accountable_in_june_2020_with_sources_and_the_query(asker: Asker) -> None:
    answer = asker.ask("who was accountable for the national digital strategy in June 2020?")
    assert answer.status == "answered" and answer.kind == "accountable"
    assert {p.name: p.value for p in answer.params}["subject"] == ID + "scope/national-digital-strategy"
    assert answer.param("from") == "2020-06-01" and answer.param("to") == "2020-06-30"
    assert "NHSX" in _values(answer) and "NHSX" in answer.summary
    assert all(r.sources for r in answer.rows), "every row names its source documents"
    assert any(s["title"] and s["date"] for r in answer.rows for s in r.sources)
    assert answer.sparql and "national-digital-strategy" in answer.sparql
    assert answer.console_link() and answer.console_link().startswith("?view=sparql&query=")  # type: ignore[union-attr]


def test_what_replaced_a_body_and_todays_successor(asker: Asker) -> None:
    answer = asker.ask("What became of NHS Connecting for Health?")
    assert answer.kind == "body-lineage" and "NHS England" in answer.summary
    assert "Health and Social Care Information Centre" in _values(answer)


def test_who_held_a_post_and_what_a_body_was_accountable_for(asker: Asker) -> None:
    post = asker.ask("who was the NHS Chief Executive in 2009?")
    assert post.kind == "post-holders" and "Sir David Nicholson" in _values(post)
    held = asker.ask("what was NHSX responsible for?")
    assert held.kind == "body-accountabilities" and "Standards and interoperability" in _values(held)


def test_costs_findings_recommendations_and_counts(asker: Asker) -> None:
    cost = asker.ask("how much did the National Programme for IT cost?")
    assert cost.kind == "figures-about-programme" and "NPfIT total cost estimate (NAO, 2006)" in _values(cost)
    assert all(r.sources for r in cost.rows)
    findings = asker.ask("what did the NAO find about NHSX?")
    assert findings.kind == "findings-about" and findings.param("subject") == ID + "body/nhsx"
    recs = asker.ask("what did the Public Accounts Committee recommend to the Department of Health?")
    assert recs.kind == "recommendations-to-body" and recs.param("body") == ID + "body/department-of-health"
    count = asker.ask("how many lessons are there?")
    assert count.kind == "count" and count.rows[0].values["n"] == 46


def test_lessons_by_meaning_and_the_changes_between_two_dates(asker: Asker) -> None:
    about = asker.ask("what lessons were learned about involving clinicians?")
    assert about.kind == "lessons-about" and about.rows and all(r.sources for r in about.rows)
    like = asker.ask('lessons like "the supplier kept missing its deadlines"')
    assert like.kind == "lessons-like" and like.param("text") == "the supplier kept missing its deadlines"
    changed = asker.ask("what changed for the national digital strategy between 2019 and 2022?")
    assert changed.kind == "changes" and "NHSX" in _values(changed)


def test_overlaps_on_a_date(asker: Asker) -> None:
    answer = asker.ask("which accountabilities overlapped on 15 January 2022?")
    assert answer.kind == "overlaps-on-date" and "National digital strategy for health and care" in answer.summary


# ------------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize("question", [
    "who was accountable for the Martian space programme in 2020?",
    "what is the weather in Leeds tomorrow?",
    "who was responsible for the national digital strategy in 1950?",
    "which projects were rated purple in 2019-20?",
    "",
])
def test_what_the_graph_cannot_answer_is_refused_never_answered(asker: Asker, question: str) -> None:
    answer = asker.ask(question)
    assert answer.refused and not answer.rows and answer.message, answer.as_dict()


def test_a_misspelt_unknown_name_gets_a_clarification_with_did_you_mean(asker: Asker) -> None:
    answer = asker.ask("who chaired the Commitee of Publik Acounts Comitee?")
    assert answer.refused or "Committee of Public Accounts" in answer.summary
    unknown = asker.ask("what replaced the Department of Silly Walks?")
    assert unknown.status == "clarify" and unknown.kind == "body-lineage" and unknown.search


# ------------------------------------------------------------------------------------------------ evaluation
def test_held_out_accuracy_stays_above_the_measured_floor(asker: Asker, store: Store) -> None:
    cases = load_cases(ASK_EVAL)
    assert len(cases) >= 100 and sum(c.unanswerable for c in cases) >= 15
    assert {c.split for c in cases} == {"tune", "held-out"}
    scores = {s.name: s for s in parts(evaluate(asker, cases, set()))}
    held_out = scores["held-out"]
    assert held_out.answer_accuracy >= HELD_OUT_FLOOR, [o.as_dict() for o in held_out.outcomes if not o.answer_ok]
    assert scores["all"].refusal_rate >= REFUSAL_FLOOR


def test_lessons_filed_under_a_theme(asker: Asker) -> None:
    answer = asker.ask("which lessons are tagged with the theme Skills?")
    assert answer.kind == "lessons-on-theme" and answer.param("theme") == ID + "theme/skills"
    assert "Shortage of specialist digital skills is a key risk" in _values(answer)


def test_projects_rated_in_a_year_by_department(tmp_path: Path) -> None:
    need(model_available(), "the embedding model is not installed")
    from support import gmpp_file

    from ingest.pipeline import ingest

    year = tmp_path / "gmpp_2019_20.csv"
    year.write_text(gmpp_file([["DHSC_0001_1920-Q1", "Records Renewal", "DHSC", "ICT", "Red", "12.5"],
                               ["DFT_0002_1920-Q1", "Rail Signals", "DfT", "Infrastructure", "Red", "40"],
                               ["DHSC_0003_1920-Q1", "Pharmacy Link", "DHSC", "ICT", "Amber", "3"]]),
                    encoding="utf-8")
    with Store.open(tmp_path / "store") as store:
        ingest(store, [year])
        asker = Asker(store, Settings.load({"store": str(tmp_path / "store"), "search_dir": str(tmp_path / "s")}))
        red = asker.ask("which projects were rated red in 2019-20?")
        assert red.kind == "projects-rated" and red.param("year") == "2019-20" and red.param("rating") == "red"
        assert {r.values["projectLabel"] for r in red.rows} == {"Records Renewal", "Rail Signals"}
        assert all(r.sources for r in red.rows)
        department = red.rows[0].values["departmentLabel"] if red.rows[0].values["projectLabel"] == \
            "Records Renewal" else red.rows[1].values["departmentLabel"]
        one = asker.ask(f"which {department} projects were rated red in 2019-20?")
        assert [r.values["projectLabel"] for r in one.rows] == ["Records Renewal"], one.as_dict()
        none = asker.ask("which projects were rated green in 2019-20?")
        assert none.status == "not-found" and not none.rows


def test_a_date_the_kind_cannot_use_is_said_to_be_unused(asker: Asker) -> None:
    answer = asker.ask("what did NHSX cost in 1990?")
    assert answer.kind == "figures-about-programme" and "“1990” was not used" in answer.message
