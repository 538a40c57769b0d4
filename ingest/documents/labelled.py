"""The labelled statements the classifier learns from and is judged on: documents in ``data/documents/labelled``.

Each document is an ordinary file in one of the formats the ingester reads, written for this purpose in varied
styles (committee report, board paper, blog analysis, transcript, review note, press notice…), with a label
after every statement that is not "other": ``[[F]]`` finding, ``[[R]]`` recommendation, ``[[L]]`` lesson,
``[[N]]`` figure statement (``[[O]]`` may mark an "other" explicitly). The labels are taken out of the document
text before it is read any further, so the statements are exactly those the ingester finds; a statement takes
the label written at its end (or inside it), else "other".

``manifest.yaml`` lists every document with its style and the curated sources whose facts it restates; the
``train`` folder is what the training script learns from, the ``held-out`` folder what the benchmark and the
tests judge the model on, and training never reads it.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from govkg_data import LABELLED_DOCUMENTS_DIR
from ingest.documents.read import Extracted, media_type, read
from ingest.documents.structure import Structure

LABELLED = LABELLED_DOCUMENTS_DIR
SPLITS = ("train", "held-out")
CODES = {"F": "finding", "R": "recommendation", "L": "lesson", "N": "figure", "O": "other"}
_MARK = re.compile(r"[ \t]?⟦([FRLNO])⟧")  # the labels as the readers pass them on (see documents())
_WRITTEN = re.compile(r"\[\[([FRLNO])\]\]")


@dataclass
class LabelledDocument:
    path: Path
    split: str
    extracted: Extracted
    marks: list[tuple[int, str]]  # (offset in the document text, kind)
    style: str = ""
    sources: list[str] = field(default_factory=list)

    def unit_labels(self, structure: Structure) -> list[str]:
        """The label of each statement of ``structure`` (see the module doc)."""
        out = []
        for unit in structure.units:
            inside = [kind for offset, kind in self.marks if unit.start < offset <= unit.end + 1]
            out.append(inside[-1] if inside else "other")
        return out

    def mixed_items(self, structure: Structure) -> set[int]:
        """Whole list items whose sentences carry labels of different kinds (other aside): the ingester would
        split them (statements.py), so training sees them split too."""
        out = set()
        for unit in structure.units:
            kinds = {kind for a, b in unit.parts for offset, kind in self.marks if a < offset <= b + 1}
            if len(kinds - {"other"}) > 1:
                out.add(unit.index)
        return out

    def heading_labels(self, structure: Structure, labels: list[str]) -> list[tuple[str, str]]:
        """Headings and lead-ins with the kind most of their statements have ("none" when no kind has 60 %)."""
        text = self.extracted.text
        out: list[tuple[str, str]] = []
        by_section: dict[int, list[str]] = {}
        by_lead: dict[tuple[int, int], list[str]] = {}
        for unit, label in zip(structure.units, labels, strict=True):
            if unit.lead is not None:
                by_lead.setdefault(unit.lead, []).append(label)
            elif unit.section is not None:
                by_section.setdefault(unit.section, []).append(label)
        for section in structure.sections:
            found = by_section.get(section.index, [])
            if len(found) >= 2:
                out.append((section.title, _majority(found)))
        for (start, end), found in by_lead.items():
            if len(found) >= 2:
                out.append((" ".join(text[start:end].split()), _majority(found)))
        return out


def _majority(labels: list[str]) -> str:
    kind, n = Counter(labels).most_common(1)[0]
    return kind if kind != "other" and n >= 0.6 * len(labels) else "none"


def strip_marks(extracted: Extracted) -> tuple[Extracted, list[tuple[int, str]]]:
    """The document without its labels, and where each label was (offsets shifted to match)."""
    text = extracted.text
    pieces: list[str] = []
    marks: list[tuple[int, str]] = []
    removed: list[tuple[int, int]] = []  # (offset in the old text, characters removed before it and there)
    cut = 0
    shift = 0
    for m in _MARK.finditer(text):
        pieces.append(text[cut:m.start()])
        marks.append((m.start() - shift, CODES[m.group(1)]))
        shift += m.end() - m.start()
        removed.append((m.end(), shift))
        cut = m.end()
    pieces.append(text[cut:])

    def moved(offset: int) -> int:
        before = [s for end, s in removed if end <= offset]
        return offset - (before[-1] if before else 0)

    clean = replace(extracted, text="".join(pieces), headings={moved(k): v for k, v in extracted.headings.items()},
                    quotes=[(moved(a), moved(b)) for a, b in extracted.quotes],
                    pages=[moved(p) for p in extracted.pages])
    return clean, marks


def manifest() -> dict[str, dict[str, Any]]:
    import yaml

    data = yaml.safe_load((LABELLED / "manifest.yaml").read_text(encoding="utf-8")) or {}
    return {entry["file"]: entry for entry in data.get("documents", [])}


def documents(split: str) -> list[LabelledDocument]:
    """The labelled documents of one split, read and without their labels."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    listed = manifest()
    out = []
    for path in sorted((LABELLED / split).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        raw = path.read_bytes()
        # [[F]] is markup in AsciiDoc and LaTeX: the labels travel through the readers as ⟦F⟧ instead
        raw = _WRITTEN.sub(lambda m: f"⟦{m.group(1)}⟧", raw.decode("utf-8")).encode("utf-8")
        extracted = read(raw, media_type(path, raw[:65536]) or "text/plain", str(path))
        clean, marks = strip_marks(extracted)
        entry = listed.get(f"{split}/{path.name}", {})
        out.append(LabelledDocument(path, split, clean, marks, entry.get("style", ""), list(entry.get("sources", []))))
    return out


def digest(split: str) -> str:
    """A hash of a split's files, recorded in the model file (a test checks the model is trained on them)."""
    h = hashlib.sha256()
    for path in sorted((LABELLED / split).iterdir()):
        if path.is_file():
            h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
