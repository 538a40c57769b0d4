"""The JSON API for other tools: health, sources, canned queries, entities, analyses, search, questions.

Each handler takes the server's :class:`App` and the request's query-string parameters and returns a
:class:`Reply`; anything that reads the graph runs in a query worker, under the timeout.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.backends import WriterGuard, location
from graph.backends.sparql import declare_used_prefixes
from graph.endpoint import analysis
from graph.endpoint.jobs import (
    AnalysisJob,
    AskJob,
    EntityJob,
    Reply,
    RowsJob,
    SearchJob,
    SourcesJob,
    error_reply,
    json_reply,
)
from graph.endpoint.workers import WorkerPool
from graph.errors import GovKGError, QueryError, StoreError
from graph.namespaces import PREFIXES
from graph.queries import CannedQuery
from graph.settings import Settings

Params = dict[str, list[str]]
SEARCH_MODES = ("hybrid", "dense", "lexical")
MAX_QUESTION = 1000
SEARCH_TIMEOUT = 120.0  # seconds: the first search loads the model, and builds the index if none was saved


@dataclass
class App:
    """What the HTTP handlers share: settings, the store's writer guard, the workers, the canned queries."""

    settings: Settings
    lock: WriterGuard
    pool: WorkerPool
    queries: dict[str, CannedQuery]
    quiet: bool = True
    page: bytes = b""
    document: dict[str, Any] = field(default_factory=dict)  # the OpenAPI document (graph/endpoint/asgi.py)
    _search: WorkerPool | None = None
    _search_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.page = query_page(self.queries)

    def search_pool(self) -> WorkerPool:
        """One worker of its own for semantic search, started on first use: the model it loads (about
        1 GB) stays out of the query workers, and a slow first search (loading, indexing) blocks no query."""
        with self._search_lock:
            if self._search is None:
                self._search = WorkerPool(self.settings, 1)
            return self._search

    def drop_search_pool(self) -> None:
        with self._search_lock:
            if self._search is not None:
                self._search.close()
                self._search = None

    @property
    def where(self) -> str:
        """The store served: its folder, or its server's query URL and catalog."""
        return location(self.settings)

    @property
    def token(self) -> str:
        return self.settings.update_password

    @property
    def timeout(self) -> float:
        return self.settings.query_timeout

    @property
    def limit(self) -> int:
        return self.settings.result_limit


def query_page(queries: dict[str, CannedQuery]) -> bytes:
    """YASGUI (static/index.html) set up with GovKG's prefixes and the canned queries, bound to their
    defaults, as tabs."""
    tabs = []
    for q in queries.values():
        try:
            text = q.bind({})
        except GovKGError:  # a parameter without a default: shown unbound
            text = q.text
        tabs.append({"name": q.name, "title": q.title, "sparql": declare_used_prefixes(text)})
    config = json.dumps({"prefixes": PREFIXES, "queries": tabs}).replace("</", "<\\/")
    html = (Path(__file__).with_name("static") / "index.html").read_text(encoding="utf-8")
    return html.replace('{"prefixes": {}, "queries": []}', config, 1).encode("utf-8")


def _one(params: Params, name: str, *, required: bool = False) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise QueryError(f"parameter {name} is given {len(values)} times; give it once")
    if not values or not values[0].strip():
        if required:
            raise QueryError(f"parameter {name} is required")
        return None
    return values[0]


def catalog(app: App) -> list[dict[str, Any]]:
    """The live sources, as a worker reads them (the server itself keeps the store closed)."""
    reply = sources(app)
    if reply.status != 200:
        raise StoreError(f"cannot read the catalog: {json.loads(reply.body).get('error')}")
    found: list[dict[str, Any]] = json.loads(reply.body)["sources"]
    return found


def health(app: App) -> Reply:
    found = catalog(app)
    return json_reply({"ok": True, "store": app.where, "triples": sum(s["triples"] for s in found),
                       "sources": len(found), "workers": app.pool.size, "workers_alive": app.pool.alive(),
                       "timeouts": app.pool.timeouts, "workers_replaced": app.pool.replaced,
                       "timeout": app.timeout, "result_limit": app.limit, "update": bool(app.token)})


def sources(app: App) -> Reply:
    return app.pool.run(SourcesJob(), app.timeout)


def queries(app: App) -> Reply:
    return json_reply({"queries": [
        {"name": q.name, "title": q.title, "description": q.description,
         "params": [{"name": p.name, "type": p.type, "default": p.default, "help": p.help, "kind": p.kind}
                    for p in q.params],
         "href": f"/api/queries/{q.name}"} for q in app.queries.values()]})


def run_query(app: App, name: str, params: Params) -> Reply:
    canned = app.queries.get(name)
    if canned is None:
        return error_reply(404, f"no canned query {name!r}", hint=f"known: {', '.join(app.queries)}")
    values = {k: v for k in params if (v := _one(params, k)) is not None}
    text = canned.bind(values)
    bound = {p.name: values.get(p.name, p.default or "") for p in canned.params}
    meta = {"name": canned.name, "title": canned.title, "params": bound}
    return app.pool.run(RowsJob(text, app.limit, meta, canned.key_refs(values)), app.timeout)


def entity(app: App, params: Params) -> Reply:
    ref = _one(params, "ref", required=True)
    assert ref is not None
    return app.pool.run(EntityJob(ref), app.timeout)


def analyse(app: App, name: str, params: Params) -> Reply:
    if name not in analysis.ANALYSES:
        return error_reply(404, f"no analysis {name!r}", hint=f"known: {', '.join(analysis.ANALYSES)}")
    values = analysis.checked(name, params)
    return app.pool.run(AnalysisJob(name, tuple(sorted(values.items()))), app.timeout)


def search(app: App, params: Params) -> Reply:
    q = _one(params, "q", required=True)
    assert q is not None
    k_text = _one(params, "k") or "10"
    if not k_text.isdigit() or not 1 <= int(k_text) <= 100:
        raise QueryError(f"parameter k must be a whole number from 1 to 100, not {k_text!r}")
    mode = _one(params, "mode") or "hybrid"
    if mode not in SEARCH_MODES:
        raise QueryError(f"parameter mode must be one of {', '.join(SEARCH_MODES)}, not {mode!r}")
    with app.pool.shared():  # an update waits for running searches (the search worker reads the store too)
        return app.search_pool().run(SearchJob(q, int(k_text), mode), max(app.timeout, SEARCH_TIMEOUT))


def ask(app: App, params: Params) -> Reply:
    q = _one(params, "q", required=True)
    assert q is not None
    if len(q) > MAX_QUESTION:
        raise QueryError(f"the question is over {MAX_QUESTION} characters")
    with app.pool.shared():  # the question is answered in the search worker, which reads the store too
        return app.search_pool().run(AskJob(q), max(app.timeout, SEARCH_TIMEOUT))


def document(app: App) -> Reply:
    return Reply(200, "application/json", json.dumps(app.document, indent=1).encode("utf-8"))

