"""Vectors that ship with the package: the embeddings of the bundled data's texts, so that the default ingest
builds the search index without embedding them again.

The bundled data (the curated YAML and the public datasets' snapshot) is the same on every machine, and so are
the texts the search index embeds from it; embedding them (over 13,000 texts) is most of the default ingest's
time. ``data/vectors/<model>.npz`` holds their vectors by text hash (float16, which keeps cosine ≥ 0.9999 to the
float32 vector), with the digest of the model weights that made them. :func:`embed_cached` looks there for a
text its cache lacks before embedding it, and only when:

* the vectors asked for are the model's own (the ``torch`` space: torch or its fp32 ONNX export), and
* the model loaded is byte for byte the one the file was made with (the sha256 of its weights, tokenizer and configuration).

Anything else (another model, the int8 runtime, a text the bundled data does not hold, a dataset update) is
embedded as before. The ``vector_seed`` setting (``GOVKG_VECTOR_SEED=false``) turns the file off; an index
built in memory (benchmarks) never uses it.

Made again after the bundled data or the texts the index embeds change::

    python scripts/make_vectors.py     # a default ingest into a scratch store, the vectors it embedded written out

``tests/test_vector_seed.py`` checks that the file covers what the default ingest embeds and that its vectors
are the model's.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from govkg_data import VECTORS_DIR
from graph.embeddings.model import model_location, model_slug

MODEL_SUFFIXES = (".safetensors", ".bin", ".onnx", ".json", ".txt")  # weights, tokenizer, configuration


def seed_path(model: str) -> Path:
    return Path(VECTORS_DIR) / f"{model_slug(model)}.npz"


@functools.lru_cache(maxsize=4)
def weights_digest(model: str) -> str | None:
    """sha256 of the model's files that make its vectors (weights, tokenizer, configuration: names and
    contents); None when the model is no local folder."""
    location, local = model_location(model)
    if not local:
        return None
    folder = Path(location)
    h = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in MODEL_SUFFIXES)
    if not files:
        return None
    for path in files:
        h.update(str(path.relative_to(folder)).encode() + b"\0")
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Seed:
    model: str
    digest: str
    rows: dict[str, int]
    vectors: np.ndarray  # float16, one row per hash
    meta: dict[str, object]

    def lookup(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for h in hashes:
            row = self.rows.get(h)
            if row is not None:
                found[h] = self.vectors[row].astype(np.float32)
        return found

    def __len__(self) -> int:
        return len(self.rows)


def read(path: Path) -> Seed:
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        hashes = [h.decode("ascii") for h in data["hashes"].tolist()]
        vectors = np.asarray(data["vectors"])
    return Seed(str(meta["model"]), str(meta["weights_sha256"]), {h: n for n, h in enumerate(hashes)}, vectors, meta)


@functools.lru_cache(maxsize=2)
def shipped(model: str) -> Seed | None:
    """The shipped vectors for ``model``, when there are some and they were made by the weights loaded here."""
    path = seed_path(model)
    if not path.is_file():
        return None
    try:
        seed = read(path)
    except (OSError, ValueError, KeyError) as exc:
        sys.stderr.write(f"warning: {path}: the shipped vectors cannot be read ({exc}); texts are embedded\n")
        return None
    if seed.model != model or seed.digest != weights_digest(model):
        return None
    return seed


def lookup(model: str, space: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
    """The shipped vectors of those ``hashes`` that have one (none when they do not apply, see the module)."""
    if space != "torch" or not hashes:
        return {}
    seed = shipped(model)
    return seed.lookup(hashes) if seed is not None else {}


def write(path: Path, model: str, hashes: Sequence[str], vectors: np.ndarray, note: str) -> None:
    digest = weights_digest(model)
    if digest is None:
        raise SystemExit(f"{model}: not a local model folder; nothing to fingerprint")
    order = np.argsort(np.array(hashes))
    meta = {"model": model, "weights_sha256": digest, "made": date.today().isoformat(), "texts": len(hashes),
            "dtype": "float16", "note": note}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, hashes=np.array([hashes[i] for i in order], dtype="S32"),
                        vectors=np.asarray(vectors, dtype=np.float32)[order].astype(np.float16),
                        meta=np.array(json.dumps(meta, sort_keys=True)))
