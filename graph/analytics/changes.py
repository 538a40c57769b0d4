"""What changed in accountability between two dates: responsibilities added, removed and transferred.

A *transfer* goes from one accountability to another when

* **same scope and kind**: one holder's accountability ended and another holder's (not in the same line, see
  :mod:`graph.analytics.lines`) began for the same scope and kind within ``window_days`` of that end (before
  or after it: coarse dates make hand-overs overlap), the new one starting after the old one started and
  lasting beyond its end — unless the old holder's line (a body it sits in) still holds the role; or
* **along a lineage edge**: a body was merged, renamed, replaced, split or absorbed into another, the
  predecessor's accountability ended and the successor's began, both within ``window_days`` of the event.
  The successor's accountabilities for the same scope are preferred, else those of the same kind.

When several accountabilities qualify, those that began closest to the hand-over are taken; a lineage step,
when there is one, is preferred to a same-scope match.

Between two dates, a transfer is a chain of such steps from an accountability in force on the first date to
one in force on the second, so HSCIC (2015) → NHS Digital → NHS England (2024) is one transfer with two steps.

The report adds up: every accountability in force on either date, or in between, is in exactly one of
*unchanged* (in force on both), *transferred* (the start of a chain), *removed*, *added* or *came and went*
(the steps inside a chain are counted in it, not again); and every hand-over step between the two dates says
which of those it joins (``Transfer.part``), so steps outside the transfers — from something that came and went
to something added, say — are accounted for too. A period given latest date first is swapped, with a note.

An accountability whose end is unknown counts as in force up to the latest day it can have been held (its
``end``), never as current; a hand-over from it is timed from that day, and its evidence says "end unknown".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from graph.analytics.data import Accountability, GovernanceData, LineageStep, SourceRef
from graph.analytics.evidence import Evidence, evidence
from graph.analytics.lines import Lines

DEFAULT_WINDOW_DAYS = 366  # a year: the data often knows a hand-over only to the year
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Transfer:
    """One step: ``source`` ended and ``target`` took it over; ``via`` is "same scope" or a lineage kind."""

    source: Evidence
    target: Evidence
    via: str
    same_scope: bool
    days_between: int  # from the day after source ended to the day target began; negative when they overlap
    lineage_date: date | None = None
    lineage_sources: tuple[SourceRef, ...] = ()
    part: str = ""  # between two dates: "transferred", or what it joins ("came and went → added")


@dataclass(frozen=True)
class TransferChain:
    """``source`` (in force on the first date) reached ``target`` (in force on the second) through ``steps``."""

    source: Evidence
    target: Evidence
    steps: tuple[Transfer, ...]


@dataclass
class Changes:
    start: date
    end: date
    window_days: int
    added: list[Evidence] = field(default_factory=list)
    removed: list[Evidence] = field(default_factory=list)
    transferred: list[TransferChain] = field(default_factory=list)
    came_and_went: list[Evidence] = field(default_factory=list)  # began after start and ended before end
    steps: list[Transfer] = field(default_factory=list)  # every transfer step taken between the two dates
    unchanged: list[Evidence] = field(default_factory=list)  # in force on both dates
    note: str = ""  # how the period was read (a reversed period is swapped)

    @property
    def counts(self) -> dict[str, int]:
        """Rows per part; the steps split by what they join."""
        parts: dict[str, int] = {}
        for t in self.steps:
            parts[t.part] = parts.get(t.part, 0) + 1
        return {"unchanged": len(self.unchanged), "transferred": len(self.transferred), "added": len(self.added),
                "removed": len(self.removed), "came and went": len(self.came_and_went),
                "hand-over steps": len(self.steps), **{f"steps: {k}": v for k, v in sorted(parts.items())}}


def transfers(data: GovernanceData, *, window_days: int = DEFAULT_WINDOW_DAYS,
              lines: Lines | None = None) -> list[Transfer]:
    """Every transfer step in the data, ordered by the date the new accountability began."""
    lines = lines or Lines(data)
    window = timedelta(days=window_days)
    along: dict[str, list[Transfer]] = {}
    for step in data.lineage:
        for a, b in _lineage_pairs(data, lines, step, window):
            along.setdefault(a.iri, []).append(_transfer(data, a, b, step.kind, step))
    found = [t for ts in along.values() for t in _nearest(ts)]
    for a in data.accountabilities:
        if a.end is None or a.iri in along:  # a lineage successor took it over: that is the transfer
            continue
        candidates = [_transfer(data, a, b, "same scope", None) for b in _same_scope_successors(data, lines, a, window)]
        found.extend(_nearest(candidates))
    return sorted(found, key=lambda t: (t.target.start, t.source.accountability, t.target.accountability))


def _nearest(candidates: list[Transfer]) -> list[Transfer]:
    """The candidates that began closest to the hand-over (ties kept)."""
    best = min((abs(t.days_between) for t in candidates), default=0)
    return [t for t in candidates if abs(t.days_between) == best]


def _same_scope_successors(data: GovernanceData, lines: Lines, a: Accountability,
                           window: timedelta) -> list[Accountability]:
    assert a.end is not None
    handover = a.end + _ONE_DAY
    line = lines.up(a.holder)
    if any(c.holder in line and c.scope == a.scope and c.kind == a.kind and c.in_force(handover)
           for c in data.accountabilities):
        return []  # the holder, or a body it sits in, carries on: the role stayed in its line
    return [b for b in data.accountabilities
            if b.scope == a.scope and b.kind == a.kind and not lines.same_line(a.holder, b.holder)
            and b.start > a.start and (b.end is None or b.end > a.end) and abs(b.start - handover) <= window]


def _lineage_pairs(data: GovernanceData, lines: Lines, step: LineageStep,
                   window: timedelta) -> list[tuple[Accountability, Accountability]]:
    before, after = lines.members(step.predecessor), lines.members(step.successor)
    pairs: list[tuple[Accountability, Accountability]] = []
    for a in data.accountabilities:
        if a.holder not in before or a.end is None:
            continue
        when = step.date or a.end + _ONE_DAY
        if abs(a.end + _ONE_DAY - when) > window:
            continue
        candidates = [b for b in data.accountabilities
                      if b.holder in after and abs(b.start - when) <= window and b.start > a.start
                      and (b.end is None or b.end > a.end)]
        same_scope = [b for b in candidates if b.scope == a.scope]
        same_kind = [b for b in candidates if b.kind == a.kind]
        pairs.extend((a, b) for b in same_scope or same_kind)
    return pairs


def _transfer(data: GovernanceData, a: Accountability, b: Accountability, via: str,
              step: LineageStep | None) -> Transfer:
    assert a.end is not None
    return Transfer(evidence(data, a), evidence(data, b), via, a.scope == b.scope, (b.start - (a.end + _ONE_DAY)).days,
                    step.date if step else None, tuple(data.source_refs(step.sources)) if step else ())


def transfer_paths(data: GovernanceData, source: Accountability, arrive: date, steps: list[Transfer]
                   ) -> list[tuple[Accountability, tuple[Transfer, ...]]]:
    """The accountabilities in force on ``arrive`` that ``source`` passed to, each with the first path found."""
    by_source: dict[str, list[Transfer]] = {}
    for t in steps:
        by_source.setdefault(t.source.iri, []).append(t)
    by_iri = {a.iri: a for a in data.accountabilities}
    reached: dict[str, tuple[Transfer, ...]] = {}
    queue: deque[tuple[str, tuple[Transfer, ...]]] = deque([(source.iri, ())])
    seen = {source.iri}
    while queue:
        iri, path = queue.popleft()
        for t in by_source.get(iri, []):
            nxt = t.target.iri
            if nxt in seen:
                continue
            seen.add(nxt)
            if by_iri[nxt].in_force(arrive):
                reached[nxt] = (*path, t)
            else:
                queue.append((nxt, (*path, t)))
    return [(by_iri[iri], path) for iri, path in reached.items()]


def changes_between(data: GovernanceData, start: date, end: date, *, window_days: int = DEFAULT_WINDOW_DAYS,
                    scope: str | None = None) -> Changes:
    """The accountabilities added, removed and transferred between ``start`` and ``end`` (optionally one scope);
    the dates given the wrong way round are swapped, and ``note`` says so."""
    note = ""
    if end < start:
        start, end = end, start
        note = f"the second date came first: compared {start.isoformat()} with {end.isoformat()}"
    steps = transfers(data, window_days=window_days)
    accs = [a for a in data.accountabilities if scope is None or a.scope == scope]
    before = {a.iri for a in accs if a.in_force(start)}
    after = {a.iri for a in accs if a.in_force(end)}
    out = Changes(start, end, window_days, note=note,
                  unchanged=[evidence(data, a) for a in accs if a.iri in before & after])
    arrived: set[str] = set()
    passed: set[str] = set()
    chained: set[tuple[str, str]] = set()
    for a in accs:
        if a.iri in before and a.iri not in after:
            paths = transfer_paths(data, a, end, steps)
            for b, path in paths:  # the target may hold another scope (a lineage step can change it)
                out.transferred.append(TransferChain(evidence(data, a), evidence(data, b), path))
                arrived.add(b.iri)
                passed.update(t.target.iri for t in path[:-1])
                chained.update((t.source.iri, t.target.iri) for t in path)
            if not paths:
                out.removed.append(evidence(data, a))
    for a in accs:
        if a.iri not in passed and start < a.start and a.end is not None and a.end < end:
            out.came_and_went.append(evidence(data, a))
    out.added = [evidence(data, a) for a in accs if a.iri in after and a.iri not in before and a.iri not in arrived]
    in_scope = {a.iri for a in accs}
    part_of = _parts(out, before, after)
    out.steps = [replace(t, part="transferred" if (t.source.iri, t.target.iri) in chained else
                         f"{part_of.get(t.source.iri, 'outside the period')} → "
                         f"{part_of.get(t.target.iri, 'outside the period')}")
                 for t in steps if start < t.target.start <= end and in_scope & {t.source.iri, t.target.iri}]
    out.transferred.sort(key=lambda c: (c.target.start, c.source.accountability, c.target.accountability))
    return out


def _parts(c: Changes, before: set[str], after: set[str]) -> dict[str, str]:
    """Which part of the report each accountability is in."""
    out = {e.iri: "unchanged" for e in c.unchanged}
    out.update({e.iri: "added" for e in c.added})
    out.update({e.iri: "removed" for e in c.removed})
    out.update({e.iri: "came and went" for e in c.came_and_went})
    for chain in c.transferred:
        out[chain.source.iri] = "transferred"
        out.update({t.target.iri: "transferred" for t in chain.steps})
    for iri in before - set(out):
        out[iri] = "in force on the first date"
    for iri in after - set(out):
        out[iri] = "in force on the second date"
    return out
