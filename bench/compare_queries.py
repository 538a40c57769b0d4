"""Compare each canned query with its proposed reformulation (bench/proposed/<name>.rq) on the GovKG store.

    python bench/compare_queries.py --size 100k            # all proposals
    python bench/compare_queries.py --size 1M --queries accountability-gaps,lessons-on-theme

Both versions run on the same on-disk Store (generated graph, parameters from bench/generate.py), with the
same warm-up / repetition / budget rules as bench_store.py. The rows must be identical (compared as sorted
lists of N-Triples terms); a proposal that changes the result is flagged. Output: a Markdown table on stdout
and bench/out/proposals-<date>-<size>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_store as bs  # noqa: E402
import generate  # noqa: E402

from graph.backends.embedded import Store  # noqa: E402
from graph.queries import canned_queries  # noqa: E402

PROPOSED = HERE / "proposed"


def rows_of(store: Store, text: str) -> list[tuple[str, ...]]:
    return sorted(tuple("" if t is None else str(t) for t in row) for row in store.query(text).rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", default="", help="comma-separated names (default: every proposal)")
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--budget", type=float, default=15.0, help="seconds per query and version")
    ap.add_argument("--timeout", type=float, default=180.0)
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "govkg-bench")
    ap.add_argument("--out", type=Path, default=HERE / "out")
    args = ap.parse_args(argv)

    size = generate.parse_size(args.size)
    data, report = bs.dataset(size, args.seed, args.data_dir)
    canned = canned_queries()
    proposed = canned_queries(PROPOSED)
    names = [n for n in (args.queries.split(",") if args.queries else proposed) if n]
    folder = Path(tempfile.mkdtemp(prefix="compare-", dir=args.data_dir))
    lines = [f"# Canned vs proposed queries — {dt.datetime.now():%Y-%m-%d %H:%M}, "
             f"{report['triples']:,} triples ({bs.label_size(size)}), load average {bs.load_avg()}", "",
             "GovKG Store on disk; p50 over n runs after a warm-up; CPU = CPU time of this process. "
             "Same rows = identical sorted result rows.", "",
             "| query | rows | canned p50 ms | canned CPU p50 ms | n | proposed p50 ms | proposed CPU p50 ms | n "
             "| speed-up (wall / CPU) | same rows |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    try:
        store = Store.open(folder)
        with store.staging() as stage:
            stage.put("bench", data, content_hash=hashlib.sha256(data).hexdigest(), origin="bench", ingester="bench")
        for name in names:
            params = report["params"].get(name, {})
            texts = {"canned": canned[name].bind(params), "proposed": proposed[name].bind(params)}
            bs.say(f"{name}")
            res = {k: bs.measure(lambda t=t: len(store.query(t).rows), args.reps, args.budget, args.timeout,
                                 probe=bs.store_probe(folder, t, args.timeout)) for k, t in texts.items()}
            c, p = res["canned"], res["proposed"]
            if c.get("timeout") or p.get("timeout"):
                same = "? (timed out)"
            else:
                same = "yes" if rows_of(store, texts["canned"]) == rows_of(store, texts["proposed"]) else "NO"

            def cell(m: dict, key: str) -> str:
                return f"> {m['timeout'] * 1000:,.0f}" if m.get("timeout") else bs.ms(m.get(key))

            speed = "–"
            if c.get("p50_s") and p.get("p50_s"):
                speed = (f"{bs.speed_text(c['p50_s'] / p['p50_s'])} / "
                         f"{bs.speed_text(c['cpu_p50_s'] / max(p['cpu_p50_s'], 1e-6))}")
            elif c.get("timeout") and p.get("p50_s"):
                speed = f"> {bs.speed_text(c['timeout'] / p['p50_s'])}"
            lines.append(f"| {name} | {p.get('rows', c.get('rows'))} | {cell(c, 'p50_s')} | {cell(c, 'cpu_p50_s')} | "
                         f"{c.get('n', '')}{'*' if c.get('capped') else ''} | {cell(p, 'p50_s')} | "
                         f"{cell(p, 'cpu_p50_s')} | {p.get('n', '')}{'*' if p.get('capped') else ''} | {speed} | "
                         f"{same} |")
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lines += ["", "\\* capped by the time budget (see bench_store.py).", ""]
    text = "\n".join(lines)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"proposals-{dt.date.today().isoformat()}-{bs.label_size(size)}.md"
    path.write_text(text, encoding="utf-8")
    bs.say(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
