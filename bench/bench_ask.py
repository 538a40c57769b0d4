"""Warm latency of ``govkg ask`` on a store (the full bundled graph by default: ``govkg ingest`` first).

    python bench/bench_ask.py [--store PATH] [--repeat 3]

Every question of the evaluation set (data/evaluation/ask.yaml) is asked ``repeat`` times after one warm-up
pass, in one process (no CLI start-up): the names are read and the kinds' examples embedded once, the search
index and the analyses' records loaded on first use. Prints p50, p95 and max per question and per kind, and the
load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict

from govkg_data import ASK_EVAL
from graph.ask import Asker
from graph.ask.evaluation import load_cases
from graph.backends import open_backend
from graph.settings import Settings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", help="store folder (default: the settings' store)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings.load({"store": args.store})
    questions = [c.question for c in load_cases(ASK_EVAL)]
    load_before = os.getloadavg()
    with open_backend(settings, read_only=True) as store:
        asker = Asker(store, settings)
        started = time.perf_counter()
        asker.warm()
        warm_up = time.perf_counter() - started
        started = time.perf_counter()
        kinds = {}
        for q in questions:  # first pass: loads the search index, the records, the coverage report
            kinds[q] = asker.ask(q).kind or "(refused)"
        first_pass = time.perf_counter() - started
        times: list[float] = []
        by_kind: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.repeat):
            for q in questions:
                t = time.perf_counter()
                asker.ask(q)
                dt = time.perf_counter() - t
                times.append(dt)
                by_kind[kinds[q]].append(dt)
    load_after = os.getloadavg()
    ms = [t * 1000 for t in times]
    print(f"store {settings.store}; {len(questions)} questions × {args.repeat} warm runs; "
          f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"warm-up (names, example vectors) {warm_up:.2f} s; first pass {first_pass:.2f} s")
    print(f"all: p50 {statistics.median(ms):.1f} ms, p95 {percentile(ms, 0.95):.1f} ms, max {max(ms):.1f} ms")
    print(f"{'kind':<26}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, values in sorted(by_kind.items()):
        v = [t * 1000 for t in values]
        print(f"{kind:<26}{len(v):>5}{statistics.median(v):>10.1f}{percentile(v, 0.95):>10.1f}{max(v):>10.1f}")


if __name__ == "__main__":
    main()
