"""Staging on a SPARQL server: new source graphs uploaded under fresh names, invisible until the commit.

See graph/backends/remote.py for the design (pending marks, the guarded catalog switch, garbage).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from graph.backends.staging import StagingBase
from graph.backends.types import SourceRecord, StagedSource, check_graph_name
from graph.errors import StoreError
from graph.namespaces import GRAPH

if TYPE_CHECKING:
    from graph.backends.remote import RemoteBackend


class RemoteStaging(StagingBase):
    """New graphs on the server, invisible until :meth:`commit` switches the catalog to them."""

    def __init__(self, backend: RemoteBackend) -> None:
        self.backend = backend
        state = backend._catalog()
        backend._sources = state.sources  # stage against the catalog as it is now
        self.version = state.version
        self.staged: list[StagedSource] = []
        self.removed: list[str] = []
        self._done = False

    def put(self, key: str, data: bytes, *, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES,
            content_hash: str, origin: str, ingester: str, title: str = "", report: str = "",
            name: str = "") -> StagedSource:
        """Upload ``data`` (an RDF document without graph names) as the next graph of source ``key``."""
        old = self.backend.sources().get(key)
        if name:
            check_graph_name(name, self.backend.sources(), key)
        generation = (old.generation + 1) if old else 1
        graph = ox.NamedNode(f"{GRAPH}{key}/g{generation}-{secrets.token_hex(4)}")
        try:
            ntriples = _as_ntriples(data, rdf_format)
        except SyntaxError as exc:
            raise StoreError(f"cannot load source {key}: {exc}") from exc
        self.backend._mark_pending(graph.value)
        staged = StagedSource(key, graph, generation, content_hash, origin, ingester, title, report, name=name)
        self.staged.append(staged)  # before the upload, so that abort() drops a half-written graph
        try:
            self.backend._upload(graph.value, ntriples)
        except StoreError as exc:
            raise StoreError(f"cannot load source {key}: {exc.message}", hint=exc.hint) from exc
        staged.triples = self.backend._count(graph.value)
        return staged

    def _commit(self) -> None:
        self.backend._commit(self.staged, self.removed, self.version)

    def _sources(self) -> dict[str, SourceRecord]:
        return self.backend.sources()

    def _ask(self, sparql: str) -> bool:
        return self.backend._ask(sparql)

    def _select_over(self, sparql: str, graphs: list[str]) -> list[dict[str, Any]]:
        return self.backend.select_over(sparql, graphs)

    def _abort(self) -> None:
        graphs = [s.graph.value for s in self.staged]
        self.staged.clear()
        self.backend._drop(graphs)


def _as_ntriples(data: bytes, rdf_format: ox.RdfFormat) -> bytes:
    if rdf_format == ox.RdfFormat.N_TRIPLES:
        return data
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, rdf_format))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
