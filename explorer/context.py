"""What every page gets: the settings, the store opened read-only, and the things worth keeping between reruns
(the analytics' records, the searcher, the query runner, computed views), cached per store version.

The store is any :class:`~graph.backends.Backend` the settings name (``GOVKG_BACKEND``): the embedded
Oxigraph folder or a SPARQL 1.1 server. Its version is a stamp that changes whenever an ingest switches the
catalog: for the embedded store the catalog file's modification time (:func:`graph.views.refs.catalog_stamp`),
for a server a hash of the catalog's records, read again at most every :data:`STAMP_SECONDS`. After an ingest
(here or from another machine) a following rerun opens the new version, and nothing stale is served.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from graph.analytics import GovernanceData
from graph.backends import Backend, open_backend
from graph.backends.embedded import OXIGRAPH_DIR
from graph.backends.remote import RemoteBackend
from graph.backends.types import SourceRecord
from graph.errors import GovKGError, StoreError
from graph.settings import Settings
from graph.views.console import InProcessRunner, RemoteRunner, Runner, WorkerRunner
from graph.views.refs import catalog_stamp

T = TypeVar("T")

STAMP_SECONDS = 3.0  # a SPARQL server's catalog is read again at most this often (once per rerun otherwise)


def location(settings: Settings) -> str:
    """Which store the settings name, as a cache key: the store folder, or the server's query URL and catalog."""
    if settings.backend == "remote":
        return f"{settings.sparql_query_url} {settings.sparql_catalog}"
    return str(Path(settings.store).expanduser())


def sources_stamp(sources: dict[str, SourceRecord]) -> str:
    """A hash of a catalog's records ("" for an empty catalog): it changes with every switch."""
    if not sources:
        return ""
    text = "\n".join(f"{s.key} {s.graph} {s.generation} {s.content_hash} {s.ingested_at} {s.triples}"
                     for s in sorted(sources.values(), key=lambda s: s.key))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@st.cache_resource(max_entries=8, show_spinner=False)
def _catalog_reader(where: str, _settings: Settings) -> RemoteBackend:
    """One read-only connection per server and catalog, used to read the catalog for the stamp."""
    return RemoteBackend.from_settings(_settings, read_only=True)


class _Stamps:
    """The stamps of remote catalogs, each read from its server at most every STAMP_SECONDS."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, tuple[float, str]] = {}

    def get(self, settings: Settings) -> str:
        where = location(settings)
        with self.lock:
            seen = self.seen.get(where)
        if seen is not None and time.monotonic() - seen[0] < STAMP_SECONDS:
            return seen[1]
        stamp = sources_stamp(_catalog_reader(where, settings).refresh())
        with self.lock:
            self.seen[where] = (time.monotonic(), stamp)
        return stamp

    def forget(self, settings: Settings) -> None:
        with self.lock:
            self.seen.pop(location(settings), None)


_STAMPS = _Stamps()


def store_stamp(settings: Settings) -> str:
    """The version of the store the settings name ("" when it has no sources); StoreError when a server does
    not answer, SettingsError when the remote settings are incomplete."""
    if settings.backend == "remote":
        return _STAMPS.get(settings)
    found = catalog_stamp(location(settings))
    return str(found) if found else ""


def forget_stamp(settings: Settings) -> None:
    """Read a server's catalog again on the next run (after this process ingested into it)."""
    _STAMPS.forget(settings)


@st.cache_resource(max_entries=4, show_spinner=False)
def _open_store(where: str, stamp: str, _settings: Settings) -> Backend:
    return open_backend(_settings, read_only=True)


@st.cache_resource(max_entries=4, show_spinner="Reading the graph…")
def _governance(where: str, stamp: str, _store: Backend) -> GovernanceData:
    return GovernanceData.load(_store)


@st.cache_resource(max_entries=2, show_spinner=False)
def _searcher(where: str, stamp: str, model: str, _store: Backend, _settings: Settings) -> Any:
    from graph.search import Searcher

    # Searcher reads its items through sources() and select(), which every Backend has
    return Searcher(_store, _settings)  # type: ignore[arg-type]


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

    @property
    def remote(self) -> bool:
        return isinstance(self.store, RemoteBackend)

    def describe(self) -> str:
        """Where the data is read from, for the sidebar."""
        if isinstance(self.store, RemoteBackend):
            server = f" ({self.store.server.split('/')[0].strip()})" if self.store.server else ""
            return (f"The SPARQL server at {self.store.query_url}{server}, catalog graph {self.store.catalog} "
                    "(the GOVKG_BACKEND=remote and GOVKG_SPARQL_* settings).")
        return f"The embedded store at {self.where} (the GOVKG_STORE setting)."

    def data(self) -> GovernanceData:
        return _governance(self.where, self.stamp, self.store)

    def searcher(self) -> Any:
        """The semantic searcher (graph.search); ImportError when this build has no search."""
        return _searcher(self.where, self.stamp, self.settings.model, self.store, self.settings)

    def search_note(self) -> str:
        """What to know about the search index of this store ("" when nothing)."""
        if self.store.path is None and not self.settings.search_dir:
            return ("The data is on a SPARQL server, so the search index is built in this process's memory at the "
                    "first search after each change (a few seconds). Set GOVKG_SEARCH_DIR to keep it on disk.")
        return ""

    def runner(self) -> tuple[Runner, str]:
        """The SPARQL runner and a note: the server itself (remote), query workers that stop at the timeout, or
        in-process as a fallback."""
        if isinstance(self.store, RemoteBackend):
            return RemoteRunner(self.store), ""
        try:
            import graph.endpoint.workers  # noqa: F401
        except ImportError as exc:
            return InProcessRunner(self.store), f"queries run in the explorer's process and cannot be stopped ({exc})"
        return _runner_slot(self.where).get(self.settings, self.stamp), ""

    def memo(self, name: str, compute: Callable[[], T], *key: Any) -> T:
        """``compute()`` once per store version and ``(name, key)``; the result must pickle."""
        result: T = _memo(self.where, self.stamp, name, key, compute)
        return result


def store_state(settings: Settings) -> str:
    """"missing" (no store yet), "empty" (no sources), "ready", or "not a folder". For a SPARQL server,
    "empty" or "ready"; StoreError when it does not answer."""
    if settings.backend == "remote":
        return "ready" if store_stamp(settings) else "empty"
    folder = Path(settings.store).expanduser()
    if folder.exists() and not folder.is_dir():
        return "not a folder"
    if not (folder / OXIGRAPH_DIR).is_dir():
        return "missing"
    return "ready" if catalog_stamp(folder) else "empty"


def open_explorer(settings: Settings) -> Explorer:
    """The store the settings name, opened read-only (StoreError when it cannot be)."""
    where = location(settings)
    stamp = store_stamp(settings)
    try:
        store = _open_store(where, stamp, settings)
    except GovKGError:
        raise
    except Exception as exc:  # pyoxigraph raises OSError and others for a damaged or locked folder
        raise StoreError(f"cannot open the store at {where}: {exc}") from exc
    return Explorer(settings, store, stamp)
