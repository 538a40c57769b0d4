"""Train the statement and heading classifiers and write the model file: ``python -m ingest.documents.train``.

What it learns from (never the held-out documents):

* the statements of the labelled documents in ``data/documents/labelled/train`` (labelled.py), read exactly as
  the ingester reads a document, with their structure features;
* the curated findings, recommendations and lessons (``data/curated``), as sentences standing on their own;
* for the heading model, the headings and lead-ins of those documents, each with the kind most of its
  statements have, and the headings listed in ``data/documents/labelled/headings.yaml``.

The statements of a training document see the kinds of their headings as the ingester would give them: from
cue words, then from a heading model trained on the other documents (five folds by document), so the
statement model does not learn from headings it could not have classified.

The statement model sees each statement's embedding, its structure features and the tf-idf of its words and
word pairs (the vocabulary learned from the training statements; in cross-validation from each fold's own).
Its regularisation, class weights and the weight of the curated sentences are chosen by cross-validation over
the training documents (grouped by document, macro F1). Needs scikit-learn (the
``train`` extra); the model file it writes is read with numpy alone (model.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.documents import labelled
from ingest.documents.classify import topic_of_heading
from ingest.documents.features import STRUCTURE, Context, structure_vector
from ingest.documents.mentions import NameIndex, load_index
from ingest.documents.model import (
    EMBEDDING_MODEL,
    MODEL_FILE,
    PROBE,
    Classifier,
    Encoder,
    Linear,
    Words,
    encoder,
)
from ingest.documents.statements import analyse, outline
from ingest.documents.structure import Structure, Unit, split_items

STATEMENT_KINDS = ("finding", "recommendation", "lesson", "figure", "other")
HEADING_KINDS = ("finding", "recommendation", "lesson", "figure", "none")
CURATED = Path(__file__).resolve().parents[2] / "data" / "curated"
GRID_C = (2.0, 4.0, 8.0, 16.0, 32.0)
GRID_WEIGHTS = (None, "balanced")
GRID_CURATED = (0.0, 0.1, 0.3)
FOLDS = 5


@dataclass
class Examples:
    texts: list[str] = field(default_factory=list)
    structure: list[list[float]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)  # the document each comes from ("curated" for those)


def _heading_examples(index: NameIndex) -> tuple[list[tuple[str, str, str]], list[labelled.LabelledDocument]]:
    """(text, kind, document) for the headings and lead-ins of the training documents, read with cue words."""
    docs = labelled.documents("train")
    out: list[tuple[str, str, str]] = []
    for doc in docs:
        structure = outline(doc.extracted, topic_of_heading)
        labels = doc.unit_labels(structure)
        out += [(text, kind, doc.path.name) for text, kind in doc.heading_labels(structure, labels)]
    return out, docs


def _seed_headings() -> list[tuple[str, str]]:
    import yaml

    data = yaml.safe_load((labelled.LABELLED / "headings.yaml").read_text(encoding="utf-8"))
    return [(str(text), kind) for kind, texts in data["headings"].items() for text in texts]


def _fit(x: Any, y: list[str], c: float, weight: Any = None, sample_weight: Any = None) -> Any:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight=weight, max_iter=5000)
    model.fit(x, y, sample_weight=sample_weight)
    return model


def _linear(model: Any, classes: tuple[str, ...]) -> Linear:
    import numpy as np

    order = [list(model.classes_).index(k) for k in classes if k in model.classes_]
    return Linear(tuple(k for k in classes if k in model.classes_), np.asarray(model.coef_)[order],
                  np.asarray(model.intercept_)[order])


def _heading_model(texts: list[str], kinds: list[str], enc: Encoder) -> Linear:
    return _linear(_fit(_embed(enc, texts), kinds, 4.0), HEADING_KINDS)


_VECTORS: dict[str, Any] = {}


def _embed(enc: Encoder, texts: list[str]) -> Any:
    import numpy as np

    missing = list(dict.fromkeys(t for t in texts if t not in _VECTORS))
    if missing:
        for text, vector in zip(missing, enc.encode(missing), strict=True):
            _VECTORS[text] = np.asarray(vector, dtype=np.float32)
    return np.stack([_VECTORS[t] for t in texts]) if texts else np.zeros((0, 384), dtype=np.float32)


def _probs_of(model: Linear, enc: Encoder) -> Any:
    def probs(text: str) -> tuple[float, ...]:
        p = model.proba(_embed(enc, [" ".join(text.split())]))[0]
        return tuple(float(p[model.classes.index(k)]) if k in model.classes else 0.0
                     for k in ("finding", "recommendation", "lesson", "figure"))

    return probs


def _kind_of(model: Linear, enc: Encoder) -> Any:
    def kind_of(text: str) -> str | None:
        found = topic_of_heading(text)
        if found is None:
            probs = model.proba(_embed(enc, [" ".join(text.split())]))[0]
            best = int(probs.argmax())
            kind = model.classes[best]
            found = kind if kind != "none" and probs[best] >= 0.6 else None
        return found

    return kind_of


def _document_examples(docs: list[labelled.LabelledDocument], headings: list[tuple[str, str, str]],
                       seeds: list[tuple[str, str]], index: NameIndex, enc: Encoder) -> Examples:
    """The training documents' statements, each read with a heading model that never saw its document."""
    names = sorted({d.path.name for d in docs})
    out = Examples()
    for fold in range(FOLDS):
        held = set(names[fold::FOLDS])
        rows = [(t, k) for t, k, name in headings if name not in held] + seeds
        model = _heading_model([t for t, _ in rows], [k for _, k in rows], enc)
        kind_of = _kind_of(model, enc)
        for doc in (d for d in docs if d.path.name in held):
            structure = outline(doc.extracted, kind_of)
            split_items(structure, doc.mixed_items(structure))
            analysis = analyse(doc.extracted, structure, index, None, None, heading_probs=_probs_of(model, enc))
            labels = doc.unit_labels(structure)
            for unit, row, label in zip(structure.units, analysis.features, labels, strict=True):
                if unit.form == "key-fact":
                    continue
                out.texts.append(" ".join(doc.extracted.text[unit.start:unit.end].split()))
                out.structure.append(row)
                out.labels.append(label)
                out.groups.append(doc.path.name)
    return out


def _curated_examples() -> Examples:
    """The curated findings, recommendations and lessons as sentences on their own."""
    import yaml

    out = Examples()
    bare = Structure(elements=1)
    for file, key, field_name, kind in (("findings.yaml", "findings", "text", "finding"),
                                        ("recommendations.yaml", "recommendations", "text", "recommendation"),
                                        ("lessons.yaml", "lessons", "lesson", "lesson")):
        records = yaml.safe_load((CURATED / file).read_text(encoding="utf-8"))[key]
        for rec in records:
            text = " ".join(str(rec.get(field_name) or "").split())
            if not text:
                continue
            unit = Unit(0, 0, len(text), "sentence", None, None, True)
            out.texts.append(text)
            out.structure.append(structure_vector(text, unit, bare, Context()))
            out.labels.append(kind)
            out.groups.append("curated")
    return out


def _matrix(enc: Encoder, ex: Examples) -> Any:
    import numpy as np

    return np.hstack([_embed(enc, ex.texts), np.asarray(ex.structure, dtype=np.float32)])


def _vectorizer(texts: list[str]) -> Any:
    """Tf-idf of words and word pairs seen in at least two statements (model.Words reads it back)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True).fit(texts)


def _with_words(dense: Any, vectorizer: Any, texts: list[str]) -> Any:
    from scipy import sparse

    return sparse.hstack([sparse.csr_matrix(dense), vectorizer.transform(texts)]).tocsr()


def _choose(enc: Encoder, docs: Examples, curated: Examples) -> tuple[dict[str, Any], float, dict[str, Any]]:
    """The grid point with the best grouped cross-validated macro F1 on the training documents, and the
    precision and recall per kind of its cross-validated predictions (the model alone, without the ingester's
    list and addressee rules)."""
    import numpy as np
    from scipy import sparse
    from sklearn.metrics import f1_score

    dense_docs, dense_cur = _matrix(enc, docs), _matrix(enc, curated)
    y_docs, y_cur = np.asarray(docs.labels), np.asarray(curated.labels)
    names = sorted(set(docs.groups))
    groups = np.asarray(docs.groups)
    folds = []  # each fold's words are learned from its training statements only
    for fold in range(FOLDS):
        test = np.isin(groups, names[fold::FOLDS])
        vectorizer = _vectorizer([t for t, held in zip(docs.texts, test, strict=True) if not held])
        folds.append((test, _with_words(dense_docs, vectorizer, docs.texts),
                      _with_words(dense_cur, vectorizer, curated.texts)))
    best: tuple[float, dict[str, Any], Any] = (-1.0, {}, None)
    for c in GRID_C:
        for weight in GRID_WEIGHTS:
            for cw in GRID_CURATED:
                predicted = np.empty(len(y_docs), dtype=object)
                for test, x_docs, x_cur in folds:
                    x = sparse.vstack([x_docs[~test], x_cur]).tocsr() if cw else x_docs[~test]
                    y = np.concatenate([y_docs[~test], y_cur]) if cw else y_docs[~test]
                    sw = np.concatenate([np.ones((~test).sum()), np.full(len(y_cur), cw)]) if cw else None
                    predicted[test] = _fit(x, list(y), c, weight, sw).predict(x_docs[test])
                score = float(f1_score(y_docs, predicted.astype(str), average="macro"))
                if score > best[0]:
                    best = (score, {"C": c, "class_weight": weight, "curated_weight": cw}, predicted.astype(str))
    per_kind = {}
    for kind in STATEMENT_KINDS:
        said, meant = best[2] == kind, y_docs == kind
        hit = int((said & meant).sum())
        per_kind[kind] = {"precision": round(hit / max(1, int(said.sum())), 3),
                          "recall": round(hit / max(1, int(meant.sum())), 3), "support": int(meant.sum())}
    return best[1], best[0], per_kind


def train(index: NameIndex, out: Path = MODEL_FILE, log: Any = print) -> Classifier:
    import numpy as np

    enc = encoder()
    headings, docs = _heading_examples(index)
    seeds = _seed_headings()
    log(f"{len(docs)} training documents, {len(headings)} headings and lead-ins with a kind, {len(seeds)} listed")
    examples = _document_examples(docs, headings, seeds, index, enc)
    curated = _curated_examples()
    log(f"{len(examples.labels)} statements {dict(Counter(examples.labels))}; {len(curated.labels)} curated")
    params, score, per_kind = _choose(enc, examples, curated)
    log(f"chosen by {FOLDS}-fold cross-validation over documents: {params} (macro F1 {score:.3f})")
    for kind, got in per_kind.items():
        log(f"  {kind:<15} precision {got['precision']:.3f}  recall {got['recall']:.3f}  ({got['support']} labelled)")
    from scipy import sparse

    cw = params["curated_weight"]
    vectorizer = _vectorizer(examples.texts)
    x = _with_words(_matrix(enc, examples), vectorizer, examples.texts)
    y = list(examples.labels)
    sw = np.ones(len(y))
    if cw:
        x = sparse.vstack([x, _with_words(_matrix(enc, curated), vectorizer, curated.texts)]).tocsr()
        y += curated.labels
        sw = np.concatenate([sw, np.full(len(curated.labels), cw)])
    statements = _linear(_fit(x, y, params["C"], params["class_weight"], sw), STATEMENT_KINDS)
    words = Words({str(t): int(i) for t, i in vectorizer.vocabulary_.items()}, np.asarray(vectorizer.idf_))
    log(f"words: {len(words.idf)} words and word pairs seen in at least two training statements")
    rows = [(t, k) for t, k, _ in headings] + seeds
    heading = _heading_model([t for t, _ in rows], [k for _, k in rows], enc)
    training = {"trained": dt.date.today().isoformat(), "documents": len(docs), "statements": len(examples.labels),
                "by_kind": dict(Counter(examples.labels)), "curated": len(curated.labels),
                "headings": len(rows), "parameters": params, "cross_validated_macro_f1": round(score, 4),
                "cross_validated_per_kind": per_kind,
                "train_digest": labelled.digest("train"), "library": _library()}
    classifier = Classifier(statements, heading, STRUCTURE, EMBEDDING_MODEL, _embed(enc, [PROBE])[0], training, words)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(classifier.as_json(), indent=1) + "\n", encoding="utf-8")
    log(f"wrote {out}")
    return classifier


def _library() -> str:
    import sklearn

    return f"scikit-learn {sklearn.__version__}"


def curated_index() -> tuple[NameIndex, Any]:
    """The names of the bundled curated data, from a store made for the purpose (and a cleanup)."""
    from graph.backends import open_backend
    from graph.settings import Settings
    from ingest.pipeline import ingest

    folder = tempfile.TemporaryDirectory(prefix="govkg-train-")
    store = open_backend(Settings.load({"store": str(Path(folder.name) / "store"), "backend": "embedded"}))
    with store:
        ingest(store, [CURATED])
        index = load_index(store)
    return index, folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.documents.train", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="where to write the model file")
    args = parser.parse_args(argv)
    index, folder = curated_index()
    try:
        train(index, args.out, log=lambda msg: sys.stderr.write(msg + "\n"))
    finally:
        folder.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
