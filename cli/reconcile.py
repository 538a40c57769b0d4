"""``govkg reconcile``: link curated and dataset records of the same body (owl:sameAs) or initiative, and
each individual NHS trust to the curated collective body of all trusts (org:memberOf).

The links are written as one source, ``reconciliation``, in the same atomic switch as any ingest; run it
again after ingesting or removing data (it writes nothing when the links are unchanged). ``--report`` lists
every link and membership with its reason, every ambiguous candidate that was left unlinked and every trust
that is not a member; ``--dry-run`` shows the result without writing it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from graph.backends import open_backend
from graph.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def register(subparsers: Any, command: Callable[[str], Callable[[Handler], Handler]]) -> None:
    p = subparsers.add_parser("reconcile", help="link curated and dataset records of the same body (owl:sameAs) "
                                                "and NHS trusts to the collective of all trusts (org:memberOf)")
    p.add_argument("--report", action="store_true",
                   help="list every link and membership with its reason, every ambiguous candidate and non-member")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--dry-run", action="store_true", help="compute and show the links; write nothing")
    command("reconcile")(cmd_reconcile)


def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.pipeline import ingest
    from ingest.reconcile import reconcile
    from ingest.reconcile_report import render

    with open_backend(settings, read_only=args.dry_run) as store:
        result = reconcile(store)
        status = "dry run: nothing written"
        if not args.dry_run:
            summary = ingest(store, [], extra=[result.prepared()])
            outcome = next(o for o in summary.outcomes if o.key == "reconciliation")
            status = f"source reconciliation {outcome.status} ({outcome.triples:,} triples)"
    if args.json:
        data = result.as_dict() if args.report else {k: v for k, v in result.as_dict().items()
                                                     if k not in ("matches", "ambiguous", "memberships", "not_members", "portfolio")}
        data["ambiguous_count"] = len(result.ambiguous)
        data["not_members_count"] = len(result.not_members)
        data["portfolio_counts"] = {k: len(v) for k, v in result.portfolio.items()}
        data["written"] = status
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    for line in render(result, full=args.report):
        sys.stdout.write(line + "\n")
    sys.stdout.write(status + ("" if args.report or not result.ambiguous else "; --report lists them") + "\n")
    return 0
