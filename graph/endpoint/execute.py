"""What a query worker does with a job: run it on its read-only store and write the whole HTTP reply.

Queries go to the store through the store contract (``Backend.raw_query``: Oxigraph's own answer, or a SPARQL
server's parsed as it is read), over the live graphs. Results are written by pyoxigraph's serialisers. The result limit works on a stream: the solutions are
first written as TSV (one line per row) into a sink that stops Oxigraph as soon as one row more than the
limit has arrived, so a huge result costs no more than ``limit`` rows; the kept rows are then re-read and
written in the negotiated format. A cut result says so in headers (``GovKG-Result-Truncated``,
``GovKG-Result-Limit``) and, where the format has room, in the body (a ``truncated`` member in JSON, a
``link`` in XML, a comment in Turtle and N-Triples).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any, cast

import pyoxigraph as ox

from graph.backends import Backend, open_backend
from graph.backends.sparql import readable_syntax_error
from graph.backends.types import SourceRecord, export_prefixes, py_value
from graph.endpoint import formats
from graph.endpoint.jobs import (
    AnalysisJob,
    AskJob,
    EntityJob,
    Job,
    PingJob,
    Reply,
    RowsJob,
    SearchJob,
    SourcesJob,
    SparqlJob,
    UpdateJob,
    error_reply,
    json_reply,
    reply_for,
)
from graph.errors import GovKGError, QueryError, QueryTimeout
from graph.namespaces import PREFIXES
from graph.settings import Settings

TRUNCATED = "GovKG-Result-Truncated"
LIMIT = "GovKG-Result-Limit"
ROWS = "GovKG-Result-Rows"
STAMP_SECONDS = 1.0  # how often a worker looks whether the catalog changed


class _Full(Exception):
    """Raised into Oxigraph's serialiser to stop it: the sink holds one line more than it wants."""


class _LineSink(io.RawIOBase):
    """Keeps what is written up to ``max_lines`` lines, then stops the writer."""

    def __init__(self, max_lines: int) -> None:
        super().__init__()
        self.data = bytearray()
        self.lines = 0
        self.max_lines = max_lines

    def writable(self) -> bool:
        return True

    def write(self, chunk: Any) -> int:
        data = bytes(chunk)
        self.data += data
        self.lines += data.count(b"\n")
        if self.lines > self.max_lines:
            raise _Full
        return len(data)

    def kept(self) -> bytes:
        """The first ``max_lines`` lines."""
        if self.lines <= self.max_lines:
            return bytes(self.data)
        end = -1
        for _ in range(self.max_lines):
            end = self.data.index(b"\n", end + 1)
        return bytes(self.data[: end + 1])


@dataclass
class WorkerState:
    """A worker's store, opened read-only through the store contract, and its searcher once it needs one."""

    store: Backend
    settings: Settings
    searcher: Any = None
    asker: Any = None  # graph.ask's Asker, made on the first question
    governance: Any = None  # the analytics' records, read on the first analysis (a worker sees one version)
    stamp: str = ""
    checked: float = 0.0

    @classmethod
    def open(cls, settings: Settings) -> WorkerState:
        for attempt in range(5):
            try:
                store = open_backend(settings, read_only=True)
                return cls(store, settings, stamp=store.stamp(), checked=time.monotonic())
            except RuntimeError:  # RocksDB found a file half-replaced by the writer's last compaction
                if attempt == 4:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    def fresh(self, *, now_please: bool = False) -> None:
        """Open the store again when another process switched its catalog since the last look (at most every
        :data:`STAMP_SECONDS`, or at once when the server says it changed the store itself): a store the
        server holds alone never changes under it, a SPARQL server's can."""
        now = time.monotonic()
        if now - self.checked < STAMP_SECONDS and not now_please:
            return
        self.checked = now
        stamp = self.store.stamp()
        if stamp != self.stamp:
            self.store.close()
            self.store = open_backend(self.settings, read_only=True)
            self.stamp, self.searcher, self.governance, self.asker = stamp, None, None, None

    def close(self) -> None:
        self.store.close()


def handle(job: Job, state: WorkerState) -> Reply:
    """Run one job; every GovKG error becomes its JSON error reply."""
    try:
        state.fresh()
        if isinstance(job, SparqlJob):
            return run_sparql(job, state)
        if isinstance(job, RowsJob):
            return run_rows(job, state)
        if isinstance(job, EntityJob):
            from graph.entity import entity

            return json_reply(entity(state.store, job.ref).as_dict())
        if isinstance(job, AnalysisJob):
            return run_analysis(job, state)
        if isinstance(job, SearchJob):
            return run_search(job, state)
        if isinstance(job, AskJob):
            return run_ask(job, state)
        if isinstance(job, UpdateJob):
            return run_update(job, state)
        if isinstance(job, SourcesJob):
            return json_reply({"sources": [s.as_dict() for s in state.store.sources().values()]})
        if isinstance(job, PingJob):
            return json_reply({"ok": True})
    except GovKGError as exc:
        return reply_for(exc)
    return error_reply(500, f"unknown job {type(job).__name__}")


def run_sparql(job: SparqlJob, state: WorkerState) -> Reply:
    started = time.perf_counter()
    timeout = job.timeout or state.settings.query_timeout
    try:
        raw = state.store.raw_query(job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                                    timeout=timeout, base_iri=job.base_iri)
    except QueryTimeout as exc:  # the store stopped it itself (a SPARQL server): as if its worker had been
        raise QueryTimeout(f"the query was stopped after {timeout:g} s (the GOVKG_QUERY_TIMEOUT setting)",
                           hint=exc.hint) from exc
    kind = "results" if isinstance(raw, ox.QuerySolutions | ox.QueryBoolean) else "graph"
    fmt = formats.negotiate(kind, job.accept, job.formats)
    if fmt is None:
        return error_reply(406, f"none of the formats asked for ({job.accept}) can carry this result",
                           hint="accept one of " + ", ".join(formats.names(kind)))
    try:
        if isinstance(raw, ox.QueryBoolean):
            assert fmt.results is not None
            body, rows, truncated = raw.serialize(format=fmt.results) or b"", 1, False
        elif isinstance(raw, ox.QuerySolutions):
            body, rows, truncated = _solutions(raw, fmt, job.limit)
        else:
            body, rows, truncated = _triples(raw, fmt, job.limit)
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    headers = {ROWS: str(rows), "Server-Timing": f"query;dur={(time.perf_counter() - started) * 1000:.1f}"}
    if truncated:
        headers[TRUNCATED] = "true"
        headers[LIMIT] = str(job.limit)
    return Reply(200, fmt.content_type, body, headers)


def _solutions(raw: ox.QuerySolutions, fmt: formats.Format, limit: int) -> tuple[bytes, int, bool]:
    sink = _LineSink(limit + 1)  # the header line and ``limit`` rows
    truncated = False
    try:
        raw.serialize(cast(IO[bytes], sink), ox.QueryResultsFormat.TSV)
    except _Full:
        truncated = True
    tsv = sink.kept()
    rows = max(tsv.count(b"\n") - 1, 0)
    if fmt is formats.TSV:
        return tsv, rows, truncated
    assert fmt.results is not None
    body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt.results) or b""
    if truncated and fmt is formats.JSON and body.startswith(b"{"):
        body = b'{"truncated":true,"limit":%d,' % limit + body[1:]
    elif truncated and fmt is formats.XML:
        body = body.replace(b"</head>", b'<link href="urn:govkg:truncated?limit=%d"/></head>' % limit, 1)
    return body, rows, truncated


def _triples(raw: Iterable[ox.Triple], fmt: formats.Format, limit: int) -> tuple[bytes, int, bool]:
    sink = _LineSink(limit)
    truncated = False
    try:
        ox.serialize(raw, cast(IO[bytes], sink), ox.RdfFormat.N_TRIPLES)
    except _Full:
        truncated = True
    nt = sink.kept()
    count = nt.count(b"\n")
    note = b"# GovKG: the result was cut at %d triples (GOVKG_RESULT_LIMIT)\n" % limit
    if fmt is formats.NTRIPLES:
        return (note + nt if truncated else nt), count, truncated
    assert fmt.rdf is not None
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(nt, ox.RdfFormat.N_TRIPLES))
    body = ox.serialize(triples, format=fmt.rdf, prefixes=export_prefixes()) or b""
    if truncated and fmt is formats.TURTLE:
        body = note + body
    return body, count, truncated


def run_rows(job: RowsJob, state: WorkerState) -> Reply:
    """A query's rows as plain JSON values, for the JSON API."""
    if job.keys:
        from graph.queries import check_keys

        check_keys(state.store, job.keys)
    result = state.store.query(job.query, limit=job.limit)
    if result.kind != "select":
        raise QueryError("the JSON API's rows need a SELECT query")
    rows = [{v: py_value(t) for v, t in zip(result.variables, row, strict=True)} for row in result.rows]
    headers = {ROWS: str(len(rows))}
    if result.truncated:
        headers.update({TRUNCATED: "true", LIMIT: str(job.limit)})
    return json_reply({**job.meta, "variables": result.variables, "rows": rows, "count": len(rows),
                       "truncated": result.truncated, "limit": job.limit,
                       "seconds": round(result.seconds, 6)}, headers=headers)


def run_search(job: SearchJob, state: WorkerState) -> Reply:
    """Semantic search, if this build has it (graph.search); 501 with the reason otherwise."""
    if state.searcher is None:
        try:
            from graph.search import Searcher
        except ImportError as exc:
            return error_reply(501, f"semantic search is not available in this build ({exc})",
                               hint='install it with pip install -e ".[search]"')
        try:
            state.searcher = Searcher(state.store, state.settings)
        except GovKGError as exc:
            return error_reply(501, f"semantic search is not available: {exc.message}", exc.hint)
    try:
        result = state.searcher.search(job.q, k=job.k, mode=job.mode)
    except QueryError:
        raise
    except GovKGError as exc:
        if exc.exit_code == 1:  # search's own "unavailable" errors (no model, no index)
            return error_reply(501, f"semantic search is not available: {exc.message}", exc.hint)
        raise
    data = result.as_dict() if hasattr(result, "as_dict") else result
    return json_reply(data)


def run_ask(job: AskJob, state: WorkerState) -> Reply:
    """A question answered from the graph (graph/ask), with how it was reached and each row's sources."""
    if state.asker is None:
        try:
            from graph.ask import Asker
        except ImportError as exc:
            return error_reply(501, f"questions need semantic search, not available in this build ({exc})",
                               hint='install it with pip install -e ".[search]"')
        state.asker = Asker(state.store, state.settings)
    try:
        answer = state.asker.ask(job.q)
    except GovKGError as exc:
        if exc.exit_code == 1:  # the model or the search index is not available
            return error_reply(501, f"questions cannot be answered: {exc.message}", exc.hint)
        raise
    return json_reply(answer.as_dict())


def run_analysis(job: AnalysisJob, state: WorkerState) -> Reply:
    from graph.analytics.data import GovernanceData
    from graph.endpoint.analysis import run

    if state.governance is None:
        state.governance = GovernanceData.load(state.store)
    return json_reply({"analysis": job.name, "params": dict(job.params),
                       "result": run(job.name, dict(job.params), state.governance)})


def editable(sources: dict[str, SourceRecord], default_source: str) -> dict[str, str]:
    """The graphs SPARQL Update and the Graph Store Protocol may change, by graph name ("" for the default
    graph), each with its source key: the endpoint's own source as the default graph, and every source
    published under a name. The other sources change only through ``govkg ingest``."""
    found = {s.name: s.key for s in sources.values() if s.name}
    found[""] = default_source
    return found


def run_update(job: UpdateJob, state: WorkerState) -> Reply:
    """Apply an update to the editable dataset in a scratch store; the graphs it changed, as JSON:
    ``{"changed": {graph name or "": N-Triples}, "triples": n}`` (an empty text: the graph is gone)."""
    sources = state.store.sources()
    graphs = editable(sources, job.source)
    scratch = ox.Store()
    before: dict[str, set[ox.Triple]] = {}
    for name, key in graphs.items():
        target: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(name) if name else ox.DefaultGraph()
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in state.store.source_quads(key)} \
            if key in sources else set()
        before[name] = triples
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
    try:
        scratch.update(job.update, prefixes=PREFIXES, base_iri=job.base_iri)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL Update syntax error: {readable_syntax_error(str(exc), job.update)}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(f"the update failed: {exc}") from exc
    after: dict[str, set[ox.Triple]] = {"": set()}
    for quad in scratch:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if isinstance(quad.graph_name, ox.BlankNode):
            raise QueryError("an update may not write a graph named by a blank node")
        after.setdefault(name, set()).add(ox.Triple(quad.subject, quad.predicate, quad.object))
    changed = {}
    for name in sorted(set(before) | set(after)):
        new = after.get(name, set())
        if new != before.get(name, set()):
            changed[name] = (ox.serialize(sorted(new, key=str), format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    return json_reply({"changed": changed, "triples": sum(len(t) for t in after.values())})
