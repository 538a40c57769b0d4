"""Judging ``govkg ask`` on an evaluation set (``data/evaluation/ask.yaml``): for each question the expected
kind, parameters and answer (strings that must appear in the rows), or that the graph cannot answer it; split
into a tune part (used to set the examples, patterns and thresholds) and a held-out part (never used for that).

A question is answered correctly when the kind is right, the answer has rows and every expected string appears
in them; a question the graph cannot answer is answered correctly when it is refused (not found, a
clarification, or not understood).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from graph.ask.answer import Answer
from graph.ask.asker import Asker
from graph.errors import InputError

SPLITS = ("tune", "held-out")


@dataclass(frozen=True)
class Case:
    question: str
    split: str
    kind: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    expect: tuple[str, ...] = ()
    unanswerable: bool = False
    dataset: str | None = None  # a public dataset the answer needs (skipped when the store lacks it)
    curated_only: bool = False  # the expected strings hold for the curated data alone (counts)


@dataclass
class Outcome:
    case: Case
    answer: Answer
    kind_ok: bool
    params_ok: bool
    answer_ok: bool
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.case.question, "split": self.case.split, "expected kind": self.case.kind,
                "kind": self.answer.kind, "status": self.answer.status, "kind_ok": self.kind_ok,
                "params_ok": self.params_ok, "answer_ok": self.answer_ok, "missing": self.missing,
                "params": {p.name: p.value for p in self.answer.params}, "seconds": round(self.answer.seconds, 4)}


@dataclass
class Scores:
    name: str
    outcomes: list[Outcome]

    def _rate(self, items: list[bool]) -> float:
        return sum(items) / len(items) if items else 0.0

    @property
    def answerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.case.unanswerable]

    @property
    def unanswerable(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.unanswerable]

    @property
    def kind_accuracy(self) -> float:
        return self._rate([o.kind_ok for o in self.answerable])

    @property
    def param_accuracy(self) -> float:
        return self._rate([o.params_ok for o in self.answerable])

    @property
    def answer_accuracy(self) -> float:
        return self._rate([o.answer_ok for o in self.outcomes])

    @property
    def refusal_rate(self) -> float:
        return self._rate([o.answer_ok for o in self.unanswerable])

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"part": self.name, "questions": len(self.outcomes),
                               "answerable": len(self.answerable), "unanswerable": len(self.unanswerable),
                               "kind_accuracy": round(self.kind_accuracy, 4),
                               "param_accuracy": round(self.param_accuracy, 4),
                               "answer_accuracy": round(self.answer_accuracy, 4),
                               "refusal_rate": round(self.refusal_rate, 4)}
        if details:
            out["outcomes"] = [o.as_dict() for o in self.outcomes]
        return out


def load_cases(path: Path) -> list[Case]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the evaluation set: {exc}", where=str(path)) from exc
    cases = []
    for n, item in enumerate(data.get("questions") or [], start=1):
        if not item.get("q") or item.get("split") not in SPLITS:
            raise InputError(f"question {n} needs q and split (tune or held-out)", where=str(path))
        if not item.get("unanswerable") and not item.get("kind"):
            raise InputError(f"question {n} needs kind, or unanswerable: true", where=str(path))
        cases.append(Case(item["q"], item["split"], item.get("kind"),
                          {k: str(v) for k, v in (item.get("params") or {}).items()},
                          tuple(str(x) for x in item.get("expect") or ()), bool(item.get("unanswerable")),
                          item.get("dataset"), bool(item.get("curated_only"))))
    return cases


def _same(expected: str, got: str | None) -> bool:
    if got is None:
        return False
    if expected == got:
        return True
    return got.startswith(("http://", "https://")) and got.rsplit("/", 1)[-1] == expected


def judge(case: Case, answer: Answer) -> Outcome:
    if case.unanswerable:
        return Outcome(case, answer, True, True, answer.refused)
    kind_ok = answer.kind == case.kind
    params_ok = kind_ok and all(_same(v, answer.param(k)) for k, v in case.params.items())
    text = " ".join(str(v) for r in answer.rows for v in r.values.values()).lower()
    missing = [e for e in case.expect if e.lower() not in text]
    answer_ok = kind_ok and not answer.refused and bool(answer.rows) and not missing
    return Outcome(case, answer, kind_ok, params_ok, answer_ok, missing)


def evaluate(asker: Asker, cases: list[Case], datasets: set[str] | None = None) -> list[Outcome]:
    """Ask every question (those needing a dataset the store lacks are left out) and judge the answers."""
    asker.warm()
    out = []
    for case in cases:
        if case.dataset and datasets is not None and case.dataset not in datasets:
            continue
        if case.curated_only and datasets:
            case = replace(case, expect=())  # the counts differ once the datasets are in
        out.append(judge(case, asker.ask(case.question)))
    return out


def parts(outcomes: list[Outcome]) -> list[Scores]:
    return [Scores(name, [o for o in outcomes if o.case.split == name]) for name in SPLITS] + [
        Scores("all", outcomes)]


def store_datasets(store: Any) -> set[str]:
    """The public datasets in the store, by their source keys (dataset-gmpp → gmpp)."""
    return {key.removeprefix("dataset-").split("-", 1)[0] for key in store.sources() if key.startswith("dataset-")}


def timed(asker: Asker, questions: list[str], repeat: int = 1) -> list[float]:
    """Seconds per question, each asked ``repeat`` times (warm)."""
    asker.warm()
    out = []
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            asker.ask(q)
            out.append(time.perf_counter() - t)
    return out
