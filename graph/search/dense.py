"""Dense ranking: cosine similarity between the query vector and each item's vectors.

An item has one vector for its whole text and, when its text has several sentences, one per sentence. Its
score blends the two: ``(1 - SENTENCE_WEIGHT) · whole-text cosine + SENTENCE_WEIGHT · best sentence cosine``,
so a long text is found by any one of its points without letting every sentence compete on its own. Items
linked in the graph (a recommendation and the lesson it addresses) then lend each other their score, damped
by ``LINK_WEIGHT``.

Up to ``exact_limit`` vectors the scores are exact (numpy, one matrix-vector product). Above it an HNSW graph
(faiss) finds the nearest vectors, and the items they belong to (and their linked items) are scored exactly
from their own vectors. Filters are a mask over items: exact search applies it directly; the HNSW search
passes it to faiss as an id selector, or, when few items pass, scores those exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.search.lexical import top_k

SENTENCE_WEIGHT = 0.35
LINK_WEIGHT = 0.9
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256
OVERFETCH = 4  # vectors fetched from the HNSW graph per wanted item


@dataclass
class DenseHits:
    items: np.ndarray  # item numbers, best first
    scores: np.ndarray  # their blended scores (after link propagation)
    units: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # best units, when known


def _empty() -> DenseHits:
    return DenseHits(np.zeros(0, np.int64), np.zeros(0, np.float32))


class DenseIndex:
    """Unit vectors grouped by item: each item's whole-text unit first, then its sentence units."""

    def __init__(self, vectors: np.ndarray, unit_item: np.ndarray, n_items: int, *, exact_limit: int,
                 links: np.ndarray | None = None, ann: Any = None) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.unit_item = np.asarray(unit_item, dtype=np.int64)
        self.n_items = n_items
        self.exact_limit = exact_limit
        if len(self.unit_item) and np.any(np.diff(self.unit_item) < 0):
            raise ValueError("units must be grouped by item, in item order")
        self.offsets = np.searchsorted(self.unit_item, np.arange(n_items + 1)).astype(np.int64)
        if n_items and np.any(self.offsets[1:] <= self.offsets[:-1]):
            raise ValueError("every item needs at least one vector")
        counts = np.diff(self.offsets)
        self.with_sentences = np.flatnonzero(counts > 1)
        self.links = np.zeros((0, 2), np.int64) if links is None else np.asarray(links, np.int64).reshape(-1, 2)
        self.ann = ann
        if self.use_ann and self.ann is None:
            self.ann = build_hnsw(self.vectors)

    @property
    def use_ann(self) -> bool:
        return len(self.vectors) > self.exact_limit

    def item_units(self, item: int) -> range:
        return range(int(self.offsets[item]), int(self.offsets[item + 1]))

    def item_vector(self, item: int) -> np.ndarray:
        """The item's whole-text vector: where 'more like this' starts from."""
        return np.asarray(self.vectors[self.offsets[item]])

    # ---------------------------------------------------------------- scoring
    def _blend(self, unit_scores: np.ndarray) -> np.ndarray:
        """Every item's blended score from the scores of all units."""
        scores = unit_scores[self.offsets[:-1]].copy()
        rich = self.with_sentences
        if len(rich):
            bounds = np.empty(2 * len(rich), dtype=np.int64)
            bounds[0::2], bounds[1::2] = self.offsets[rich] + 1, self.offsets[rich + 1]
            sentence = np.maximum.reduceat(np.append(unit_scores, -np.inf), bounds)[0::2]
            scores[rich] = (1 - SENTENCE_WEIGHT) * scores[rich] + SENTENCE_WEIGHT * sentence
        return scores

    def _propagate(self, scores: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
        """Each item's score raised to LINK_WEIGHT × the best score of the items linked to it."""
        if not len(self.links):
            return scores
        src, dst = self.links[:, 0], self.links[:, 1]
        lent = np.full(len(scores), -np.inf, dtype=np.float32)
        valid = np.isfinite(scores[dst]) if known is None else known[src] & known[dst]
        np.maximum.at(lent, src[valid], LINK_WEIGHT * scores[dst[valid]])
        return np.asarray(np.maximum(scores, lent), dtype=np.float32)

    def best_unit(self, item: int, q: np.ndarray) -> int:
        units = self.item_units(item)
        scores = self.vectors[units.start:units.stop] @ q
        return units.start + (1 + int(np.argmax(scores[1:])) if len(scores) > 1 else 0)

    def score_items(self, q: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Blended scores of some items (without link propagation)."""
        scores = np.empty(len(items), dtype=np.float32)
        for n, i in enumerate(items):
            s = self.vectors[self.offsets[i]:self.offsets[i + 1]] @ q
            scores[n] = s[0] if len(s) == 1 else (1 - SENTENCE_WEIGHT) * s[0] + SENTENCE_WEIGHT * s[1:].max()
        return scores

    # ---------------------------------------------------------------- search
    def search(self, q: np.ndarray, k: int, mask: np.ndarray | None = None) -> DenseHits:
        """The ``k`` best items for the query vector ``q`` (unit length), among those ``mask`` allows."""
        if self.n_items == 0 or k <= 0:
            return _empty()
        if self.use_ann:
            allowed = self.n_items if mask is None else int(mask.sum())
            per_item = len(self.vectors) / max(self.n_items, 1)
            if allowed * per_item > self.exact_limit:
                return self._ann_search(q, k, mask)
        scores = self._blend(self.vectors @ q)
        scores = self._propagate(scores)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        items, vals = top_k(scores, k)
        return DenseHits(items, vals)

    def _ann_search(self, q: np.ndarray, k: int, mask: np.ndarray | None) -> DenseHits:
        import faiss

        one_each = len(self.vectors) == self.n_items
        fetch = k if one_each and not len(self.links) else k * OVERFETCH
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = max(HNSW_EF_SEARCH, fetch)
        if mask is not None:
            bits = np.packbits(mask[self.unit_item], bitorder="little")
            params.sel = faiss.IDSelectorBitmap(len(self.unit_item), faiss.swig_ptr(bits))
        _, ids = self.ann.search(q.reshape(1, -1), fetch, params=params)
        candidates = np.unique(self.unit_item[ids[0][ids[0] >= 0]])
        if len(self.links):  # linked items may lend a candidate its score, or be lent one
            near = np.isin(self.links[:, 0], candidates) | np.isin(self.links[:, 1], candidates)
            candidates = np.union1d(candidates, self.links[near].ravel())
        if mask is not None:
            candidates = candidates[mask[candidates]]
        scores = self.vectors[candidates] @ q if one_each else self.score_items(q, candidates)
        full = np.full(self.n_items, -np.inf, dtype=np.float32)
        full[candidates] = scores
        known = np.isfinite(full)
        full = self._propagate(full, known)
        order = np.argsort(-full[candidates], kind="stable")[:k]
        items = candidates[order]
        return DenseHits(items.astype(np.int64), full[items].astype(np.float32))

    # ---------------------------------------------------------------- disk
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "vectors.npy", self.vectors)
        np.save(folder / "unit_item.npy", self.unit_item.astype(np.int32))
        np.save(folder / "links.npy", self.links)
        if self.ann is not None:
            import faiss

            faiss.write_index(self.ann, str(folder / "hnsw.faiss"))

    @classmethod
    def load(cls, folder: Path, n_items: int, *, exact_limit: int) -> DenseIndex:
        vectors = np.load(folder / "vectors.npy")
        unit_item = np.load(folder / "unit_item.npy").astype(np.int64)
        links = np.load(folder / "links.npy")
        ann = None
        if len(vectors) > exact_limit and (folder / "hnsw.faiss").exists():
            import faiss

            ann = faiss.read_index(str(folder / "hnsw.faiss"))
        return cls(vectors, unit_item, n_items, exact_limit=exact_limit, links=links, ann=ann)


def build_hnsw(vectors: np.ndarray, *, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION) -> Any:
    """An HNSW graph over unit vectors with inner-product (= cosine, for unit vectors) distance."""
    try:
        import faiss
    except ImportError as exc:
        from graph.embeddings.model import INSTALL, SearchUnavailable

        raise SearchUnavailable("approximate search above the exact-search limit needs faiss-cpu",
                                hint=f"install it with {INSTALL}, or raise GOVKG_SEARCH_EXACT_LIMIT") from exc
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index
