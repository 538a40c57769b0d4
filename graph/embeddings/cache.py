"""The on-disk cache of embedding vectors (by model and text hash), and embedding through it."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from graph.embeddings import seed
from graph.embeddings.model import Progress, SentenceTransformerEmbeddings, model_slug, text_hash


class EmbeddingCache:
    """Vectors by text hash for one model: an SQLite file of float32 blobs, safe for concurrent readers.

    Only texts not in the cache are embedded, so re-indexing after an ingest costs time only for new or
    changed texts.
    """

    def __init__(self, folder: Path, model: str, space: str = "torch", *, seeded: bool = True) -> None:
        # vectors of the torch model (and its fp32 ONNX export) and of the int8 model are kept apart
        self.folder = Path(folder) / (model_slug(model) + ("" if space == "torch" else f"-{space}"))
        self.model = model
        self.space = space
        self.seeded = seeded  # texts it lacks are first looked up in the vectors shipped with the package
        self._db: sqlite3.Connection | None = None
        self._read_only = False

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            file = self.folder / "vectors.sqlite"
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(file, timeout=30, check_same_thread=False)
                self._db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
                self._db.execute("CREATE TABLE IF NOT EXISTS vectors (hash TEXT PRIMARY KEY, vector BLOB)")
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('model', ?)", (self.model,))
                self._db.commit()
            except (OSError, sqlite3.Error):  # a read-only place: work without a cache
                self._db = sqlite3.connect(":memory:", check_same_thread=False)
                self._db.execute("CREATE TABLE vectors (hash TEXT PRIMARY KEY, vector BLOB)")
                self._read_only = True
        return self._db

    def lookup(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        db = self._connect()
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 900):
            chunk = unique[start:start + 900]
            marks = ",".join("?" * len(chunk))
            for h, blob in db.execute(f"SELECT hash, vector FROM vectors WHERE hash IN ({marks})", chunk):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def store(self, hashes: Sequence[str], vectors: np.ndarray) -> None:
        db = self._connect()
        rows = [(h, np.ascontiguousarray(v, dtype=np.float32).tobytes()) for h, v in zip(hashes, vectors, strict=True)]
        db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        db.commit()

    def __len__(self) -> int:
        return int(self._connect().execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def limit_threads(threads: int) -> None:
    """Use at most ``threads`` threads for BLAS (numpy's matrix products) and faiss. On a shared machine
    one thread is several times faster per query than two that wait on each other."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=threads, user_api="blas")
    except ImportError:
        pass
    try:
        import faiss

        faiss.omp_set_num_threads(threads)
    except ImportError:
        pass


def embed_cached(texts: Sequence[str], embedder: SentenceTransformerEmbeddings, cache: EmbeddingCache | None, *,
                 progress: Progress | None = None, chunk: int = 512) -> tuple[np.ndarray, int]:
    """Vectors for ``texts``, embedding only those the cache lacks; also returns how many were embedded.

    The new texts are embedded shortest first, ``chunk`` at a time (each chunk is stored in the cache as soon as
    it is done, so an interrupted run keeps its work), which keeps the texts of a batch of similar length.
    ``progress`` is told the stage once ("embedding 1,234 new texts") and, when it can count
    (:func:`graph.progress.count`), how many are done."""
    from graph.progress import count

    if cache is not None and cache.space != embedder.vector_space:
        raise ValueError(f"a cache of {cache.space} vectors for an embedder of {embedder.vector_space} vectors")
    hashes = [text_hash(t) for t in texts]
    known = cache.lookup(hashes) if cache is not None else {}
    unknown = [h for h in dict.fromkeys(hashes) if h not in known]
    use_seed = cache is not None and cache.seeded and bool(unknown)
    shipped = seed.lookup(embedder.model_name, embedder.vector_space, unknown) if use_seed else {}
    if shipped:  # the bundled data's vectors, shipped with the package (graph/embeddings/seed.py)
        if cache is not None:
            found = list(shipped)
            cache.store(found, np.stack([shipped[h] for h in found]))
        known.update(shipped)
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in known and h not in missing:
            missing[h] = t
    todo = sorted(missing.items(), key=lambda ht: len(ht[1]))
    if todo and progress:
        progress(f"embedding {len(todo):,} new texts ({embedder.bulk_runtime})")
    finished = 0

    def done(n: int) -> None:
        nonlocal finished
        finished += n
        if progress:
            count(progress, finished, len(todo))

    for start in range(0, len(todo), chunk):
        part = todo[start:start + chunk]
        vectors = embedder.encode([t for _, t in part], done=done)
        if cache is not None:
            cache.store([h for h, _ in part], vectors)
        known.update({h: v for (h, _), v in zip(part, vectors, strict=True)})
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.stack([known[h] for h in hashes]).astype(np.float32, copy=False), len(todo)


class CachedEmbedder:
    """An embedder whose vectors go through an :class:`EmbeddingCache` (texts embedded once, kept on disk), in the
    cache's vector space: what the analytics use beside the search index, for the texts it does not hold."""

    def __init__(self, embedder: SentenceTransformerEmbeddings, cache: EmbeddingCache) -> None:
        self.embedder = embedder
        self.cache = cache

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors, _ = embed_cached(list(texts), self.embedder, self.cache)
        return vectors
