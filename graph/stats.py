"""Counts: triples, sources, and instances of each GovKG class."""

from __future__ import annotations

from typing import Any

from graph.backends import Backend
from graph.namespaces import GK, shorten


def stats(store: Backend) -> dict[str, Any]:
    sources = store.sources()
    classes = store.select(f"""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?c), "{GK}")) }}
        GROUP BY ?c ORDER BY DESC(?n) ?c""")
    return {
        "store": store.location,
        "triples": store.triple_count(),
        "sources": len(sources),
        "classes": {shorten(r["c"]).removeprefix("gk:"): r["n"] for r in classes},
        "per_source": {k: s.triples for k, s in sources.items()},
    }
