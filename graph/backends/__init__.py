"""Store backends: the interface every GovKG store satisfies, and the setting that chooses one.

=========== ============================================ ==========================================
backend     what                                         settings
=========== ============================================ ==========================================
embedded    :class:`graph.backends.embedded.Store`, Oxigraph on disk ``GOVKG_STORE``
remote      :class:`graph.backends.remote.RemoteBackend` ``GOVKG_SPARQL_QUERY_URL``, ``_UPDATE_URL``,
            on any SPARQL 1.1 server                     ``_GSP_URL``, ``_CATALOG``, ``_USER``, ``_PASSWORD``
=========== ============================================ ==========================================

``GOVKG_BACKEND`` picks one; :func:`open_backend` opens it. Code below the front doors takes a
:class:`Backend` and never asks which one it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.backends.base import Backend, BackendStaging
from graph.backends.embedded import Store
from graph.settings import Settings

if TYPE_CHECKING:
    from graph.backends.remote import RemoteBackend

    def _store_is_a_backend(store: Store) -> Backend:  # checked by mypy: Store satisfies the interface
        return store

    def _remote_is_a_backend(remote: RemoteBackend) -> Backend:
        return remote


def open_backend(settings: Settings, *, read_only: bool = False) -> Backend:
    """The store the settings name: the embedded store folder, or a SPARQL server."""
    if settings.backend == "remote":
        from graph.backends.remote import RemoteBackend

        return RemoteBackend.from_settings(settings, read_only=read_only)
    return Store.open(settings.store, read_only=read_only)


def describe(backend: Backend) -> str:
    """Where a backend keeps its data, for messages: the store folder or the server's query URL."""
    location = getattr(backend, "location", None)
    if isinstance(location, str):
        return location
    return str(backend.path) if backend.path is not None else ":memory:"


__all__ = ["Backend", "BackendStaging", "describe", "open_backend"]
