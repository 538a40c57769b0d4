"""Search quality on a set of paraphrased queries with known relevant items: recall@5 and MRR per mode.

The set is a YAML file (data/evaluation/search.yaml)::

    queries:
    - query: Suppliers walked away before delivering
      split: tune
      relevant: [lesson/accenture-exit-2006, lesson/fujitsu-exit-2008]

``split`` (optional) puts a query in the ``tune`` part, the only one weights and parameters may be chosen on,
or the ``held-out`` part, which only measures; scores are given for the whole set and for each part.

recall@k is the share of a query's relevant items in its top k (out of at most k relevant items); MRR is the
mean of 1 / rank of the first relevant item within the top ``MRR_DEPTH`` (0 when none is there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import GovKGError, InputError
from graph.search.searcher import MODES, Searcher

RECALL_AT = 5
MRR_DEPTH = 20
SPLITS = ("tune", "held-out")


@dataclass
class EvalQuery:
    query: str
    relevant: list[str]
    line: int = 0
    split: str = ""  # tune, held-out, or "" (no split given)


@dataclass
class QueryOutcome:
    query: str
    relevant: list[str]
    ranks: dict[str, int | None]  # relevant IRI → rank (None: not in the top MRR_DEPTH)
    recall: float
    reciprocal_rank: float
    top: list[str] = field(default_factory=list)
    split: str = ""


@dataclass
class ModeScores:
    mode: str
    recall: float
    mrr: float
    outcomes: list[QueryOutcome]
    seconds: float

    def part_of(self, outcomes: list[QueryOutcome]) -> ModeScores:
        return scores_of(self.mode, outcomes, self.seconds)

    def part(self, split: str) -> ModeScores:
        """The scores of the queries of one split (``tune`` or ``held-out``)."""
        return scores_of(self.mode, [o for o in self.outcomes if o.split == split], self.seconds)

    def parts(self) -> dict[str, ModeScores]:
        """The scores of each split present (none when no query has a split)."""
        return {s: self.part(s) for s in SPLITS if any(o.split == s for o in self.outcomes)}

    def as_dict(self, *, details: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, f"recall@{RECALL_AT}": round(self.recall, 4),
                               "mrr": round(self.mrr, 4), "queries": len(self.outcomes),
                               "seconds": round(self.seconds, 2)}
        parts = self.parts()
        if parts:
            out["splits"] = {name: {f"recall@{RECALL_AT}": round(s.recall, 4), "mrr": round(s.mrr, 4),
                                    "queries": len(s.outcomes)} for name, s in parts.items()}
        if details:
            out["outcomes"] = [o.__dict__ for o in self.outcomes]
        return out


def load_eval_set(path: Path) -> list[EvalQuery]:
    """The queries of an evaluation file; InputError naming the file and entry when malformed."""
    import yaml

    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the evaluation set: {exc.strerror}", where=where) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", where=where) from exc
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        raise InputError("expected a top-level 'queries:' list", where=where)
    out = []
    for n, entry in enumerate(data["queries"], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("query"), str) or not entry["query"].strip():
            raise InputError(f"query {n} needs a 'query' text", where=where)
        relevant = entry.get("relevant")
        if not isinstance(relevant, list) or not relevant or not all(isinstance(r, str) for r in relevant):
            raise InputError(f"query {n} ({entry['query'][:40]!r}) needs a 'relevant' list of items", where=where)
        split = entry.get("split", "")
        if split not in ("", *SPLITS):
            raise InputError(f"query {n} ({entry['query'][:40]!r}): split must be one of {', '.join(SPLITS)}, "
                             f"not {split!r}", where=where)
        out.append(EvalQuery(entry["query"].strip(), relevant, split=split))
    return out


def scores_of(mode: str, outcomes: list[QueryOutcome], seconds: float = 0.0) -> ModeScores:
    """Mean recall@5 and MRR of some outcomes."""
    n = max(len(outcomes), 1)
    return ModeScores(mode, sum(o.recall for o in outcomes) / n, sum(o.reciprocal_rank for o in outcomes) / n,
                      outcomes, seconds)


def evaluate(searcher: Searcher, queries: list[EvalQuery], modes: tuple[str, ...] = MODES) -> list[ModeScores]:
    """Run every query in every mode; relevant items that are not in the index are an InputError."""
    import time

    index = searcher.index
    resolved: list[list[str]] = []
    missing = []
    for q in queries:
        iris = []
        for ref in q.relevant:
            try:
                iris.append(index.items[searcher.resolve(ref)].iri)
            except GovKGError:
                missing.append(f"{ref} (query {q.query[:40]!r})")
        resolved.append(iris)
    if missing:
        shown = "; ".join(missing[:8]) + (f"; … {len(missing) - 8} more" if len(missing) > 8 else "")
        raise InputError(f"{len(missing)} relevant item(s) are not in the search index: {shown}",
                         hint="ingest the data the evaluation set was written from (the curated data and "
                              "../shared/datasets/llis/llis.csv)")
    results = []
    for mode in modes:
        started = time.perf_counter()
        outcomes = []
        for q, relevant in zip(queries, resolved, strict=True):
            hits = searcher.search(q.query, k=MRR_DEPTH, mode=mode).hits
            ranking = [h.iri for h in hits]
            ranks = {iri: (ranking.index(iri) + 1 if iri in ranking else None) for iri in relevant}
            found = sum(1 for r in ranks.values() if r is not None and r <= RECALL_AT)
            first = min((r for r in ranks.values() if r is not None), default=None)
            outcomes.append(QueryOutcome(q.query, relevant, ranks, found / min(len(relevant), RECALL_AT),
                                         1.0 / first if first else 0.0, ranking[:RECALL_AT], q.split))
        results.append(scores_of(mode, outcomes, time.perf_counter() - started))
    return results
