"""The HTTP server of ``govkg serve``: routing, CORS, the one JSON error shape, and its life cycle.

The standard library's threading HTTP server (HTTP/1.1, keep-alive) does the talking; every request that
reads the graph is handed to a query worker process (graph/endpoint/workers.py), so a slow query blocks
neither the server nor other clients, and the timeout really stops it.
"""

from __future__ import annotations

import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from graph.backends import open_backend, writer_guard
from graph.backends.types import SourceRecord
from graph.endpoint import api, formats
from graph.endpoint.description import serialise, service_description
from graph.endpoint.execute import LIMIT, ROWS, TRUNCATED
from graph.endpoint.jobs import Reply, SparqlJob, error_reply, reply_for
from graph.endpoint.protocol import MAX_BODY, ProtocolError, SparqlRequest, parse_request
from graph.endpoint.updates import apply_update, authorised, refused
from graph.endpoint.workers import WorkerPool
from graph.errors import GovKGError, StoreError
from graph.queries import canned_queries
from graph.settings import Settings

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": f"{TRUNCATED}, {LIMIT}, {ROWS}, Server-Timing",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Max-Age": "86400",
}

# (method, path template) → handler; /api/queries/{name} and /api/analyse/{name} are matched by prefix. The
# OpenAPI test checks these.
Handler = Callable[[api.App, dict[str, list[str]]], Reply]
API_ROUTES: dict[str, Handler] = {
    "/api/health": lambda app, _p: api.health(app),
    "/api/sources": lambda app, _p: api.sources(app),
    "/api/queries": lambda app, _p: api.queries(app),
    "/api/entity": api.entity,
    "/api/search": api.search,
    "/api/openapi.json": lambda app, _p: api.document(app),
}
ROUTES = [("GET", "/"), ("GET", "/sparql"), ("POST", "/sparql"), ("GET", "/api/queries/{name}"),
          ("GET", "/api/analyse/{name}")] + [("GET", path) for path in API_ROUTES]


def route(app: api.App, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
    """The reply to one request (``headers`` with lower-case names)."""
    url = urlsplit(target)
    path = url.path
    if method == "OPTIONS":
        return Reply(204, "text/plain", b"", dict(PREFLIGHT))
    if path == "/sparql":
        return sparql(app, method, url.query, headers, body)
    if method not in ("GET", "HEAD"):
        return error_reply(405, f"{path} answers GET only")
    if path in ("/", "/index.html"):
        return Reply(200, "text/html; charset=utf-8", app.page)
    params = parse_qs(url.query, keep_blank_values=True)
    if path in API_ROUTES:
        return API_ROUTES[path](app, params)
    if path.startswith("/api/queries/"):
        return api.run_query(app, unquote(path.removeprefix("/api/queries/")), params)
    if path.startswith("/api/analyse/"):
        return api.analyse(app, unquote(path.removeprefix("/api/analyse/")), params)
    return error_reply(404, f"nothing at {path}", hint="see / for the query page, /api/openapi.json for the API")


def sparql(app: api.App, method: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
    if method == "HEAD":
        method = "GET"
    req = parse_request(method, query, headers.get("content-type", ""), body)
    accept = headers.get("accept")
    if req.update is not None:
        return update(app, req, headers)
    if req.query is None:
        if formats.prefers_html(accept):
            return Reply(200, "text/html; charset=utf-8", app.page)
        fmt = formats.negotiate("graph", accept, req.formats)
        if fmt is None:
            return error_reply(406, "the service description is RDF", hint="accept " + ", ".join(formats.names("graph")))
        endpoint = f"http://{headers.get('host', 'localhost')}/sparql"
        live = {s["key"]: SourceRecord(**s) for s in api.catalog(app)}
        triples = service_description(endpoint, live, update=bool(app.token))
        return Reply(200, fmt.content_type, serialise(triples, fmt))
    dataset = req.dataset_given
    job = SparqlJob(req.query, accept, tuple(req.formats), app.limit,
                    tuple(req.default_graphs) if dataset else None, tuple(req.named_graphs) if dataset else None)
    return app.pool.run(job, app.timeout)


def update(app: api.App, req: SparqlRequest, headers: dict[str, str]) -> Reply:
    if not app.token or not authorised(headers.get("authorization"), app.token):
        return refused(bool(app.token))
    if req.using_graphs:
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are not supported: updates through "
                                 "the endpoint write the default graph of the sparql-update source")
    assert req.update is not None
    return apply_update(app.settings, app.lock, app.pool, req.update, app.timeout, app.drop_search_pool)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GovKG"
    timeout = 120  # seconds an idle keep-alive connection is kept
    disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart (delayed ACKs)
    server: _HTTPServer

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            raise ProtocolError(411, "chunked request bodies are not supported: send a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not length.isdigit():
            raise ProtocolError(400, f"Content-Length {length!r} is not a number")
        if int(length) > MAX_BODY:
            self.close_connection = True
            raise ProtocolError(413, f"the request body is {int(length):,} bytes; the limit is {MAX_BODY:,}")
        return self.rfile.read(int(length))

    def _handle(self, method: str) -> None:
        app = self.server.app
        try:
            body = self._body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = route(app, method, self.path, headers, body)
        except ProtocolError as exc:
            reply = error_reply(exc.status, exc.message, exc.hint)
        except GovKGError as exc:
            reply = reply_for(exc)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            reply = error_reply(500, f"internal error: {exc!r}")
        self._send(reply, head=method == "HEAD")

    def _send(self, reply: Reply, *, head: bool) -> None:
        self.send_response(reply.status)
        headers = {**CORS, **reply.headers, "Content-Type": reply.content_type,
                   "Content-Length": str(len(reply.body))}
        if self.path.startswith("/sparql"):
            headers["Vary"] = "Accept"
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head and reply.body:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.app.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: api.App) -> None:
        self.app = app
        super().__init__(address, _RequestHandler)


class EndpointServer:
    """``govkg serve``: the store's writer guard (held), query workers, and the HTTP server.

    ``with EndpointServer(settings, port=0).start() as server: … server.url …`` runs it in a thread (tests);
    :meth:`serve_forever` runs it in the calling thread (the command line).
    """

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
                 workers: int | None = None, quiet: bool = True) -> None:
        self.lock = writer_guard(settings)
        # a store held alone is opened for writing first: that creates an empty one and drops graphs a dead
        # ingest left; a SPARQL server is only asked for its catalog (and may refuse updates)
        writable = self.lock.exclusive or bool(settings.update_password)
        with open_backend(settings, read_only=not writable) as store:
            self.sources = store.sources()
        self.lock.acquire()
        try:
            self.pool = WorkerPool(settings, workers or settings.endpoint_workers)
        except BaseException:
            self.lock.release()
            raise
        self.app = api.App(settings, self.lock, self.pool, canned_queries(), quiet=quiet)
        try:
            self.httpd = _HTTPServer((host, port), self.app)
        except OSError as exc:
            self.pool.close()
            self.lock.release()
            raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="choose another --port") from exc
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.25)

    def start(self) -> EndpointServer:
        self._thread = threading.Thread(target=self.serve_forever, name="govkg-endpoint", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(5)
        self.httpd.server_close()
        self.app.drop_search_pool()
        self.pool.close()
        self.lock.release()

    def __enter__(self) -> EndpointServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
