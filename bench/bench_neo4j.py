"""Benchmark the Neo4j projection: push rate, and Cypher against SPARQL for the canned queries.

    python bench/bench_neo4j.py                        # the bundled data and a 100k-triple synthetic graph
    python bench/bench_neo4j.py --triples 20000 --reps 10
    python bench/bench_neo4j.py --uri bolt://127.0.0.1:7687   # a running Neo4j (password: GOVKG_NEO4J_PASSWORD)

Without --uri a Neo4j 5.26 is started with scripts/servers/neo4j.sh (free port, temporary data dir, 1 GB
heap) and stopped at the end. For each data set (the bundled curated data; a synthetic graph from
bench/generate.py) it:

* ingests it into a fresh embedded store (and, for the bundled data, builds the search index);
* wipes GovKG's data from Neo4j, pushes everything (timed: nodes/s from the node phase, relationships/s from
  the relationship phases, each an UNWIND … MERGE per batch of --batch-size rows), pushes again (nothing
  changed: a no-op), and pushes with --force (every MERGE finds its node or relationship);
* runs every canned query (ontology/queries/*.rq and *.cypher, same parameters: the defaults for the bundled
  data, the generator's chosen parameters for the synthetic graph) on the embedded store and on Neo4j: one
  untimed warm-up, then up to --reps timed runs within --budget seconds each (p50, p95), and checks both
  return the same number of rows;
* for the bundled data, times dense semantic search through Neo4j's vector index against the embedded index.

The results go to stdout and bench/neo4j.md (-o), and with --json FILE to a JSON file as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from graph.backends.embedded import Store  # noqa: E402
from graph.neo4j.connection import Neo4jConnection, connect  # noqa: E402
from graph.neo4j.cypher import get_cypher, run_cypher  # noqa: E402
from graph.neo4j.push import Embeddings, PushReport, push, wipe  # noqa: E402
from graph.queries import canned_queries, get_query  # noqa: E402
from graph.settings import Settings  # noqa: E402

PASSWORD = "govkg-bench-pw"
SEARCH_QUERIES = ("Suppliers walked away before delivering", "clinicians were not engaged",
                  "cost estimates kept rising", "who is accountable for digital strategy",
                  "local ownership of systems", "the programme was too centralised",
                  "data sharing and patient records", "benefits were never measured")


# ------------------------------------------------------------------------------------------------ server
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def neo4j_server(uri: str | None) -> Iterator[tuple[str, str]]:
    """(uri, password) of the Neo4j to use: the one given, or one started for this run."""
    if uri:
        yield uri, os.environ.get("GOVKG_NEO4J_PASSWORD", "")
        return
    script = ROOT / "scripts" / "servers" / "neo4j.sh"
    with tempfile.TemporaryDirectory(prefix="govkg-bench-neo4j-") as data:
        port = _free_port()
        env = {**os.environ, "NEO4J_BOLT_PORT": str(port), "NEO4J_DATA_DIR": data, "NEO4J_PASSWORD": PASSWORD,
               "NEO4J_HEAP": "1g", "NEO4J_PAGECACHE_MB": "256"}
        started = time.perf_counter()
        result = subprocess.run(["bash", str(script), "start"], env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.exit(f"neo4j.sh start failed:\n{result.stdout}\n{result.stderr}")
        print(f"Neo4j started in {time.perf_counter() - started:.0f} s on port {port}", flush=True)
        try:
            yield f"bolt://127.0.0.1:{port}", PASSWORD
        finally:
            subprocess.run(["bash", str(script), "stop"], env=env, capture_output=True, check=False)


# ------------------------------------------------------------------------------------------------ data
def bundled_store(folder: Path) -> Path:
    from ingest.pipeline import ingest

    path = folder / "bundled-store"
    with Store.open(path) as store:
        ingest(store, [ROOT / "data" / "curated"])
    return path


def synthetic_store(folder: Path, triples: int) -> tuple[Path, dict[str, dict[str, str]]]:
    from ingest.pipeline import ingest

    data = folder / f"synthetic-{triples}.nt"
    params = data.with_suffix(".params.json")
    if not data.exists() or not params.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(triples), "-o", str(data)],
                       check=True)
    path = folder / f"synthetic-{triples}-store"
    with Store.open(path) as store:
        ingest(store, [data])
    return path, json.loads(params.read_text(encoding="utf-8"))["params"]


def search_embeddings(store: Store, settings: Settings) -> Embeddings | None:
    try:
        from graph.neo4j.search import embeddings_for

        return embeddings_for(store, settings)
    except Exception as exc:  # the search extras are optional: report and go on without vectors
        print(f"  (no embeddings: {exc})", flush=True)
        return None


# ------------------------------------------------------------------------------------------------ timing
def timed(fn: Callable[[], Any], reps: int, budget: float) -> tuple[list[float], Any]:
    """Milliseconds of each of up to ``reps`` runs within ``budget`` seconds, after one warm-up run."""
    result = fn()
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < reps and (not times or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def p(times: list[float], q: float) -> float:
    if len(times) == 1:
        return times[0]
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def push_rates(report: PushReport) -> dict[str, Any]:
    phases = report.phases
    node_s = phases.get("writing nodes", 0.0)
    rel_s = phases.get("writing relationships", 0.0) + phases.get("writing shortcuts", 0.0)
    vec_s = phases.get("writing embeddings", 0.0) + phases.get("writing sentences", 0.0)
    return {
        "seconds": round(report.seconds, 2), "write_seconds": round(report.write_seconds, 2),
        "nodes": report.nodes_written, "relationships": report.relationships_written,
        "nodes_per_s": round(report.nodes_written / node_s) if node_s else None,
        "relationships_per_s": round(report.relationships_written / rel_s) if rel_s else None,
        "vectors": report.embeddings_written + report.sentences_written,
        "vectors_per_s": round((report.embeddings_written + report.sentences_written) / vec_s) if vec_s else None,
        "phases": phases,
    }


def bench_dataset(name: str, store_path: Path, conn: Neo4jConnection, settings: Settings,
                  params: dict[str, dict[str, str]], args: argparse.Namespace, with_vectors: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    with Store.open(store_path, read_only=True) as store:
        out["triples"] = store.triple_count()
        vectors = search_embeddings(store, settings) if with_vectors else None
        print(f"{name}: {out['triples']:,} triples; pushing", flush=True)
        wipe(conn)
        first = push(store, conn, embeddings=vectors, batch_size=args.batch_size)
        out["push"] = push_rates(first)
        out["counts"] = first.counts
        again = push(store, conn, embeddings=vectors, batch_size=args.batch_size)
        out["push_again_s"] = round(again.seconds, 2)
        forced = push(store, conn, embeddings=vectors, batch_size=args.batch_size, force=True)
        out["push_forced"] = push_rates(forced)
        print(f"  push {out['push']['seconds']} s ({out['push']['nodes_per_s']} nodes/s, "
              f"{out['push']['relationships_per_s']} relationships/s); again {out['push_again_s']} s; "
              f"forced {out['push_forced']['seconds']} s", flush=True)
        out["queries"] = []
        for qname in canned_queries():
            values = params.get(qname, {})
            sparql_text = get_query(qname).bind(values)
            cypher = get_cypher(qname)
            cparams = cypher.parameters(values)
            s_times, s_res = timed(lambda t=sparql_text: store.query(t), args.reps, args.budget)
            c_times, c_res = timed(lambda c=cypher, v=cparams: run_cypher(conn, c.text, v), args.reps, args.budget)
            # distinct rows: Oxigraph's union default graph repeats a triple that two sources both hold
            s_rows = len({tuple(str(t) for t in r) for r in s_res.rows})
            c_rows = len({json.dumps(r, default=str) for r in c_res.rows})
            row = {"query": qname, "params": values, "sparql_rows": s_rows, "cypher_rows": c_rows,
                   "sparql_p50": round(p(s_times, 50), 2), "sparql_p95": round(p(s_times, 95), 2),
                   "cypher_p50": round(p(c_times, 50), 2), "cypher_p95": round(p(c_times, 95), 2),
                   "runs": min(len(s_times), len(c_times))}
            if row["sparql_rows"] != row["cypher_rows"]:
                print(f"  WARNING: {qname}: SPARQL {row['sparql_rows']} rows, Cypher {row['cypher_rows']}")
            print(f"  {qname:<26} SPARQL {row['sparql_p50']:>8.2f} ms  Cypher {row['cypher_p50']:>8.2f} ms  "
                  f"({row['sparql_rows']} rows)", flush=True)
            out["queries"].append(row)
        if vectors:
            out["search"] = bench_search(store, settings, args)
    return out


def bench_search(store: Store, settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    from graph.neo4j.search import neo4j_searcher
    from graph.search import Searcher

    local = Searcher(store, settings)
    local.warm()
    out: dict[str, Any] = {}
    with neo4j_searcher(store, settings) as remote:
        for label, searcher in (("embedded", local), ("neo4j", remote)):
            times: list[float] = []
            for query in SEARCH_QUERIES:
                t, _ = timed(lambda s=searcher, q=query: s.search(q, k=10, mode="dense"), 3, args.budget)
                times.extend(t)
            out[label] = {"p50": round(p(times, 50), 1), "p95": round(p(times, 95), 1), "runs": len(times)}
    print(f"  dense search p50: embedded {out['embedded']['p50']} ms, Neo4j {out['neo4j']['p50']} ms", flush=True)
    return out


# ------------------------------------------------------------------------------------------------ report
def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    lines = [
        "# Neo4j projection benchmark",
        "",
        f"Generated by `python bench/bench_neo4j.py {results['argv']}` on {results['date']}: {env['machine']}, "
        f"Python {env['python']}, Neo4j {env['neo4j']} (embedded DBMS with Bolt, scripts/servers/neo4j.sh, "
        f"1 GB heap), load average {env['load_before']} before the run and {env['load_after']} after. "
        "The machine is shared: figures move by ±20 % or more between runs.",
        "",
        "## Push",
        "",
        "Rates are rows written per second of the phase: `UNWIND $rows … MERGE`, one transaction per batch of "
        f"up to {results['batch_size']} rows (relationships: one query per type, small types packed into one "
        "transaction). *first* is into an empty database, and includes planning each query; *forced* rewrites "
        "everything onto the existing projection (every MERGE matches); *again* is a second push with nothing "
        "changed. Vectors are the search index's (the bundled data only): text nodes' embeddings and sentence "
        "nodes.",
        "",
        "| data | triples | nodes | relationships | first push | nodes/s | relationships/s | vectors/s "
        "| again | forced push | nodes/s | relationships/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for d in results["datasets"]:
        a, f = d["push"], d["push_forced"]
        lines.append(f"| {d['name']} | {d['triples']:,} | {d['counts']['nodes']:,} | "
                     f"{d['counts']['relationships']:,} | {a['seconds']} s | {a['nodes_per_s'] or '–'} | "
                     f"{a['relationships_per_s'] or '–'} | {a['vectors_per_s'] or '–'} | {d['push_again_s']} s | "
                     f"{f['seconds']} s | {f['nodes_per_s'] or '–'} | {f['relationships_per_s'] or '–'} |")
    lines += ["", "## Canned queries: SPARQL (embedded Oxigraph) against Cypher (Neo4j)", "",
              "Milliseconds per run, after one warm-up, including the driver's round trip for Cypher and result "
              "collection for both. Parameters: the defaults for the bundled data, bench/generate.py's chosen "
              "ones for the synthetic graph.", ""]
    for d in results["datasets"]:
        lines += [f"### {d['name']} ({d['triples']:,} triples)", "",
                  "| query | rows | SPARQL p50 | SPARQL p95 | Cypher p50 | Cypher p95 | runs |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for q in d["queries"]:
            rows = str(q["sparql_rows"]) if q["sparql_rows"] == q["cypher_rows"] else \
                f"{q['sparql_rows']} / {q['cypher_rows']} (differ!)"
            lines.append(f"| {q['query']} | {rows} | {q['sparql_p50']} | {q['sparql_p95']} | {q['cypher_p50']} | "
                         f"{q['cypher_p95']} | {q['runs']} |")
        lines.append("")
        if d.get("search"):
            s = d["search"]
            lines += [f"Dense semantic search (k = 10, {len(SEARCH_QUERIES)} queries; the embedder remembers recent "
                      "query vectors, so after the warm-up run this times the ranking, not the encoding): "
                      f"embedded index p50 {s['embedded']['p50']} ms, p95 {s['embedded']['p95']} ms; through "
                      f"Neo4j's vector index p50 {s['neo4j']['p50']} ms, p95 {s['neo4j']['p95']} ms.", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="size of the synthetic graph (0: none)")
    parser.add_argument("--reps", type=int, default=20, help="timed runs per query and engine (at most)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds per query and engine")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--uri", help="a running Neo4j (else one is started)")
    parser.add_argument("--data-dir", default=str(Path(tempfile.gettempdir()) / "govkg-bench-neo4j"),
                        help="where stores, the synthetic graph and the search index are kept")
    parser.add_argument("--no-vectors", action="store_true", help="skip embeddings and the search timing")
    parser.add_argument("-o", "--output", default=str(HERE / "neo4j.md"), help="the Markdown report")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    folder = Path(args.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "argv": " ".join(argv or sys.argv[1:]),
                               "batch_size": args.batch_size, "datasets": []}
    load_before = os.getloadavg()[0]
    with neo4j_server(args.uri) as (uri, password):
        settings = Settings.load(environ={}).with_(neo4j_uri=uri, neo4j_password=password, neo4j_timeout=30.0,
                                                    search_dir=str(folder / "search"))
        with connect(settings) as conn:
            version = conn.version
            path = bundled_store(folder)
            results["datasets"].append(bench_dataset("bundled", path, conn, settings.with_(store=str(path)),
                                                     {}, args, with_vectors=not args.no_vectors))
            if args.triples:
                path, params = synthetic_store(folder, args.triples)
                results["datasets"].append(bench_dataset(f"synthetic {args.triples // 1000}k", path, conn,
                                                         settings.with_(store=str(path)), params, args,
                                                         with_vectors=False))
            wipe(conn)
    results["environment"] = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "neo4j": version,
                              "python": platform.python_version(), "load_before": round(load_before, 1),
                              "load_after": round(os.getloadavg()[0], 1)}
    Path(args.output).write_text(markdown(results), encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(f"wrote {args.output}" + (f" and {args.json}" if args.json else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
