"""Reading a question: which kind it is, by cosine similarity to each kind's example phrasings (the shipped
embedding model on its ONNX query path) and the kind's patterns, then which parameters it fills.

A kind whose needed parameters the question cannot fill is not chosen over one it can fill; when no kind fits
well enough, or the best needs a name the graph does not have, the question is not answered but explained.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.ask.answer import Filled
from graph.ask.dates import MONTHS, Period, find_period
from graph.ask.entities import EntityIndex, Mention, masked
from graph.ask.kinds import AskKind
from graph.ask.slots import Slots, fill

PATTERN_BONUS = 0.12  # a kind's own pattern in the question
UNFILLED_PENALTY = 0.25  # the question cannot fill a parameter the kind needs
MIN_SCORE = 0.42  # below this, the question is not understood


@dataclass
class Reading:
    """One kind the question may be, with its parameters filled as far as the question allows."""

    kind: AskKind
    similarity: float
    pattern: bool
    params: list[Filled]
    missing: list[str]

    @property
    def fit(self) -> float:
        """How well the wording fits the kind, whether or not the question fills its parameters."""
        unwanted = self.kind.requires_pattern and not self.pattern
        return self.similarity + (PATTERN_BONUS if self.pattern else 0.0) - 1.0 * unwanted

    @property
    def score(self) -> float:
        return self.fit - UNFILLED_PENALTY * bool(self.missing)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.name, "title": self.kind.title, "score": round(self.score, 4),
                "params": {p.name: p.label for p in self.params if p.read_from != "default"},
                "missing": self.missing}


@dataclass
class Understanding:
    question: str
    readings: list[Reading]  # best first
    mentions: list[Mention]
    period: Period | None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def best(self) -> Reading | None:
        return self.readings[0] if self.readings else None


class KindRouter:
    """The kinds with their example phrasings embedded once."""

    def __init__(self, kinds: dict[str, AskKind], encode: Any, entities: EntityIndex | None = None) -> None:
        self.kinds = list(kinds.values())
        self.encode = encode  # texts → unit vectors (rows)
        owners, texts = [], []
        for i, k in enumerate(self.kinds):
            for example in (k.title, *k.examples):
                owners.append(i)
                text = masked(example, entities.mentions(example, fuzzy=False)) if entities else example
                texts.append(unknown_names_masked(without_period(text, find_period(text))))
        self.owners = np.asarray(owners)
        self.vectors = np.asarray(encode(texts), dtype=np.float32)

    def similarities(self, question: str) -> np.ndarray:
        q = np.asarray(self.encode([question]), dtype=np.float32)[0]
        sims = self.vectors @ q
        best = np.full(len(self.kinds), -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, sims)
        return best


def without_period(text: str, period: Period | None) -> str:
    """The text with its period written one way for each grain, so that the years in it do not sway the
    kind: "in 2018" and "in June 2020" both read "in 2000", a range "between 2000 and 2010"."""
    if period is None:
        return text
    standard = {"range": "between 2000 and 2010", "now": "now"}.get(period.grain, "2000")
    return text[: period.span[0]] + standard + text[period.span[1]:]


CAPITALISED = re.compile(r"(?<=\s)(?:[A-Z][\w&'’-]*)(?:\s+(?:(?:of|for|and|the|in|on|&)\s+)*[A-Z][\w&'’-]*)*")
NOT_NAMES = frozenset({"X", "I", *(m.capitalize() for m in MONTHS)})


def unknown_names_masked(text: str) -> str:
    """Capitalised runs the graph does not know ("the Department of Silly Walks") also read as a name, so that
    the question's wording still shows its kind (and the missing name is asked about)."""
    return CAPITALISED.sub(lambda m: m.group(0) if m.group(0) in NOT_NAMES else "X", text)


def understand(question: str, router: KindRouter, entities: EntityIndex, *,
               today: dt.date | None = None) -> Understanding:
    """Every kind's reading of the question, best first."""
    t0 = time.perf_counter()
    mentions = entities.mentions(question)
    plain = masked(question, mentions)
    period = find_period(plain, today=today)
    t1 = time.perf_counter()
    sims = router.similarities(unknown_names_masked(without_period(plain, period)))
    t2 = time.perf_counter()
    slots = Slots(question, mentions, period, plain, entities.of_type("post"))
    readings = []
    for kind, sim in zip(router.kinds, sims, strict=True):
        params, missing = fill(kind, slots)
        readings.append(Reading(kind, float(sim), kind.pattern_hit(question), params, missing))
    readings.sort(key=lambda r: -r.score)
    return Understanding(question, readings, mentions, period,
                         {"names": t1 - t0, "kind": t2 - t1, "params": time.perf_counter() - t2})
