"""The backend interface: what the CLI, the ingest pipeline and the explorer need from a store.

Two implementations satisfy it: :class:`graph.backends.embedded.Store` (Oxigraph embedded on disk, unchanged) and
:class:`graph.backends.remote.RemoteBackend` (any SPARQL 1.1 server). Both keep the same contract, which
``tests/test_backends.py`` runs against each:

* every source lives in its own named graph, and a catalog names the live graph of each source;
* :meth:`Backend.staging` writes new graphs that stay invisible until :meth:`BackendStaging.commit`
  switches the catalog to all of them at once (or none, when anything fails first);
* :meth:`Backend.query` sees the live graphs only, as one default graph (their union) and as named graphs,
  and cuts a result at ``limit`` rows, saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import pyoxigraph as ox

from graph.backends.types import QueryResult, SourceRecord, StagedSource
from graph.derived import ViewChange


@runtime_checkable
class BackendStaging(Protocol):
    """New source graphs, written but not live until :meth:`commit`; a context manager that commits on
    success and aborts (drops the new graphs) on an exception."""

    def put(self, key: str, data: bytes, *, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES,
            content_hash: str, origin: str, ingester: str, title: str = "", report: str = "") -> StagedSource:
        """Write ``data`` (an RDF document without graph names) as the next graph of source ``key``."""
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

    path: Path | None  # the store folder of an embedded store; None for a remote one
    read_only: bool

    def sources(self) -> dict[str, SourceRecord]:
        """The live sources by key."""
        ...

    def query(self, sparql: str, *, limit: int | None = None) -> QueryResult:
        """Run a SPARQL query over the live graphs; rows beyond ``limit`` are cut and reported."""
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
