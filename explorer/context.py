"""What every page gets: the settings, the store opened read-only, and the things worth keeping between reruns
(the analytics' records, the searcher, the query runner, computed views), cached per store version.

The store is any :class:`~graph.backends.Backend` the settings name (``GOVKG_BACKEND``): the embedded
Oxigraph folder or a SPARQL 1.1 server. Its version is a stamp that changes whenever an ingest switches the
catalog (:func:`graph.backends.peek_stamp`: the catalog file's modification time, or a hash of a server's
catalog read at most every few seconds). After an ingest (here or from another machine) a following rerun
opens the new version, and nothing stale is served.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from graph.analytics import GovernanceData
from graph.backends import Backend, location, open_backend, peek_stamp
from graph.errors import GovKGError, StoreError
from graph.settings import Settings
from graph.views.console import InProcessRunner, Runner, WorkerRunner

T = TypeVar("T")


@st.cache_resource(max_entries=4, show_spinner=False)
def _open_store(where: str, stamp: str, _settings: Settings) -> Backend:
    return open_backend(_settings, read_only=True)


@st.cache_resource(max_entries=4, show_spinner="Reading the graph…")
def _governance(where: str, stamp: str, _store: Backend) -> GovernanceData:
    return GovernanceData.load(_store)


@st.cache_resource(max_entries=2, show_spinner=False)
def _searcher(where: str, stamp: str, model: str, _store: Backend, _settings: Settings) -> Any:
    from graph.search import Searcher

    return Searcher(_store, _settings)


@st.cache_data(max_entries=512, show_spinner=False)
def _memo(where: str, stamp: str, name: str, key: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


class _RunnerSlot:
    """One query runner per store folder, replaced (its worker stopped) when the store changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp = ""
        self.runner: WorkerRunner | None = None

    def get(self, settings: Settings, stamp: str) -> WorkerRunner:
        with self.lock:
            if self.runner is None or self.stamp != stamp:
                if self.runner is not None:
                    self.runner.close()
                self.runner, self.stamp = WorkerRunner(settings), stamp
            return self.runner


@st.cache_resource(show_spinner=False)
def _runner_slot(path: str) -> _RunnerSlot:
    return _RunnerSlot()


@dataclass
class Explorer:
    """The settings and the open store of one script run, with cached helpers."""

    settings: Settings
    store: Backend
    stamp: str

    @property
    def where(self) -> str:
        """The store's cache key: its folder, or its server's query URL and catalog graph."""
        return location(self.settings)

    def describe(self) -> str:
        """Where the data is read from, for the sidebar."""
        return self.store.describe()

    def data(self) -> GovernanceData:
        return _governance(self.where, self.stamp, self.store)

    def searcher(self) -> Any:
        """The semantic searcher (graph.search); ImportError when this build has no search."""
        return _searcher(self.where, self.stamp, self.settings.model, self.store, self.settings)

    def runner(self) -> tuple[Runner, str]:
        """The SPARQL runner and a note: query workers that are stopped at the timeout (on a SPARQL server, the
        server is asked to stop too), or in-process as a fallback."""
        try:
            import graph.endpoint.workers  # noqa: F401
        except ImportError as exc:
            return InProcessRunner(self.store), f"queries run in the explorer's process and cannot be stopped ({exc})"
        return _runner_slot(self.where).get(self.settings, self.stamp), ""

    def memo(self, name: str, compute: Callable[[], T], *key: Any) -> T:
        """``compute()`` once per store version and ``(name, key)``; the result must pickle."""
        result: T = _memo(self.where, self.stamp, name, key, compute)
        return result


def open_explorer(settings: Settings) -> Explorer:
    """The store the settings name, opened read-only (StoreError when it cannot be)."""
    where = location(settings)
    stamp = peek_stamp(settings)
    try:
        store = _open_store(where, stamp, settings)
    except GovKGError:
        raise
    except Exception as exc:  # pyoxigraph raises OSError and others for a damaged or locked folder
        raise StoreError(f"cannot open the store at {where}: {exc}") from exc
    return Explorer(settings, store, stamp)
