"""Benchmark ``govkg serve`` beside the embedded store it serves, on a synthetic graph.

    python bench/bench_endpoint.py                         # 1M triples, 20 clients for 20 s
    python bench/bench_endpoint.py --triples 100k --seconds 5

Measures, in one run:

* every canned query (bound with bench/generate.py's parameters) on the embedded store in this process
  (``Store.query``) and through the server over HTTP (SPARQL JSON, a keep-alive connection): p50 and p95;
* the fixed cost of the worker design: ``ASK {}`` in process, through the worker pool (a pipe to a worker
  process), and over HTTP;
* a concurrent load: N clients, each on its own keep-alive connection, for S seconds, running the
  per-entity canned queries (and, separately, all canned queries): throughput, p50/p95/p99, errors;
* the timeout: how long a runaway query takes to be stopped, and how long until the killed worker's
  replacement answers.

Results go to stdout and to bench/endpoint.md (the tables) with the machine it ran on.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import io
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from graph.backends.embedded import Store  # noqa: E402
from graph.endpoint import EndpointServer  # noqa: E402
from graph.endpoint.jobs import SparqlJob  # noqa: E402
from graph.queries import canned_queries  # noqa: E402
from graph.settings import Settings  # noqa: E402
from ingest.pipeline import ingest  # noqa: E402

PER_ENTITY = ("accountable-for-scope", "body-lineage", "lessons-on-theme", "recommendations-to-body",
              "figures-about-programme", "source-supports")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def say(text: str) -> None:
    sys.stderr.write(f"[bench] {text}\n")
    sys.stderr.flush()


def pct(samples: list[float], q: float) -> float:
    s = sorted(samples)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def parse_size(text: str) -> int:
    text = text.strip().lower()
    for suffix, factor in (("m", 1_000_000), ("k", 1000)):
        if text.endswith(suffix):
            return int(float(text[:-1]) * factor)
    return int(text)


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def dataset(size: int, seed: int, folder: Path) -> tuple[Path, dict[str, Any]]:
    """The generated N-Triples file and its report (reused when the generator version matches)."""
    nt = folder / f"gen-{label(size)}-s{seed}.nt"
    meta = generate.params_path(nt)
    if nt.exists() and meta.exists():
        report: dict[str, Any] = json.loads(meta.read_text())
        if report.get("generator_version") == generate.GENERATOR_VERSION and report.get("target_triples") == size:
            return nt, report
    say(f"generating {label(size)} triples → {nt}")
    data, report = generate.generate(size, seed)
    folder.mkdir(parents=True, exist_ok=True)
    nt.write_bytes(data)
    meta.write_text(json.dumps(report, indent=2) + "\n")
    return nt, report


def timed(fn: Callable[[], Any], reps: int, budget: float) -> list[float]:
    """Seconds per call: one untimed warm-up, then up to ``reps`` calls within ``budget`` seconds."""
    fn()
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < reps and (not samples or time.perf_counter() < deadline):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


class Client:
    """One keep-alive HTTP connection to the server (``path``: its SPARQL endpoint's path)."""

    def __init__(self, url: str, path: str = "/sparql") -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.path = path
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def get(self, target: str) -> tuple[int, bytes]:
        try:
            self.conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
            resp = self.conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
            raise

    def sparql(self, query: str) -> bytes:
        status, body = self.get(self.path + "?" + urllib.parse.urlencode({"query": query}))
        if status != 200:
            raise RuntimeError(f"{status}: {body[:300]!r}")
        return body


def load(url: str, queries: list[str], clients: int, seconds: float, path: str = "/sparql") -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(n: int) -> None:
        client = Client(url, path)
        i = n
        mine: list[float] = []
        while time.monotonic() < stop:
            query = queries[i % len(queries)]
            i += 1
            started = time.perf_counter()
            try:
                client.sparql(query)
                mine.append(time.perf_counter() - started)
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(repr(exc)[:200])
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"requests": len(latencies), "errors": len(errors), "first_errors": errors[:3], "seconds": elapsed,
            "throughput": len(latencies) / elapsed, "p50": pct(latencies, 0.5) if latencies else 0.0,
            "p95": pct(latencies, 0.95) if latencies else 0.0, "p99": pct(latencies, 0.99) if latencies else 0.0}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 1 else f"{seconds * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--triples", default="1M", help="graph size (default 1M)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "govkg-bench")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each load run")
    ap.add_argument("--workers", type=int, default=None, help="query workers (default: the setting)")
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--budget", type=float, default=10.0, help="seconds per query and engine")
    ap.add_argument("--timeout", type=float, default=30.0, help="the server's query timeout")
    ap.add_argument("--out", type=Path, default=HERE / "endpoint.md")
    ap.add_argument("--no-fuseki", dest="fuseki", action="store_false",
                    help="skip the side-by-side run on Apache Jena Fuseki (scripts/servers/fuseki.sh)")
    ap.add_argument("--fuseki-heap", default="3g", help="Fuseki's JVM heap (its in-memory dataset)")
    args = ap.parse_args(argv)

    size = parse_size(args.triples)
    nt, report = dataset(size, args.seed, args.data_dir)
    params: dict[str, dict[str, str]] = report["params"]
    canned = canned_queries()
    texts = {name: q.bind(params.get(name, {})) for name, q in canned.items()}

    work = Path(tempfile.mkdtemp(prefix="govkg-bench-endpoint-"))
    try:
        say(f"ingesting {nt.name} ({report['triples']:,} triples)")
        started = time.perf_counter()
        with Store.open(work / "store") as store:
            summary = ingest(store, [nt])
        ingest_s = time.perf_counter() - started
        results: dict[str, Any] = {"triples": summary.total_triples, "ingest_s": ingest_s, "queries": {}}

        say("canned queries in process")
        with Store.open(work / "store", read_only=True) as store:
            rows = {}
            for name, text in texts.items():
                samples = timed(lambda t=text: store.query(t, limit=10000), args.reps, args.budget)  # type: ignore[misc]
                rows[name] = len(store.query(text, limit=10000).rows)
                results["queries"][name] = {"rows": rows[name], "embedded": samples}
            ask_inproc = timed(lambda: store.query("ASK {}"), 2000, 3.0)

        settings = Settings.load({"store": str(work / "store"), "query_timeout": args.timeout}, environ={})
        say("starting the server")
        started = time.perf_counter()
        with EndpointServer(settings, port=0, workers=args.workers).start() as server:
            results["start_s"] = time.perf_counter() - started
            results["workers"] = server.pool.size
            client = Client(server.url)
            say("canned queries through the server")
            for name, text in texts.items():
                body = client.sparql(text)
                got = len(json.loads(body)["results"]["bindings"])
                assert got == rows[name], f"{name}: {got} rows over HTTP, {rows[name]} in process"
                results["queries"][name]["server"] = timed(lambda t=text: client.sparql(t), args.reps, args.budget)  # type: ignore[misc]
            ask_pool = timed(lambda: server.pool.run(SparqlJob("ASK {}", None, (), 10), 10), 2000, 3.0)
            ask_http = timed(lambda: client.sparql("ASK {}"), 2000, 3.0)
            results["ask"] = {"in process": ask_inproc, "worker pool": ask_pool, "HTTP": ask_http}

            say(f"load: {args.clients} clients × {args.seconds:g} s, per-entity canned queries")
            results["load_entity"] = load(server.url, [texts[n] for n in PER_ENTITY], args.clients, args.seconds)
            say(f"load: {args.clients} clients × {args.seconds:g} s, all canned queries")
            results["load_all"] = load(server.url, list(texts.values()), args.clients, args.seconds)

            say("a runaway query against a 3 s timeout")
        if args.fuseki:
            results["fuseki"] = fuseki_side_by_side(work, texts, rows, args)
        short = settings.with_(query_timeout=3.0)
        with EndpointServer(short, port=0, workers=args.workers).start() as server:
            client = Client(server.url)
            started = time.perf_counter()
            status, _ = client.get("/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
            results["runaway_s"] = time.perf_counter() - started
            results["runaway_status"] = status
            killed = time.perf_counter()
            while server.pool.alive() < server.pool.size:
                time.sleep(0.01)
            results["replace_s"] = time.perf_counter() - killed
    finally:
        shutil.rmtree(work, ignore_errors=True)

    text = report_md(results, report, args)
    args.out.write_text(text)
    sys.stdout.write(text)
    return 1 if results["load_entity"]["errors"] else 0  # the whole-graph mix may time out by design


def fuseki_side_by_side(work: Path, texts: dict[str, str], rows: dict[str, int],
                        args: argparse.Namespace) -> dict[str, Any]:
    """The same queries and load on Apache Jena Fuseki (in-memory dataset), holding the same triples (the
    store's live graphs merged into Fuseki's default graph), each query with GovKG's prefixes declared."""
    import subprocess

    from graph.backends.sparql import with_prefixes

    script = HERE.parent / "scripts" / "servers" / "fuseki.sh"
    with contextlib.closing(__import__("socket").socket()) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "FUSEKI_PORT": str(port), "FUSEKI_DATASET": "mem", "FUSEKI_HEAP": args.fuseki_heap,
           "FUSEKI_DATA_DIR": str(work / "fuseki")}
    say("starting Fuseki")
    started = subprocess.run(["bash", str(script), "start"], env=env, capture_output=True, text=True, check=False)
    if started.returncode != 0:
        say(f"Fuseki did not start: {started.stderr.strip()[-300:]}")
        return {"error": started.stderr.strip()[-300:]}
    try:
        url = f"http://127.0.0.1:{port}"
        data = io.BytesIO()
        with Store.open(work / "store", read_only=True) as store:
            store.dump(data, "nt")
        say("loading the same triples into Fuseki")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        loading = time.perf_counter()
        conn.request("PUT", "/govkg/data?default", body=data.getvalue(),
                     headers={"Content-Type": "application/n-triples"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status < 300, f"Fuseki refused the data: {resp.status}"
        out: dict[str, Any] = {"load_s": time.perf_counter() - loading, "queries": {}}
        client = Client(url, "/govkg/query")
        for name, text in texts.items():
            query = with_prefixes(text)
            got = len(json.loads(client.sparql(query))["results"]["bindings"])
            out["queries"][name] = {"rows": got, "same": got == rows[name],
                                    "server": timed(lambda q=query: client.sparql(q), args.reps, args.budget)}  # type: ignore[misc]
        say(f"load on Fuseki: {args.clients} clients × {args.seconds:g} s, per-entity canned queries")
        out["load_entity"] = load(url, [with_prefixes(texts[n]) for n in PER_ENTITY], args.clients, args.seconds,
                                  "/govkg/query")
        return out
    finally:
        subprocess.run(["bash", str(script), "stop"], env=env, capture_output=True, text=True, check=False)


def report_md(r: dict[str, Any], report: dict[str, Any], args: argparse.Namespace) -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    lines = [
        "# `govkg serve` benchmark",
        "",
        f"Generated by `python bench/bench_endpoint.py --triples {args.triples} --clients {args.clients} "
        f"--seconds {args.seconds:g}` on {dt.date.today().isoformat()}: {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}, pyoxigraph {ox.__version__}; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}. Client and server share the machine.",
        "",
        f"Graph: bench/generate.py, seed {args.seed}, {r['triples']:,} triples in the store (ingest "
        f"{r['ingest_s']:.1f} s). Server: {r['workers']} query worker processes, started in "
        f"{r['start_s']:.2f} s; result limit 10,000 rows.",
        "",
        "## Canned queries: in process beside the server",
        "",
        "Milliseconds; in process is `Store.query` (rows collected in Python); the server is an HTTP GET on a "
        "keep-alive connection, answer in SPARQL JSON, parsed by nothing.",
        "",
        "| query | rows | in process p50 | p95 | server p50 | p95 | server − in process (p50) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, q in r["queries"].items():
        e50, e95 = statistics.median(q["embedded"]), pct(q["embedded"], 0.95)
        s50, s95 = statistics.median(q["server"]), pct(q["server"], 0.95)
        lines.append(f"| {name} | {q['rows']:,} | {ms(e50)} | {ms(e95)} | {ms(s50)} | {ms(s95)} | "
                     f"{(s50 - e50) * 1000:+.1f} |")
    ask = r["ask"]
    lines += [
        "",
        "## The fixed cost of a query worker",
        "",
        "`ASK {}` (nothing to evaluate), median of ~2,000 calls:",
        "",
        "| path | median µs |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {statistics.median(v) * 1e6:.0f} |" for k, v in ask.items()]
    lines += ["", "## Concurrent load", "",
              f"{args.clients} clients, each on its own keep-alive connection, for {args.seconds:g} s each run; "
              "every answer checked for status 200.", "",
              "| mix | requests | errors | throughput /s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for key, mix in (("load_entity", "per-entity canned queries (6)"), ("load_all", "all 8 canned queries")):
        x = r[key]
        lines.append(f"| {mix} | {x['requests']:,} | {x['errors']} | {x['throughput']:.0f} | {ms(x['p50'])} | "
                     f"{ms(x['p95'])} | {ms(x['p99'])} |")
    fu = r.get("fuseki")
    if fu and "error" not in fu:
        lines += ["", "## Side by side with Apache Jena Fuseki", "",
                  f"Fuseki 5 (scripts/servers/fuseki.sh, in-memory dataset, heap {args.fuseki_heap}) holding the same "
                  f"triples in its default graph (loaded in {fu['load_s']:.1f} s), asked the same queries (with "
                  "GovKG's prefixes declared) over HTTP GET on a keep-alive connection, SPARQL JSON. Milliseconds.",
                  "", "| query | rows (same?) | govkg serve p50 | p95 | Fuseki p50 | p95 |", "|---|---:|---:|---:|---:|---:|"]
        for name, q in fu["queries"].items():
            mine = r["queries"][name]["server"]
            lines.append(f"| {name} | {q['rows']:,} ({'yes' if q['same'] else 'NO'}) | {ms(statistics.median(mine))} | "
                         f"{ms(pct(mine, 0.95))} | {ms(statistics.median(q['server']))} | {ms(pct(q['server'], 0.95))} |")
        x, y = r["load_entity"], fu["load_entity"]
        lines += ["", f"Per-entity mix, {args.clients} clients for {args.seconds:g} s:", "",
                  "| server | requests | errors | throughput /s | p50 ms | p95 ms | p99 ms |",
                  "|---|---:|---:|---:|---:|---:|---:|",
                  f"| govkg serve | {x['requests']:,} | {x['errors']} | {x['throughput']:.0f} | {ms(x['p50'])} | "
                  f"{ms(x['p95'])} | {ms(x['p99'])} |",
                  f"| Fuseki | {y['requests']:,} | {y['errors']} | {y['throughput']:.0f} | {ms(y['p50'])} | "
                  f"{ms(y['p95'])} | {ms(y['p99'])} |"]
    lines += ["", "## Timeout", "",
              f"A cross product over the whole graph against a 3 s timeout: answered {r['runaway_status']} after "
              f"{r['runaway_s']:.2f} s; the killed worker's replacement was answering {r['replace_s']:.2f} s later "
              "(meanwhile the other workers answered).", "",
              "## Reading the figures", "",
              "* Every query reaches Oxigraph as the string the client sent; the worker design adds a pipe round "
              "trip (the worker pool row) and HTTP adds parsing and a socket round trip, a fraction of a "
              "millisecond in all.",
              "* In process, `Store.query` turns every row into Python objects; the server streams the solutions "
              "from Oxigraph as TSV (stopping at the limit) and re-serialises them in Rust, so on big results "
              "it can be faster than the in-process call it is compared with.",
              "* The all-queries mix includes the two whole-graph queries (overlaps, gaps), which take seconds "
              "each at this size: 20 clients then queue behind the workers and some requests end at the "
              "timeout (503) — the designed behaviour; more workers (`GOVKG_ENDPOINT_WORKERS`) need more cores.",
              "* Client and server share the CPUs, and the load average above says how busy the machine was: "
              "compare runs made under a similar load.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
