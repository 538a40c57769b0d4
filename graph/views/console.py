"""The SPARQL console: the canned queries as examples (with the choices for their parameters), and a runner
that stops a query at the timeout.

pyoxigraph cannot cancel a running query, so :class:`WorkerRunner` runs each query in a query worker process
of the SPARQL endpoint (graph/endpoint/workers.py: read-only store, killed and replaced at the timeout). The
worker writes the rows as TSV (lossless: terms in N-Triples syntax) and the runner reads them back into a
:class:`~graph.backends.types.QueryResult`, so graph/results.py writes the CSV and JSON downloads.

On a SPARQL server (``GOVKG_BACKEND=remote``) the worker also asks the server to stop at that time (Fuseki and
Virtuoso take a timeout parameter), through the store contract (``Backend.raw_query``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from graph.backends import Backend
from graph.backends.types import QueryResult
from graph.errors import QueryError, QueryTimeout
from graph.namespaces import ID
from graph.queries import CannedQuery, Param, canned_queries
from graph.results import term_json
from graph.settings import Settings
from graph.views.refs import short

_ACCEPT = "text/tab-separated-values, application/n-triples"
TABLE_ROWS = 1000  # rows shown on the page; the downloads have them all


class Runner(Protocol):
    def run(self, sparql: str, *, limit: int, timeout: float) -> QueryResult: ...


def examples() -> dict[str, CannedQuery]:
    """The canned queries (ontology/queries/*.rq), by name."""
    return canned_queries()


def param_choices(store: Backend, param: Param) -> dict[str, str]:
    """For an ``iri:<kind>`` parameter, the keys of the records of that kind with their labels ({} otherwise)."""
    if not param.type.startswith("iri"):
        return {}
    kind = param.type.partition(":")[2] or "body"
    rows = store.select(f"""
        SELECT ?k (SAMPLE(?l) AS ?label) WHERE {{ ?s gk:key ?k FILTER(STRSTARTS(STR(?s), "{ID}{kind}/"))
          OPTIONAL {{ ?s rdfs:label|skos:prefLabel ?l }} }} GROUP BY ?k""")
    return dict(sorted(((str(r["k"]), str(r["label"] or r["k"])) for r in rows), key=lambda kv: kv[1].lower()))


@dataclass
class InProcessRunner:
    """Runs queries in this process: fast, but a query that runs long cannot be stopped (tests, fallbacks)."""

    store: Backend

    def run(self, sparql: str, *, limit: int, timeout: float) -> QueryResult:
        result = self.store.query(sparql, limit=limit)
        if result.seconds > timeout:
            raise QueryTimeout(f"the query took {result.seconds:.1f} s, longer than the {timeout:g} s timeout")
        return result


class WorkerRunner:
    """Runs queries in a query worker process that is killed (and replaced) when the timeout passes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool: Any = None

    def _workers(self) -> Any:
        if self._pool is None:
            from graph.endpoint.workers import WorkerPool

            self._pool = WorkerPool(self.settings, 1)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def run(self, sparql: str, *, limit: int, timeout: float) -> QueryResult:
        from graph.endpoint.jobs import SparqlJob

        workers = self._workers()
        started = time.perf_counter()
        reply = workers.run(SparqlJob(sparql, _ACCEPT, (), limit, timeout=timeout), timeout)
        seconds = time.perf_counter() - started
        if reply.status != 200:
            try:
                body = json.loads(reply.body)
            except ValueError:
                body = {"error": reply.body.decode("utf-8", "replace")}
            message, hint = str(body.get("error") or "the query failed"), body.get("hint")
            if reply.status == 503 and "stopped after" in message:
                raise QueryTimeout(f"the query was stopped after {timeout:g} s", hint=hint)
            raise QueryError(message, hint=hint)
        truncated = reply.headers.get("GovKG-Result-Truncated") == "true"
        result = _read_reply(reply.content_type, reply.body)
        result.truncated, result.limit, result.seconds = truncated, limit, seconds
        return result


def _read_reply(content_type: str, body: bytes) -> QueryResult:
    if content_type.startswith("application/n-triples"):
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]
        return QueryResult(kind="graph", triples=triples)
    parsed = ox.parse_query_results(body, ox.QueryResultsFormat.TSV)
    if isinstance(parsed, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [tuple(s[v] for v in variables) for s in parsed]
    return QueryResult(kind="select", variables=variables, rows=rows)


def first_line(message: str) -> str:
    """The first line of a (long, multi-line) parser message, which says where the error is."""
    return message.strip().splitlines()[0] if message.strip() else message


def table(result: QueryResult, max_rows: int = TABLE_ROWS) -> list[dict[str, Any]]:
    """Rows for display: IRIs shortened (gk:Body, body/nhs-digital), literals as their text."""
    if result.kind == "ask":
        return [{"answer": "yes" if result.boolean else "no"}]
    if result.kind == "graph":
        return [{"subject": _cell(t.subject), "predicate": _cell(t.predicate), "object": _cell(t.object)}
                for t in result.triples[:max_rows]]
    return [{v: _cell(x) for v, x in zip(result.variables, row, strict=True)} for row in result.rows[:max_rows]]


def _cell(term: Any) -> str:
    if term is None:
        return ""
    data = term_json(term)
    if data is None:
        return ""
    return short(data["value"]) if data["type"] == "uri" else data["value"]


def count(result: QueryResult) -> int:
    return len(result.rows) if result.kind == "select" else len(result.triples) if result.kind == "graph" else 1
