"""Make the vectors that ship with the package (data/vectors/<model>.npz, see graph/embeddings/seed.py): a
default ingest (the curated data and every bundled dataset, index included) into a scratch store with an empty
embedding cache and the shipped vectors turned off; the vectors it embedded are written out.

    python scripts/make_vectors.py [--model NAME] [--out FILE]

Run it again when the bundled data, or the texts the search index embeds, change (tests/test_vector_seed.py
fails until then).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from graph.backends.embedded import Store
from graph.embeddings import seed
from graph.embeddings.cache import EmbeddingCache
from graph.embeddings.model import DEFAULT_MODEL
from graph.settings import Settings
from ingest.default import ingest_default, refresh_index


def say(message: str) -> None:
    sys.stderr.write(f"vectors: {message}\n")


def make(model: str, out: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="govkg-vectors-") as tmp:
        env = {"GOVKG_STORE": str(Path(tmp) / "store"), "GOVKG_SEARCH_CACHE": str(Path(tmp) / "cache"),
               "GOVKG_MODEL": model, "GOVKG_EMBED_RUNTIME": "onnx", "GOVKG_VECTOR_SEED": "false"}
        settings = Settings.load(environ={**os.environ, **env})
        with Store.open(settings.store) as store:
            ingest_default(store, settings, progress=say)
            report = refresh_index(store, settings, say)
        cache = EmbeddingCache(Path(tmp) / "cache", model, "torch")
        rows = cache._connect().execute("SELECT hash, vector FROM vectors ORDER BY hash").fetchall()
        cache.close()
    hashes = [h for h, _ in rows]
    vectors = np.stack([np.frombuffer(b, dtype=np.float32) for _, b in rows])
    seed.write(out, model, hashes, vectors, "the texts the search index embeds from the default ingest "
                                            "(the curated data and the bundled datasets)")
    return {"texts": len(hashes), "file": str(out), "bytes": out.stat().st_size, "index": report}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/make_vectors.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=None, help="default: data/vectors/<model>.npz")
    args = parser.parse_args(argv)
    print(json.dumps(make(args.model, args.out or seed.seed_path(args.model)), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
