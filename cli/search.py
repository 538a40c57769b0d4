"""``govkg search`` and ``govkg eval-search``, and the hook that keeps the search index in step with ingests.

    govkg search "suppliers walked away" [-k 10] [--kind lesson] [--theme T] [--mode hybrid|dense|lexical] [--json]
    govkg search --like lesson/accenture-exit-2006
    govkg eval-search [--set data/evaluation/search.yaml] [--split tune|held-out] [-v] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from govkg_data import SEARCH_EVAL
from graph.backends import Backend, open_backend
from graph.errors import QueryError
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
EVAL_SET = SEARCH_EVAL
MAX_STDIN = 4 * 1024 * 1024


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = sub.add_parser("search", help="semantic search over lessons, findings, recommendations, targets, figures",
                       description="Rank the graph's text nodes against a query (or an item, with --like). "
                                   "Give '-' as the query to read it from standard input.")
    p.add_argument("query", nargs="?", help="what to look for, in your own words ('-': standard input)")
    p.add_argument("--like", metavar="IRI_OR_KEY", help="items like this one (an IRI, kind/key or key)")
    p.add_argument("-k", type=int, default=10, help="how many hits (default 10)")
    p.add_argument("--backend", choices=["embedded", "neo4j"], default="embedded",
                   help="where the vector ranking runs: the embedded index (default) or Neo4j's vector index, "
                        "after `govkg neo4j push` (BM25, filters and fusion are the same)")
    p.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid",
                   help="hybrid (default): embeddings and BM25 fused; dense: embeddings; lexical: BM25")
    p.add_argument("--kind", action="append", help="lesson, finding, recommendation, target or figure (repeatable)")
    for name in ("theme", "programme", "body", "source"):
        p.add_argument(f"--{name}", action="append", metavar="KEY", help=f"only items of this {name} (repeatable)")
    p.add_argument("--year-from", type=int, metavar="YEAR", help="only items dated in or after this year")
    p.add_argument("--year-to", type=int, metavar="YEAR", help="only items dated in or before this year")
    p.add_argument("--json", action="store_true", help="the hits as JSON")
    command("search")(cmd_search)

    p = sub.add_parser("eval-search", help="recall@5 and MRR of each search mode on the evaluation set")
    p.add_argument("--set", dest="eval_set", default=str(EVAL_SET), metavar="FILE",
                   help="the evaluation YAML (default: data/evaluation/search.yaml)")
    p.add_argument("--mode", action="append", choices=["hybrid", "dense", "lexical"], help="modes (default: all)")
    p.add_argument("--split", choices=["tune", "held-out"],
                   help="only the queries of this part of the set (default: the whole set, and each part)")
    p.add_argument("-v", "--verbose", action="store_true", help="show each query's misses")
    p.add_argument("--json", action="store_true")
    command("eval-search")(cmd_eval_search)


@contextmanager
def _search_backend(args: argparse.Namespace, store: Backend, settings: Settings) -> Iterator[Any]:
    if args.backend == "neo4j":
        from graph.neo4j.search import neo4j_searcher

        with neo4j_searcher(store, settings) as searcher:
            yield searcher
    else:
        yield _searcher(store, settings)


def _searcher(store: Backend, settings: Settings) -> Any:
    from graph.search import Searcher

    return Searcher(store, settings)


def _open(settings: Settings) -> Backend:
    return open_backend(settings, read_only=True)


def _read_stdin() -> str:
    data = sys.stdin.buffer.read(MAX_STDIN + 1)
    if len(data) > MAX_STDIN:
        raise QueryError(f"the query on standard input is over {MAX_STDIN // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"the query on standard input is not UTF-8 text (byte {exc.start})") from None


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    if args.query is not None and args.like:
        raise QueryError("give a query or --like, not both")
    if args.query is None and not args.like:
        raise QueryError("nothing to search for", hint='give a query, e.g. govkg search "suppliers left", or --like')
    from graph.search.filters import Filters
    from graph.search.searcher import check_request, clean_query

    filters = Filters.of({"kind": args.kind, "theme": args.theme, "programme": args.programme, "body": args.body,
                          "source": args.source, "year_from": args.year_from, "year_to": args.year_to})
    check_request(args.k, args.mode)
    query = clean_query(_read_stdin() if args.query == "-" else args.query) if args.query is not None else ""
    with _open(settings) as store, _search_backend(args, store, settings) as searcher:
        if args.like:
            result = searcher.like(args.like, k=args.k, mode=args.mode, filters=filters)
        else:
            result = searcher.search(query, k=args.k, mode=args.mode, filters=filters)
    if args.json:
        _out(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return 0
    _print_result(result)
    return 0


def _print_result(result: Any) -> None:
    head = f"like {result.like}" if result.like else repr(result.query)
    _out(f"{len(result.hits)} hit(s) for {head} · {result.mode} · {result.items:,} items · "
         f"{result.seconds * 1000:.0f} ms")
    for hit in result.hits:
        scores = ", ".join(f"{k} {v:g}" for k, v in hit.scores.items())
        _out(f"\n{hit.rank:>2}. [{hit.kind}] {hit.title}")
        facts = [f"{hit.kind}/{hit.key}"]
        ctx = hit.context
        facts += [p["label"] for p in ctx["programmes"]]
        facts += [b["label"] for b in ctx["bodies"][:3]]
        if ctx.get("year"):
            facts.append(str(ctx["year"]))
        _out(f"    {' · '.join(facts)}   ({scores})")
        if hit.why.best_sentence:
            _out(textwrap.fill(f"“{hit.why.best_sentence}”", width=108, initial_indent="    ",
                               subsequent_indent="     ", max_lines=3, placeholder=" …”"))
        reasons = hit.why.summary()
        if ctx["themes"]:
            reasons = "; ".join(x for x in (reasons, "item themes: " + ", ".join(
                t["label"] for t in ctx["themes"][:4])) if x)
        if reasons:
            _out(f"    why: {reasons}")
        linked = ctx.get("recommendations") or ctx.get("lessons") or []
        if linked:
            name = "recommendations" if ctx.get("recommendations") else "lessons"
            _out(f"    {name}: " + "; ".join(x["key"] for x in linked[:4]))
        docs = hit.source["documents"]
        if docs:
            _out("    source: " + "; ".join(d["label"] for d in docs[:2]) + (f" (+{len(docs) - 2})" if len(docs) > 2
                                                                              else ""))


def cmd_eval_search(args: argparse.Namespace, settings: Settings) -> int:
    from graph.search.evaluation import MRR_DEPTH, RECALL_AT, evaluate, load_eval_set

    queries = load_eval_set(Path(args.eval_set))
    if args.split:
        queries = [q for q in queries if q.split == args.split]
        if not queries:
            raise QueryError(f"no query of {args.eval_set} is in the {args.split!r} part",
                             hint="mark queries with split: tune or split: held-out")
    modes = tuple(args.mode or ("hybrid", "dense", "lexical"))
    with _open(settings) as store:
        scores = evaluate(_searcher(store, settings), queries, modes)
    if args.json:
        _out(json.dumps({"set": args.eval_set, "split": args.split or "all", "queries": len(queries),
                         "modes": [s.as_dict(details=args.verbose) for s in scores]}, indent=2, ensure_ascii=False))
        return 0
    parts = {} if args.split else scores[0].parts() if scores else {}
    counts = ", ".join(f"{len(p.outcomes)} {name}" for name, p in parts.items())
    _out(f"{len(queries)} queries from {args.eval_set}" + (f" ({args.split} part)" if args.split else "")
         + (f" ({counts})" if counts else ""))
    head = f"{'mode':<10}{'recall@' + str(RECALL_AT):>10}{'MRR':>8}"
    head += "".join(f"{name + ' R@' + str(RECALL_AT):>16}{name + ' MRR':>14}" for name in parts)
    _out(head + f"{'seconds':>10}")
    for s in scores:
        row = f"{s.mode:<10}{s.recall:>10.3f}{s.mrr:>8.3f}"
        row += "".join(f"{p.recall:>16.3f}{p.mrr:>14.3f}" for p in s.parts().values()) if parts else ""
        _out(row + f"{s.seconds:>10.1f}")
    if args.verbose:
        for s in scores:
            _out(f"\n{s.mode}: queries with a relevant item outside the top {RECALL_AT}")
            for o in s.outcomes:
                if o.recall < 1:
                    ranks = ", ".join(f"{iri.rsplit('/', 2)[-2]}/{iri.rsplit('/', 1)[-1]}: "
                                      f"{r if r is not None else f'>{MRR_DEPTH}'}" for iri, r in o.ranks.items())
                    _out(f"  {o.query[:70]:<70}  {ranks}")
    return 0
