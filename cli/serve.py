"""``govkg serve``: the SPARQL 1.1 endpoint, the graph store, YASGUI and the JSON API over HTTP (a CLI plugin)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from graph.settings import Settings


def register(sub: Any, command: Callable[[str], Callable[[Any], Any]]) -> None:
    p = sub.add_parser("serve", help="serve SPARQL 1.1, the graph store, YASGUI and a JSON API over HTTP",
                       description="Serve the store: SPARQL 1.1 Protocol at /sparql, the Graph Store Protocol at "
                                   "/data, YASGUI at /, a JSON API at /api (Swagger UI at /api/docs). Read-only "
                                   "unless GOVKG_UPDATE_PASSWORD is set. Stop with Ctrl-C or SIGTERM: running "
                                   "requests are let finish.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free port)")
    p.add_argument("--workers", type=int, help="query worker processes (default: $GOVKG_ENDPOINT_WORKERS)")
    p.add_argument("-q", "--quiet", action="store_true", help="no access log on standard error")
    command("serve")(cmd_serve)


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from graph.endpoint import EndpointServer

    if args.workers is not None and args.workers < 1:
        from graph.errors import InputError

        raise InputError("--workers must be at least 1")
    server = EndpointServer(settings, host=args.host, port=args.port, workers=args.workers, quiet=args.quiet)
    signal.signal(signal.SIGTERM, _stop)
    try:
        triples = sum(s.triples for s in server.sources.values())
        updates = "accepted with the update token" if settings.update_password else "refused (read-only)"
        sys.stdout.write(
            f"GovKG SPARQL endpoint at {server.url}/sparql\n"
            f"  query page (YASGUI) {server.url}/   graphs {server.url}/data   JSON API {server.url}/api/docs\n"
            f"  store {server.app.where} ({triples:,} triples, {len(server.sources)} sources); "
            f"{server.pool.size} workers; timeout {settings.query_timeout:g} s; "
            f"limit {settings.result_limit:,} rows; updates {updates}\n")
        if not triples:
            sys.stdout.write("  the store is empty: run `govkg ingest`\n")
        sys.stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.write("stopped\n")
    finally:
        server.close()
    return 0
