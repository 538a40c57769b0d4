"""Show how the document ingester splits a labelled document into statements, with the label each takes.

For writers of labelled documents (data/documents/labelled/README.md): run it on a new file before adding it,
to see that every statement carries the label meant for it. It never runs the classifier, so it shows nothing
of what the model would say (held-out documents must be written without that).

    python scripts/check_labels.py data/documents/labelled/train/some-document.md [more files]

Warnings: a label that falls inside a statement rather than at its end (the ingester splits the text
differently from the writer: the label goes to the statement that contains it), two labels of different kinds
in one statement, and labels that belong to no statement. Exit 1 when any file has a warning.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from ingest.documents import labelled
from ingest.documents.read import media_type, read
from ingest.documents.statements import heading_kinds, outline


def check(path: Path) -> int:
    raw = path.read_bytes()
    raw = labelled._WRITTEN.sub(lambda m: f"⟦{m.group(1)}⟧", raw.decode("utf-8")).encode("utf-8")
    extracted = read(raw, media_type(path, raw[:65536]) or "text/plain", str(path))
    clean, marks = labelled.strip_marks(extracted)
    doc = labelled.LabelledDocument(path, "check", clean, marks)
    structure = outline(clean, heading_kinds(None))
    labels = doc.unit_labels(structure)
    text = clean.text
    warnings = 0
    used: set[int] = set()
    print(f"== {path}")
    for unit, label in zip(structure.units, labels, strict=True):
        inside = [(o, k) for o, k in marks if unit.start < o <= unit.end + 1]
        used.update(o for o, _ in inside)
        body = " ".join(text[unit.start:unit.end].split())
        note = ""
        if len({k for _, k in inside}) > 1:
            note = f"  !! labels of different kinds in one statement: {[k for _, k in inside]}"
        elif any(text[o:unit.end].strip() and not text[o:unit.end].strip().startswith(";") for o, _ in inside):
            note = "  !! label inside the statement, not at its end"
        warnings += bool(note)
        print(f"[{label[:3].upper()}] ({unit.form}) {body[:150]}{note}")
    for offset, kind in marks:
        if offset not in used:
            warnings += 1
            print(f"  !! label {kind} at offset {offset} belongs to no statement: …{text[max(0, offset - 60):offset]!r}")
    print(f"-- {len(structure.units)} statements: {dict(Counter(labels))}; {warnings} warning(s)\n")
    return warnings


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    return 1 if sum(check(Path(a)) for a in argv) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
