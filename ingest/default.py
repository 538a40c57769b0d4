"""The default ingest, what ``govkg ingest`` with no path and the explorer's first run do: the curated data and
the public datasets (the bundled snapshot, or the releases ``govkg datasets update`` fetched), then the links
between them (``govkg reconcile``), then the search index — in one run, each stage told to ``progress``.

The data goes in one atomic switch of the store's catalog (ingest/pipeline.py); the reconciliation, which reads
the store, in a second one. The index is built (or brought in step) last, beside the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from graph.backends import Backend
from graph.errors import GovKGError
from graph.progress import Progress
from graph.settings import Settings
from ingest.pipeline import SourceOutcome, Summary, ingest
from ingest.snapshot import default_paths, selected


def ingest_default(store: Backend, settings: Settings, *, curated_only: bool = False, force: bool = False,
                   progress: Progress | None = None) -> Summary:
    """Ingest the curated data and (unless ``curated_only``, or the ``datasets`` setting says none) the public
    datasets, then reconcile them when any dataset is in the store."""
    paths: Sequence[Path] = [Path(settings.data_dir)] if curated_only else default_paths(settings)
    summary = ingest(store, list(paths), force=force, progress=progress)
    if not curated_only and selected(settings):
        outcome = reconcile_store(store, progress)
        summary.outcomes = sorted([*summary.outcomes, outcome], key=lambda o: o.key)
        summary.total_triples = store.triple_count()
    return summary


def reconcile_store(store: Backend, progress: Progress | None = None) -> SourceOutcome:
    """Work out the links between the curated data and the datasets in the store and write them (the
    ``reconciliation`` source), as ``govkg reconcile`` does."""
    from ingest.reconcile import reconcile

    say = progress or (lambda _message: None)
    say("reconciling the curated data and the datasets")
    result = reconcile(store)
    summary = ingest(store, [], extra=[result.prepared()], progress=lambda m: say(f"reconciliation: {m}"))
    outcome = next(o for o in summary.outcomes if o.key == "reconciliation")
    links = len(result.matches)
    outcome.note = f"{links} links, {len(result.memberships)} trust memberships, {len(result.ambiguous)} ambiguous"
    return outcome


def refresh_index(store: Backend, settings: Settings, progress: Progress | None = None) -> dict[str, Any]:
    """Build the search index of the store, or bring it in step (embedding only new or changed texts); what
    was done. ``{"status": "not installed", …}`` when semantic search is not installed."""
    try:
        from graph.search import Searcher
    except ImportError as exc:
        return {"status": "not installed", "note": str(exc)}
    say = progress or (lambda _message: None)
    return Searcher(store, settings).refresh(lambda message: say(message if message.startswith("search")
                                                                 else f"search: {message}"))


def index_or_warning(store: Backend, settings: Settings, progress: Progress | None = None) -> dict[str, Any]:
    """:func:`refresh_index`, with a failure turned into ``{"status": "failed", "note": …}`` (the ingest
    itself stands; the first search builds the index)."""
    try:
        return refresh_index(store, settings, progress)
    except (GovKGError, OSError) as exc:
        text = exc.render() if isinstance(exc, GovKGError) else str(exc)
        return {"status": "failed", "note": text}
