"""``govkg neo4j push|status|wipe`` and ``govkg cypher``: the Neo4j projection of the graph.

    govkg neo4j push [--graph KEY ...] [--wipe] [--force] [--no-embeddings] [--uri U --user U --password P]
    govkg neo4j status [--json]
    govkg neo4j wipe
    govkg cypher accountable-for-scope --param scope=npfit-sro --param year=2005
    govkg cypher 'MATCH (b:Body) RETURN b.label LIMIT 5'
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from graph.backends import Backend, open_backend
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _connection_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection (default: the GOVKG_NEO4J_* settings)")
    g.add_argument("--uri", help="Bolt URI, e.g. bolt://127.0.0.1:7687")
    g.add_argument("--user")
    g.add_argument("--password", help="(visible to other users in the process list: prefer GOVKG_NEO4J_PASSWORD)")
    g.add_argument("--database")


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = sub.add_parser("neo4j", help="project the graph into Neo4j (push, status, wipe)",
                       description="The graph as a Neo4j property graph: see docs/neo4j.md.")
    actions = p.add_subparsers(dest="neo4j_action", required=True, metavar="ACTION")

    a = actions.add_parser("push", help="write the source graphs into Neo4j (idempotent; resumes a cut push)")
    a.add_argument("--graph", action="extend", nargs="+", metavar="KEY",
                   help="only these sources (added to those pushed before); default: every source")
    a.add_argument("--wipe", action="store_true", help="first remove everything GovKG wrote to Neo4j")
    a.add_argument("--force", action="store_true", help="rewrite graphs that have not changed")
    a.add_argument("--no-embeddings", action="store_true", help="do not push the search index's vectors")
    a.add_argument("--batch-size", type=int, metavar="N", help="rows per transaction (default: the setting)")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    a.add_argument("--json", action="store_true", help="print the report as JSON")
    _connection_options(a)

    a = actions.add_parser("status", help="what is in Neo4j, against the store")
    a.add_argument("--json", action="store_true")
    _connection_options(a)

    a = actions.add_parser("wipe", help="remove every node, relationship and index GovKG wrote to Neo4j")
    _connection_options(a)
    command("neo4j")(cmd_neo4j)

    p = sub.add_parser("cypher", help="run Cypher on the Neo4j projection (a canned query name or a query)")
    p.add_argument("query", nargs="?", help="a canned query name (ontology/queries/*.cypher) or Cypher text")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="a parameter (repeatable)")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument("--limit", type=int, help="most rows to return")
    p.add_argument("--show", action="store_true", help="print the query and its parameters instead of running it")
    p.add_argument("--write", action="store_true", help="allow the query to write (default: read-only)")
    p.add_argument("--wide", action="store_true", help="table: each value whole on one line (default: long "
                                                        "values wrap within their column)")
    _connection_options(p)
    command("cypher")(cmd_cypher)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {"uri": args.uri, "user": args.user, "password": args.password, "database": args.database}


@contextmanager
def _connected(args: argparse.Namespace, settings: Settings) -> Iterator[Any]:
    from graph.neo4j.connection import connect

    with connect(settings, **_overrides(args)) as conn:
        yield conn


def cmd_neo4j(args: argparse.Namespace, settings: Settings) -> int:
    action: Handler = {"push": _push, "status": _status, "wipe": _wipe}[args.neo4j_action]
    return action(args, settings)


# ------------------------------------------------------------------------------------------------ push
def _push(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from graph.neo4j.push import Embeddings, push

    quiet = args.quiet or args.json
    tty = sys.stderr.isatty()
    with open_backend(settings, read_only=True) as store, _connected(args, settings) as conn:
        embeddings: Embeddings | None = None
        if not args.no_embeddings:
            embeddings = _embeddings(store, settings, quiet)
        keys = args.graph
        if keys and "ontology" in store.sources() and "ontology" not in keys:
            sys.stderr.write("note: the ontology source holds the concept schemes (kinds, statuses, units) that "
                             "the canned Cypher queries read; push it too unless it is there already\n")
        with tqdm(total=0, unit="rows", disable=quiet or not tty, file=sys.stderr, leave=False,
                  dynamic_ncols=True) as bar:
            last = [""]

            def progress(what: str, done: int, total: int) -> None:
                if tty and not quiet:
                    bar.total = max(total, done)
                    bar.n = done
                    bar.set_description_str(f"neo4j: {what}", refresh=False)
                    bar.refresh()
                elif not quiet and what != last[0]:
                    sys.stderr.write(f"neo4j: {what}\n")
                last[0] = what

            report = push(store, conn, graphs=keys, wipe_first=args.wipe, force=args.force,
                          embeddings=embeddings, batch_size=args.batch_size or settings.neo4j_batch_size,
                          progress=progress)
    if args.json:
        _out(json.dumps(report.as_dict(), indent=2))
        return 0
    if not report.written and not report.removed and report.embeddings_written:
        _out(f"{report.embeddings_written:,} embeddings and {report.sentences_written:,} sentence nodes rewritten "
             f"(the search index changed) in {report.seconds:.1f} s.")
        return 0
    if not report.written and not report.removed:
        _out(f"Neo4j is up to date: {len(report.graphs)} source graph(s), {report.counts['nodes']:,} nodes, "
             f"{report.counts['relationships']:,} relationships.")
        return 0
    for key in report.written:
        _out(f"{key:<34} written")
    for key in report.removed:
        _out(f"{key:<34} removed")
    if report.unchanged:
        _out(f"{len(report.unchanged)} source graph(s) unchanged")
    rate = ((report.nodes_written + report.relationships_written) / report.write_seconds
            if report.write_seconds else 0.0)
    _out(f"{report.nodes_written:,} nodes and {report.relationships_written:,} relationships written "
         f"({report.nodes_deleted:,} and {report.relationships_deleted:,} stale ones deleted; "
         f"{report.embeddings_written:,} embeddings, {report.sentences_written:,} sentence nodes) "
         f"in {report.seconds:.1f} s ({rate:,.0f} rows/s); "
         f"Neo4j now holds {report.counts['nodes']:,} nodes and {report.counts['relationships']:,} relationships.")
    return 0


def _embeddings(store: Backend, settings: Settings, quiet: bool) -> Any:
    from graph.errors import GovKGError

    try:
        from graph.neo4j.search import embeddings_for

        if not quiet:
            sys.stderr.write("neo4j: loading the search index's vectors\n")
        return embeddings_for(store, settings)
    except (GovKGError, ImportError) as exc:
        text = exc.render() if isinstance(exc, GovKGError) else str(exc)
        sys.stderr.write(f"warning: pushing without embeddings ({text})\n")
        return None


# ------------------------------------------------------------------------------------------------ status
def _status(args: argparse.Namespace, settings: Settings) -> int:
    from graph.neo4j.mapping import Vocabulary, build_projection
    from graph.neo4j.push import counts, read_meta

    with _connected(args, settings) as conn:
        meta = read_meta(conn)
        now = counts(conn)
        version = conn.version
    pushed = dict(zip(meta.get("graphs", []), meta.get("hashes", []), strict=False))
    graphs: dict[str, str] = {}
    expected: dict[str, int] = {}
    with open_backend(settings, read_only=True) as store:
        live = store.sources()
        for key in sorted(set(pushed) | set(live)):
            if key not in pushed:
                graphs[key] = "not pushed"
            elif key not in live:
                graphs[key] = "removed from the store"
            else:
                graphs[key] = "up to date" if pushed[key] == live[key].content_hash else "changed or unfinished"
        keys = [k for k in pushed if k in live]
        if keys:
            projection = build_projection(store, keys, Vocabulary.from_store(store))
            expected = {"nodes": len(projection.nodes), "relationships": len(projection.rels)}
    state = meta.get("state", "empty")
    if args.json:
        _out(json.dumps({"neo4j": version, "state": state, "pushed_at": meta.get("pushed_at"),
                         "embedding_model": meta.get("embedding_model", ""), "counts": now,
                         "expected": expected, "graphs": graphs}, indent=2))
        return 0
    _out(f"Neo4j {version}: projection {state}" + (f", pushed {meta['pushed_at']}" if meta.get("pushed_at") else ""))
    for name in ("nodes", "relationships"):
        want = expected.get(name)
        check = "" if want is None else ("  (matches the store)" if want == now[name] else f"  (the store gives {want:,})")
        _out(f"  {name:<14} {now[name]:>9,}{check}")
    _out(f"  {'sentences':<14} {now['sentences']:>9,}\n  {'embeddings':<14} {now['embeddings']:>9,}"
         + (f"  ({meta['embedding_model']})" if meta.get("embedding_model") else ""))
    for key, text in graphs.items():
        _out(f"  {key:<34} {text}")
    return 0


def _wipe(args: argparse.Namespace, settings: Settings) -> int:
    from graph.neo4j.push import wipe

    with _connected(args, settings) as conn:
        removed = wipe(conn)
    _out(f"removed {removed:,} GovKG node(s) and their relationships, and GovKG's indexes")
    return 0


# ------------------------------------------------------------------------------------------------ cypher
def cmd_cypher(args: argparse.Namespace, settings: Settings) -> int:
    from graph.neo4j.cypher import (
        canned_cypher,
        check_keys,
        get_cypher,
        is_canned_name,
        render_cypher,
        run_cypher,
    )
    from graph.queries import parse_params

    if not args.query:
        for q in canned_cypher().values():
            defaults = ", ".join(f"{p.name}={p.default}" for p in q.params)
            _out(f"{q.name:<28} {q.title}" + (f"  [{defaults}]" if defaults else ""))
        return 0
    raw = parse_params(args.param or [])
    title = ""
    params: dict[str, Any]
    canned = None
    if is_canned_name(args.query):
        canned = get_cypher(args.query)
        text, params, title = canned.text, canned.parameters(raw), canned.title
    else:
        text, params = args.query, _typed(raw)
    if args.show:
        _out(text)
        _out("// parameters: " + json.dumps(params, default=str))
        return 0
    with _connected(args, settings) as conn:
        if canned is not None:  # a key with no node is an error naming the nearest keys, not an empty answer
            check_keys(conn, canned, raw)
        result = run_cypher(conn, text, params, write=args.write, limit=args.limit or settings.result_limit,
                            timeout=settings.query_timeout)
    if args.format == "table" and title:
        _out(f"# {title}")
    _out(render_cypher(result, args.format, wide=args.wide))
    if result.truncated and args.format != "table":
        sys.stderr.write(f"note: result truncated at {result.limit} rows (use --limit)\n")
    return 0


def _typed(raw: dict[str, str]) -> dict[str, Any]:
    """Parameters of a typed-in query: whole numbers as integers, everything else as text."""
    out: dict[str, Any] = {}
    for name, value in raw.items():
        text = value.strip()
        out[name] = int(text) if text.lstrip("-").isdigit() and len(text) < 18 else value
    return out
