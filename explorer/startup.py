"""The first run: when the store is empty, do what ``govkg ingest`` does with no path — the curated data and the
public datasets, reconciled, and the search index (ingest/default.py) — showing each stage and its progress,
then open the explorer. The only time the explorer writes to the store — the embedded store folder or, with
``GOVKG_BACKEND=remote``, the catalog on the SPARQL server (when the server accepts updates; otherwise the page
says which command loads it)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import streamlit as st

from graph.backends import command_line, forget_stamp, open_backend, where
from graph.errors import GovKGError, StoreError
from graph.progress import Stage, Stages
from graph.settings import Settings
from ingest.default import index_or_warning, ingest_default
from ingest.snapshot import selected

_LOCK = threading.Lock()  # one first-run ingest per process, whatever the number of sessions


def first_run(settings: Settings) -> bool:
    """Ingest the bundled data into the empty store, showing progress; True when it worked."""
    data = Path(settings.data_dir)
    datasets = [d.title for d in selected(settings)]
    also = f" and the public datasets ({', '.join(datasets)})" if datasets else ""
    st.title("GovKG explorer")
    st.info(f"{where(settings)[0].upper()}{where(settings)[1:]} is empty. Loading the bundled data from "
            f"`{data}`{also} into it first, with the search index (only this once; later runs open it at once).")
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
    return command_line(settings, "ingest")


class StreamlitDisplay:
    """The stages of the first run in a Streamlit status box, one line each with its time, and a progress bar
    for the stage under way (its count when it has one)."""

    def __init__(self, status: Any, bar: Any) -> None:
        self.status, self.bar = status, bar

    def begin(self, stage: Stage) -> None:
        self.bar.progress(0.0, text=stage.name)

    def update(self, stage: Stage) -> None:
        if stage.total:
            self.bar.progress(min(1.0, stage.done / stage.total),
                              text=f"{stage.name}: {stage.done:,} of {stage.total:,}")

    def end(self, stage: Stage) -> None:
        self.status.write(f"{stage.name} ({stage.seconds:.1f} s)" if stage.seconds >= 1 else stage.name)


def _ingest(settings: Settings, data: Path) -> bool:
    bar = st.progress(0.0, text="starting")
    with st.status("Ingesting the bundled data…", expanded=True) as status:
        started = time.perf_counter()
        try:
            with open_backend(settings) as store, Stages(StreamlitDisplay(status, bar)) as progress:
                summary = ingest_default(store, settings, progress=progress)
                index = index_or_warning(store, settings, progress)
                if index.get("status") == "failed":
                    status.write(f"the search index was not built ({index['note']}); the first search builds it")
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
