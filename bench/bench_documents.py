"""How well the document ingester's statement classifier does on held-out documents, and what reading costs.

    python bench/bench_documents.py               # the held-out part of data/documents/labelled; Markdown to stdout
    python bench/bench_documents.py --mistakes    # and every statement it got wrong

Measured:

* **precision and recall per kind** on ``data/documents/labelled/held-out`` — documents that training never
  reads — each document read exactly as ``govkg ingest`` reads it (ingest/documents/evaluation.py), with the
  names of the bundled curated data for the mentions; the confusion of labels and kinds;
* the training run's cross-validated macro F1 (over the training documents only), from the model file;
* time: loading the classifier (a fresh process: no torch), and ingesting the two seed documents into a store
  holding the bundled data (median of --reps runs, ``--force``, one process).

The targets (issue 17): findings, lessons and recommendations precision ≥ 0.85 and recall ≥ 0.85 each;
"other" precision ≥ 0.8.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared" / "seeds"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mistakes", action="store_true", help="list every statement classified wrongly")
    parser.add_argument("--reps", type=int, default=3, help="timed ingests of the seed documents")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from graph.backends import open_backend
    from graph.settings import Settings
    from ingest.documents.evaluation import KINDS, evaluate, table
    from ingest.documents.mentions import load_index
    from ingest.documents.model import reader
    from ingest.pipeline import ingest

    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="govkg-bench-documents-") as tmp:
        store = open_backend(Settings.load({"store": str(Path(tmp) / "store"), "backend": "embedded"}))
        with store:
            ingest(store, [ROOT / "data" / "curated"])
            index = load_index(store)
            r = reader()
            started = time.perf_counter()
            ev = evaluate("held-out", index, r)
            seconds = time.perf_counter() - started
            out += [f"Held-out: {ev.documents} documents, {ev.statements} statements, classified in {seconds:.1f} s "
                    f"(embeddings included); accuracy {ev.accuracy:.3f}.", "", *table(ev), ""]
            for part in (1, 2):
                one = evaluate("held-out", index, r, part)
                if one.documents:
                    out += [f"Part {part} alone: {one.documents} documents, {one.statements} statements; accuracy "
                            f"{one.accuracy:.3f}.", "", *table(one), ""]
            out += ["Confusion (rows: label, columns: kind given):", "",
                    "| label \\ kind | " + " | ".join(KINDS) + " |", "|---|" + "---:|" * len(KINDS)]
            for label in KINDS:
                out.append(f"| {label} | " + " | ".join(str(ev.confusion[(label, k)]) for k in KINDS) + " |")
            missed = ev.misses()
            out += ["", "Targets not met: " + ("; ".join(missed) if missed else "none"), ""]
            training = r.classifier.training
            out.append(f"Training: {training['documents']} documents, {training['statements']} statements "
                       f"{training['by_kind']}, parameters {training['parameters']}, cross-validated macro F1 "
                       f"{training['cross_validated_macro_f1']} ({training['library']}).")
            if training.get("cross_validated_per_kind"):
                out += ["", "Cross-validated over the training documents (the model alone, grouped by document):", "",
                        "| kind | labelled | precision | recall |", "|---|---:|---:|---:|"]
                out += [f"| {k} | {v['support']} | {v['precision']:.3f} | {v['recall']:.3f} |"
                        for k, v in training["cross_validated_per_kind"].items()]
                out.append("")
            if SEEDS.is_dir():
                times = []
                seeds = sorted(SEEDS.glob("*.txt"))
                for _ in range(args.reps):
                    started = time.perf_counter()
                    ingest(store, seeds, force=True)
                    times.append(time.perf_counter() - started)
                out.append(f"Ingesting the {len(seeds)} seed documents (--force, warm): median "
                           f"{statistics.median(times):.2f} s over {args.reps} runs.")
    code = ("import time, sys; t = time.perf_counter(); from ingest.documents.model import reader; r = reader(); "
            "print(round(time.perf_counter() - t, 2), 'torch' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    out.append(f"Loading the classifier in a fresh process: {loaded[0]} s, torch imported: {loaded[1]}.")
    out.append(f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average "
               f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}.")
    if args.mistakes:
        out += ["", "| document | label | kind given | statement |", "|---|---|---|---|"]
        out += [f"| {d} | {a} | {b} | {t.replace('|', '/')} |" for d, a, b, t in ev.mistakes]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
