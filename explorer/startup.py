"""The first run: when the store is empty, ingest the bundled data (showing progress) and build the search
index, then open the explorer. The only time the explorer writes to the store — the embedded store folder or,
with ``GOVKG_BACKEND=remote``, the catalog on the SPARQL server (when the server accepts updates; otherwise the
page says which command loads it)."""

from __future__ import annotations

import shlex
import threading
import time
from pathlib import Path

import streamlit as st

from explorer.context import forget_stamp
from graph.backends import Backend, open_backend
from graph.errors import GovKGError, StoreError
from graph.settings import Settings
from ingest.pipeline import Progress, ingest

_LOCK = threading.Lock()  # one first-run ingest per process, whatever the number of sessions


def first_run(settings: Settings) -> bool:
    """Ingest ``settings.data_dir`` into the empty store, showing progress; True when it worked."""
    data = Path(settings.data_dir)
    st.title("GovKG explorer")
    if settings.backend == "remote":
        st.info(f"The catalog `{settings.sparql_catalog}` on the SPARQL server at `{settings.sparql_query_url}` "
                f"has no sources. Loading the bundled data from `{data}` into it first (only this once; later "
                "runs read the server at once).")
    else:
        st.info(f"The store at `{Path(settings.store).expanduser()}` is empty. Loading the bundled data from "
                f"`{data}` first (only this once; later runs open the store at once).")
    if not _LOCK.acquire(blocking=False):
        with st.spinner("Another session is loading the data…"):
            _LOCK.acquire()
        _LOCK.release()
        forget_stamp(settings)
        return True
    try:
        return _ingest(settings, data)
    finally:
        forget_stamp(settings)
        _LOCK.release()


def ingest_command(settings: Settings) -> str:
    """The shell command that loads the bundled data into the store the settings name."""
    env = [f"GOVKG_BACKEND={settings.backend}"] if settings.backend == "remote" else [
        f"GOVKG_STORE={shlex.quote(settings.store)}"]
    if settings.backend == "remote":
        for name, value in (("GOVKG_SPARQL_QUERY_URL", settings.sparql_query_url),
                            ("GOVKG_SPARQL_UPDATE_URL", settings.sparql_update_url),
                            ("GOVKG_SPARQL_GSP_URL", settings.sparql_gsp_url),
                            ("GOVKG_SPARQL_CATALOG", settings.sparql_catalog)):
            if value:
                env.append(f"{name}={shlex.quote(value)}")
    return " ".join([*env, "govkg", "ingest", shlex.quote(settings.data_dir)])


def _ingest(settings: Settings, data: Path) -> bool:
    bar = st.progress(0.0, text="starting")
    steps = [0]
    with st.status("Ingesting the bundled data…", expanded=True) as status:
        def progress(message: str) -> None:
            steps[0] += 1
            bar.progress(min(0.95, steps[0] / 25), text=message)
            status.write(message)

        started = time.perf_counter()
        try:
            with open_backend(settings) as store:
                summary = ingest(store, [data], progress=progress)
                _build_search_index(store, settings, progress)
        except StoreError as exc:
            status.update(label="The store cannot be written", state="error")
            st.error(f"{exc.message}.")
            if exc.hint:
                st.caption(exc.hint)
            if settings.backend == "remote":
                st.caption("Load the data with a user the server lets write (or once the other writer has "
                           "finished), then reload this page:")
                st.code(ingest_command(settings), language="bash")
            else:
                st.caption("When the other process has finished, reload this page.")
            return False
        except GovKGError as exc:
            status.update(label="The bundled data could not be ingested", state="error")
            st.error(exc.render())
            return False
        bar.progress(1.0, text="done")
        written = sum(1 for o in summary.outcomes if o.status != "unchanged")
        status.update(label=f"Ingested {written} sources ({summary.total_triples:,} triples) in "
                            f"{time.perf_counter() - started:.1f} s", state="complete", expanded=False)
    return True


def _build_search_index(store: Backend, settings: Settings, progress: Progress) -> None:
    """Build the semantic search index now, so the first search does not wait for it (skipped without search,
    and for a server's data when no GOVKG_SEARCH_DIR keeps the index: the first search builds it in memory)."""
    if store.path is None and not settings.search_dir:
        progress("the search index of a server's data is built at the first search (GOVKG_SEARCH_DIR keeps it)")
        return
    try:
        from graph.search import Searcher
    except ImportError as exc:
        progress(f"semantic search is not installed ({exc}); skipping its index")
        return
    try:
        Searcher(store, settings).refresh(  # type: ignore[arg-type]  # it reads sources() and select() only
            lambda message: progress(f"search: {message}"))
    except (GovKGError, OSError) as exc:
        text = exc.render() if isinstance(exc, GovKGError) else str(exc)
        progress(f"the search index was not built ({text}); the first search builds it")
