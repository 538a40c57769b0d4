"""Answering a question: read it (:mod:`graph.ask.understand`), run the kind's canned query or analysis with the
parameters filled, attach each row's sources, and build the summary from the rows — or say why not.

An :class:`Asker` holds what is read once per store (the names, the kinds' example vectors, the search index,
the governance records), so that a warm question costs milliseconds::

    asker = Asker(store, settings)
    answer = asker.ask("who was accountable for the national digital strategy in June 2020?")
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

from graph.ask.analyses import run_analysis
from graph.ask.answer import ANSWERED, CLARIFY, NOT_FOUND, NOT_UNDERSTOOD, Answer, Row, summarise
from graph.ask.entities import ACCEPTS, EntityIndex
from graph.ask.kinds import AskKind, ask_kinds
from graph.ask.provenance import records_by_pattern, row_sources
from graph.ask.understand import MIN_SCORE, KindRouter, Reading, Understanding, understand
from graph.backends import Backend
from graph.errors import GovKGError
from graph.settings import Settings

MAX_ROWS = 1000
ALTERNATIVES = 3
CLEARER_BY = 0.1  # similarity by which a kind the question cannot fill beats the best one it can


class Asker:
    def __init__(self, store: Backend, settings: Settings, *, kinds: dict[str, AskKind] | None = None,
                 today: dt.date | None = None, searcher: Callable[[], Any] | None = None,
                 governance: Callable[[], Any] | None = None) -> None:
        """``searcher`` and ``governance``, when given, return the caller's own (the explorer keeps both)."""
        self.store = store
        self.settings = settings
        self.kinds = kinds or ask_kinds()
        self.today = today
        self._lock = threading.Lock()
        self._entities: EntityIndex | None = None
        self._router: KindRouter | None = None
        self._searcher: Any = None
        self._data: Any = None
        self._coverage: dict[str, Any] = {}
        self._searcher_from, self._governance_from = searcher, governance

    # ---------------------------------------------------------------------------- what is read once
    @property
    def entities(self) -> EntityIndex:
        with self._lock:
            if self._entities is None:
                self._entities = EntityIndex.load(self.store)
            return self._entities

    @property
    def router(self) -> KindRouter:
        entities = self.entities
        with self._lock:
            if self._router is None:
                from graph.search.searcher import settings_embedder

                embedder = settings_embedder(self.settings)
                fast = embedder.query_encoder  # the ONNX query path (None: torch)
                encode = fast.encode if fast is not None else embedder.encode_torch
                self._router = KindRouter(self.kinds, encode, entities)
            return self._router

    def searcher(self) -> Any:
        if self._searcher_from is not None:
            return self._searcher_from()
        if self._searcher is None:
            from graph.search import Searcher

            self._searcher = Searcher(self.store, self.settings)
        return self._searcher

    def governance(self) -> Any:
        if self._governance_from is not None:
            return self._governance_from()
        if self._data is None:
            from graph.analytics import GovernanceData

            self._data = GovernanceData.load(self.store)
        return self._data

    def coverage(self, programme: str | None) -> Any:
        key = programme or ""
        if key not in self._coverage:
            from graph.analytics.coverage import DEFAULT_THRESHOLD, lesson_coverage
            from graph.analytics.narrow import LessonFilter
            from graph.search.vectors import analytics_vectors

            vectors, embedder = analytics_vectors(self.store, self.settings)
            narrow = LessonFilter.of({"programme": [programme] if programme else []})
            self._coverage[key] = lesson_coverage(self.governance(), threshold=self.settings.coverage_threshold
                                                  or DEFAULT_THRESHOLD, model=self.settings.model,
                                                  embedder=embedder, vectors=vectors, narrow=narrow)
        return self._coverage[key]

    def warm(self) -> None:
        """Read the names and embed the examples now (the first question would)."""
        _ = self.entities, self.router

    # ---------------------------------------------------------------------------- asking
    def ask(self, question: str) -> Answer:
        started = time.perf_counter()
        question = " ".join(question.split())
        if not question:
            return Answer(question, NOT_UNDERSTOOD, "Ask a question in plain English, for example: who was "
                                                    "accountable for the national digital strategy in 2020?")
        u = understand(question, self.router, self.entities, today=self.today)
        answer = self._answer(u)
        answer.entities = [e.as_dict() | {"text": m.text} for m in u.mentions for e in m.entities[:1]]
        answer.seconds = time.perf_counter() - started
        return answer

    def _choose(self, u: Understanding) -> Reading | None:
        """The reading to answer (or to ask about): the best by score, unless the wording plainly fits a kind
        whose thing the question does not name — then that one, so that the question is asked about rather than
        answered as another kind."""
        best = u.best
        if best is None:
            return None
        clearer = max(u.readings, key=lambda r: r.fit)
        names_used = any(p.read_from not in ("default", "no period given") and best.kind.param(p.name) is not None
                         and best.kind.param(p.name).type.startswith("iri")  # type: ignore[union-attr]
                         for p in best.params)
        if clearer.missing and clearer.fit >= MIN_SCORE and (
                best.score < MIN_SCORE or (not names_used and clearer.fit - best.fit >= CLEARER_BY)):
            return clearer
        return best

    def _answer(self, u: Understanding) -> Answer:
        best = self._choose(u)
        if best is None or (best.score < MIN_SCORE and not best.missing):
            return Answer(u.question, NOT_UNDERSTOOD,
                          "This question does not match any kind of question the graph can answer.",
                          alternatives=[r.as_dict() for r in u.readings[:ALTERNATIVES]],
                          search=u.question)
        alternatives = [r.as_dict() for r in u.readings if r is not best][:ALTERNATIVES]
        answer = Answer(u.question, ANSWERED, kind=best.kind.name, kind_title=best.kind.title,
                        score=best.score, params=best.params, view=best.kind.view, alternatives=alternatives,
                        also_named=self._also_named(u, best))
        if best.missing:
            return self._clarify(answer, u, best)
        try:
            rows = self._run(best, answer)
        except GovKGError as exc:
            answer.status, answer.message = NOT_FOUND, f"The query behind this kind failed: {exc.render()}"
            return answer
        answer.columns = list(rows[0]) if rows else answer.columns
        ended = 0
        if u.period is not None and u.period.grain == "now":  # a role that ended on an unknown day is not current
            ended = sum(1 for r in rows if r.get("endStatus") == "unknown")
            rows = [r for r in rows if r.get("endStatus") != "unknown"]
        if not rows or _only_zero(rows):
            answer.status = NOT_FOUND
            answer.message = (f"Read as “{best.kind.title}” with " + _params_text(best)
                              + ": the graph holds nothing for it."
                              + (f" ({ended} record(s) that ended on a day the sources do not give were left out: "
                                 "they cannot be current.)" if ended else ""))
            answer.search = u.question
            return answer
        record = best.kind.record
        rows = rows[:MAX_ROWS]
        records = records_by_pattern(self.store, rows, best.kind.record_pattern) if best.kind.record_pattern \
            else [str(r[record]) if record and r.get(record) else None for r in rows]
        answer.rows = [Row(dict(r), found) for r, found in zip(rows, records, strict=True)]
        sources = row_sources(self.store, [r.record for r in answer.rows if r.record])
        for r in answer.rows:
            found = sources.get(r.record or "", {})
            r.sources, r.evidence = found.get("sources", []), found.get("evidence", [])
        labels = {p.name: p.label for p in best.params}
        if u.period is not None:
            labels["period"] = u.period.phrase()
        labels.setdefault("period", "at any time")
        answer.summary = summarise(best.kind.summary, rows, labels)
        if u.period is not None and not any(p.type == "date" or p.name == "year" for p in best.kind.params):
            answer.message = (f"This kind of question takes no date: “{u.period.text}” was not used, and the rows "
                              "are not limited to it.")
        return answer

    def _clarify(self, answer: Answer, u: Understanding, best: Reading) -> Answer:
        """The question fits a kind but does not name the thing it needs: say so, with the names it may mean."""
        answer.status = CLARIFY
        answer.did_you_mean = self._did_you_mean(u, best)
        wanted = ", ".join(_describe(best.kind, n) for n in best.missing)
        answer.message = f"Read as “{best.kind.title}”, but the question does not name {wanted} that the graph holds."
        if answer.did_you_mean:
            answer.message += " Did you mean " + " or ".join(f"“{d['label']}”" for d in answer.did_you_mean) + "?"
        answer.search = u.question
        return answer

    def _run(self, reading: Reading, answer: Answer) -> list[dict[str, Any]]:
        values = {p.name: p.value for p in reading.params}
        kind = reading.kind
        if kind.query is not None:
            answer.sparql = kind.query.bind(values)
            return [{k: _plain(v) for k, v in row.items()} for row in self.store.select(answer.sparql)]
        assert kind.analysis is not None
        return run_analysis(kind.analysis, self, values)

    def _also_named(self, u: Understanding, reading: Reading) -> list[dict[str, str]]:
        """Other things of the same type that a name the answer read also names (the answer used the curated or
        best-linked one): an ambiguity the reader is told about."""
        out: list[dict[str, str]] = []
        for p in reading.params:
            chosen = self.entities.entity(p.value)
            mention = next((m for m in u.mentions if m.text == p.read_from), None)
            if chosen is None or mention is None:
                continue
            out += [e.as_dict() | {"name": mention.text, "used": chosen.label}
                    for e in self.entities.others(chosen, mention)[:ALTERNATIVES]]
        return out

    def _did_you_mean(self, u: Understanding, best: Reading | None) -> list[dict[str, str]]:
        types: tuple[str, ...] = ()
        if best is not None:
            for name in best.missing or [p.name for p in best.kind.params if p.type.startswith("iri")]:
                p = best.kind.param(name)
                if p is not None:
                    types += ACCEPTS.get(p.type, ())
        rest = u.question if u.period is None else u.question.replace(u.period.text, " ")
        return [e.as_dict() for e in self.entities.suggestions(rest, types)]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _only_zero(rows: list[dict[str, Any]]) -> bool:
    return len(rows) == 1 and list(rows[0].values()) in ([0], ["0"])


def _describe(kind: AskKind, name: str) -> str:
    p = kind.param(name)
    if p is None:
        return name
    if p.type.startswith("iri"):
        return " or ".join(f"a {t}" for t in ACCEPTS.get(p.type, ()) if t) or "a thing"
    return {"year": "a year", "from": "a period", "to": "a period", "rating": "a rating (red, amber, green…)",
            "text": "a passage in quotes", "topic": "a topic", "class": "a kind of record"}.get(name, name)


def _params_text(reading: Reading) -> str:
    shown = [f"{p.name} = {p.label}" for p in reading.params if p.read_from != "default"]
    return ", ".join(shown) or "its defaults"
