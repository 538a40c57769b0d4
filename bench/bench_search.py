"""Semantic search benchmark: query latency (p50, p95; query embedding included, model warm) at 1k, 10k, 100k
and 1M items and HNSW recall@10 against exact search (bench/search.md); bulk embedding throughput of torch, ONNX
fp32 and ONNX int8 side by side with recall@5 for each, and the default `govkg ingest` end to end
(bench/ingest.md, see bench/bulk.py).

    python bench/bench_search.py [--parts latency,bulk,ingest] [--sizes 1000,10000,100000,1000000] [--queries 200]
                                 [--work /tmp/govkg-bench-search]

Vectors are real embeddings of real texts (see ``derive`` and bench/search.md): the curated data and the NASA
lessons (the bundled snapshot, data/datasets/llis/llis.csv) as indexed (whole texts and sentences), plus two-sentence sliding
windows over each NASA lesson. Sets larger than that pool add synthetic items, each a blend of two real vectors
with a little noise (described exactly in bench/search.md). The work folder keeps the store and the embedding
cache, so a second run embeds nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govkg_data import DATASETS_DIR, SEARCH_EVAL  # noqa: E402
from graph.backends.embedded import Store  # noqa: E402
from graph.embeddings.cache import EmbeddingCache, embed_cached, limit_threads  # noqa: E402
from graph.search.dense import HNSW_EF_SEARCH, HNSW_M, DenseIndex  # noqa: E402
from graph.search.index import SearchIndex, Unit  # noqa: E402
from graph.search.items import Context, Item, sentences  # noqa: E402
from graph.search.lexical import LexicalIndex  # noqa: E402
from graph.search.searcher import Searcher  # noqa: E402
from graph.settings import Settings  # noqa: E402

LLIS = DATASETS_DIR / "llis" / "llis.csv"
SEED = 20261121
MIX_LOW, MIX_HIGH = 0.25, 0.75  # share of the first vector in a synthetic blend
NOISE = 0.05  # standard deviation of the Gaussian noise added per dimension before normalising (× 1/√d)


NOTES = """
## Notes

- Queries are embedded by ONNX Runtime (`query_runtime` = auto, graph/embeddings/onnx.py): the same model,
  exported once per machine and checked against torch on probe texts (cosine ≥ 0.9999; on the evaluation
  queries the two agree to 1e-6). For one short text it takes about 5–8 ms against 13–18 ms under torch, which
  pays a fixed cost per call; documents, embedded in batches where the two runtimes are level, stay on torch.
  Under heavy load (load average 7–12 on these two cores, other test suites running) torch took 30–45 ms per
  query, and with two threads 400–600 ms, because the threads wait on each other — hence `search_threads` = 1.
- At 100k vectors, exact numpy search alone took 28 ms (p50, one thread, memory-bound under load), over the
  20 ms budget, so `search_exact_limit` is 50,000: the real corpus (curated data + NASA lessons, about 12,000
  vectors) is searched exactly, the 100k and 1M sets with HNSW. efSearch = 256 because 128 gave recall@10 0.943
  at 1M (0.994 at 100k); 256 gives 0.970 for about 0.25 ms more per query.
- At 1M, BM25 is most of the difference between hybrid and dense (about 8 ms per query over 1M texts).
- Indexing: an item with a programme or theme is embedded twice (with its context line, and alone to find its
  siblings); its title and sentences are embedded as its points. All are cached by text, so a refresh embeds
  only new or changed texts.
"""


@dataclass
class Pool:
    texts: list[str]
    vectors: np.ndarray
    group: np.ndarray  # the item (lesson, finding …) each text comes from


def say(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def real_store(work: Path, settings: Settings) -> Searcher:
    """The curated data and all NASA lessons, ingested and indexed (once; kept in the work folder)."""
    from ingest.pipeline import ingest

    path = work / "store"
    store = Store.open(path)
    if not store.sources():
        say("ingesting the curated data and the NASA lessons")
        ingest(store, [ROOT / "data" / "curated", LLIS])
    searcher = Searcher(store, settings)
    report = searcher.refresh(progress=say)
    say(f"index: {report}")
    return searcher


def derive(searcher: Searcher, cache: EmbeddingCache) -> Pool:
    """Real vectors of real texts: every indexed unit (whole texts and sentences of the curated items and NASA
    lessons) and a two-sentence window at every position of every lesson with three or more sentences."""
    index = searcher.index
    texts = [index.items[u.item].document() if not u.text else u.text for u in index.units]
    groups = [u.item for u in index.units]
    vectors = [index.dense.vectors]
    windows: list[str] = []
    window_groups: list[int] = []
    for n, item in enumerate(index.items):
        parts = sentences(item.text)
        if len(parts) >= 3:
            for i in range(len(parts) - 1):
                windows.append(f"{parts[i]} {parts[i + 1]}")
                window_groups.append(n)
    say(f"embedding {len(windows):,} sliding windows (cached after the first run)")
    window_vectors, embedded = embed_cached(windows, searcher.embedder, cache, progress=say)
    say(f"windows: {embedded:,} embedded now")
    vectors.append(window_vectors)
    return Pool(texts + windows, np.vstack(vectors).astype(np.float32), np.array(groups + window_groups))


def build_set(pool: Pool, size: int, rng: np.random.Generator) -> tuple[np.ndarray, list[str], str]:
    """``size`` vectors with texts: real ones first (a sample when the pool is larger), then synthetic blends."""
    real = len(pool.texts)
    if size <= real:
        pick = rng.choice(real, size=size, replace=False)
        return pool.vectors[pick], [pool.texts[i] for i in pick], f"{size:,} real"
    extra = size - real
    first = rng.integers(0, real, extra)
    # the second vector: from the same item half the time (another sentence or window of it), else anywhere
    same = rng.random(extra) < 0.5
    second = rng.integers(0, real, extra)
    by_group: dict[int, np.ndarray] = {}
    for g in np.unique(pool.group):
        by_group[int(g)] = np.flatnonzero(pool.group == g)
    for j in np.flatnonzero(same):
        members = by_group[int(pool.group[first[j]])]
        second[j] = members[rng.integers(0, len(members))]
    mix = rng.uniform(MIX_LOW, MIX_HIGH, extra).astype(np.float32)[:, None]
    dim = pool.vectors.shape[1]
    synthetic = np.empty((extra, dim), dtype=np.float32)
    for start in range(0, extra, 100_000):
        part = slice(start, min(extra, start + 100_000))
        v = mix[part] * pool.vectors[first[part]] + (1 - mix[part]) * pool.vectors[second[part]]
        v += rng.normal(0, NOISE / np.sqrt(dim), v.shape).astype(np.float32)
        synthetic[part] = v / np.linalg.norm(v, axis=1, keepdims=True)
    texts = pool.texts + [f"{pool.texts[a]} {pool.texts[b]}" for a, b in zip(first, second, strict=True)]
    return np.vstack([pool.vectors, synthetic]), texts, f"{real:,} real + {extra:,} synthetic"


def synthetic_index(vectors: np.ndarray, texts: list[str], exact_limit: int, model: str,
                    rng: np.random.Generator) -> tuple[SearchIndex, dict]:
    """An index of the vectors and texts; each item gets one sibling at random, so that every search pays for
    lending scores to siblings (in the real index only items of the same source document have siblings)."""
    items = [Item(iri=f"https://example.org/bench/{i}", key=f"b{i}", kind="lesson", title=t[:80], text=t)
             for i, t in enumerate(texts)]
    timings: dict[str, float] = {}
    started = time.perf_counter()
    lexical = LexicalIndex.build(texts)
    timings["bm25 build s"] = time.perf_counter() - started
    started = time.perf_counter()
    dense = DenseIndex(vectors, np.arange(len(vectors)), len(vectors), exact_limit=exact_limit)
    timings["hnsw build s"] = time.perf_counter() - started if dense.ann is not None else 0.0
    order = rng.permutation(len(items))
    half = order[: len(order) // 2 * 2].reshape(-1, 2)
    siblings = np.vstack([half, half[:, ::-1]])
    index = SearchIndex(items, Context(), [Unit(i, "") for i in range(len(items))], dense, lexical, model,
                        fingerprint=f"bench-{len(items)}", sibling_pairs=siblings)
    return index, timings


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values), p))


def latency(searcher: Searcher, queries: list[str], mode: str) -> tuple[float, float]:
    for n in range(10):  # warm up (texts not among the queries: the embedder remembers recent queries)
        searcher.search(f"warm-up query number {n} for {mode}", k=10, mode=mode)
    searcher.embedder.forget_queries()
    times = []
    for q in queries:
        started = time.perf_counter()
        searcher.search(q, k=10, mode=mode)
        times.append((time.perf_counter() - started) * 1000)
    return percentile(times, 50), percentile(times, 95)


def embedding_latency(searcher: Searcher, queries: list[str]) -> tuple[float, float]:
    """p50 and p95 of embedding one query alone (the model's share of a search)."""
    searcher.embedder.forget_queries()
    times = []
    for q in queries:
        started = time.perf_counter()
        searcher.embedder.encode_query(q)
        times.append((time.perf_counter() - started) * 1000)
    searcher.embedder.forget_queries()
    return percentile(times, 50), percentile(times, 95)


def ann_recall(dense: DenseIndex, query_vectors: np.ndarray) -> float:
    """recall@10 of the HNSW search against exact search, over the queries."""
    found = 0
    for q in query_vectors:
        exact = set(np.argpartition(-(dense.vectors @ q), 10)[:10].tolist())
        got = set(dense.search(q, 10).items.tolist())
        found += len(exact & got)
    return found / (10 * len(query_vectors))


def query_texts(searcher: Searcher, n: int) -> list[str]:
    """Queries: the evaluation set's paraphrases, then NASA lesson titles (distinct texts, none cached)."""
    from graph.search.evaluation import load_eval_set

    queries = [q.query for q in load_eval_set(SEARCH_EVAL)]
    titles = sorted({i.title for i in searcher.index.items if i.key.startswith("llis-") and len(i.title) > 20})
    rng = np.random.default_rng(SEED)
    queries += [titles[i] for i in rng.choice(len(titles), max(0, n - len(queries)), replace=False)]
    return queries[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default="latency,bulk,ingest",
                        help="latency (bench/search.md), bulk and ingest (bench/ingest.md)")
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--work", default="/tmp/govkg-bench-search", help="store and embedding cache (kept)")
    parser.add_argument("--build-threads", type=int, default=2, help="threads for building HNSW graphs")
    parser.add_argument("--out", default=str(ROOT / "bench" / "search.md"))
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings.load({"store": str(work / "store"), "search_cache": str(work / "embeddings")})
    searcher = real_store(work, settings)
    parts = set(args.parts.split(","))
    if parts & {"bulk", "ingest"}:
        sys.path.insert(0, str(ROOT / "bench"))
        import bulk

        found = bulk.runtimes(searcher, settings, work) if "bulk" in parts else None
        bulk.report(found, bulk.default_ingest(work) if "ingest" in parts else None, ROOT / "bench" / "ingest.md")
    if "latency" not in parts:
        return
    say(f"queries run on {searcher.embedder.runtime} {searcher.embedder.runtime_note}")
    torch_queries = searcher.embedder.with_runtime("torch")
    cache = EmbeddingCache(work / "embeddings", settings.model, searcher.embedder.vector_space)
    pool = derive(searcher, cache)
    say(f"pool of real vectors: {len(pool.texts):,}")
    queries = query_texts(searcher, args.queries)
    query_vectors = np.vstack([searcher.embedder.encode_query(q) for q in queries])

    from graph.search.evaluation import evaluate, load_eval_set

    quality = evaluate(searcher, load_eval_set(SEARCH_EVAL))
    rows = []
    rng = np.random.default_rng(SEED)
    for size in [int(s) for s in args.sizes.split(",")]:
        say(f"--- {size:,} items")
        vectors, texts, made = build_set(pool, size, rng)
        limit_threads(args.build_threads)
        index, timings = synthetic_index(vectors, texts, settings.search_exact_limit, settings.model, rng)
        limit_threads(settings.search_threads)
        bench = Searcher.from_index(index, settings, embedder=searcher.embedder)
        recall = ann_recall(index.dense, query_vectors) if index.dense.ann is not None else None
        embed = embedding_latency(bench, queries)
        dense = latency(bench, queries, "dense")
        hybrid = latency(bench, queries, "hybrid")
        on_torch = Searcher.from_index(index, settings, embedder=torch_queries)
        embed_torch = embedding_latency(on_torch, queries)
        hybrid_torch = latency(on_torch, queries, "hybrid")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row = {"items": size, "made": made, "search": "HNSW (faiss)" if index.dense.ann is not None else "exact (numpy)",
               "embed": embed, "dense": dense, "hybrid": hybrid, "embed torch": embed_torch,
               "hybrid torch": hybrid_torch, "recall": recall, "load": os.getloadavg()[0], "rss": rss,
               **timings}
        say(str(row))
        rows.append(row)
        del bench, on_torch, index, vectors, texts
    write_report(Path(args.out), rows, quality, len(pool.texts), len(queries), settings)


def write_report(out: Path, rows: list[dict[str, Any]], quality: list[Any], pool: int, queries: int,
                 settings: Settings) -> None:
    lines = [
        "# Semantic search benchmark",
        "",
        f"Written by `python bench/bench_search.py` on {time.strftime('%Y-%m-%d')} ({platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, Python {platform.python_version()}); model "
        f"{settings.model}, {settings.search_threads} thread(s) for queries. Machines are noisy: the load "
        "average during each size is in the table, and the numbers move with it.",
        "",
        "## Query latency",
        "",
        f"{queries} distinct queries per mode, k = 10, after 10 warm-up queries; each time is the whole "
        "`Searcher.search` call: embedding the query (the model is loaded and warm), ranking, and building the hits "
        "with their explanations. Dense and HNSW search use one thread. Queries are embedded by ONNX Runtime "
        "(the default `query_runtime`); the torch columns run the same searches with queries embedded by torch, "
        "for comparison. The query embedding columns time the model alone on the same queries: the rest of a "
        "search is the difference.",
        "",
        "| items | vectors | search | dense p50 | dense p95 | hybrid p50 | hybrid p95 | query embedding p50 / p95 | "
        "torch: hybrid p50 / p95 | torch: query embedding p50 / p95 | "
        "HNSW recall@10 | HNSW build | BM25 build | load avg | peak RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        recall = f"{r['recall']:.3f}" if r["recall"] is not None else "(exact)"
        build = f"{r['hnsw build s']:.0f} s" if r["hnsw build s"] else "–"
        lines.append(
            f"| {r['items']:,} | {r['made']} | {r['search']} | {r['dense'][0]:.1f} ms | {r['dense'][1]:.1f} ms | "
            f"{r['hybrid'][0]:.1f} ms | {r['hybrid'][1]:.1f} ms | {r['embed'][0]:.1f} / {r['embed'][1]:.1f} ms | "
            f"{r['hybrid torch'][0]:.1f} / {r['hybrid torch'][1]:.1f} ms | "
            f"{r['embed torch'][0]:.1f} / {r['embed torch'][1]:.1f} ms | "
            f"{recall} | {build} | {r['bm25 build s']:.0f} s | "
            f"{r['load']:.1f} | {r['rss'] / 1024:.1f} GB |")
    lines += [
        "",
        f"Exact search (numpy) answers up to `search_exact_limit` = {settings.search_exact_limit:,} vectors; above it "
        f"an HNSW graph (faiss IndexHNSWFlat, M = {HNSW_M}, efSearch = {HNSW_EF_SEARCH}, inner product on unit "
        "vectors) finds candidates that are then scored exactly. HNSW recall@10 compares its top 10 with exact "
        "search's for the same query vectors.",
        "",
        "## How the sets were made",
        "",
        f"- **Real vectors** ({pool:,}): embeddings of real texts by the real model — every unit of the search index "
        "over the curated data and all 1,637 NASA lessons (each item's whole text, and its title and sentences when it "
        "makes more than one point), plus a sliding window of two consecutive sentences at every position of every text with "
        "three or more sentences. The 1k and 10k sets are random samples of these.",
        f"- **Synthetic vectors** (the rest of the 100k and 1M sets): each is `normalise(t·a + (1−t)·b + e)`, where "
        f"`a` is a random real vector, `b` is another real vector from the same item half the time (else any real "
        f"vector), `t` is uniform in [{MIX_LOW}, {MIX_HIGH}], and `e` is Gaussian noise with standard deviation "
        f"{NOISE}/√384 per dimension. Its text (for BM25) is the two source texts joined. So large sets keep the "
        "clustered shape of real embeddings (HNSW recall on uniform random vectors would say nothing), but they are "
        "not embeddings of real documents: their recall is a property of this construction.",
        "- **Queries**: the evaluation set's paraphrases, then NASA lesson titles, each embedded at query time.",
        "",
        "## Embedding throughput",
        "",
        "Bulk embedding (torch, ONNX fp32 and ONNX int8 side by side, with recall@5 for each) and the default "
        "ingest end to end are in [ingest.md](ingest.md).",
        "",
        "## Quality on the evaluation set",
        "",
        "`govkg eval-search` on a store with the curated data and all NASA lessons (data/evaluation/search.yaml; "
        "recall@5 out of at most 5 relevant items, MRR over the top 20); the weights were chosen on the tune "
        "part only (`python -m graph.search.tuning`):",
        "",
        "| mode | recall@5 | MRR | tune recall@5 | tune MRR | held-out recall@5 | held-out MRR |",
        "|---|---|---|---|---|---|---|",
    ]
    for q in quality:
        parts = q.parts()
        cells = " | ".join(f"{parts[s].recall:.3f} | {parts[s].mrr:.3f}" if s in parts else "– | –"
                           for s in ("tune", "held-out"))
        lines.append(f"| {q.mode} | {q.recall:.3f} | {q.mrr:.3f} | {cells} |")
    out.write_text("\n".join(lines) + "\n" + NOTES, encoding="utf-8")
    say(f"wrote {out}")


if __name__ == "__main__":
    main()
