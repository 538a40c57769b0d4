"""The backend interface: what the CLI, the ingest pipeline, the endpoint and the explorer need from a store.

Two implementations satisfy it: :class:`graph.backends.embedded.Store` (Oxigraph embedded on disk) and
:class:`graph.backends.remote.RemoteBackend` (any SPARQL 1.1 server). Both keep the same contract, which the
contract tests (``tests/test_contract.py``, over the ``backend`` fixture of ``tests/conftest.py``) run against
each:

* every source lives in its own named graph, and a catalog names the live graph of each source; a source
  staged with a ``name`` is published as the named graph of that IRI (``govkg ingest FILE --graph IRI``,
  graphs written through the endpoint), so that clients name it as they know it;
* :meth:`Backend.staging` writes new graphs that stay invisible until :meth:`BackendStaging.commit`
  switches the catalog to all of them at once (or none, when anything fails first);
* :meth:`Backend.query` sees the live graphs only, as one default graph (their union) and as named graphs,
  and cuts a result at ``limit`` rows, saying so; :meth:`Backend.raw_query` gives the same answer as a
  stream of terms, for writers that serialise it themselves (the SPARQL endpoint);
* :meth:`Backend.stamp` changes with every switch of the catalog, by this process or any other;
* :meth:`Backend.local_dir` is a folder on this machine for what GovKG keeps beside the store (the search
  index), whichever machine holds the graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.backends.types import QueryResult, SourceRecord, StagedSource
from graph.derived import ViewChange

# What raw_query gives: solutions and booleans as pyoxigraph parses or computes them, graphs as triples.
RawAnswer = ox.QuerySolutions | ox.QueryBoolean | Iterable[ox.Triple]


@runtime_checkable
class BackendStaging(Protocol):
    """New source graphs, written but not live until :meth:`commit`; a context manager that commits on
    success and aborts (drops the new graphs) on an exception."""

    def put(self, key: str, data: bytes, *, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES,
            content_hash: str, origin: str, ingester: str, title: str = "", report: str = "",
            name: str = "") -> StagedSource:
        """Write ``data`` (an RDF document without graph names) as the next graph of source ``key``;
        ``name``: publish the source as the named graph of that IRI (after the commit, queries, the protocol's
        dataset and ``GRAPH <name>`` find it under that name)."""
        ...

    def remove(self, key: str) -> None:
        """Remove source ``key`` at the commit."""
        ...

    def derive(self) -> ViewChange | None:
        """Bring the derived views (graph/derived.py) up to date with what is staged; once per staging."""
        ...

    def commit(self) -> None:
        """Make every staged graph live and every removal effective, in one atomic switch."""
        ...

    def abort(self) -> None:
        """Drop the staged graphs; the catalog is untouched."""
        ...

    def __enter__(self) -> BackendStaging: ...

    def __exit__(self, exc_type: object, *exc: object) -> None: ...


@runtime_checkable
class Backend(Protocol):
    """A GovKG store: sources with a catalog, staging and atomic commit of source graphs, SPARQL queries."""

    read_only: bool

    @property
    def location(self) -> str:
        """Where the data is, for messages and cache keys: the store folder, or the server's query URL."""
        ...

    def describe(self) -> str:
        """One sentence for people: where the data is read from and which settings say so."""
        ...

    def local_dir(self) -> Path | None:
        """A folder on this machine for what is kept beside this store (the search index); None when the
        store lives only in memory."""
        ...

    def stamp(self) -> str:
        """The catalog's version as text, read afresh: it changes with every switch ("" when empty)."""
        ...

    def sources(self) -> dict[str, SourceRecord]:
        """The live sources by key."""
        ...

    def query(self, sparql: str, *, limit: int | None = None) -> QueryResult:
        """Run a SPARQL query over the live graphs; rows beyond ``limit`` are cut and reported."""
        ...

    def raw_query(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
                  named_graphs: Sequence[str] | None = None, timeout: float | None = None,
                  base_iri: str | None = None) -> RawAnswer:
        """The answer to a query as a stream of terms. The dataset is the union of the live graphs, or the
        query's FROM clauses, or the graphs given (live ones, by their graph or published name); ``timeout``
        asks the store to stop its own work at that time where it can (a caller that must stop waiting stops
        the process); ``base_iri`` resolves relative IRIs in the query."""
        ...

    def select(self, sparql: str) -> list[dict[str, Any]]:
        """A SELECT's rows as dicts of Python values."""
        ...

    def staging(self) -> BackendStaging:
        """A set of new source graphs that become live together, or not at all."""
        ...

    def remove_sources(self, keys: Iterable[str]) -> list[SourceRecord]:
        """Remove sources by key in one switch; the records removed."""
        ...

    def triple_count(self) -> int:
        """Triples in the live graphs, from the catalog."""
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the live graphs."""
        ...

    def source_quads(self, key: str) -> Iterator[ox.Quad]:
        """The quads of one source's live graph."""
        ...

    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Serialise the live graphs (graph names kept for TriG and N-Quads)."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Backend: ...

    def __exit__(self, *exc: object) -> None: ...


class WriterGuard(Protocol):
    """What ``govkg serve`` holds while it serves a store, so that no other process writes it meanwhile, and
    lets go of while it writes itself."""

    exclusive: bool  # the server holds the store alone (Oxigraph): it may tidy it at start, and readers must
    #                  close it while the server writes; a SPARQL server keeps readers and writers apart itself

    def acquire(self) -> None: ...

    def release(self) -> None: ...
