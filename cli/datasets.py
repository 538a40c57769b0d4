"""``govkg datasets``: the public datasets that ship with GovKG, and their updates.

    govkg datasets list [--json]                          what is loaded, from where, how old, under which licence
    govkg datasets update [NAME ...] [--force] [--json]   fetch the current release, check it, ingest it atomically

``update`` follows the manifest (data/datasets/manifest.yaml, or manifest.yaml in the datasets folder); see
ingest/update.py for what is checked and what is kept when something fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from graph.backends import open_backend, store_state
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def register(sub: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = sub.add_parser("datasets", help="the public datasets: what is loaded, from where and how old; update them")
    inner = p.add_subparsers(dest="datasets_command", required=True, metavar="ACTION")
    listing = inner.add_parser("list", help="each dataset: loaded or not, from where, how old, licence")
    listing.add_argument("--json", action="store_true")
    upd = inner.add_parser("update", help="fetch the current release from the manifest's addresses, check it and "
                                          "ingest it in one switch (no name: every dataset)")
    upd.add_argument("names", nargs="*", metavar="NAME", help="govuk, ods, gmpp, llis (default: all)")
    upd.add_argument("--force", action="store_true",
                     help="ingest even when the release is unchanged, or much smaller than the one in the store")
    upd.add_argument("--no-index", action="store_true", help="do not refresh the search index afterwards")
    upd.add_argument("--json", action="store_true")
    upd.add_argument("-q", "--quiet", action="store_true", help="no progress display")
    command("datasets")(cmd_datasets)


def cmd_datasets(args: argparse.Namespace, settings: Settings) -> int:
    return run_list(args, settings) if args.datasets_command == "list" else run_update(args, settings)


def listing(settings: Settings) -> list[dict[str, Any]]:
    """One row per dataset of the bundled manifest: where it is read from, how old, whether it is in the store."""
    from ingest.snapshot import age, bundled_manifest, locate, selected

    sources = {}
    if store_state(settings) == "ready":
        with open_backend(settings, read_only=True) as store:
            sources = store.sources()
    default = {d.name for d in selected(settings)}
    rows = []
    for d in bundled_manifest().datasets.values():
        where = locate(settings, d)
        loaded = sources.get(d.source)
        rows.append({
            "name": d.name, "title": d.title, "source": d.source, "in_default_ingest": d.name in default,
            "loaded": loaded is not None, "triples": loaded.triples if loaded else 0,
            "ingested_at": loaded.ingested_at if loaded else "", "loaded_from": loaded.origin if loaded else "",
            "read_from": where.origin, "path": str(where.path), "date": where.date,
            "age": age(where.date) if where.date else "not stated", "snapshot_from": d.snapshot_from,
            "upstream": d.upstream, "licence": d.licence, "attribution": d.attribution,
            "files": len(d.files),
        })
    return rows


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = listing(settings)
    if args.json:
        _out(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        state = (f"loaded ({r['triples']:,} triples, ingested {r['ingested_at'][:19].replace('T', ' ')})"
                 if r["loaded"] else "not loaded")
        dated = f"{r['date']}, {r['age']} old" if r["date"] else "date not stated"
        origin = ("the bundled snapshot" if r["read_from"] == "snapshot"
                  else "the release fetched by `govkg datasets update`")
        _out(f"{r['name']:<6} {r['title']}\n"
             f"       {state}{'' if r['in_default_ingest'] else '; not in the default ingest (GOVKG_DATASETS)'}\n"
             f"       from {origin}: {r['path']} ({dated})\n"
             f"       {r['snapshot_from'] and 'snapshot of ' + r['snapshot_from'] + '; '}upstream {r['upstream']}\n"
             f"       licence: {r['licence']}")
    return 0


def run_update(args: argparse.Namespace, settings: Settings) -> int:
    from cli.progress import shown
    from ingest.default import index_or_warning
    from ingest.update import update

    index: dict[str, Any] = {}
    with open_backend(settings) as store, shown(quiet=args.quiet or args.json, prefix="update: ") as progress:
        result = update(store, settings, args.names or None, force=args.force, progress=progress)
        if not args.no_index and result.outcomes:
            index = index_or_warning(store, settings, progress)
    if args.json:
        _out(json.dumps({**result.as_dict(), "index": index}, indent=2, ensure_ascii=False))
        return 0
    for f in result.fetched:
        files = ", ".join(f"{x['name']} ({x['bytes']:,} bytes)" for x in f.release["files"])
        state = "unchanged (the same files as now)" if f.unchanged else "updated"
        _out(f"{f.dataset.name:<6} {state}: {files}")
    for o in result.outcomes:
        _out(f"  {o.key:<32} {o.status:<10} {o.triples:>9,} triples" + (f"  ({o.note})" if o.note else ""))
    if index.get("status") == "failed":
        sys.stderr.write(f"warning: the search index was not refreshed ({index['note']})\n")
    return 0
