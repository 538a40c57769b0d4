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
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

import pyoxigraph as ox

from graph.backends import Backend
from graph.backends.types import QueryResult, py_value
from graph.errors import QueryError, QueryTimeout
from graph.namespaces import ID
from graph.queries import CannedQuery, Param, canned_queries
from graph.results import term_json
from graph.settings import Settings
from graph.views.network import Network, layout, node_labels
from graph.views.refs import kind_of, ref_of, short

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


def vocabulary_terms(store: Backend) -> tuple[list[str], list[str]]:
    """The classes and properties the graph uses (IRIs), for the editor's completion."""
    classes = [r["c"] for r in store.select("SELECT DISTINCT ?c WHERE { [] a ?c FILTER(isIRI(?c)) } ORDER BY ?c")]
    properties = [r["p"] for r in store.select("SELECT DISTINCT ?p WHERE { [] ?p [] } ORDER BY ?p")]
    return classes, properties


@dataclass(frozen=True)
class ChartSpec:
    """A chart of a SELECT result: ``label`` along one axis, each of ``values`` (numeric columns) as bars, or
    as lines when the labels are years or dates."""

    label: str
    values: list[str]
    mark: str  # "bar" or "line"
    rows: list[dict[str, Any]]


_TIME = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def chart_spec(result: QueryResult, max_rows: int = TABLE_ROWS) -> ChartSpec | None:
    """The chart a result can be drawn as: needs a numeric column and a label column (None otherwise)."""
    if result.kind != "select" or not result.rows:
        return None
    rows = [{v: py_value(x) for v, x in zip(result.variables, row, strict=True)} for row in result.rows[:max_rows]]
    numeric = [v for v in result.variables
               if all(isinstance(r[v], int | float) and not isinstance(r[v], bool) for r in rows if r[v] is not None)
               and any(r[v] is not None for r in rows)]
    labels = [v for v in result.variables if v not in numeric]
    if not numeric:
        return None
    if not labels:  # a numeric column of years can label the others
        years = [v for v in numeric if all(isinstance(r[v], int) and 1800 < r[v] < 2200 for r in rows)]
        if not years or len(numeric) < 2:
            return None
        labels, numeric = years[:1], [v for v in numeric if v != years[0]]
    label = labels[0]
    for r in rows:
        r[label] = _cell_text(r[label])
    timed = all(_TIME.match(str(r[label])) for r in rows if r[label])
    return ChartSpec(label, numeric, "line" if timed else "bar", rows)


def _cell_text(value: Any) -> str:
    text = "" if value is None else str(value)
    return short(text) if text.startswith(("http://", "https://")) else text


def result_network(store: Backend, result: QueryResult, max_links: int = 300) -> Network | None:
    """A result as a graph: a CONSTRUCT's triples between resources, or a SELECT's rows with two IRI columns
    (the first two: from, to; a third plain column names the link). Nodes carry human labels."""
    links: list[tuple[str, str, str]] = []
    if result.kind == "graph":
        links = [(t.subject.value, short(t.predicate.value), t.object.value) for t in result.triples
                 if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)]
    elif result.kind == "select" and result.rows:
        iris = [i for i, v in enumerate(result.variables)
                if all(isinstance(r[i], ox.NamedNode) for r in result.rows if r[i] is not None)
                and any(r[i] is not None for r in result.rows)]
        if len(iris) < 2:
            return None
        a, b = iris[0], iris[1]
        named = next((i for i, _ in enumerate(result.variables) if i not in iris and all(
            isinstance(r[i], ox.Literal | ox.NamedNode) for r in result.rows if r[i] is not None)), None)
        default = f"{result.variables[a]} → {result.variables[b]}"
        for row in result.rows:
            if row[a] is not None and row[b] is not None:
                rel = _cell_text(py_value(row[named])) if named is not None and row[named] is not None else default
                links.append((row[a].value, rel, row[b].value))
    links = list(dict.fromkeys(links))[:max_links]
    if not links:
        return None
    nodes = list(dict.fromkeys(n for s, _, o in links for n in (s, o)))
    degree = Counter(n for s, _, o in links for n in (s, o))
    centre = max(nodes, key=lambda n: degree[n])
    labels = node_labels(store, nodes)
    positions = layout(nodes, set(links), centre)
    net = Network(ref_of(centre))
    for iri in nodes:
        x, y = positions[iri]
        net.nodes.append({"ref": ref_of(iri), "label": labels.get(iri, short(iri)), "kind": kind_of(iri) or "other",
                          "x": x, "y": y, "role": "centre" if iri == centre else "neighbour"})
    for s, rel, o in links:
        (x, y), (x2, y2) = positions[s], positions[o]
        net.edges.append({"source": ref_of(s), "target": ref_of(o), "relation": rel, "x": x, "y": y,
                          "x2": x2, "y2": y2, "mx": (x + x2) / 2, "my": (y + y2) / 2})
    net.relations = dict(Counter(rel for _, rel, _ in links))
    return net
