"""The embedded store: Oxigraph on disk, one named graph per source, atomic re-ingest.

Design (see README, "How the store stays consistent"):

* Each source (a curated YAML file, a document, a dataset) lives in its own *physical* named graph
  ``<graph base><key>/g<generation>``. A small catalog (``catalog.json`` beside the Oxigraph folder) records,
  for each source, which physical graph is live, with its content hash, triple count and ingest time.
* An ingest writes every new graph first (a transactional load, or Oxigraph's fast ``bulk_load`` for big
  files) and flushes it, then switches the catalog to the new graphs with one atomic file replace
  (``os.replace``). Only then are the old graphs dropped.
* Queries see only catalogued graphs, so a graph being written is invisible. When the store holds exactly
  the catalogued graphs (the usual case) queries use Oxigraph's union of named graphs, which is fastest;
  while a graph is being written, or when a dead process left one behind, they name the live graphs
  explicitly (slower on complex queries, always correct). A process killed at any point leaves the catalog as it was;
  graphs it left behind are dropped the next time the store is opened for writing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from graph.backends.base import RawAnswer
from graph.backends.sparql import FROM_CLAUSE, readable_syntax_error
from graph.backends.staging import StagingBase, remove_sources
from graph.backends.types import (
    QueryResult,
    SourceRecord,
    StagedSource,
    check_graph_name,
    collect,
    dump_quads,
    py_value,
    resolve_graphs,
    sources_stamp,
    tsv_rows,
)
from graph.errors import QueryError, StoreError
from graph.namespaces import GRAPH, PREFIXES

CATALOG_FILE = "catalog.json"
OXIGRAPH_DIR = "oxigraph"
_BULK_THRESHOLD = 4 * 1024 * 1024  # bytes of N-Triples above which bulk_load pays off


class Store:
    """An embedded Oxigraph store with a source catalog. Use :meth:`open`; close when done."""

    def __init__(self, inner: ox.Store, path: Path | None, read_only: bool) -> None:
        self._store = inner
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        self._sources: dict[str, SourceRecord] | None = None
        self._memory_catalog: dict[str, SourceRecord] = {}
        self._clean: bool | None = None  # named graphs == live graphs, so the union is safe

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path | None, *, read_only: bool = False) -> Store:
        """Open (creating if needed) the store at ``path``; ``None`` gives a store in memory."""
        if path is None:
            return cls(ox.Store(), None, read_only=False)
        folder = Path(path).expanduser()
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"the store path {folder} is a file, not a folder")
        if folder.is_dir() and any(folder.iterdir()) and not (folder / OXIGRAPH_DIR).is_dir():
            raise StoreError(f"{folder} is not a GovKG store (no {OXIGRAPH_DIR}/ folder in it)",
                             hint="give an empty or new folder with --store")
        try:
            if read_only:
                if not (folder / OXIGRAPH_DIR).is_dir():
                    raise StoreError(f"no store at {folder}", hint="run `govkg ingest` first")
                inner = ox.Store.read_only(str(folder / OXIGRAPH_DIR))
            else:
                folder.mkdir(parents=True, exist_ok=True)
                inner = ox.Store(str(folder / OXIGRAPH_DIR))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(
                    f"the store at {folder} is in use by another process",
                    hint="stop `govkg serve` or the explorer, or use another --store",
                ) from exc
            raise StoreError(f"cannot open the store at {folder}: {text}") from exc
        store = cls(inner, folder, read_only)
        if not read_only:
            store.collect_garbage()
        return store

    def close(self) -> None:
        if not self.read_only and self.path is not None:
            self._store.flush()
        del self._store

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ catalog
    def sources(self) -> dict[str, SourceRecord]:
        """The live sources by key, read from the catalog (cached until the next commit)."""
        if self._sources is None:
            self._sources = self._read_catalog()
        return self._sources

    def _read_catalog(self) -> dict[str, SourceRecord]:
        if self.path is None:
            return dict(self._memory_catalog)
        file = self.path / CATALOG_FILE
        if not file.exists():
            return {}
        try:
            rows = json.loads(file.read_text(encoding="utf-8"))
            return {r["key"]: SourceRecord(**r) for r in sorted(rows, key=lambda r: r["key"])}
        except (ValueError, TypeError, KeyError) as exc:
            raise StoreError(f"the store's catalog {file} is unreadable: {exc}") from exc

    def _write_catalog(self, records: dict[str, SourceRecord]) -> None:
        """Replace the catalog atomically: write a temporary file, sync it, rename it over the old one."""
        if self.path is None:
            self._memory_catalog = dict(records)
            return
        file = self.path / CATALOG_FILE
        tmp = file.with_suffix(".tmp")
        data = json.dumps([asdict(r) for r in sorted(records.values(), key=lambda r: r.key)], indent=1)
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, file)

    def live_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(s.graph) for s in self.sources().values()]

    def collect_garbage(self) -> list[str]:
        """Finish publishing named sources, then drop named graphs that the catalog does not name (left by an
        ingest that died)."""
        self._publish()
        live = {s.graph for s in self.sources().values()}
        dropped = []
        for g in list(self._store.named_graphs()):
            if isinstance(g, ox.NamedNode) and g.value not in live:
                self._store.remove_graph(g)
                dropped.append(g.value)
        self._clean = True
        return dropped

    def _is_clean(self) -> bool:
        if self._clean is None:
            live = {s.graph for s in self.sources().values()}
            self._clean = {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)} == live
        return self._clean

    # ------------------------------------------------------------------ writing
    def staging(self) -> Staging:
        """A set of new source graphs that become live together, or not at all."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        return Staging(self)

    def remove_sources(self, keys: Iterable[str]) -> list[SourceRecord]:
        return remove_sources(self, keys)

    def _commit(self, staged: list[StagedSource], removed: list[str]) -> None:
        old = self.sources()
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        new = {k: v for k, v in old.items() if k not in removed}
        for st in staged:
            new[st.key] = SourceRecord(
                key=st.key, graph=st.graph.value, generation=st.generation, content_hash=st.content_hash,
                ingested_at=now, triples=st.triples, origin=st.origin, ingester=st.ingester, title=st.title,
                report=st.report, name=st.name)
        touched = [st.key for st in staged] + list(removed)
        with self._lock:
            if self.path is not None:
                self._store.flush()  # the new graphs are on disk before the catalog names them
            self._write_catalog(new)  # the switch point
            self._sources = None
            keep = {r.graph for r in new.values()} | {r.name for r in new.values() if r.name}
            for key in touched:
                if key in old and old[key].graph not in keep:
                    self._store.remove_graph(ox.NamedNode(old[key].graph))
            self._publish()
            self._clean = None
            if self.path is not None:
                self._store.flush()

    def _publish(self) -> None:
        """Move each named source that the catalog still names by its staged graph into the graph of its name
        (one Oxigraph transaction each), then record that in the catalog. Until then queries read the staged
        graph (only ``GRAPH <name>`` still sees the old content); a process killed in between leaves the
        catalog right, and the next writer finishes the move (:meth:`collect_garbage`)."""
        records = self.sources()
        moving = [r for r in records.values() if r.name and r.graph != r.name]
        if not moving:
            return
        for r in moving:
            if self._store.contains_named_graph(ox.NamedNode(r.graph)):
                self._store.update(f"MOVE SILENT GRAPH <{r.graph}> TO GRAPH <{r.name}>")
        if self.path is not None:
            self._store.flush()
        self._write_catalog({k: replace(r, graph=r.name) if r in moving else r for k, r in records.items()})
        self._sources = None

    # ------------------------------------------------------------------ reading
    @property
    def location(self) -> str:
        return str(self.path) if self.path is not None else ":memory:"

    def describe(self) -> str:
        if self.path is None:
            return "A store in this process's memory."
        return f"The embedded store at {self.path} (the GOVKG_STORE setting)."

    def local_dir(self) -> Path | None:
        return self.path

    def stamp(self) -> str:
        if self.path is None:
            return sources_stamp(self.sources())
        found = catalog_stamp(self.path)
        return str(found) if found else ""

    def _dataset(self, sparql: str, default_graphs: Sequence[str] | None = None,
                 named_graphs: Sequence[str] | None = None) -> dict[str, Any]:
        """Oxigraph's dataset arguments: the graphs given (live ones only), the query's FROM, or the union of
        the live graphs (Oxigraph's own union when the store holds nothing else, which is fastest)."""
        if default_graphs is not None or named_graphs is not None:
            sources = self.sources()
            return {"default_graph": [ox.NamedNode(g) for g in resolve_graphs(sources, default_graphs or ())],
                    "named_graphs": [ox.NamedNode(g) for g in resolve_graphs(sources, named_graphs or ())]}
        if FROM_CLAUSE.search(sparql):
            return {}
        if self._is_clean():
            return {"use_default_graph_as_union": True}
        graphs = self.live_graphs()
        return {"default_graph": graphs, "named_graphs": graphs}

    def raw_query(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None, timeout: float | None = None,
                  base_iri: str | None = None) -> RawAnswer:
        """The answer as pyoxigraph computes it (``timeout`` is not Oxigraph's to keep: the endpoint's query
        workers are processes, stopped at the timeout)."""
        try:
            answer: RawAnswer = self._store.query(sparql, prefixes=PREFIXES, base_iri=base_iri,
                                                  **self._dataset(sparql, default_graphs, named_graphs))
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {readable_syntax_error(str(exc), sparql)}") from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        return answer

    def query(self, sparql: str, *, limit: int | None = None) -> QueryResult:
        """Run a SPARQL query over the live graphs; rows beyond ``limit`` are cut and reported."""
        started = time.perf_counter()
        raw = self.raw_query(sparql)
        try:
            result = collect(raw, limit)
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"the query failed: {exc}") from exc
        result.seconds = time.perf_counter() - started
        return result

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """Convenience for code: a SELECT's rows as dicts of Python values (strings, numbers, None)."""
        res = self.query(sparql)
        return [{v: py_value(t) for v, t in zip(res.variables, row, strict=True)} for row in res.rows]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the live graphs."""
        return self._live_quads()

    def source_quads(self, key: str) -> Iterator[ox.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(self.sources()[key].graph)))

    def triple_count(self) -> int:
        return sum(s.triples for s in self.sources().values())

    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Serialise the live graphs: with graph names for TriG/N-Quads, as one merged graph otherwise."""
        dump_quads(self._live_quads(), output, fmt)

    def _live_quads(self) -> Iterator[ox.Quad]:
        for g in self.live_graphs():
            yield from self._store.quads_for_pattern(None, None, None, g)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for benchmarks and the SPARQL endpoint."""
        return self._store


class Staging(StagingBase):
    """New graphs written but not yet live. ``commit()`` makes them all live in one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.staged: list[StagedSource] = []
        self.removed: list[str] = []
        self._done = False

    def _new(self, key: str, content_hash: str, origin: str, ingester: str, title: str, report: str,
             name: str = "") -> StagedSource:
        old = self.store.sources().get(key)
        if name:
            check_graph_name(name, self.store.sources(), key)
        generation = (old.generation + 1) if old else 1
        graph = ox.NamedNode(f"{GRAPH}{key}/g{generation}")
        if self.store.oxigraph.contains_named_graph(graph):  # left by a process that died; not live
            self.store.oxigraph.remove_graph(graph)
        self.store._clean = False  # a graph that is not live yet: queries must name the live ones
        staged = StagedSource(key, graph, generation, content_hash, origin, ingester, title, report, name=name)
        self.staged.append(staged)
        return staged

    def put(self, key: str, data: bytes, *, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES,
            content_hash: str, origin: str, ingester: str, title: str = "", report: str = "",
            name: str = "") -> StagedSource:
        """Write ``data`` (an RDF document without graph names) as the next graph of source ``key``."""
        staged = self._new(key, content_hash, origin, ingester, title, report, name)
        inner = self.store.oxigraph
        try:
            if len(data) < _BULK_THRESHOLD:
                inner.load(data, rdf_format, to_graph=staged.graph)
            elif rdf_format == ox.RdfFormat.N_TRIPLES and b"_:" not in data:
                _parallel_bulk_load(inner, data, staged.graph)
            else:
                inner.bulk_load(data, rdf_format, to_graph=staged.graph)
        except SyntaxError as exc:
            raise StoreError(f"cannot load source {key}: {exc}") from exc
        staged.triples = _count_graph(inner, staged.graph)
        return staged

    def _commit(self) -> None:
        self.store._commit(self.staged, self.removed)

    def _sources(self) -> dict[str, SourceRecord]:
        return self.store.sources()

    def _ask(self, sparql: str) -> bool:
        return bool(self.store.oxigraph.query(sparql, prefixes=PREFIXES))

    def _select_over(self, sparql: str, graphs: list[str]) -> list[dict[str, Any]]:
        """Rows with each value as its IRI or lexical form (None when unbound). The rows travel as TSV
        written by Oxigraph, which takes about half the time of making a Python term of every value."""
        default: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.NamedNode(g) for g in graphs]
        named: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(g) for g in graphs]
        raw = self.store.oxigraph.query(sparql, prefixes=PREFIXES, default_graph=default, named_graphs=named)
        assert isinstance(raw, ox.QuerySolutions)
        return tsv_rows(raw.serialize(format=ox.QueryResultsFormat.TSV) or b"")

    def _abort(self) -> None:
        for s in self.staged:
            self.store.oxigraph.remove_graph(s.graph)
        self.staged.clear()
        self.store._clean = None


def _parallel_bulk_load(inner: ox.Store, data: bytes, graph: ox.NamedNode) -> None:
    """Bulk-load N-Triples in parts on parallel threads (pyoxigraph releases the GIL while it loads).

    One part more than there are cores: the parts finish at different times, and a spare part keeps every
    core busy to the end (measured on 2 cores at 1M triples: 3 parts ~3.7-4.0 s, 2 parts ~4.1-4.6 s)."""
    count = max(2, min(8, (os.cpu_count() or 1) + 1))
    cuts = [0]
    for i in range(1, count):
        cut = data.find(b"\n", max(cuts[-1], len(data) * i // count)) + 1
        cuts.append(cut if cut > 0 else len(data))
    cuts.append(len(data))
    parts = [data[a:b] for a, b in pairwise(cuts) if b > a]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        list(pool.map(lambda part: inner.bulk_load(part, ox.RdfFormat.N_TRIPLES, to_graph=graph), parts))


def _count_graph(inner: ox.Store, graph: ox.NamedNode) -> int:
    result = inner.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)



def catalog_stamp(store_path: str | Path) -> int:
    """Changes whenever an ingest switches the store's catalog: its modification time (0 when there is none),
    read without opening the store."""
    try:
        return os.stat(Path(store_path).expanduser() / CATALOG_FILE).st_mtime_ns
    except OSError:
        return 0
