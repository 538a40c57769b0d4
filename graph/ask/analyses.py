"""The kinds of question that an analysis answers rather than a canned query: each a function that takes the
asking context and the filled parameters and returns rows (plain dicts; the ``record`` column names each row's
record, for its sources). Named by the ``analysis:`` field of the kind's YAML file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from graph.errors import InputError

Rows = list[dict[str, Any]]


class Context(Protocol):
    def searcher(self) -> Any: ...
    def governance(self) -> Any: ...
    def coverage(self, programme: str | None) -> Any: ...


ANALYSES: dict[str, Callable[[Context, dict[str, str]], Rows]] = {}
SEARCH_K = 10


def analysis(name: str) -> Callable[[Callable[[Context, dict[str, str]], Rows]],
                                    Callable[[Context, dict[str, str]], Rows]]:
    def register(fn: Callable[[Context, dict[str, str]], Rows]) -> Callable[[Context, dict[str, str]], Rows]:
        ANALYSES[name] = fn
        return fn

    return register


def run_analysis(name: str, ctx: Context, params: dict[str, str]) -> Rows:
    if name not in ANALYSES:
        raise InputError(f"no analysis {name!r} for questions", hint=f"known: {', '.join(sorted(ANALYSES))}")
    return ANALYSES[name](ctx, params)


def _lesson_hits(ctx: Context, text: str) -> Rows:
    result = ctx.searcher().search(text, k=SEARCH_K, filters={"kind": ["lesson"]})
    rows = []
    for hit in result.hits:
        programmes = "; ".join(p["label"] for p in hit.context.get("programmes", []))
        rows.append({"lesson": hit.iri, "title": hit.title, "programme": programmes,
                     "year": hit.context.get("year") or "", "score": round(hit.score, 4),
                     "best sentence": hit.why.best_sentence or ""})
    return rows


@analysis("search-lessons")
def search_lessons(ctx: Context, params: dict[str, str]) -> Rows:
    """Lessons on a topic: semantic search (hybrid) over the lessons."""
    return _lesson_hits(ctx, params["topic"])


@analysis("similar-lessons")
def similar_lessons(ctx: Context, params: dict[str, str]) -> Rows:
    """Lessons like a passage: the passage is the search query."""
    return _lesson_hits(ctx, params["text"])


@analysis("changes")
def changes(ctx: Context, params: dict[str, str]) -> Rows:
    """Accountabilities added, ended and transferred between two dates, for one scope, programme or body."""
    from graph.analytics import changes_between

    data = ctx.governance()
    start, end = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    found = changes_between(data, start, end)
    subject = params.get("subject")

    def concerns(ev: Any) -> bool:
        if not subject:
            return True
        return subject in (ev.scope, ev.holder, data.scope_initiatives.get(ev.scope))

    rows: Rows = []
    for ev in found.added:
        if concerns(ev):
            rows.append(_change("added", ev, f"{ev.holder_label} began {ev.kind} for {ev.scope_label}"))
    for ev in found.removed:
        if concerns(ev):
            rows.append(_change("ended", ev, f"{ev.holder_label} stopped {ev.kind} for {ev.scope_label}"))
    for chain in found.transferred:
        if concerns(chain.source) or concerns(chain.target):
            holders = [chain.source.holder_label, *(t.target.holder_label for t in chain.steps)]
            if holders[-1] != chain.target.holder_label:
                holders.append(chain.target.holder_label)
            rows.append(_change("transferred", chain.target, " → ".join(dict.fromkeys(holders))
                                + f" ({chain.source.kind} for {chain.source.scope_label})"))
    for ev in found.came_and_went:
        if concerns(ev):
            rows.append(_change("came and went", ev, f"{ev.holder_label} held {ev.kind} for {ev.scope_label} "
                                                     "only in between"))
    return rows


def _change(part: str, ev: Any, text: str) -> dict[str, Any]:
    return {"change": text, "part": part, "holder": ev.holder_label, "scope": ev.scope_label, "kind": ev.kind,
            "start": ev.start.isoformat(), "end": ev.until(), "accountability": ev.iri}


@analysis("not-addressed")
def not_addressed(ctx: Context, params: dict[str, str]) -> Rows:
    """Lessons that no current recommendation, target or programme addresses (coverage: not covered)."""
    from graph.analytics.coverage import NOT_COVERED

    report = ctx.coverage(params.get("programme"))
    found = [c for c in report.lessons if c.status == NOT_COVERED]
    found.sort(key=lambda c: (c.date or dt.date.min, c.lesson), reverse=True)  # the latest first
    return [{"lesson": c.iri, "title": c.title, "programme": c.programme_label,
             "raised by": c.raised_by, "date": c.date.isoformat() if c.date else ""} for c in found]
