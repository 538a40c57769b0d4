"""The staging every backend shares: new source graphs that become live together in one switch of the catalog,
or not at all, with the derived views (graph/derived.py) brought up to date in the same switch."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol, Self

import pyoxigraph as ox

from graph import derived
from graph.backends.types import SourceRecord, StagedSource
from graph.derived import ViewChange


class _Writable(Protocol):
    def sources(self) -> dict[str, SourceRecord]: ...

    def staging(self) -> StagingBase: ...


def remove_sources(store: _Writable, keys: Iterable[str]) -> list[SourceRecord]:
    """Remove sources from a store in one switch, through a staging, so that the derived views are brought
    up to date in the same switch; the records removed."""
    records = [store.sources()[k] for k in keys]
    with store.staging() as stage:
        for r in records:
            stage.remove(r.key)
    return records


class StagingBase:
    """A set of staged sources used as a context manager: committed when the block ends normally, aborted
    (the staged graphs dropped) when it raises. Subclasses write ``put``, ``remove``, ``_commit``, ``_abort``,
    ``_sources`` (the catalog it stages against), ``_ask`` and ``_select_over`` (queries over given graphs).

    Before the switch, :meth:`derive` brings the derived views (graph/derived.py) up to date with what is
    being committed, so sources and views always change together."""

    _done = False
    _derived = False
    staged: list[StagedSource]
    removed: list[str]

    def put(self, key: str, data: bytes, *, rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES,
            content_hash: str, origin: str, ingester: str, title: str = "", report: str = "",
            name: str = "") -> StagedSource:
        raise NotImplementedError

    def remove(self, key: str) -> None:
        self.removed.append(key)

    def _commit(self) -> None:
        raise NotImplementedError

    def _abort(self) -> None:
        raise NotImplementedError

    def _sources(self) -> dict[str, SourceRecord]:
        raise NotImplementedError

    def _ask(self, sparql: str) -> bool:
        raise NotImplementedError

    def _select_over(self, sparql: str, graphs: list[str]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def preview_graphs(self) -> list[str]:
        """The graphs that will be live after the commit (the derived view's own graph left out)."""
        replaced = {s.key for s in self.staged} | set(self.removed) | {derived.DERIVED_KEY}
        live = [r.graph for k, r in self._sources().items() if k not in replaced]
        return live + [s.graph.value for s in self.staged if s.key != derived.DERIVED_KEY]

    def preview_select(self, sparql: str) -> list[dict[str, Any]]:
        """A SELECT's rows (plain Python values) over the graphs as they will be after the commit."""
        return self._select_over(sparql, self.preview_graphs())

    def derive(self) -> ViewChange | None:
        """Recompute the derived views when what is staged or removed can change them (at most once).
        Returns what happened to the view when it was recomputed, else None."""
        if self._derived:
            return None
        self._derived = True
        sources = self._sources()
        keys = {s.key for s in self.staged} | set(self.removed)
        if derived.DERIVED_KEY in keys:
            return None  # the caller writes the view itself
        touched = [s.graph.value for s in self.staged] + [sources[k].graph for k in keys if k in sources]
        has_view = derived.DERIVED_KEY in sources
        if not any(self._ask(derived.trigger_ask(g)) for g in touched):
            if has_view:
                return None
            graphs = self.preview_graphs()  # no view yet (a store written before views existed)
            if not graphs or not self._select_over(derived.ANY_ACCOUNTABILITY, graphs):
                return None
        data, counts = derived.compute(self.preview_select)
        if counts["accountabilities"] == 0:
            if has_view:
                self.remove(derived.DERIVED_KEY)
                return derived.ViewChange("removed", 0, counts)
            return None
        digest = derived.content_hash(data)
        if has_view and sources[derived.DERIVED_KEY].content_hash == digest:
            return derived.ViewChange("unchanged", sources[derived.DERIVED_KEY].triples, counts)
        staged = self.put(derived.DERIVED_KEY, data, content_hash=digest, origin="graph/derived.py",
                          ingester=derived.DERIVED_INGESTER, title=derived.DERIVED_TITLE, report=json.dumps(counts))
        return derived.ViewChange("written", staged.triples, counts)

    def commit(self) -> None:
        try:
            self.derive()
            if self.staged or self.removed:
                self._commit()
        except BaseException:
            self.abort()
            raise
        self._done = True

    def abort(self) -> None:
        self._done = True
        self._abort()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if not self._done:
            if exc_type is None:
                self.commit()
            else:
                self.abort()
