"""The statement and heading classifiers: linear models over sentence embeddings, shipped as plain arrays.

The model file (``ingest/documents/model/statements.json``, package data) is written by ``python -m
ingest.documents.train`` from the labelled statements in ``data/documents/labelled/``. It holds two
multinomial logistic regressions as numbers — weights, intercepts, class and feature names — so prediction is a
matrix product and a softmax in numpy:

* **statements**: finding, recommendation, lesson, figure or other, from the statement's embedding, its
  structure features (features.py) and its words (tf-idf of words and word pairs over a vocabulary learned from
  the training statements, shipped with their inverse document frequencies);
* **headings**: what kind of statement a heading or a list's lead-in introduces (finding, recommendation,
  lesson, figure or none), from its embedding alone, for wordings the cue words of classify.py do not know.

Embeddings come from the model the project ships (all-MiniLM-L6-v2) on the ONNX path of graph/search: exported
once per machine and checked against torch, then loaded without torch. The model file records the embedding
model and the vector of a probe sentence; a different embedding (another model, a broken export) is refused
and the ingester falls back to cue phrases, saying so in its report.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

MODEL_FILE = Path(__file__).resolve().parent / "model" / "statements.json"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"
PROBE = "The programme board did not track the benefits it had promised."
FORMAT = 2  # 2: the words' vocabulary and idf beside the weights
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the words, as scikit-learn's TfidfVectorizer takes them


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> Any: ...


class ModelUnavailable(Exception):
    """Why the trained classifier cannot be used (the reason goes into the ingest report)."""


@dataclass(frozen=True)
class Linear:
    classes: tuple[str, ...]
    coef: Any  # numpy array, classes × features
    intercept: Any  # numpy array, classes

    def proba(self, x: Any) -> Any:
        import numpy as np

        scores = np.asarray(x, dtype=np.float64) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def as_json(self) -> dict[str, Any]:
        return {"classes": list(self.classes), "coef": [[round(float(v), 6) for v in row] for row in self.coef],
                "intercept": [round(float(v), 6) for v in self.intercept]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        import numpy as np

        return cls(tuple(data["classes"]), np.asarray(data["coef"], dtype=np.float64),
                   np.asarray(data["intercept"], dtype=np.float64))


@dataclass(frozen=True)
class Words:
    """Tf-idf of a statement's words and word pairs, as scikit-learn's TfidfVectorizer computes it with
    ``ngram_range=(1, 2)``, ``sublinear_tf=True`` and its other defaults (lower case, words of two or more
    characters, smoothed idf, rows scaled to unit length): the same numbers, without scikit-learn."""

    vocabulary: dict[str, int]  # term → column
    idf: Any  # numpy array, one per column

    @staticmethod
    def terms(text: str) -> list[str]:
        tokens = _TOKEN.findall(text.lower())
        return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]

    def matrix(self, texts: Sequence[str]) -> Any:
        import numpy as np

        out = np.zeros((len(texts), len(self.idf)), dtype=np.float64)
        for row, text in enumerate(texts):
            counts = Counter(t for t in self.terms(text) if t in self.vocabulary)
            for term, n in counts.items():
                col = self.vocabulary[term]
                out[row, col] = (1.0 + math.log(n)) * self.idf[col]
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out

    def as_json(self) -> dict[str, Any]:
        ordered = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {"terms": ordered, "idf": [round(float(v), 6) for v in self.idf]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Words:
        import numpy as np

        return cls({t: i for i, t in enumerate(data["terms"])}, np.asarray(data["idf"], dtype=np.float64))


@dataclass(frozen=True)
class Classifier:
    statements: Linear
    headings: Linear
    features: tuple[str, ...]  # the structure features, after the embedding's dimensions
    embedding_model: str
    probe: Any  # the PROBE sentence's vector when the model was trained
    training: dict[str, Any]
    words: Words | None = None  # the tf-idf columns, after the structure features

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "embedding_model": self.embedding_model, "features": list(self.features),
                "probe": {"text": PROBE, "vector": [round(float(v), 6) for v in self.probe]},
                "statements": self.statements.as_json(), "headings": self.headings.as_json(),
                "words": self.words.as_json() if self.words else None, "training": self.training}

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Classifier:
        import numpy as np

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailable(f"the model file {path.name} cannot be read ({exc})") from exc
        if data.get("format") != FORMAT:
            raise ModelUnavailable(f"the model file {path.name} has format {data.get('format')}, not {FORMAT}")
        return cls(Linear.from_json(data["statements"]), Linear.from_json(data["headings"]),
                   tuple(data["features"]), data["embedding_model"],
                   np.asarray(data["probe"]["vector"], dtype=np.float32), dict(data.get("training", {})),
                   Words.from_json(data["words"]) if data.get("words") else None)


@dataclass
class Reader:
    """The classifier with the encoder it needs, checked against each other."""

    classifier: Classifier
    encoder: Encoder
    _cache: dict[str, Any]

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            vectors = self.encoder.encode(missing)
            for text, vector in zip(missing, vectors, strict=True):
                self._cache[text] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, len(self.classifier.probe)), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def heading_kinds(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        probs = self.classifier.headings.proba(self.embed(texts))
        return [(self.classifier.headings.classes[int(row.argmax())], float(row.max())) for row in probs]

    def heading_probs(self, text: str) -> tuple[float, ...]:
        """How likely a heading or lead-in introduces each of finding, recommendation, lesson, figure."""
        if not text.strip():
            return (0.0, 0.0, 0.0, 0.0)
        probs = self.classifier.headings.proba(self.embed([" ".join(text.split())]))[0]
        classes = self.classifier.headings.classes
        return tuple(float(probs[classes.index(k)]) if k in classes else 0.0
                     for k in ("finding", "recommendation", "lesson", "figure"))

    def statement_probs(self, texts: Sequence[str], structure: Sequence[Sequence[float]]) -> Any:
        import numpy as np

        parts = [self.embed(texts), np.asarray(structure, dtype=np.float32).reshape(len(texts), -1)]
        if self.classifier.words is not None:
            parts.append(self.classifier.words.matrix(list(texts)))
        return self.classifier.statements.proba(np.hstack(parts))


def encoder() -> Encoder:
    """The ONNX sentence encoder of graph/search (no torch once exported); ModelUnavailable when it cannot be had."""
    try:
        import numpy  # noqa: F401

        from graph.embeddings.model import SentenceTransformerEmbeddings
        from graph.errors import GovKGError
    except ImportError as exc:
        raise ModelUnavailable(f"the statement classifier needs {exc.name} (pip install -e '.[search]')") from exc
    try:
        found = SentenceTransformerEmbeddings(EMBEDDING_MODEL, query_runtime="onnx").query_encoder
    except GovKGError as exc:
        raise ModelUnavailable(str(exc)) from exc
    if found is None:
        raise ModelUnavailable("no ONNX encoder for the embedding model")
    return found  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def reader() -> Reader:
    """The shipped classifier and its encoder, loaded once per process; ModelUnavailable (with the reason)
    when either is missing or they disagree."""
    import numpy as np

    from ingest.documents.features import STRUCTURE

    classifier = Classifier.load()
    if classifier.features != STRUCTURE:
        raise ModelUnavailable("the model file was trained on other structure features (train it again: "
                               "python -m ingest.documents.train)")
    if classifier.embedding_model != EMBEDDING_MODEL:
        raise ModelUnavailable(f"the model was trained on {classifier.embedding_model}, not {EMBEDDING_MODEL}")
    enc = encoder()
    probe = np.asarray(enc.encode([PROBE])[0], dtype=np.float32)
    cosine = float(probe @ classifier.probe / (np.linalg.norm(probe) * np.linalg.norm(classifier.probe) or 1.0))
    if cosine < 0.999:
        raise ModelUnavailable(f"the encoder's vectors differ from those the model was trained on "
                               f"(cosine {cosine:.4f} on the probe sentence)")
    return Reader(classifier, enc, {})


def try_reader() -> tuple[Reader | None, str]:
    """The reader, or None and why not."""
    try:
        return reader(), ""
    except ModelUnavailable as exc:
        return None, str(exc)
