"""The model on ONNX Runtime: the same sentence-transformers model, exported once, run without torch, for
queries one at a time and for documents in batches, in full precision (fp32) or quantised to int8.

A query is one short text, and for one short text torch's per-call overhead is most of the cost: on one CPU
thread all-MiniLM-L6-v2 takes 12–15 ms per query under torch and 5–7 ms under ONNX Runtime, with vectors that
agree to 1e-6. Documents are embedded in batches of texts of similar length (:meth:`OnnxEncoder.encode_batch`:
sorted by tokens, each batch padded only to its longest text) on every core.

The whole sentence-transformers module (transformer, pooling, and normalisation) is traced into one ONNX graph,
so whatever pooling the model uses is kept. The export happens once per machine and model, in a folder of the
user's cache (``~/.cache/govkg/onnx``, or ``onnx/`` in the ``search_cache`` folder), named after the model files'
fingerprint, so a changed model is exported afresh. An export is used only after its vectors were compared with
the torch model's on a set of probe texts (cosine ≥ PROBE_MIN_COSINE, recorded in ``meta.json``). A later
process then loads the graph and the tokenizer alone, without importing torch: a cold ``govkg search`` skips
the seconds that importing torch costs.

The int8 model (:func:`quantize`: dynamic quantisation of the matrix products' weights, per output channel) is made from the
checked fp32 export and used for documents only when its vectors stay within INT8_MIN_COSINE of the fp32
model's on every probe text of INT8_PROBES (the result is recorded in ``meta.json`` either way), and only when
asked for (``embed_runtime`` = ``onnx-int8``): ``auto`` is fp32. The int8 vectors of all-MiniLM-L6-v2 pass the
cosine check (0.982 at worst on 2,000 indexed texts, 0.993 on average) and embed 2.2 times faster, but recall@5 on
the evaluation set fell from 0.856 to 0.847 (one query of the tune part; the held-out part is level), and the
rule is that int8 is used only where recall does not drop (bench/ingest.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.errors import GovKGError

FORMAT = 1
PROBE_MIN_COSINE = 0.9999
INT8_MIN_COSINE = 0.98
INT8_FILE = "model-int8.onnx"
BATCH_TOKENS = 4096  # tokens per batch (texts × the longest of them): bigger batches only pad more
MAX_BATCH = 64
# probe texts for the check against torch: short and long (past the model's token limit), a single word,
# punctuation, numbers and letters outside ASCII
PROBES = (
    "Suppliers walked away before delivering",
    "x",
    "Who was accountable for the Summary Care Record in 2010?",
    "Café, naïve façade — £12.7bn over 10 years (2002–2011); 62% of doctors expected better care!",
    " ".join(["The programme board met monthly and reviewed the risks reported by each cluster."] * 40),
)
# the int8 check: the probes above and texts like the ones indexed (lessons, findings, figures, sentences)
INT8_PROBES = (
    *PROBES,
    "Clinicians were not engaged early enough to shape the systems they were asked to use.",
    "Local NHS organisations need realistic timetables and funding they can plan against.",
    "The department did not have reliable data on the whole-life cost of the programme.",
    "Lesson: Test the flight software with the hardware it will run on before launch.",
    "Recommendation: Keep the senior responsible owner in post until the project is delivered.",
    "Whole-life cost of Frontline Digitisation, GMPP 2021-22: £1,240m.",
    "Programme: National Programme for IT. Themes: Contracting; Clinical engagement.",
    "Contractor personnel were not briefed on the hazards of the test stand, and an operator was injured.",
    "A single national contract left trusts with systems that did not fit local needs",
    "The review board found that requirements changed late and were not traced to verification tests.",
    "Data sharing depends on public trust, which was lost when patients were not told how data would be used.",
    "Abstract: The mishap occurred during ground processing. " * 12,
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


class OnnxEncoder:
    """Unit-length float32 vectors from an exported model on ONNX Runtime (thread-safe)."""

    def __init__(self, folder: Path, threads: int = 1, *, model_file: str = "model.onnx") -> None:
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
        if threads > 1:  # on a shared machine, threads that spin while waiting only take CPU from the others
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.model_file = model_file
        self.session = ort.InferenceSession(str(folder / model_file), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (n × dimension); texts are run one at a time (no padding), as queries come."""
        out = []
        for text in texts:
            enc = self.tokenizer.encode(text)
            feed = {"input_ids": [enc.ids], "attention_mask": [enc.attention_mask], "token_type_ids": [enc.type_ids]}
            vector = self.session.run(None, {name: np.asarray(feed[name], dtype=np.int64) for name in self.inputs})[0]
            out.append(vector[0])
        return np.ascontiguousarray(np.vstack(out), dtype=np.float32) if out else np.zeros((0, 0), np.float32)

    def encode_batch(self, texts: Sequence[str], *, batch_tokens: int = BATCH_TOKENS, max_batch: int = MAX_BATCH,
                     done: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors of many ``texts`` (n × dimension), in batches of texts of similar length: sorted by their
        number of tokens, each batch as many texts as fit ``batch_tokens`` once padded to its longest
        (padding is masked, so a text's vector does not depend on its batch). ``done(n)`` after each batch."""
        if not texts:
            return np.zeros((0, 0), np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")
        out: np.ndarray | None = None
        start = 0
        while start < len(order):
            size = 1
            while (start + size < len(order) and size < max_batch
                   and (size + 1) * lengths[order[start + size]] <= batch_tokens):
                size += 1
            batch = order[start:start + size]
            width = int(lengths[batch].max())
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            types = np.zeros((len(batch), width), dtype=np.int64)
            for row, n in enumerate(batch):
                enc = encodings[n]
                k = len(enc.ids)
                ids[row, :k], mask[row, :k], types[row, :k] = enc.ids, enc.attention_mask, enc.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            vectors = self.session.run(None, {name: feed[name] for name in self.inputs})[0]
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[batch] = vectors
            start += size
            if done is not None:
                done(len(batch))
        assert out is not None
        return out


OnnxQueryEncoder = OnnxEncoder  # the name it had when it embedded queries only


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
        encoder = OnnxEncoder(tmp)
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


def load(folder: Path, threads: int = 1, *, int8: bool = False) -> OnnxEncoder | None:
    """The encoder exported in ``folder`` when there is a checked one (with ``int8``: its int8 model, when that
    passed its check); None otherwise (a broken folder is removed so that it is exported again)."""
    meta = folder / "meta.json"
    if not meta.is_file():
        return None
    try:
        recorded = json.loads(meta.read_text(encoding="utf-8"))
        if recorded.get("probe_min_cosine", 0) < PROBE_MIN_COSINE:
            raise ValueError("unchecked export")
        if int8:
            if not recorded.get("int8", {}).get("passed") or not (folder / INT8_FILE).is_file():
                return None
            return OnnxEncoder(folder, threads, model_file=INT8_FILE)
        return OnnxEncoder(folder, threads)
    except Exception:  # a truncated or foreign file: export again
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        return None


def checked(folder: Path) -> bool:
    """Whether ``folder`` holds an export that passed its check against torch (read from meta.json only)."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(meta.get("probe_min_cosine", 0) >= PROBE_MIN_COSINE and (folder / "model.onnx").is_file())


def int8_check(folder: Path) -> dict[str, Any] | None:
    """What the int8 check found for the export in ``folder`` (``passed``, ``min_cosine``), None when not run."""
    try:
        found = json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("int8")
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def quantize(folder: Path, threads: int = 1) -> dict[str, Any]:
    """Make the int8 model of the checked export in ``folder`` and check it against the fp32 model on
    INT8_PROBES; keep it only when the lowest cosine is at least INT8_MIN_COSINE. Records and returns what
    was found (OnnxUnavailable when the quantiser is not installed)."""
    import logging

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise OnnxUnavailable(f"the ONNX quantiser cannot be loaded ({exc}); install onnx") from exc
    tmp_name = f".int8-{uuid.uuid4().hex[:8]}.onnx"
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser suggests pre-processing on every run
    try:
        # the weights of the matrix products only (the embedding tables stay fp32: quantising them too cost
        # 0.004 of cosine on the shortest probe and saved no time), per output channel
        quantize_dynamic(str(folder / "model.onnx"), str(folder / tmp_name), per_channel=True,
                         weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
        full = OnnxEncoder(folder, threads).encode_batch(INT8_PROBES)
        small = OnnxEncoder(folder, threads, model_file=tmp_name).encode_batch(INT8_PROBES)
        cosine = float(np.min(np.sum(full * small, axis=1)))
        found = {"passed": cosine >= INT8_MIN_COSINE, "min_cosine": round(cosine, 6),
                 "required": INT8_MIN_COSINE, "probes": len(INT8_PROBES)}
        if found["passed"]:
            os.replace(folder / tmp_name, folder / INT8_FILE)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        meta["int8"] = found
        pending = folder / f".meta-{uuid.uuid4().hex[:8]}.json"
        pending.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(pending, folder / "meta.json")
        return found
    except OnnxUnavailable:
        raise
    except Exception as exc:  # quantiser and runtime errors come in many types; all mean "no int8 model"
        raise OnnxUnavailable(f"quantising the model to int8 failed: {str(exc).splitlines()[0][:200]}") from exc
    finally:
        root.setLevel(level)
        (folder / tmp_name).unlink(missing_ok=True)
