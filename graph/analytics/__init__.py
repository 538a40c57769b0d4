"""Governance analytics over the graph, with networkx and sentence embeddings.

One concept per module, each a set of plain functions that take :class:`GovernanceData` (the records read from
a store) and return dataclasses; :func:`plain` turns any result into JSON-ready data::

    data = GovernanceData.load(store)
    overlaps(data)                      # accountability: same kind of role held by two lines at once
    gaps(data)                          # accountability: a scope with no leading holder inside its life
    lineage_of(data, body_iri)          # lineage: today's successor, the chain, what it inherited
    changes_between(data, date1, date2) # changes: accountabilities added, removed, transferred
    lesson_coverage(data)               # coverage: lessons covered / partial / not covered; targets without precedent
    recurring_lessons(data)             # recurring: lessons raised again across sources and years
    analyse_network(body_network(data)) # network: centrality, communities; write_network() for Gephi

Importing the package loads numpy only (networkx when the body network is first used); the embedding model loads when a similarity is first
needed (:mod:`graph.analytics.similarity`).
"""

from graph.analytics.accountability import accountable, gaps, lapsed, overlap_years, overlaps, timeline
from graph.analytics.changes import changes_between, transfers
from graph.analytics.coverage import lesson_coverage
from graph.analytics.data import GovernanceData, parse_when
from graph.analytics.lineage import lineage_of, orphans
from graph.analytics.recurring import recurring_lessons
from graph.analytics.serial import plain


def __getattr__(name: str) -> object:
    """The body network's functions, imported on first use (networkx takes a moment to import, and most
    commands never need it)."""
    if name in ("analyse_network", "body_network", "write_network"):
        from graph.analytics import network

        return getattr(network, name)
    raise AttributeError(f"module 'graph.analytics' has no attribute {name!r}")

__all__ = [
    "GovernanceData", "accountable", "analyse_network", "body_network", "changes_between", "gaps", "lapsed",
    "lesson_coverage", "lineage_of", "orphans", "overlap_years", "overlaps", "parse_when", "plain",
    "recurring_lessons", "timeline", "transfers", "write_network",
]
