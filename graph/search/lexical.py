"""Lexical ranking: BM25 (bm25s) over the items' text, with a small English tokenizer and suffix stemmer.

The tokenizer lowercases, keeps words of two or more letters or digits, drops common English words and strips
regular inflections (plurals, -ing, -ed, -ly …) so that "supplier" finds "suppliers". It is deliberately
simple and deterministic; query and documents go through the same function.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_WORD = re.compile(r"(?u)\b\w\w+\b")
_STOP_WORDS = """a about above after again against all also am an and any are aren't as at be because been
before being below between both but by can cannot could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is isn't it its itself just me more
most my myself no nor not of off on once only or other ought our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too under until
up upon very was we were what when where which while who whom why will with within without would you your yours
yourself yourselves one ones two may might must shall s t us via per"""
_STOP = frozenset(_STOP_WORDS.split())
_SUFFIXES = (("ational", "ate"), ("ization", "ize"), ("fulness", "ful"), ("iveness", "ive"), ("ousness", "ous"),
             ("ements", "e"), ("ement", "e"), ("ments", ""), ("ment", ""), ("ities", "ity"), ("ings", ""),
             ("ing", ""), ("ies", "y"), ("ied", "y"), ("edly", ""), ("ed", ""), ("ly", ""), ("es", ""), ("s", ""))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stemmer: enough to join regular inflections, never shorter than three letters."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: len(word) - len(suffix)] + replacement
            if suffix in ("es",) and not base.endswith(("ch", "sh", "x", "z", "ss")):
                base = word[:-1]  # "estimates" → "estimate", but "approaches" → "approach"
            if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz" and suffix in ("ing", "ed"):
                base = base[:-1]  # "stopped" → "stop"
            return _no_final_e(base)
    return _no_final_e(word)


def _no_final_e(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def tokens(text: str) -> list[str]:
    """Search terms of ``text``: lowercase words without stop words, stemmed."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("_", "")
        if len(word) < 2 or word in _STOP:
            continue
        out.append(stem(word))
    return out


class LexicalIndex:
    """BM25 scores of items for a query (bm25s, Lucene variant), with optional masks."""

    def __init__(self, model: Any, n_docs: int) -> None:
        self._bm25 = model
        self.n_docs = n_docs
        self._vocab: dict[str, int] = dict(model.vocab_dict) if model is not None else {}

    @classmethod
    def build(cls, documents: Sequence[str], *, tokenize: Callable[[str], list[str]] = tokens) -> LexicalIndex:
        import bm25s

        corpus = [tokenize(d) or [""] for d in documents]
        model = bm25s.BM25(method="lucene")
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model if corpus else None, len(documents))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder), show_progress=False)
        (folder / "lexical.json").write_text(json.dumps({"n_docs": self.n_docs}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        n_docs = int(json.loads((folder / "lexical.json").read_text(encoding="utf-8"))["n_docs"])
        if n_docs == 0:
            return cls(None, 0)
        return cls(bm25s.BM25.load(str(folder), mmap=False, show_progress=False), n_docs)

    def known(self, terms: Sequence[str]) -> list[str]:
        return [t for t in dict.fromkeys(terms) if t and t in self._vocab]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """The BM25 score of every document for the query terms (zeros when no term is known)."""
        ids = [self._vocab[t] for t in self.known(terms)]
        if not ids or self._bm25 is None:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def search(self, terms: Sequence[str], k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best documents with a positive score (ids, scores), best first."""
        scores = self.scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        return top_k(scores, k, positive=True)


def top_k(scores: np.ndarray, k: int, *, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` largest scores, best first (ties by index)."""
    n = scores.shape[0]
    if n == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    k = min(k, n)
    idx = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    idx = idx[np.lexsort((idx, -scores[idx]))]
    vals = scores[idx]
    if positive:
        keep = vals > 0
        idx, vals = idx[keep], vals[keep]
    else:
        keep = np.isfinite(vals)
        idx, vals = idx[keep], vals[keep]
    return idx.astype(np.int64), vals.astype(np.float32)
