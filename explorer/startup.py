"""The first run: when the store is empty, ingest the bundled data (showing progress) and build the search
index, then open the explorer. The only time the explorer writes to the store — the embedded store folder or,
with ``GOVKG_BACKEND=remote``, the catalog on the SPARQL server (when the server accepts updates; otherwise the
page says which command loads it)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import streamlit as st

from graph.backends import Backend, command_line, forget_stamp, open_backend, where
from graph.errors import GovKGError, StoreError
from graph.settings import Settings
from ingest.pipeline import Progress, ingest

_LOCK = threading.Lock()  # one first-run ingest per process, whatever the number of sessions


def first_run(settings: Settings) -> bool:
    """Ingest ``settings.data_dir`` into the empty store, showing progress; True when it worked."""
    data = Path(settings.data_dir)
    st.title("GovKG explorer")
    st.info(f"{where(settings)[0].upper()}{where(settings)[1:]} is empty. Loading the bundled data from "
            f"`{data}` into it first (only this once; later runs open it at once).")
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
    return command_line(settings, "ingest", settings.data_dir)


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
            st.caption("Load the data once the other writer has finished (or, on a SPARQL server, as a user it "
                       "lets write), then reload this page:")
            st.code(ingest_command(settings), language="bash")
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
    """Build the semantic search index now, so the first search does not wait for it (skipped without search)."""
    try:
        from graph.search import Searcher
    except ImportError as exc:
        progress(f"semantic search is not installed ({exc}); skipping its index")
        return
    try:
        Searcher(store, settings).refresh(
            lambda message: progress(f"search: {message}"))
    except (GovKGError, OSError) as exc:
        text = exc.render() if isinstance(exc, GovKGError) else str(exc)
        progress(f"the search index was not built ({text}); the first search builds it")
