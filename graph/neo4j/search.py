"""Semantic search with Neo4j's vector index: the same hits as the embedded search, found by Neo4j.

The vectors pushed to Neo4j come from the search index (graph/search/), so the model and the texts are the
same: each text node carries the vector of its whole text (``embedding``), and each further sentence of a
longer text is a ``:GovKGSentence`` node with its own vector, linked ``-[:SENTENCE_OF]->`` to the text node.
Both carry the label ``:Embedded``, which the vector index ``govkg_embedding`` (cosine, full precision)
covers.

:class:`Neo4jDenseIndex` plays the part that the HNSW graph (faiss) plays in the embedded index above its
exact-search limit: ``db.index.vector.queryNodes`` returns the nearest vectors, their items (and the items
linked to them) are the candidates, and the candidates are scored with the search index's own scoring (whole
text blended with the best sentence, links lending scores), so the ranking rule lives in one place. On a graph
of up to ``MIN_FETCH`` vectors Neo4j is asked for all of them, so the hits are exactly the embedded search's.
BM25, filters, fusion and explanations are the embedded searcher's, so ``--mode hybrid`` fuses Neo4j's
vector hits with the same BM25 ranking::

    with neo4j_searcher(store, settings) as searcher:
        result = searcher.search("suppliers walked away", k=10, mode="dense")
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from graph.backends import Backend
from graph.errors import StoreError
from graph.neo4j.connection import Neo4jConnection, connect
from graph.neo4j.mapping import NODE_LABEL, SENTENCE_OF
from graph.neo4j.push import VECTOR_INDEX, Embeddings, read_meta
from graph.search import Searcher
from graph.search.dense import OVERFETCH, DenseHits, DenseIndex
from graph.search.index import SearchIndex
from graph.settings import Settings

MIN_FETCH = 1000  # vectors asked of the vector index at least (a small graph: all of them, so the ranking is exact)
MAX_FETCH = 10000

_QUERY = f"""
CALL db.index.vector.queryNodes($index, $k, $q) YIELD node, score
OPTIONAL MATCH (node)-[:{SENTENCE_OF}]->(item:{NODE_LABEL})
RETURN coalesce(item.uri, node.uri) AS item, score
"""


def embeddings_from_index(index: SearchIndex) -> Embeddings:
    """The vectors of every indexed item: its whole text, then each of its points (title and sentences)."""
    dense = index.dense
    documents: dict[str, list[float]] = {}
    sentences: dict[str, list[tuple[str, list[float]]]] = {}
    for n, item in enumerate(index.items):
        units = dense.item_units(n)
        if len(units) == 0:
            continue
        documents[item.iri] = dense.vectors[units.start].astype(np.float64).tolist()
        rest = [(index.units[u].text, dense.vectors[u].astype(np.float64).tolist())
                for u in range(units.start + 1, units.stop)]
        if rest:
            sentences[item.iri] = rest
    dimension = int(dense.vectors.shape[1]) if dense.vectors.ndim == 2 else 0
    return Embeddings(index.model, dimension, index.fingerprint, documents, sentences)


def embeddings_for(store: Backend, settings: Settings) -> Embeddings:
    """The search index's vectors for the store (building or refreshing the index first if needed)."""
    return embeddings_from_index(Searcher(store, settings).index)


class Neo4jDenseIndex(DenseIndex):
    """The embedded dense index, except that the nearest vectors come from Neo4j's vector index."""

    def __init__(self, local: DenseIndex, index: SearchIndex, conn: Neo4jConnection) -> None:
        # The same state as the local index (vectors, offsets, links …), whatever its constructor takes.
        self.__dict__.update(local.__dict__)
        self.conn = conn
        self.by_iri = index.by_iri
        self.queries = 0

    def search(self, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> DenseHits:
        """The ``k`` best items for ``q`` among those ``mask`` allows, from candidates Neo4j finds."""
        empty = DenseHits(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.int64))
        if self.n_items == 0 or k <= 0:
            return empty
        ceiling = min(len(self.vectors), MAX_FETCH)
        fetch = min(ceiling, max(MIN_FETCH, k * OVERFETCH))
        vector = np.asarray(q, dtype=np.float64).tolist()
        while True:
            candidates = self.candidates(vector, fetch)
            allowed = candidates if mask is None else candidates[mask[candidates]]
            if len(allowed) >= k or fetch >= ceiling:
                break
            fetch = min(ceiling, fetch * 4)
        if not len(allowed):
            return empty
        full = np.full(self.n_items, -np.inf, dtype=np.float32)
        full[candidates] = self.score_items(q, candidates)
        # Links lend scores before the filter applies, as in the embedded index's exact search.
        full = self._propagate(full, np.isfinite(full))
        order = np.lexsort((allowed, -full[allowed]))[:k]
        items = allowed[order]
        units = np.array([self.best_unit(int(i), q) for i in items], dtype=np.int64)
        return DenseHits(items.astype(np.int64), full[items].astype(np.float32), units)

    def candidates(self, vector: list[float], fetch: int) -> np.ndarray:
        """Item numbers (sorted) of the ``fetch`` vectors nearest ``vector`` in Neo4j, and the items linked
        to them (which may lend them their score, or be lent one)."""
        self.queries += 1
        rows = self.conn.run(_QUERY, {"index": VECTOR_INDEX, "k": fetch, "q": vector}, read=True)
        found = np.array(sorted({self.by_iri[r["item"]] for r in rows if r["item"] in self.by_iri}), dtype=np.int64)
        if len(self.links) and len(found):
            near = np.isin(self.links[:, 0], found) | np.isin(self.links[:, 1], found)
            found = np.union1d(found, self.links[near].ravel())
        return found


@contextmanager
def neo4j_searcher(store: Backend, settings: Settings, **overrides: Any) -> Iterator[Searcher]:
    """A :class:`Searcher` whose dense ranking comes from Neo4j (connection settings as for ``connect``)."""
    local = Searcher(store, settings)
    index = local.index
    with connect(settings, **overrides) as conn:
        check_vectors(conn, index)
        remote = dataclasses.replace(index, dense=Neo4jDenseIndex(index.dense, index, conn))
        yield Searcher(store, settings, index=remote, embedder=local.embedder)


def check_vectors(conn: Neo4jConnection, index: SearchIndex) -> None:
    """StoreError unless Neo4j holds vectors from the same model (pushed with embeddings)."""
    meta = read_meta(conn)
    if not meta.get("embedding_model"):
        raise StoreError("Neo4j holds no embeddings", hint="run `govkg neo4j push` (without --no-embeddings)")
    if meta.get("search_fingerprint") != index.fingerprint:
        raise StoreError("the vectors in Neo4j are not those of the current search index (the store or the "
                         "model changed since the last push)", hint="run `govkg neo4j push`")
