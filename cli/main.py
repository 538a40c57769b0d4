"""The ``govkg`` command line: a thin front door over ingest/ and graph/.

Exit codes: 0 success; 1 unexpected internal error; 2 bad input, query or parameter (nothing written);
3 the store cannot be opened or written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graph.backends import Backend
from graph.derived import DERIVED_KEY
from graph.errors import GovKGError, InputError, NotFoundError, QueryError
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn

    return register


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(data: Any) -> None:
    _out(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _open(settings: Settings, *, read_only: bool = False) -> Backend:
    """The store the settings name: the embedded Oxigraph folder, or a remote SPARQL server."""
    from graph.backends import open_backend

    return open_backend(settings, read_only=read_only)


# ------------------------------------------------------------------------------------------- commands
@command("ingest")
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from cli.progress import shown
    from ingest.default import index_or_warning, ingest_default
    from ingest.pipeline import ingest

    paths: list[Path | str] = [p if p.startswith(("http://", "https://")) else Path(p) for p in args.paths]
    if paths and args.curated_only:
        raise InputError("--curated-only is for the default ingest; give no path with it")
    if args.graph and not paths:
        raise InputError("--graph names the graph of one RDF file; give the file with it")
    options = {k: getattr(args, k) for k in ("title", "publisher", "date", "url", "identifier") if getattr(args, k)}
    index: dict[str, Any] = {}
    with _open(settings) as store, shown(quiet=args.quiet or args.json, prefix="ingest: ") as progress:
        if paths:
            summary = ingest(store, paths, force=args.force, progress=progress, as_format=args.as_format,
                             options=options, graph_name=args.graph)
        else:
            summary = ingest_default(store, settings, curated_only=args.curated_only, force=args.force,
                                     progress=progress)
        if not args.no_index:  # the search index, built (or kept in step) now rather than by the first search
            index = index_or_warning(store, settings, progress)
    if index.get("status") == "failed":
        sys.stderr.write(f"warning: the search index was not built ({index['note']}); "
                         "`govkg search` builds it when it runs\n")
    if args.json:
        _json({**summary.as_dict(), "index": index} if index else summary.as_dict())
        return 0
    for n in summary.not_read:
        sys.stderr.write(f"not read: {n.path}: {n.reason}\n")
    for o in summary.outcomes:
        note = f"  ({o.note})" if o.note else ""
        _out(f"{o.key:<34} {o.status:<10} {o.triples:>9,} triples{note}")
    changed = sum(1 for o in summary.outcomes if o.status != "unchanged")
    _out(f"{changed} source(s) written, {len(summary.outcomes) - changed} unchanged; "
         f"{summary.total_triples:,} triples in the store; {summary.seconds:.2f} s"
         + (f"; {len(summary.not_read)} file(s) not read (each named above)" if summary.not_read else ""))
    if index.get("status") in ("built", "unchanged"):
        _out(f"search index {index['status']}: {index.get('items', 0):,} items"
             + (f", {index['embedded']:,} texts embedded ({index.get('runtime')}) in {index['seconds']:.1f} s"
                if index.get("embedded") else ""))
    elif index.get("status") == "not installed":
        _out("search index not built: semantic search is not installed (pip install \"govkg[search]\")")
    return 0


def _read_query(text: str) -> str:
    path = Path(text)
    if len(text) < 4096 and "\n" not in text and path.suffix in (".rq", ".sparql") :
        if not path.is_file():
            raise InputError("no such query file", where=text)
        return path.read_text(encoding="utf-8")
    return text


@command("sparql")
def cmd_sparql(args: argparse.Namespace, settings: Settings) -> int:
    from graph.backends.sparql import expand_data_names
    from graph.results import render

    query = expand_data_names(_read_query(args.query))  # id:body/dhsc, as tables show IRIs, works too
    with _open(settings) as store:
        result = store.query(query, limit=args.limit or settings.result_limit)
    _out(render(result, args.format, wide=args.wide))
    if result.truncated and args.format != "table":
        sys.stderr.write(f"note: result truncated at {result.limit} rows (use --limit)\n")
    return 0


@command("query")
def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    from graph.queries import canned_queries, get_query, parse_params
    from graph.results import render

    if args.list or not args.name:
        for q in canned_queries().values():
            params = ", ".join(f"{p.name}={p.default}" for p in q.params)
            _out(f"{q.name:<28} {q.title}" + (f"  [{params}]" if params else ""))
        _out("A parameter naming a scope, programme, body, theme or source takes its key: "
             "`govkg keys scopes|programmes|bodies|themes|sources` lists them.")
        return 0
    canned = get_query(args.name)
    given = parse_params(args.param or [])
    text = canned.bind(given)
    if args.show:
        _out(text)
        return 0
    with _open(settings) as store:
        canned.check(store, given)  # a key that is not in the graph is an error naming the nearest ones
        result = store.query(text, limit=args.limit or settings.result_limit)
    if args.format == "table":
        _out(f"# {canned.title}")
    _out(render(result, args.format, wide=args.wide))
    if result.kind == "select" and not result.rows and canned.params:  # the keys are there: say what was asked
        asked = ", ".join(f"{k}={v}" for k, v in canned.values(given).items())
        found = " and ".join(f"the {kind} {value}" for _, kind, value in canned.key_refs(given))
        sys.stderr.write(f"note: no rows for {asked}" + (f" ({found} is in the graph, but nothing matches the "
                                                         "other values)" if found else "") + "\n")
    return 0


@command("stats")
def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from graph.stats import stats

    with _open(settings) as store:
        data = stats(store)
    if args.json:
        _json(data)
        return 0
    _out(f"store    {data['store']}\ntriples  {data['triples']:,}\nsources  {data['sources']}")
    for name, n in data["classes"].items():
        _out(f"  {name:<22} {n:>7,}")
    return 0


@command("validate")
def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from graph.validation import store_graph, validate

    with _open(settings) as store:
        if not store.sources():
            raise InputError("the store is empty", hint="run `govkg ingest` first")
        results = validate(store_graph(store))
    violations = [r for r in results if r.severity == "Violation"]
    if args.json:
        _json({"conforms": not violations, "results": [r.__dict__ for r in results]})
    elif not results:
        _out("The data conforms to the GovKG shapes.")
    else:
        for r in results:
            _out(f"{r.severity}: {r.render()}")
        _out(f"{len(violations)} violation(s), {len(results) - len(violations)} other result(s)")
    return 2 if violations else 0


@command("export")
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as store:
        if args.output:
            with open(args.output, "wb") as fh:
                store.dump(fh, args.format)
        else:
            store.dump(sys.stdout.buffer, args.format)
            sys.stdout.flush()
    return 0


@command("entity")
def cmd_entity(args: argparse.Namespace, settings: Settings) -> int:
    from graph.entity import entity

    with _open(settings) as store:
        ent = entity(store, args.ref, merged=not args.record)
    if args.json:
        _json(ent.as_dict())
        return 0
    for line in _entity_lines(ent):
        _out(line)
    return 0


def _entity_lines(ent: Any) -> list[str]:
    """``govkg entity`` as text: the merged records, ratings by year, accountabilities, then every fact with
    the sources that state it."""
    from graph.namespaces import shorten

    def sources(row: dict[str, Any]) -> str:
        return f"  [{', '.join(row['sources'])}]" if len(ent.referents) > 1 else ""

    out = [ent.label, ent.iri, f"types: {', '.join(ent.types)}"]
    if ent.referents:
        out.append(f"one entity of {len(ent.referents)} linked records:")
        out += [f"  {shorten(r['iri'])}  {r['label']} ({', '.join(r['types'])}) [{', '.join(r['sources'])}]"
                + ("" if r["link"] == "opened" else f"  via {r['link']}") for r in ent.referents]
    if ent.also_named:
        out.append(f"also named so ({len(ent.also_named)}; open one by kind/key):")
        out += [f"  {shorten(o['iri'])}  {o['label']} ({', '.join(o['types'])})" for o in ent.also_named]
    if ent.reports:
        out.append(f"ratings and whole-life cost by year ({len(ent.reports)}):")
        out += [f"  {r['year']}  IPA {r['IPA rating'] or '-'}  SRO {r['SRO rating'] or '-'}  whole-life cost "
                f"{r['whole-life cost'] or '-'}" + (f"  SRO named: {r['SRO']}" if r["SRO"] else "")
                + f"  [{r['source']}]" for r in ent.reports]
    if ent.accountabilities:
        out.append(f"accountabilities ({len(ent.accountabilities)}):")
        out += [f"  {a['kind']:<12} {a['holder']} for {a['scope']}, {a['start']} to {a['end'] or 'today'} "
                f"({a['how']}) [{', '.join(a['sources'])}]" for a in ent.accountabilities]
    for p in ent.properties:
        out.append(f"  {p['predicate']:<28} {p['value']}{sources(p)}")
    for o in ent.outgoing:
        out.append(f"  {o['predicate']:<28} → {o['label'] or shorten(o['target'])}{sources(o)}")
    for i in ent.incoming:
        out.append(f"  ← {i['predicate']:<26} {i['label'] or shorten(i['source'])}{sources(i)}")
    for s in ent.sources:
        out.append(f"  source: {s['title'] or s['source']}" + (f" <{s['url']}>" if s.get("url") else ""))
    return out


@command("sources")
def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as store:
        sources = list(store.sources().values())
    if args.json:
        _json([s.as_dict() for s in sources])
        return 0
    if not sources:
        _out("The store is empty: run `govkg ingest`.")
    for s in sources:
        _out(f"{s.key:<30} {s.triples:>9,} triples  {s.ingested_at}  sha256:{s.content_hash[:12]}  <{s.graph}>")
    return 0


@command("remove")
def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    with _open(settings) as store:
        missing = [k for k in args.sources if k not in store.sources()]
        if missing:
            raise NotFoundError(f"no source {', '.join(missing)}", hint="`govkg sources` lists them")
        if DERIVED_KEY in args.sources:
            raise InputError(f"{DERIVED_KEY} is worked out from the other sources and kept in step with them",
                             hint="remove the sources it is derived from (accountabilities) instead")
        removed = store.remove_sources(args.sources)
    for r in removed:
        _out(f"removed {r.key} ({r.triples:,} triples)")
    return 0


@command("settings")
def cmd_settings(args: argparse.Namespace, settings: Settings) -> int:
    rows = settings.describe()
    if args.json:
        _json([dict(zip(("name", "env", "value", "help"), r, strict=True)) for r in rows])
        return 0
    for name, env, value, help_text in rows:
        _out(f"{name:<16} {env:<22} {value}\n{'':<16} {help_text}")
    return 0


# ------------------------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govkg", description="GovKG: the governance knowledge graph.")
    parser.add_argument("--store", metavar="PATH", help="store folder (default: $GOVKG_STORE or the user data dir)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="ingest curated YAML, RDF, documents and datasets (no path: the bundled "
                                      "curated data and public datasets, reconciled, with the search index)")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("--curated-only", action="store_true",
                   help="with no path: the bundled curated data alone, without the public datasets")
    p.add_argument("--no-index", action="store_true", help="do not build or refresh the search index")
    p.add_argument("--force", action="store_true", help="rewrite sources even when unchanged")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--as", dest="as_format", metavar="FORMAT",
                   help="the format of the files given (govuk, ods, gmpp, lessons, document); default: detected")
    for meta in ("title", "publisher", "date", "url", "identifier"):
        p.add_argument(f"--{meta}", help=f"document {meta} (overrides front matter or a sidecar .yaml)")
    p.add_argument("--graph", metavar="IRI",
                   help="publish the one RDF file given as the named graph of this IRI (SPARQL datasets and "
                        "GRAPH <IRI> find it under that name)")

    p = sub.add_parser("sparql", help="run a SPARQL query (text or a .rq file)")
    p.add_argument("query")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json", "ttl", "nt", "jsonld"], default="table")
    p.add_argument("--limit", type=int, help="most rows to return")
    p.add_argument("--wide", action="store_true", help="table: each value whole on one line (default: long "
                                                        "values wrap within their column)")

    p = sub.add_parser("query", help="run a canned query (no name: list them)")
    p.add_argument("name", nargs="?")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="a parameter (repeatable)")
    p.add_argument("--format", choices=["table", "csv", "tsv", "json"], default="table")
    p.add_argument("--limit", type=int)
    p.add_argument("--list", action="store_true", help="list the canned queries")
    p.add_argument("--show", action="store_true", help="print the bound query instead of running it")
    p.add_argument("--wide", action="store_true", help="table: each value whole on one line (default: long "
                                                        "values wrap within their column)")

    for name, text in (("stats", "counts of triples, sources and classes"),
                       ("validate", "SHACL-validate the whole store"),
                       ("sources", "the ingested sources with their graphs, sizes and hashes"),
                       ("settings", "the settings with their values and environment variables")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--json", action="store_true")

    p = sub.add_parser("export", help="export the graph")
    p.add_argument("--format", choices=["ttl", "nt", "nq", "trig", "jsonld"], default="trig")
    p.add_argument("-o", "--output", help="file (default: standard output)")

    p = sub.add_parser("entity", help="everything about one entity (key, label, kind/key or IRI), with the "
                                      "records linked to it as the same thing merged in")
    p.add_argument("ref")
    p.add_argument("--json", action="store_true")
    p.add_argument("--record", action="store_true", help="only the record named, not the records linked to it")

    p = sub.add_parser("remove", help="remove ingested sources by key")
    p.add_argument("sources", nargs="+")

    for module in _plugins():
        module.register(sub, command)
    return parser


PLUGINS = ("cli.keys", "cli.reconcile", "cli.datasets", "cli.search", "cli.serve", "cli.explore", "cli.neo4j",
           "cli.analyse", "cli.ask")


def _plugins() -> list[Any]:
    """Command modules for the later capabilities; each has ``register(subparsers, command)``."""
    import importlib

    out = []
    for name in PLUGINS:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load({"store": args.store})
        return COMMANDS[args.command](args, settings)
    except GovKGError as exc:
        sys.stderr.write(f"Error: {exc.render()}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: the store is as it was before this command.\n")
        return 130
    except BrokenPipeError:
        return 0


__all__ = ["QueryError", "main"]


if __name__ == "__main__":
    sys.exit(main())
