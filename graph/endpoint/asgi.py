"""The ASGI application of ``govkg serve`` (Starlette, served by uvicorn): routes, CORS, request limits, the
one JSON error shape, YASGUI at ``/`` and Swagger UI at ``/api/docs``.

Handlers read the request (the body up to :data:`MAX_BODY`, refused with 413 beyond it, before it is read
whole), then run the blocking part in a thread: everything that reads the graph is a job for a query worker
process (graph/endpoint/workers.py), so a slow query blocks neither the event loop nor other clients, and
the timeout really stops it.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from graph.backends.types import SourceRecord
from graph.endpoint import api, formats, gsp, models
from graph.endpoint.description import serialise, service_description
from graph.endpoint.execute import LIMIT, ROWS, TRUNCATED
from graph.endpoint.jobs import Reply, SparqlJob, error_reply, reply_for
from graph.endpoint.openapi import ApiRoute, openapi
from graph.endpoint.protocol import MAX_BODY, ProtocolError, SparqlRequest, parse_request, with_using
from graph.endpoint.updates import apply_update, authorised, refused
from graph.errors import GovKGError

STATIC = Path(__file__).with_name("static")
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": f"{TRUNCATED}, {LIMIT}, {ROWS}, Server-Timing, Location",
}
PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
    "Access-Control-Max-Age": "86400",
}
ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]

# The JSON API, typed: each route's parameters and answer are models (graph/endpoint/models.py), and the
# OpenAPI document is generated from this table; each handler takes the App and the query parameters.
Handler = Callable[[api.App, dict[str, list[str]]], Reply]
API: list[ApiRoute] = [
    ApiRoute("/api/health", "the server and its store", "health", lambda app, _p: api.health(app), models.Health),
    ApiRoute("/api/sources", "the ingested sources with their graphs and sizes", "sources",
             lambda app, _p: api.sources(app), models.Sources),
    ApiRoute("/api/queries", "the canned queries with their parameters", "queries",
             lambda app, _p: api.queries(app), models.CannedQueries),
    ApiRoute("/api/entity", "everything about one thing, its linked records merged in: properties, links in and out, "
             "sources, ratings by year, accountabilities; other things of the name are listed", "entity",
             api.entity, models.Entity, models.EntityParams, ((400, "no ref"), (404, "no entity of that name"))),
    ApiRoute("/api/search", "semantic search over lessons, findings, recommendations, targets and figures",
             "search", api.search, models.SearchResult, models.SearchParams,
             ((400, "no query, or a bad k or mode"), (501, "semantic search is not available in this build"))),
    ApiRoute("/api/ask", "a question in plain English, answered from the graph: the kind of question and parameters "
             "read, the query behind it, the rows with their sources and a summary built from them, or why there is "
             "no answer (not found, a clarification, not understood) with the closest readings", "ask",
             api.ask, models.Answer, models.AskParams,
             ((400, "no question"), (501, "questions need semantic search, not available in this build"))),
    ApiRoute("/api/openapi.json", "this document", "openapi", lambda app, _p: api.document(app), None),
]
ROUTES = [("GET", "/"), ("GET", "/sparql"), ("POST", "/sparql"), ("GET", "/api/queries/{name}"),
          ("GET", "/api/analyse/{name}"),
          ("GET", "/api/docs")] + [(m, p) for p in ("/data", "/data/{path}") for m in ("GET", "PUT", "POST", "DELETE")] \
    + [("GET", r.path) for r in API]


@dataclass(frozen=True)
class Call:
    """What a blocking handler needs of a request (headers with lower-case names)."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    base: str  # the server's own URL as the client named it, without a trailing slash

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)


# --------------------------------------------------------------------------------------------- handlers
def sparql(app: api.App, call: Call) -> Reply:
    method = "GET" if call.method == "HEAD" else call.method
    req = parse_request(method, call.query, call.headers.get("content-type", ""), call.body)
    accept = call.headers.get("accept")
    endpoint = f"{call.base}/sparql"
    if req.update is not None:
        return update(app, req, call, endpoint)
    if req.query is None:
        if formats.prefers_html(accept):
            return Reply(200, "text/html; charset=utf-8", app.page)
        fmt = formats.negotiate("graph", accept, req.formats)
        if fmt is None:
            return error_reply(406, "the service description is RDF", hint="accept " + ", ".join(formats.names("graph")))
        live = {s["key"]: SourceRecord.from_dict(s) for s in api.catalog(app)}
        triples = service_description(endpoint, live, update=bool(app.token))
        return Reply(200, fmt.content_type, serialise(triples, fmt))
    dataset = req.dataset_given
    job = SparqlJob(req.query, accept, tuple(req.formats), app.limit,
                    tuple(req.default_graphs) if dataset else None, tuple(req.named_graphs) if dataset else None,
                    base_iri=endpoint)
    return app.pool.run(job, app.timeout)


def update(app: api.App, req: SparqlRequest, call: Call, base: str) -> Reply:
    if not app.token or not authorised(call.headers.get("authorization"), app.token):
        return refused(bool(app.token))
    assert req.update is not None
    text = with_using(req.update, req.using_graphs, req.using_named_graphs)
    return apply_update(app.settings, app.lock, app.pool, text, app.timeout, app.drop_search_pool, base_iri=base)


def graph_store(app: api.App, call: Call) -> Reply:
    service = f"{call.base}/data"
    graph, new = gsp.target(f"{call.base}{call.path}", call.params, service)
    method = call.method
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise ProtocolError(405, f"the graph store answers GET, HEAD, PUT, POST and DELETE, not {method}")
    if new and method != "POST" and call.path.rstrip("/") == "/data" and not call.params:
        raise ProtocolError(400, "name a graph: /data?graph=IRI, /data?default, or a path below /data/")
    req = gsp.GraphRequest(method, graph, new, call.headers.get("content-type", ""), call.body,
                           call.headers.get("accept"), f"{call.base}{call.path}")
    live = gsp.live_graphs(api.catalog(app))
    if method in ("GET", "HEAD"):
        job = gsp.read_job(req, live, app.limit)
        return job if isinstance(job, Reply) else app.pool.run(job, app.timeout)
    if not app.token or not authorised(call.headers.get("authorization"), app.token):
        return refused(bool(app.token))
    if method == "DELETE" and graph not in live:
        return error_reply(404, f"no graph {graph or 'default'} to delete")
    if new:
        graph = gsp.new_graph(service)
        req = gsp.GraphRequest(method, graph, False, req.content_type, req.body)
    text = gsp.write_update(req, b"" if method == "DELETE" else gsp.rdf_of(req))
    reply = apply_update(app.settings, app.lock, app.pool, text, app.timeout, app.drop_search_pool)
    if reply.status != 200:
        return reply
    if new:
        return gsp.done(201, graph, location=graph)
    return gsp.done(201 if graph not in live and method != "DELETE" else 204, graph)


def page(name: str) -> Reply:
    return Reply(200, "text/html; charset=utf-8", (STATIC / name).read_bytes())


# --------------------------------------------------------------------------------------------- plumbing
def respond(reply: Reply, *, vary: bool = False) -> Response:
    headers = {**CORS, **reply.headers}
    if vary:
        headers["Vary"] = "Accept"
    return Response(reply.body, status_code=reply.status, headers=headers, media_type=reply.content_type)


async def read_body(request: Request) -> bytes:
    """The body, refused with 413 once it is longer than :data:`MAX_BODY` (said or sent)."""
    length = request.headers.get("content-length")
    if length is not None and not length.isdigit():
        raise ProtocolError(400, f"Content-Length {length!r} is not a number")
    if length is not None and int(length) > MAX_BODY:
        raise ProtocolError(413, f"the request body is {int(length):,} bytes; the limit is {MAX_BODY:,}")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY:
            raise ProtocolError(413, f"the request body is longer than the limit of {MAX_BODY:,} bytes")
    return bytes(data)


def blocking(app: api.App, run: Callable[[api.App, Call], Reply], *, vary: bool = False
             ) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that reads the request and runs ``run`` in a thread, errors as the one shape."""

    async def endpoint(request: Request) -> Response:
        try:
            body = await read_body(request)
            base = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc}"
            call = Call(request.method, request.url.path, request.url.query,
                        {k.lower(): v for k, v in request.headers.items()}, body, base.rstrip("/"))
            reply = await run_in_threadpool(run, app, call)
        except ProtocolError as exc:
            reply = error_reply(exc.status, exc.message, exc.hint)
        except GovKGError as exc:
            reply = reply_for(exc)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            reply = error_reply(500, f"internal error: {exc!r}")
        return respond(reply, vary=vary)

    return endpoint


def _api(handler: Handler) -> Callable[[api.App, Call], Reply]:
    return lambda app, call: handler(app, call.params)


def _document(app: api.App) -> None:
    app.document = openapi(app.queries, API)


def _canned(app: api.App, call: Call) -> Reply:
    from urllib.parse import unquote

    return api.run_query(app, unquote(call.path.removeprefix("/api/queries/")), call.params)


def _analysis(app: api.App, call: Call) -> Reply:
    from urllib.parse import unquote

    return api.analyse(app, unquote(call.path.removeprefix("/api/analyse/")), call.params)


class Preflight:
    """Answers CORS preflight requests (``OPTIONS``) for every path with 204 and the allowed methods."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            await respond(Reply(204, "text/plain", b"", dict(PREFLIGHT)))(scope, receive, send)
            return
        await self.inner(scope, receive, send)


def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        reply = error_reply(404, f"nothing at {_request.url.path}",
                            hint="see / for YASGUI, /api/docs for the API")
    elif exc.status_code == 405:
        reply = error_reply(405, f"{_request.url.path} answers GET only")
    else:
        reply = error_reply(exc.status_code, str(exc.detail))
    return respond(reply)


def build(app: api.App) -> ASGIApp:
    """The ASGI application serving ``app``."""
    _document(app)
    routes: list[Any] = [
        Route("/", blocking(app, lambda a, _c: Reply(200, "text/html; charset=utf-8", a.page)), methods=["GET"]),
        Route("/index.html", blocking(app, lambda a, _c: Reply(200, "text/html; charset=utf-8", a.page)),
              methods=["GET"]),
        Route("/api/docs", blocking(app, lambda _a, _c: page("swagger.html")), methods=["GET"]),
        Route("/sparql", blocking(app, sparql, vary=True), methods=ANY_METHOD),
        Route("/data", blocking(app, graph_store, vary=True), methods=ANY_METHOD),
        Route("/data/{path:path}", blocking(app, graph_store, vary=True), methods=ANY_METHOD),
        Route("/api/queries/{name}", blocking(app, _canned), methods=["GET"]),
        Route("/api/analyse/{name}", blocking(app, _analysis), methods=["GET"]),
        *(Route(r.path, blocking(app, _api(r.handler)), methods=["GET"]) for r in API),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    starlette = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    return Preflight(starlette)
