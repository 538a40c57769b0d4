"""How well the statement classifier does on labelled documents: precision and recall per kind.

Each document is read exactly as ``govkg ingest`` reads it (outline, heading kinds, item splitting, the model
on every statement that is not a key fact, key facts as figures), and every statement's kind is compared with
its label. ``bench/bench_documents.py`` reports it for the held-out documents; a test holds it to the targets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ingest.documents import labelled
from ingest.documents.mentions import NameIndex
from ingest.documents.model import Reader
from ingest.documents.statements import analyse, heading_kinds, outline

KINDS = ("finding", "recommendation", "lesson", "figure", "other")
TARGETS = {"finding": (0.85, 0.85), "recommendation": (0.85, 0.85), "lesson": (0.85, 0.85), "other": (0.8, 0.0)}


@dataclass
class Score:
    kind: str
    support: int  # statements labelled so
    predicted: int  # statements classified so
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0


@dataclass
class Evaluation:
    documents: int
    statements: int
    scores: dict[str, Score]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (label, predicted) → count
    mistakes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (document, label, predicted, text)

    @property
    def accuracy(self) -> float:
        return sum(n for (a, b), n in self.confusion.items() if a == b) / self.statements if self.statements else 0.0

    def misses(self) -> list[str]:
        """The targets not met, in words (empty when all are)."""
        out = []
        for kind, (p_min, r_min) in TARGETS.items():
            score = self.scores[kind]
            if score.precision < p_min:
                out.append(f"{kind} precision {score.precision:.3f} < {p_min}")
            if score.recall < r_min:
                out.append(f"{kind} recall {score.recall:.3f} < {r_min}")
        return out


def evaluate(split: str, index: NameIndex, reader: Reader, part: int | None = None) -> Evaluation:
    """The classifier's kinds against the labels of one split's documents (of one part of it: ``part`` in
    manifest.yaml, 1 when not given)."""
    confusion: Counter[tuple[str, str]] = Counter()
    mistakes: list[tuple[str, str, str, str]] = []
    docs = labelled.documents(split)
    if part is not None:
        listed = labelled.manifest()
        docs = [d for d in docs if int(listed.get(f"{split}/{d.path.name}", {}).get("part", 1)) == part]
    for doc in docs:
        structure = outline(doc.extracted, heading_kinds(reader))
        analysis = analyse(doc.extracted, structure, index, None, reader)
        labels = doc.unit_labels(structure)
        for unit, cls, label in zip(structure.units, analysis.classes, labels, strict=True):
            confusion[(label, cls.kind)] += 1
            if label != cls.kind:
                text = " ".join(doc.extracted.text[unit.start:unit.end].split())
                mistakes.append((doc.path.name, label, cls.kind, text))
    scores = {k: Score(k, sum(n for (a, _), n in confusion.items() if a == k),
                       sum(n for (_, b), n in confusion.items() if b == k), confusion[(k, k)]) for k in KINDS}
    return Evaluation(len(docs), sum(confusion.values()), scores, confusion, mistakes)


def table(ev: Evaluation) -> list[str]:
    """The scores as a Markdown table."""
    rows = ["| kind | labelled | classified | precision | recall | target |", "|---|---:|---:|---:|---:|---|"]
    for kind in KINDS:
        s = ev.scores[kind]
        target = TARGETS.get(kind)
        wanted = "" if target is None else " and ".join(
            f"{name} ≥ {value}" for name, value in zip(("P", "R"), target, strict=True) if value)
        rows.append(f"| {kind} | {s.support} | {s.predicted} | {s.precision:.3f} | {s.recall:.3f} | {wanted} |")
    return rows
