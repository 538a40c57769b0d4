"""What every page gets: the settings, the store opened read-only, and the things worth keeping between reruns
(the analytics' records, the searcher, the query runner, computed views), cached per store version.

The store's version is its catalog's modification time (:func:`graph.views.refs.catalog_stamp`): after an
ingest from the command line the next rerun opens the new version, and nothing stale is served.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from graph.analytics import GovernanceData
from graph.errors import GovKGError, StoreError
from graph.settings import Settings
from graph.store import OXIGRAPH_DIR, Store
from graph.views.console import InProcessRunner, Runner, WorkerRunner
from graph.views.refs import catalog_stamp

T = TypeVar("T")


@st.cache_resource(max_entries=4, show_spinner=False)
def _open_store(path: str, stamp: int) -> Store:
    return Store.open(path, read_only=True)


@st.cache_resource(max_entries=4, show_spinner="Reading the graph…")
def _governance(path: str, stamp: int, _store: Store) -> GovernanceData:
    return GovernanceData.load(_store)


@st.cache_resource(max_entries=2, show_spinner=False)
def _searcher(path: str, stamp: int, model: str, _store: Store, _settings: Settings) -> Any:
    from graph.search import Searcher

    return Searcher(_store, _settings)


@st.cache_data(max_entries=512, show_spinner=False)
def _memo(path: str, stamp: int, name: str, key: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


class _RunnerSlot:
    """One query runner per store folder, replaced (its worker stopped) when the store changes."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp = -1
        self.runner: WorkerRunner | None = None

    def get(self, settings: Settings, stamp: int) -> WorkerRunner:
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
    store: Store
    stamp: int

    @property
    def path(self) -> str:
        return str(Path(self.settings.store).expanduser())

    def data(self) -> GovernanceData:
        return _governance(self.path, self.stamp, self.store)

    def searcher(self) -> Any:
        """The semantic searcher (graph.search); ImportError when this build has no search."""
        return _searcher(self.path, self.stamp, self.settings.model, self.store, self.settings)

    def runner(self) -> tuple[Runner, str]:
        """The SPARQL runner and a note: query workers that stop at the timeout, or in-process as a fallback."""
        try:
            import graph.endpoint.workers  # noqa: F401
        except ImportError as exc:
            return InProcessRunner(self.store), f"queries run in the explorer's process and cannot be stopped ({exc})"
        return _runner_slot(self.path).get(self.settings, self.stamp), ""

    def memo(self, name: str, compute: Callable[[], T], *key: Any) -> T:
        """``compute()`` once per store version and ``(name, key)``; the result must pickle."""
        result: T = _memo(self.path, self.stamp, name, key, compute)
        return result


def store_state(settings: Settings) -> str:
    """"missing" (no store yet), "empty" (no sources), "ready", or "not a folder"."""
    folder = Path(settings.store).expanduser()
    if folder.exists() and not folder.is_dir():
        return "not a folder"
    if not (folder / OXIGRAPH_DIR).is_dir():
        return "missing"
    return "ready" if catalog_stamp(folder) else "empty"


def open_explorer(settings: Settings) -> Explorer:
    """The store at ``settings.store``, opened read-only (StoreError when it cannot be)."""
    path = str(Path(settings.store).expanduser())
    stamp = catalog_stamp(path)
    try:
        store = _open_store(path, stamp)
    except GovKGError:
        raise
    except Exception as exc:  # pyoxigraph raises OSError and others for a damaged or locked folder
        raise StoreError(f"cannot open the store at {path}: {exc}") from exc
    return Explorer(settings, store, stamp)
