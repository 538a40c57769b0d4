"""Bulk embedding and the default ingest, measured (run by bench/bench_search.py, `--parts bulk,ingest`):

* throughput of the three document runtimes side by side — torch, ONNX fp32 and ONNX int8 — on one sample of
  the texts the index embeds (whole texts and sentences, in the proportions of the real index), all cores;
  how close each is to torch (cosine); recall@5 of search on the evaluation set over an index of each vector
  space (torch and ONNX fp32 give the same vectors to 1e-6, so they share one index);
* the default `govkg ingest` end to end on an empty store (wall time, peak RSS), the index of the curated data
  and the NASA lessons alone from an empty cache, the first `govkg search` after the ingest (a new process),
  and `govkg analyse coverage` / `recurring` on the full graph.

Writes bench/ingest.md. Every figure is one run on a shared machine: the load average is written beside it.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = 2000
SEED = 20261207
TARGETS = {"ingest": 90.0, "index": 60.0, "rss_gb": 1.5, "search": 1.5, "analyse": 10.0}


def say(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def load_average() -> float:
    return os.getloadavg()[0]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in GB, stdout) of a command, by /usr/bin/time."""
    done = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", *command], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    found = re.findall(r"TIME ([\d.]+) (\d+)", done.stderr)[-1]
    return float(found[0]), int(found[1]) / 1024 / 1024, done.stdout


def govkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli.main", *args]


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
    return {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH", "")])]),
            "HF_HUB_OFFLINE": "1", **extra}


# ------------------------------------------------------------------------------------------- runtimes
def sample_texts(searcher: Any) -> list[str]:
    """Texts as the index embeds them: each unit's text (whole texts with their context line, and sentences),
    a random sample in the index's own proportions."""
    from graph.search.index import item_units
    from graph.search.items import common_themes, context_line

    index = searcher.index
    common = common_themes(index.items)
    texts = [t for item in index.items for t, _ in item_units(item, context_line(item, index.context, common))]
    rng = np.random.default_rng(SEED)
    return [texts[i] for i in rng.choice(len(texts), min(SAMPLE, len(texts)), replace=False)]


def runtimes(searcher: Any, settings: Any, work: Path) -> dict[str, Any]:
    """Throughput and closeness to torch of each document runtime on one sample; recall@5 per vector space."""
    from govkg_data import SEARCH_EVAL
    from graph.embeddings.model import SentenceTransformerEmbeddings
    from graph.search.evaluation import evaluate, load_eval_set

    texts = sample_texts(searcher)
    tokenizer = None
    out: dict[str, Any] = {"texts": len(texts), "threads": settings.embed_threads, "runtimes": {}}
    vectors: dict[str, np.ndarray] = {}
    for runtime in ("torch", "onnx", "onnx-int8"):
        embedder = SentenceTransformerEmbeddings(settings.model, threads=settings.embed_threads,
                                                 embed_runtime=runtime, embed_threads=settings.embed_threads,
                                                 onnx_folder=Path(settings.search_cache) / "onnx")
        embedder.encode(texts[:32])  # loaded and warm
        if tokenizer is None and embedder._bulk_encoder() is not None:
            tokenizer = embedder._bulk_encoder().tokenizer
        load = load_average()
        started = time.perf_counter()
        vectors[runtime] = embedder.encode(texts)
        seconds = time.perf_counter() - started
        out["runtimes"][runtime] = {"seconds": seconds, "texts_per_s": len(texts) / seconds, "load": load,
                                    "space": embedder.vector_space}
        say(f"{runtime}: {len(texts) / seconds:.0f} texts/s (load {load:.1f})")
    tokens = sum(len(e.ids) for e in tokenizer.encode_batch(texts)) if tokenizer is not None else 0
    out["tokens"] = tokens
    for runtime, row in out["runtimes"].items():
        cosines = np.sum(vectors[runtime] * vectors["torch"], axis=1)
        row.update({"tokens_per_s": tokens / row["seconds"], "min_cosine": float(cosines.min()),
                    "p1_cosine": float(np.percentile(cosines, 1)), "mean_cosine": float(cosines.mean())})
    queries = load_eval_set(SEARCH_EVAL)
    for space, runtime in (("torch", "onnx"), ("onnx-int8", "onnx-int8")):
        quality = _quality(searcher.store, settings.with_(embed_runtime=runtime), queries, evaluate)
        for row in out["runtimes"].values():
            if row["space"] == space:
                row["quality"] = quality
    return out


def _quality(store: Any, settings: Any, queries: Any, evaluate: Any) -> dict[str, Any]:
    from graph.search import Searcher

    folder = Path(settings.search_cache) / f"index-{settings.embed_runtime}"
    searcher = Searcher(store, settings.with_(search_dir=str(folder)))
    searcher.refresh(lambda m: say(f"{settings.embed_runtime}: {m}"))
    (hybrid,) = evaluate(searcher, queries, ("hybrid",))
    parts = hybrid.parts()
    return {"recall": hybrid.recall, "mrr": hybrid.mrr, **{f"{k} recall": p.recall for k, p in parts.items()}}


# ------------------------------------------------------------------------------------------- the ingest
def default_ingest(work: Path) -> dict[str, Any]:
    """`govkg ingest` on an empty store (the model's ONNX export already made on this machine), then the first
    search, the analyses, and the index of the curated data and NASA lessons alone from an empty cache."""
    out: dict[str, Any] = {}
    folder = work / "default"
    shutil.rmtree(folder, ignore_errors=True)
    env = environment(GOVKG_STORE=str(folder / "store"), GOVKG_DATASETS_DIR=str(folder / "releases"))
    say("the default ingest, empty store")
    load = load_average()
    seconds, rss, stdout = timed(govkg("ingest", "--json"), env)
    summary = json.loads(stdout)
    out["ingest"] = {"seconds": seconds, "rss_gb": rss, "load": (load, load_average()),
                     "triples": summary["total_triples"], "index": summary.get("index", {})}
    say(f"default ingest {seconds:.1f} s, {rss:.2f} GB")
    searches = []
    for text in ("suppliers walked away from their contracts", "local trusts were not consulted",
                 "the launch slipped because testing was cut"):
        load = load_average()
        seconds, rss, stdout = timed(govkg("search", text, "--json"), env)
        searches.append({"query": text, "seconds": seconds, "rss_gb": rss, "load": load,
                         "hits": len(json.loads(stdout)["hits"])})
    out["search"] = searches
    for analysis in ("coverage", "recurring"):
        load = load_average()
        seconds, rss, _ = timed(govkg("analyse", analysis, "--json"), env)
        out[analysis] = {"seconds": seconds, "rss_gb": rss, "load": load}
        say(f"analyse {analysis}: {seconds:.1f} s")
    # the index alone: the curated data and the NASA lessons, every text embedded afresh
    alone = work / "index-alone"
    shutil.rmtree(alone, ignore_errors=True)
    env2 = environment(GOVKG_STORE=str(alone / "store"), GOVKG_DATASETS="llis",
                       GOVKG_DATASETS_DIR=str(alone / "releases"))
    timed(govkg("ingest", "-q", "--no-index"), env2)
    load = load_average()
    seconds, rss, stdout = timed(govkg("ingest", "--json"), env2)  # unchanged sources: only the index is built
    index = json.loads(stdout).get("index", {})
    out["index_alone"] = {"seconds": seconds, "index_seconds": index.get("seconds"), "rss_gb": rss,
                          "load": (load, load_average()), "embedded": index.get("embedded"),
                          "items": index.get("items"), "runtime": index.get("runtime")}
    say(f"index of curated + NASA lessons alone: {index.get('seconds')} s")
    return out


# ------------------------------------------------------------------------------------------- report
def report(bulk: dict[str, Any] | None, ingest: dict[str, Any] | None, out: Path) -> None:
    lines = ["# Bulk embedding and the default ingest", "",
             f"Written by `python bench/bench_search.py --parts bulk,ingest` on {time.strftime('%Y-%m-%d')} "
             f"({platform.machine()}, {os.cpu_count()} cores shared with other engineers' test runs, Python "
             f"{platform.python_version()}). One run; the load average (1 minute) is beside each figure, and the "
             "figures move with it.", ""]
    if bulk:
        lines += ["## Document runtimes side by side", "",
                  f"{bulk['texts']:,} texts drawn at random from what the index of the curated data and the NASA "
                  f"lessons embeds (whole texts with their context line, titles and sentences; {bulk['tokens']:,} "
                  f"tokens), embedded by each runtime on {bulk['threads']} threads, batched by length. Recall@5 is "
                  "`govkg eval-search` (hybrid) over an index built with that runtime's vectors; queries are "
                  "always embedded by ONNX fp32. Torch and ONNX fp32 give the same vectors (cosine ≥ 0.9999), so "
                  "they share one index.", "",
                  "| runtime | texts/s | tokens/s | × torch | cosine to torch: min / 1st pct / mean | recall@5 | "
                  "tune / held-out recall@5 | load |",
                  "|---|---:|---:|---:|---|---:|---|---:|"]
        base = bulk["runtimes"]["torch"]["texts_per_s"]
        for name, r in bulk["runtimes"].items():
            q = r.get("quality", {})
            lines.append(f"| {name} | {r['texts_per_s']:.0f} | {r['tokens_per_s']:,.0f} | "
                         f"{r['texts_per_s'] / base:.1f} | {r['min_cosine']:.4f} / {r['p1_cosine']:.4f} / "
                         f"{r['mean_cosine']:.4f} | {q.get('recall', float('nan')):.3f} | "
                         f"{q.get('tune recall', float('nan')):.3f} / {q.get('held-out recall', float('nan')):.3f} | "
                         f"{r['load']:.1f} |")
        lines.append("")
    if ingest:
        i, alone = ingest["ingest"], ingest["index_alone"]
        idx = i["index"]
        lines += ["## The default ingest, end to end", "",
                  "| what | measured | target | met | load |", "|---|---:|---:|---|---:|",
                  f"| `govkg ingest` on an empty store, index included ({i['triples']:,} triples, "
                  f"{idx.get('items', 0):,} items, {idx.get('embedded', 0):,} texts embedded on "
                  f"{idx.get('runtime')}) | {i['seconds']:.1f} s | ≤ {TARGETS['ingest']:.0f} s | "
                  f"{_met(i['seconds'] <= TARGETS['ingest'])} | {i['load'][0]:.1f}–{i['load'][1]:.1f} |",
                  f"| … of which the index | {idx.get('seconds', 0):.1f} s | | | |",
                  f"| peak RSS of that ingest | {i['rss_gb']:.2f} GB | ≤ {TARGETS['rss_gb']} GB | "
                  f"{_met(i['rss_gb'] <= TARGETS['rss_gb'])} | |",
                  f"| index of the curated data and NASA lessons alone, empty cache ({alone['items']:,} items, "
                  f"{alone['embedded']:,} texts) | {alone['index_seconds']:.1f} s | ≤ {TARGETS['index']:.0f} s | "
                  f"{_met((alone['index_seconds'] or 1e9) <= TARGETS['index'])} | "
                  f"{alone['load'][0]:.1f}–{alone['load'][1]:.1f} |"]
        for s in ingest["search"]:
            lines.append(f"| first `govkg search` after the ingest, new process: “{s['query']}” | "
                         f"{s['seconds']:.2f} s | ≤ {TARGETS['search']} s | {_met(s['seconds'] <= TARGETS['search'])} | "
                         f"{s['load']:.1f} |")
        for name in ("coverage", "recurring"):
            a = ingest[name]
            lines.append(f"| `govkg analyse {name}` on the full graph, new process | {a['seconds']:.1f} s | "
                         f"≤ {TARGETS['analyse']:.0f} s | {_met(a['seconds'] <= TARGETS['analyse'])} | "
                         f"{a['load']:.1f} |")
        lines += ["", "Wall times from `/usr/bin/time` around a new `python -m cli.main` process (start-up included); "
                  "the ONNX export of the model (made once per machine, about half a minute with torch) was already "
                  "there. The index-alone row is the `search: …` stages of a `govkg ingest` whose sources were "
                  "already in the store, with an empty embedding cache.", ""]
    out.write_text("\n".join(lines), encoding="utf-8")
    say(f"wrote {out}")


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"
