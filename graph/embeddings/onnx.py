"""The query encoder on ONNX Runtime: the same sentence-transformers model, exported once, run without torch.

A query is one short text, and for one short text torch's per-call overhead is most of the cost: on one CPU
thread all-MiniLM-L6-v2 takes 12–15 ms per query under torch and 5–7 ms under ONNX Runtime, with vectors that
agree to 1e-6. So queries go through ONNX Runtime when it is installed (the ``query_runtime`` setting), and
documents, which are embedded in batches where the two runtimes are level, stay on torch.

The whole sentence-transformers module (transformer, pooling, and normalisation) is traced into one ONNX graph,
so whatever pooling the model uses is kept. The export happens once per machine and model, in a folder of the
user's cache (``~/.cache/govkg/onnx``, or ``onnx/`` in the ``search_cache`` folder), named after the model files'
fingerprint, so a changed model is exported afresh. An export is used only after its vectors were compared with
the torch model's on a set of probe texts (cosine ≥ PROBE_MIN_COSINE, recorded in ``meta.json``). A later
process then loads the graph and the tokenizer alone, without importing torch: a cold ``govkg search`` skips
the seconds that importing torch costs.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.errors import GovKGError

FORMAT = 1
PROBE_MIN_COSINE = 0.9999
# probe texts for the check against torch: short and long (past the model's token limit), a single word,
# punctuation, numbers and letters outside ASCII
PROBES = (
    "Suppliers walked away before delivering",
    "x",
    "Who was accountable for the Summary Care Record in 2010?",
    "Café, naïve façade — £12.7bn over 10 years (2002–2011); 62% of doctors expected better care!",
    " ".join(["The programme board met monthly and reviewed the risks reported by each cluster."] * 40),
)


class OnnxUnavailable(GovKGError):
    """The ONNX query encoder cannot be used (onnxruntime missing, a model that is not a local folder, or an
    export that failed or did not match torch)."""

    exit_code = 1


def default_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "govkg" / "onnx"


def model_fingerprint(folder: Path) -> str:
    """A hash of a model folder's files (names, sizes and modification times): changes when the model does."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        h.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{int(stat.st_mtime)}\n".encode())
    return h.hexdigest()[:16]


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("tokenizers") is not None


class OnnxQueryEncoder:
    """Unit-length float32 vectors from an exported model on ONNX Runtime (thread-safe)."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.folder = folder
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.inputs: list[str] = list(meta["inputs"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(meta["max_length"]))
        self.tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (n × dimension); texts are run one at a time (no padding), as queries come."""
        out = []
        for text in texts:
            enc = self.tokenizer.encode(text)
            feed = {"input_ids": [enc.ids], "attention_mask": [enc.attention_mask], "token_type_ids": [enc.type_ids]}
            vector = self.session.run(None, {name: np.asarray(feed[name], dtype=np.int64) for name in self.inputs})[0]
            out.append(vector[0])
        return np.ascontiguousarray(np.vstack(out), dtype=np.float32) if out else np.zeros((0, 0), np.float32)


def export(model: Any, folder: Path) -> Path:
    """Trace a loaded SentenceTransformer into ``folder`` (model.onnx, tokenizer.json, meta.json), check its
    vectors against the model's own on PROBES, and only then make it visible; OnnxUnavailable on failure."""
    import torch

    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        tokenizer = model.tokenizer
        if not getattr(tokenizer, "is_fast", False):
            raise OnnxUnavailable("the model's tokenizer has no fast (tokenizers) form")
        tokenizer.save_pretrained(str(tmp))
        sample = tokenizer(["a query of a few words"], return_tensors="pt")
        inputs = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in sample]

        class Traced(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, *tensors: Any) -> Any:
                vector = self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]
                return torch.nn.functional.normalize(vector, p=2.0, dim=1)

        dynamic = {name: {0: "batch", 1: "tokens"} for name in inputs} | {"embedding": {0: "batch"}}
        import warnings

        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Traced().eval(), tuple(sample[name] for name in inputs), str(tmp / "model.onnx"),
                              input_names=inputs, output_names=["embedding"], dynamic_axes=dynamic,
                              opset_version=17, dynamo=False)
        max_length = int(model.max_seq_length or tokenizer.model_max_length)
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "inputs": inputs, "max_length": max_length}),
                                       encoding="utf-8")
        encoder = OnnxQueryEncoder(tmp)
        reference = model.encode(list(PROBES), batch_size=1, convert_to_numpy=True, normalize_embeddings=True,
                                 show_progress_bar=False)
        cosine = float(np.min(np.sum(encoder.encode(PROBES) * reference, axis=1)))
        if not cosine >= PROBE_MIN_COSINE:
            raise OnnxUnavailable(f"the exported model disagrees with torch (cosine {cosine:.6f} on a probe text)")
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "inputs": inputs, "max_length": max_length,
                                                   "probe_min_cosine": round(cosine, 8)}), encoding="utf-8")
        try:
            tmp.rename(folder)
        except OSError:  # another process exported it first: use theirs
            if not (folder / "meta.json").is_file():
                raise
        return folder
    except OnnxUnavailable:
        raise
    except Exception as exc:  # tracing and ONNX errors come in many types; all mean "no export"
        raise OnnxUnavailable(f"exporting the model to ONNX failed: {str(exc).splitlines()[0][:200]}") from exc
    finally:
        if tmp.exists():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


def load(folder: Path, threads: int = 1) -> OnnxQueryEncoder | None:
    """The encoder exported in ``folder`` when there is a checked one; None otherwise (a broken folder is
    removed so that it is exported again)."""
    meta = folder / "meta.json"
    if not meta.is_file():
        return None
    try:
        if json.loads(meta.read_text(encoding="utf-8")).get("probe_min_cosine", 0) < PROBE_MIN_COSINE:
            raise ValueError("unchecked export")
        return OnnxQueryEncoder(folder, threads)
    except Exception:  # a truncated or foreign file: export again
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        return None
