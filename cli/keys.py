"""``govkg keys KIND [TEXT]``: what can be asked about — the keys of scopes, programmes, bodies, themes, people,
posts and sources, with their labels; TEXT keeps those whose key or label contains it, then the nearest by
fuzzy match. The keys are what canned queries (``--param scope=…``) and ``govkg entity`` take."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from graph.backends import open_backend
from graph.keys import PLURALS, kind_named, list_keys
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def register(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = subparsers.add_parser("keys", help="list the keys that can be asked about (scopes, programmes, bodies, "
                                           "themes, people, posts, sources), with their labels")
    p.add_argument("kind", metavar="KIND", choices=sorted({*PLURALS, *(k.name for k in PLURALS.values())}),
                   help=f"what to list: {', '.join(PLURALS)} (or the singular)")
    p.add_argument("text", nargs="?", metavar="TEXT",
                   help="keep keys whose key or label contains TEXT, then the nearest by fuzzy match")
    p.add_argument("--json", action="store_true", help="print the keys as JSON")
    command("keys")(cmd_keys)


def cmd_keys(args: argparse.Namespace, settings: Settings) -> int:
    kind = kind_named(args.kind)
    with open_backend(settings, read_only=True) as store:
        keys = list_keys(store, kind, args.text)
    if args.json:
        sys.stdout.write(json.dumps([k.as_dict() for k in keys], indent=2, ensure_ascii=False) + "\n")
    if not keys:
        what = f"no {kind.plural} match {args.text!r}" if args.text else f"there are no {kind.plural} in the store"
        hint = f"`govkg keys {kind.plural}` lists them all" if args.text else "run `govkg ingest` first"
        (sys.stderr if args.json else sys.stdout).write(f"{what} ({hint})\n")
        return 0
    if args.json:
        return 0
    width = max(len(k.key) for k in keys)
    for k in keys:
        sys.stdout.write(f"{k.key:<{width}}  {k.label}\n")
    sys.stdout.write(f"{len(keys)} {kind.plural if len(keys) != 1 else kind.name}"
                     + (f" matching {args.text!r}" if args.text else "") + "\n")
    return 0
