"""Store backends: the interface every GovKG store satisfies, and the setting that chooses one.

=========== =============================================== ==========================================
backend     what                                            settings
=========== =============================================== ==========================================
embedded    :class:`graph.backends.embedded.Store`,         ``GOVKG_STORE``
            Oxigraph on disk
remote      :class:`graph.backends.remote.RemoteBackend`    ``GOVKG_SPARQL_QUERY_URL``, ``_UPDATE_URL``,
            on any SPARQL 1.1 server                        ``_GSP_URL``, ``_CATALOG``, ``_USER``, ``_PASSWORD``
=========== =============================================== ==========================================

``GOVKG_BACKEND`` picks one. The front doors (the CLI, the endpoint, the explorer) open a store only through
:func:`open_backend`, and what they need to know before opening one (:func:`location`, :func:`peek_stamp`,
:func:`store_state`, :func:`environment`, :func:`writer_guard`) comes from here too. Code below the front doors
takes a :class:`Backend` and never asks which one it has: the only place that knows is this package.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from graph.backends.base import Backend, BackendStaging, RawAnswer, WriterGuard
from graph.backends.types import QueryResult, SourceRecord, StagedSource, py_value
from graph.settings import Settings


def _remote(settings: Settings) -> bool:
    return settings.backend == "remote"


def open_backend(settings: Settings, *, read_only: bool = False) -> Backend:
    """The store the settings name: the embedded store folder, or a SPARQL server."""
    if _remote(settings):
        from graph.backends.remote import RemoteBackend

        return RemoteBackend.from_settings(settings, read_only=read_only)
    from graph.backends.embedded import Store

    return Store.open(settings.store, read_only=read_only)


def location(settings: Settings) -> str:
    """Which store the settings name, without opening it (a cache key): the folder, or the server and catalog."""
    if _remote(settings):
        return f"{settings.sparql_query_url} {settings.sparql_catalog}"
    return str(Path(settings.store).expanduser())


def where(settings: Settings) -> str:
    """The store the settings name, for a sentence: "the store at …" or "the SPARQL server at …"."""
    if _remote(settings):
        return f"the catalog `{settings.sparql_catalog}` on the SPARQL server at `{settings.sparql_query_url}`"
    return f"the store at `{Path(settings.store).expanduser()}`"


def peek_stamp(settings: Settings) -> str:
    """The version of the store the settings name ("" when it has no sources), read without opening it for
    queries: the catalog file's modification time, or a hash of a server's catalog (read at most every few
    seconds). StoreError when a server does not answer, SettingsError when its settings are incomplete."""
    if _remote(settings):
        from graph.backends.remote import peek_stamp as remote_stamp

        return remote_stamp(settings)
    from graph.backends.embedded import catalog_stamp

    found = catalog_stamp(settings.store)
    return str(found) if found else ""


def forget_stamp(settings: Settings) -> None:
    """Read the catalog again at the next :func:`peek_stamp` (after this process wrote it)."""
    if _remote(settings):
        from graph.backends.remote import forget_stamp as remote_forget

        remote_forget(settings)


def store_state(settings: Settings) -> str:
    """"missing" (no store yet), "empty" (no sources), "ready", or "not a folder" (the store path is a file)."""
    if not _remote(settings):
        from graph.backends.embedded import OXIGRAPH_DIR

        folder = Path(settings.store).expanduser()
        if folder.exists() and not folder.is_dir():
            return "not a folder"
        if not (folder / OXIGRAPH_DIR).is_dir():
            return "missing"
    return "ready" if peek_stamp(settings) else "empty"


def environment(settings: Settings) -> dict[str, str]:
    """The environment variables that name the store the settings name (for a command to show people)."""
    if not _remote(settings):
        return {"GOVKG_STORE": settings.store}
    env = {"GOVKG_BACKEND": "remote"}
    for name, value in (("GOVKG_SPARQL_QUERY_URL", settings.sparql_query_url),
                        ("GOVKG_SPARQL_UPDATE_URL", settings.sparql_update_url),
                        ("GOVKG_SPARQL_GSP_URL", settings.sparql_gsp_url),
                        ("GOVKG_SPARQL_CATALOG", settings.sparql_catalog)):
        if value:
            env[name] = value
    return env


def command_line(settings: Settings, *args: str) -> str:
    """A shell command running ``govkg ARGS`` on the store the settings name."""
    env = [f"{k}={shlex.quote(v)}" for k, v in environment(settings).items()]
    return " ".join([*env, "govkg", *(shlex.quote(a) for a in args)])


class _NoGuard:
    """A SPARQL server keeps its own readers and writers apart: nothing to hold."""

    exclusive = False

    def acquire(self) -> None:
        return None

    def release(self) -> None:
        return None


def writer_guard(settings: Settings) -> WriterGuard:
    """What ``govkg serve`` holds while it serves the store the settings name (see :class:`WriterGuard`)."""
    if _remote(settings):
        return _NoGuard()
    from graph.backends.lock import WriterLock

    return WriterLock(settings.store)


__all__ = ["Backend", "BackendStaging", "QueryResult", "RawAnswer", "SourceRecord", "StagedSource", "WriterGuard",
           "command_line", "environment", "forget_stamp", "location", "open_backend", "peek_stamp",
           "py_value", "store_state", "where", "writer_guard"]
