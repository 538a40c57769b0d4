"""The search index's vectors, by item IRI, for the analytics (lessons coverage, recurring lessons): the index
embedded every lesson, recommendation and target when it was built, so the analyses compare those vectors
instead of embedding the texts again (graph.analytics.similarity.Vectors).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graph.backends import Backend
from graph.embeddings.cache import CachedEmbedder
from graph.search.index import SearchIndex
from graph.settings import Settings


class IndexVectors:
    """An item's whole-text vector (its text alone when it comes from a document) and its points' vectors."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def whole(self, iri: str) -> np.ndarray | None:
        n = self.index.by_iri.get(iri)
        if n is None or not len(self.index.documents):
            return None
        return np.asarray(self.index.documents[n], dtype=np.float32)

    def parts(self, iri: str) -> np.ndarray | None:
        n = self.index.by_iri.get(iri)
        whole = self.whole(iri)
        if n is None or whole is None:
            return None
        units = self.index.dense.item_units(n)
        points = self.index.dense.vectors[units.start + 1:units.stop]
        return np.vstack([whole[None, :], points]).astype(np.float32)


def analytics_vectors(store: Backend, settings: Settings) -> tuple[IndexVectors, Any]:
    """The index of ``store`` (built or brought in step first, when it is not) as vectors for the analytics,
    and an embedder for the texts it does not hold, in the same vector space and through the same cache."""
    from graph.search.searcher import Searcher

    return vectors_of(Searcher(store, settings))


def vectors_of(searcher: Any) -> tuple[IndexVectors, Any]:
    """:func:`analytics_vectors` from a searcher already open (the explorer's)."""
    index = searcher.index
    cache = searcher.cache()
    embedder = CachedEmbedder(searcher.embedder, cache) if cache is not None else searcher.embedder
    return IndexVectors(index), embedder
