"""RemoteBackend: the GovKG store contract on any SPARQL 1.1 server (query, update, graph store protocol).

How the embedded store's guarantees carry over to a server that only speaks SPARQL:

* **Catalog.** A named graph on the server (``catalog``, by default ``…/graph/catalog``) holds one resource
  per source (its key, live graph, generation, content hash, triple count, ingest time …) and a version
  number. Several GovKG datasets can share one server with different catalog graphs.
* **Staging.** Each new source graph gets a fresh name, ``<graph base><key>/g<generation>-<random>``, and is
  uploaded with a Graph Store Protocol PUT (or, without a GSP URL, with ``INSERT DATA`` in chunks). Before
  the upload the catalog records it as *pending* with a timestamp, so a writer that dies leaves a trace.
* **Commit.** One SPARQL Update *operation* (``DELETE … INSERT … WHERE``) rewrites the catalog records of
  every touched source, clears their pending marks and bumps the version, guarded by the version it read:
  if another writer committed in between, the operation matches nothing, GovKG reads the catalog back,
  sees that its commit id is not there, drops its staged graphs and says so. Only after a successful
  switch are the old graphs dropped.
* **Reading.** Queries name the live graphs in the protocol's dataset parameters (``default-graph-uri``
  and ``named-graph-uri`` for each), so staged, old and foreign graphs are invisible, whatever the server's
  own default graph is (Fuseki's is a real graph, Virtuoso's the union of all).
* **Garbage.** Graphs marked pending for longer than an hour that never became live are dropped when a
  writer opens the backend (:meth:`RemoteBackend.collect_garbage`); the grace period keeps a concurrent
  writer's graphs safe, since a server has no lock like Oxigraph's.

Results come back as SPARQL XML (Virtuoso's JSON writes booleans as 1) or N-Triples and are parsed by
pyoxigraph, so rows hold the same term types as the embedded store's.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from graph.backends.base import RawAnswer
from graph.backends.http import HttpClient, Response, ServerTimeout
from graph.backends.sparql import FROM_CLAUSE, parse_answer, parse_raw, query_form, with_prefixes
from graph.backends.staging import remove_sources
from graph.backends.types import (
    QueryResult,
    SourceRecord,
    StagedSource,
    dump_quads,
    py_value,
    resolve_graphs,
    sources_stamp,
)
from graph.errors import QueryError, QueryTimeout, SettingsError, StoreError
from graph.namespaces import CATALOG_GRAPH
from graph.settings import Settings

if TYPE_CHECKING:
    from graph.backends.remote_staging import RemoteStaging

CAT = "https://w3id.org/govkg/catalog#"
NO_GRAPH = "urn:govkg:no-live-graph"  # named as the dataset when nothing is live, so the dataset is empty
PENDING_GRACE = 3600.0  # seconds a pending graph is kept before a writer may drop it
_INT_FIELDS = ("generation", "triples")
_FIELDS = {"key": "key", "graph": "graph", "generation": "generation", "contentHash": "content_hash",
           "ingestedAt": "ingested_at", "triples": "triples", "origin": "origin", "ingester": "ingester",
           "title": "title", "report": "report", "name": "name"}
_RESULTS_ACCEPT = "application/sparql-results+xml"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
_INSERT_CHUNK = 5000  # N-Triples lines per INSERT DATA request
_GSP_CHUNK = 16 * 1024 * 1024  # bytes per GSP request
_RACE = "the catalog on the SPARQL server changed while this command ran (another writer?): nothing was switched"


def _iri(value: str) -> str:
    return str(ox.NamedNode(value))


def _lit(value: str | int) -> str:
    return str(value) if isinstance(value, int) else str(ox.Literal(value))


@dataclass
class CatalogState:
    sources: dict[str, SourceRecord]
    version: int | None
    commit: str | None
    pending: dict[str, str]  # graph → pending since (ISO time)


class RemoteBackend:
    """A GovKG store on a SPARQL 1.1 server. Use :meth:`from_settings` (or the constructor in tests)."""

    def __init__(self, query_url: str, *, update_url: str = "", gsp_url: str = "",
                 catalog: str = CATALOG_GRAPH, timeout: float = 30.0, user: str = "", password: str = "",
                 read_only: bool = False) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.gsp_url = gsp_url
        self.catalog = catalog
        self.path: Path | None = None
        self.read_only = read_only
        self.location = query_url if catalog == CATALOG_GRAPH else f"{query_url} (catalog {catalog})"
        self._http = HttpClient(timeout=timeout, user=user, password=password)
        self._lock = threading.Lock()
        self._sources: dict[str, SourceRecord] | None = None
        self.server = ""  # the server's Server header, read by open()

    @classmethod
    def from_settings(cls, settings: Settings, *, read_only: bool = False) -> RemoteBackend:
        if not settings.sparql_query_url:
            raise SettingsError("GOVKG_BACKEND=remote needs the server's query URL",
                                hint="set GOVKG_SPARQL_QUERY_URL (and GOVKG_SPARQL_UPDATE_URL, GOVKG_SPARQL_GSP_URL)")
        backend = cls(settings.sparql_query_url, update_url=settings.sparql_update_url,
                      gsp_url=settings.sparql_gsp_url, catalog=settings.sparql_catalog,
                      timeout=settings.query_timeout, user=settings.sparql_user,
                      password=settings.sparql_password, read_only=read_only)
        backend.open()
        return backend

    def open(self) -> RemoteBackend:
        """Check that the server answers; for a writer, create the catalog's version and collect garbage."""
        resp = self._post_query("ASK {}", None, _RESULTS_ACCEPT)
        self.server = resp.headers.get("server", "") or (
            "Apache Jena Fuseki" if "fuseki-request-id" in resp.headers else "")  # Fuseki sends no Server header
        if not self.read_only:
            self._update(f"INSERT {{ GRAPH {_iri(self.catalog)} {{ {_iri(self.catalog)} <{CAT}version> 0 }} }} "
                         f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {_iri(self.catalog)} "
                         f"{{ {_iri(self.catalog)} <{CAT}version> ?v }} }} }}")
            self._publish()
            self.collect_garbage()
        return self

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RemoteBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ HTTP
    def _post_query(self, sparql: str, dataset: list[str] | None, accept: str, *,
                    timeout: float | None = None, named: list[str] | None = None) -> Response:
        """POST a query; ``dataset`` names the default graph's parts and, unless ``named`` is given, the named
        graphs too."""
        params: list[tuple[str, str]] = [("query", sparql)]
        if dataset is not None:
            named = dataset if named is None else named
            params += [("default-graph-uri", g) for g in dataset] + [("named-graph-uri", g) for g in named]
        if timeout is not None:
            params += self._timeout_params(timeout)
        resp = self._http.request("POST", self.query_url, body=urlencode(params).encode("utf-8"), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, timeout=timeout)
        if timeout is not None and (resp.headers.get("x-sql-state") == "S1TAT" or (
                resp.status == 503 and b"timed out" in resp.body[:200].lower())):
            raise ServerTimeout(f"the SPARQL server at {self.query_url} stopped the query after {timeout:g} s",
                                hint="narrow the query or raise GOVKG_QUERY_TIMEOUT")
        if resp.status >= 400:
            if resp.status == 400:
                raise QueryError(f"the SPARQL server refused the query: {resp.text()}")
            raise StoreError(f"the SPARQL server at {self.query_url} answered {resp.status}: {resp.text()}")
        return resp

    def _timeout_params(self, seconds: float) -> list[tuple[str, str]]:
        """The protocol parameter that makes the server itself stop a query after ``seconds``, for the servers
        known to take one (Fuseki: seconds; Virtuoso: milliseconds, answering what it found with
        ``X-SQL-State: S1TAT``). Other servers get none: the HTTP timeout stops the wait, not their work."""
        name = self.server.lower()
        if "virtuoso" in name:
            return [("timeout", str(max(1, round(seconds * 1000))))]
        if "fuseki" in name:
            return [("timeout", str(max(1, math.ceil(seconds))))]  # whole seconds: "0.5" is refused
        return []

    def _update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the store is open read-only")
        resp = self._http.request("POST", self.update_url, body=urlencode({"update": sparql}).encode("utf-8"),
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        if resp.status >= 400:
            raise StoreError(f"the SPARQL server at {self.update_url} refused an update ({resp.status}): "
                             f"{resp.text()}", hint="check GOVKG_SPARQL_UPDATE_URL and that updates are allowed")

    def _raw(self, sparql: str, *, limit: int | None = None) -> QueryResult:
        """A query over the server's own dataset (the catalog, staged graphs)."""
        accept = _GRAPH_ACCEPT if query_form(sparql) in ("construct", "describe") else _RESULTS_ACCEPT
        resp = self._post_query(sparql, None, accept)
        return parse_answer(resp.body, resp.content_type, limit)

    def _ask(self, sparql: str) -> bool:
        return bool(self._raw(sparql).boolean)

    def _rows(self, sparql: str) -> list[dict[str, Any]]:
        res = self._raw(sparql)
        return [dict(zip(res.variables, row, strict=True)) for row in res.rows]

    # ------------------------------------------------------------------ catalog
    def sources(self) -> dict[str, SourceRecord]:
        if self._sources is None:
            self._sources = self._catalog().sources
        return self._sources

    def _catalog(self) -> CatalogState:
        rows = self._rows(f"SELECT ?s ?p ?o WHERE {{ GRAPH {_iri(self.catalog)} {{ ?s ?p ?o "
                          f"FILTER(STRSTARTS(STR(?p), \"{CAT}\")) }} }}")
        fields: dict[str, dict[str, Any]] = {}
        version: int | None = None
        commit: str | None = None
        pending: dict[str, str] = {}
        for row in rows:
            subject, name, value = row["s"].value, row["p"].value[len(CAT):], row["o"].value
            if subject == self.catalog and name == "version":
                version = max(int(value), version if version is not None else -1)
            elif subject == self.catalog and name == "commit":
                commit = value
            elif name == "pendingSince":
                pending[subject] = value
            elif name in _FIELDS:
                fields.setdefault(subject, {})[_FIELDS[name]] = int(value) if _FIELDS[name] in _INT_FIELDS else value
        records = {}
        for data in fields.values():
            if "key" in data and "graph" in data:
                data.setdefault("title", "")
                data.setdefault("report", "")
                data.setdefault("name", "")
                records[data["key"]] = SourceRecord(**data)
        return CatalogState(dict(sorted(records.items())), version, commit, pending)

    def refresh(self) -> dict[str, SourceRecord]:
        """Read the catalog from the server again: the live sources as the last commit, by any writer, left them."""
        self._sources = self._catalog().sources
        return self._sources

    def catalog_version(self) -> int:
        """The catalog's version on the server: it changes with every commit (a cache key for readers)."""
        version = self._catalog().version
        return -1 if version is None else version

    def _record_iri(self, key: str) -> str:
        return f"{self.catalog}/source/{key}"

    def _record_triples(self, r: SourceRecord) -> str:
        s = _iri(self._record_iri(r.key))
        props = [f"<{CAT}key> {_lit(r.key)}", f"<{CAT}graph> {_iri(r.graph)}",
                 f"<{CAT}generation> {r.generation}", f"<{CAT}contentHash> {_lit(r.content_hash)}",
                 f"<{CAT}ingestedAt> {_lit(r.ingested_at)}", f"<{CAT}triples> {r.triples}",
                 f"<{CAT}origin> {_lit(r.origin)}", f"<{CAT}ingester> {_lit(r.ingester)}",
                 f"<{CAT}title> {_lit(r.title)}", f"<{CAT}report> {_lit(r.report)}"]
        if r.name:
            props.append(f"<{CAT}name> {_iri(r.name)}")
        return f"{s} " + " ; ".join(props) + " ."

    def _mark_pending(self, graph: str) -> None:
        now = datetime.now(UTC).isoformat()
        self._update(f"INSERT DATA {{ GRAPH {_iri(self.catalog)} {{ {_iri(graph)} <{CAT}pendingSince> {_lit(now)} }} }}")

    def _drop(self, graphs: list[str]) -> None:
        """Drop graphs and their pending marks, in one request."""
        if not graphs:
            return
        ops = [f"DROP SILENT GRAPH {_iri(g)}" for g in graphs]
        values = " ".join(_iri(g) for g in graphs)
        ops.append(f"DELETE {{ GRAPH {_iri(self.catalog)} {{ ?g <{CAT}pendingSince> ?t }} }} WHERE {{ "
                   f"GRAPH {_iri(self.catalog)} {{ VALUES ?g {{ {values} }} ?g <{CAT}pendingSince> ?t }} }}")
        self._update(" ;\n".join(ops))

    def collect_garbage(self, older_than: float = PENDING_GRACE) -> list[str]:
        """Drop graphs left pending (by a writer that died) for more than ``older_than`` seconds."""
        state = self._catalog()
        live = {s.graph for s in state.sources.values()}
        now = datetime.now(UTC)
        expired = []
        for graph, since in state.pending.items():
            try:
                age = (now - datetime.fromisoformat(since)).total_seconds()
            except ValueError:
                age = float("inf")
            if graph not in live and age >= older_than:
                expired.append(graph)
        self._drop(expired)
        return expired

    # ------------------------------------------------------------------ writing
    def staging(self) -> RemoteStaging:
        from graph.backends.remote_staging import RemoteStaging

        if self.read_only:
            raise StoreError("the store is open read-only")
        return RemoteStaging(self)

    def remove_sources(self, keys: Iterable[str]) -> list[SourceRecord]:
        return remove_sources(self, keys)

    def _upload(self, graph: str, ntriples: bytes) -> None:
        if not ntriples.strip():
            return
        if self.gsp_url:
            chunks = [ntriples] if b"_:" in ntriples else _split_lines(ntriples, _GSP_CHUNK)
            separator = "&" if "?" in self.gsp_url else "?"
            url = f"{self.gsp_url}{separator}graph={quote(graph, safe='')}"
            for n, chunk in enumerate(chunks):
                resp = self._http.request("PUT" if n == 0 else "POST", url, body=chunk,
                                          headers={"Content-Type": "text/turtle; charset=utf-8"})
                if resp.status >= 300:
                    raise StoreError(f"the SPARQL server refused the upload of {graph} ({resp.status}): "
                                     f"{resp.text()}")
            return
        text = ntriples.decode("utf-8")
        if "_:" in text:  # blank nodes: one request, as a template (Virtuoso refuses them in INSERT DATA)
            self._update(f"INSERT {{ GRAPH {_iri(graph)} {{\n{text}\n}} }} WHERE {{}}")
            return
        lines = text.splitlines()
        for start in range(0, len(lines), _INSERT_CHUNK):
            body = "\n".join(lines[start:start + _INSERT_CHUNK])
            self._update(f"INSERT DATA {{ GRAPH {_iri(graph)} {{\n{body}\n}} }}")

    def _count(self, graph: str) -> int:
        res = self._raw(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}")
        return int(res.rows[0][0].value)

    def _commit(self, staged: list[StagedSource], removed: list[str], expected: int | None) -> None:
        """Switch the catalog; ``expected`` is the catalog version the staging started from (None: any)."""
        with self._lock:
            state = self._catalog()
            if state.version is None:
                raise StoreError(f"the catalog graph {self.catalog} has no version on the server",
                                 hint="open the backend for writing first (it creates one)")
            self._sources = state.sources
            if expected is not None and state.version != expected:
                raise StoreError(_RACE, hint="run the command again")
            now = datetime.now(UTC).replace(microsecond=0).isoformat()
            records = [SourceRecord(key=st.key, graph=st.graph.value, generation=st.generation,
                                    content_hash=st.content_hash, ingested_at=now, triples=st.triples,
                                    origin=st.origin, ingester=st.ingester, title=st.title, report=st.report,
                                    name=st.name)
                       for st in staged]
            touched = [r.key for r in records] + [k for k in removed if k not in {r.key for r in records}]
            commit_id = uuid.uuid4().hex
            cat, version = _iri(self.catalog), state.version
            subjects = " ".join(_iri(self._record_iri(k)) for k in touched)
            graphs = " ".join(_iri(st.graph.value) for st in staged)
            branches = [f"{{ GRAPH {cat} {{ {cat} <{CAT}version> {version} }} }}",
                        f"{{ GRAPH {cat} {{ {cat} <{CAT}commit> ?c }} }}"]
            if subjects:
                branches.append(f"{{ GRAPH {cat} {{ VALUES ?s {{ {subjects} }} ?s ?p ?o }} }}")
            if graphs:
                branches.append(f"{{ GRAPH {cat} {{ VALUES ?g {{ {graphs} }} ?g <{CAT}pendingSince> ?t }} }}")
            inserted = "\n".join(self._record_triples(r) for r in records)
            self._update(f"""
DELETE {{ GRAPH {cat} {{ ?s ?p ?o . ?g <{CAT}pendingSince> ?t . {cat} <{CAT}version> {version} .
                      {cat} <{CAT}commit> ?c }} }}
INSERT {{ GRAPH {cat} {{ {inserted}
                      {cat} <{CAT}version> {version + 1} ; <{CAT}commit> {_lit(commit_id)} }} }}
WHERE {{ GRAPH {cat} {{ {cat} <{CAT}version> {version} }} {" UNION ".join(branches)} }}""")
            self._sources = None
            after = self._catalog()
            self._sources = after.sources
            if after.commit != commit_id:
                raise StoreError(_RACE, hint="run the command again")
            keep = {r.name for r in after.sources.values() if r.name}
            old = [state.sources[k].graph for k in touched if k in state.sources and state.sources[k].graph not in keep]
            if old:
                self._update(" ;\n".join(f"DROP SILENT GRAPH {_iri(g)}" for g in old))
            self._publish()

    def _publish(self) -> None:
        """Move each named source that the catalog names by its staged graph into the graph of its name, and
        record that in the catalog (one request). Until then queries read the staged graph; a writer that dies
        in between leaves the catalog right, and the next writer finishes the move (:meth:`open`)."""
        moving = [r for r in self.sources().values() if r.name and r.graph != r.name]
        if not moving:
            return
        cat = _iri(self.catalog)
        ops = []
        for r in moving:
            record = _iri(self._record_iri(r.key))
            ops.append(f"MOVE SILENT GRAPH {_iri(r.graph)} TO GRAPH {_iri(r.name)}")
            ops.append(f"DELETE {{ GRAPH {cat} {{ {record} <{CAT}graph> ?g }} }} INSERT {{ GRAPH {cat} {{ {record} "
                       f"<{CAT}graph> {_iri(r.name)} }} }} WHERE {{ GRAPH {cat} {{ {record} <{CAT}graph> ?g "
                       f"FILTER(?g = {_iri(r.graph)}) }} }}")
        self._update(" ;\n".join(ops))
        self._sources = None

    # ------------------------------------------------------------------ reading
    def live_graphs(self) -> list[str]:
        return [s.graph for s in self.sources().values()]

    def describe(self) -> str:
        server = f" ({self.server.split('/')[0].strip()})" if self.server else ""
        return (f"The SPARQL server at {self.query_url}{server}, catalog graph {self.catalog} "
                "(the GOVKG_BACKEND=remote and GOVKG_SPARQL_* settings).")

    def local_dir(self) -> Path | None:
        """``servers/<hash of the query URL and catalog>`` in the user's data folder."""
        from platformdirs import user_data_dir

        digest = hashlib.sha256(f"{self.query_url}\n{self.catalog}".encode()).hexdigest()[:16]
        return Path(user_data_dir("govkg")) / "servers" / digest

    def stamp(self) -> str:
        return sources_stamp(self.refresh())

    def _answer(self, sparql: str, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None,
                timeout: float | None) -> Response:
        form = query_form(sparql)
        accept = _GRAPH_ACCEPT if form in ("construct", "describe") else _RESULTS_ACCEPT
        if default_graphs is not None or named_graphs is not None:
            sources = self.sources()
            default = resolve_graphs(sources, default_graphs or ()) or [NO_GRAPH]
            named = resolve_graphs(sources, named_graphs or ()) or [NO_GRAPH]
            return self._post_query(with_prefixes(sparql), default, accept, timeout=timeout, named=named)
        dataset = None if FROM_CLAUSE.search(sparql) else (self.live_graphs() or [NO_GRAPH])
        return self._post_query(with_prefixes(sparql), dataset, accept, timeout=timeout)

    def raw_query(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None, timeout: float | None = None,
                  base_iri: str | None = None) -> RawAnswer:
        if base_iri:  # a later BASE in the query's own prologue still wins
            sparql = f"BASE {_iri(base_iri)}\n{sparql}"
        try:
            resp = self._answer(sparql, default_graphs, named_graphs, timeout)
        except ServerTimeout as exc:
            if timeout is None:
                raise
            raise QueryTimeout(f"the query was stopped after {timeout:g} s", hint=exc.hint) from exc
        return parse_raw(resp.body, resp.content_type)

    def query(self, sparql: str, *, limit: int | None = None, timeout: float | None = None) -> QueryResult:
        """Run a SPARQL query over the live graphs; rows beyond ``limit`` are cut and reported. ``timeout``
        (seconds) bounds the wait, and the server's own work where it takes a timeout parameter (Fuseki,
        Virtuoso); past it :class:`~graph.backends.http.ServerTimeout` is raised."""
        started = time.perf_counter()
        resp = self._answer(sparql, None, None, timeout)
        cap = resp.headers.get("x-sparql-maxrows")
        result = parse_answer(resp.body, resp.content_type, limit,
                              server_cap=int(cap) if cap and cap.isdigit() else None)
        result.seconds = time.perf_counter() - started
        return result

    def select_over(self, sparql: str, graphs: list[str]) -> list[dict[str, Any]]:
        """A SELECT's rows (plain Python values) over the given graphs as the default graph."""
        resp = self._post_query(with_prefixes(sparql), graphs or [NO_GRAPH], _RESULTS_ACCEPT)
        res = parse_answer(resp.body, resp.content_type, None)
        return [{v: py_value(t) for v, t in zip(res.variables, row, strict=True)} for row in res.rows]

    def select(self, sparql: str) -> list[dict[str, Any]]:
        res = self.query(sparql)
        return [{v: py_value(t) for v, t in zip(res.variables, row, strict=True)} for row in res.rows]

    def triple_count(self) -> int:
        return sum(s.triples for s in self.sources().values())

    def source_quads(self, key: str) -> Iterator[ox.Quad]:
        record = self.sources()[key]
        graph = ox.NamedNode(record.graph)
        if record.triples == 0:
            return iter(())
        if self.gsp_url:
            separator = "&" if "?" in self.gsp_url else "?"
            resp = self._http.request("GET", f"{self.gsp_url}{separator}graph={quote(record.graph, safe='')}",
                                      headers={"Accept": _GRAPH_ACCEPT})
            if resp.status >= 400:
                raise StoreError(f"the SPARQL server cannot send graph {record.graph} ({resp.status}): "
                                 f"{resp.text()}")
            triples = parse_answer(resp.body, resp.content_type, None).triples
        else:
            triples = self._raw(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(record.graph)} {{ ?s ?p ?o }} }}"
                                ).triples
        if len(triples) < record.triples:
            raise StoreError(f"the SPARQL server sent {len(triples):,} of the {record.triples:,} triples of "
                             f"source {key}", hint="raise the server's result limit (Virtuoso: ResultSetMaxRows)")
        return iter([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])

    def quads(self) -> Iterator[ox.Quad]:
        for key in self.sources():
            yield from self.source_quads(key)

    def dump(self, output: IO[bytes], fmt: str) -> None:
        dump_quads(self.quads(), output, fmt)


def _split_lines(data: bytes, size: int) -> list[bytes]:
    """``data`` in pieces of about ``size`` bytes, each ending at a line end."""
    chunks = []
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data)) - 1)
        end = len(data) if end < 0 else end + 1
        chunks.append(data[start:end])
        start = end
    return chunks


# ---------------------------------------------------------------------- stamps without a connection of one's own
STAMP_SECONDS = 3.0  # a server's catalog is read again for a stamp at most this often
_stamp_lock = threading.Lock()
_stamp_readers: dict[str, RemoteBackend] = {}
_stamps_seen: dict[str, tuple[float, str]] = {}


def _stamp_key(settings: Settings) -> str:
    return f"{settings.sparql_query_url} {settings.sparql_catalog}"


def peek_stamp(settings: Settings) -> str:
    """The catalog's stamp on the server the settings name, read through one shared read-only connection per
    server and catalog, at most every :data:`STAMP_SECONDS` (readers such as the explorer ask on every rerun)."""
    key = _stamp_key(settings)
    with _stamp_lock:
        seen = _stamps_seen.get(key)
        if seen is not None and time.monotonic() - seen[0] < STAMP_SECONDS:
            return seen[1]
        reader = _stamp_readers.get(key)
    if reader is None:
        reader = RemoteBackend.from_settings(settings, read_only=True)
        with _stamp_lock:
            reader = _stamp_readers.setdefault(key, reader)
    stamp = reader.stamp()
    with _stamp_lock:
        _stamps_seen[key] = (time.monotonic(), stamp)
    return stamp


def forget_stamp(settings: Settings) -> None:
    with _stamp_lock:
        _stamps_seen.pop(_stamp_key(settings), None)
