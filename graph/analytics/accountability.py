"""Gaps and overlaps in accountability: for each scope and year (or date), who held which kind of role.

*Overlap*: two holders that are not one line (see :mod:`graph.analytics.lines`) held the same kind of role
for the same scope at the same time. Kinds shared by design (oversight, scrutiny, funding, delivery by
several suppliers) are left out unless ``include_shared``. *Gap*: a stretch of time inside a scope's life — a
leading holder (accountable, responsible, SRO, delivery, policy or sponsor) before it and another after it —
with no leading holder in force. Both follow ontology/queries/accountability-overlaps.rq and
accountability-gaps.rq; the differences (lines followed to the top and through renames; exact dates as well
as years) are in docs/analytics.md. Every overlap and gap carries the accountabilities that make it, with
their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

from graph.analytics.data import Accountability, GovernanceData
from graph.analytics.evidence import Evidence, evidence
from graph.analytics.lines import Lines
from graph.kinds import LEADING_KINDS, SHARED_KINDS

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Overlap:
    """Two holders with the same kind of role for the same scope at once, from ``start`` to ``end``."""

    scope: str
    scope_label: str
    kind: str
    start: date
    end: date | None  # None: still overlapping
    a: Evidence
    b: Evidence
    note: str = ""

    @property
    def from_year(self) -> int:
        return self.start.year

    @property
    def to_year(self) -> int | None:
        return self.end.year if self.end else None

    def years(self, today: date | None = None) -> list[int]:
        last = self.end or today or date.today()
        return list(range(self.start.year, last.year + 1))


@dataclass(frozen=True)
class Gap:
    """No leading holder for a scope from ``start`` to ``end``; ``years`` lists the whole calendar years in it."""

    scope: str
    scope_label: str
    start: date
    end: date
    years: tuple[int, ...]
    before: tuple[Evidence, ...]  # the accountabilities that ended last before the gap
    after: tuple[Evidence, ...]  # those that began first after it


@dataclass
class ScopeState:
    """Who held what for one scope in one year (``when`` = "2020") or on one day ("2020-05-15")."""

    scope: str
    scope_label: str
    when: str
    holders: list[Evidence] = field(default_factory=list)
    overlapping: dict[str, list[str]] = field(default_factory=dict)  # kind → holders not in one line
    gap: bool = False  # no leading holder, though there was one before and is one after

    def kinds(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for e in self.holders:
            out.setdefault(e.kind, []).append(e.holder_label)
        return out


def _counted(kind: str, include_shared: bool) -> bool:
    return include_shared or kind not in SHARED_KINDS


def overlaps(data: GovernanceData, *, include_shared: bool = False, scope: str | None = None,
             lines: Lines | None = None) -> list[Overlap]:
    """Every overlapping pair, ordered by scope, kind and start (as accountability-overlaps.rq orders them)."""
    lines = lines or Lines(data)
    by_scope_kind: dict[tuple[str, str], list[Accountability]] = {}
    for acc in data.accountabilities:
        if (scope is None or acc.scope == scope) and _counted(acc.kind, include_shared):
            by_scope_kind.setdefault((acc.scope, acc.kind), []).append(acc)
    found = []
    for (scope_iri, kind), accs in by_scope_kind.items():
        for a, b in combinations(sorted(accs, key=lambda x: x.iri), 2):
            if lines.same_line(a.holder, b.holder):
                continue
            start = max(a.start, b.start)
            end = min((e for e in (a.end, b.end) if e is not None), default=None)
            if end is not None and end < start:
                continue
            found.append(Overlap(scope_iri, data.label(scope_iri), kind, start, end, evidence(data, a),
                                 evidence(data, b), _note(data, a, b, start)))
    return sorted(found, key=lambda o: (o.scope_label, o.kind, o.start, o.a.holder_label, o.b.holder_label))


def _note(data: GovernanceData, a: Accountability, b: Accountability, start: date) -> str:
    """Say when an overlap is a hand-over between a body and its successor, lasts only until an end that is
    unknown (so it may not have happened), or rests on year-precision dates."""
    for step in data.lineage:
        pair = {step.predecessor, step.successor}
        if pair == {a.holder, b.holder} and (step.date is None or abs(step.date.year - start.year) <= 1):
            when = f" in {step.date.year}" if step.date else ""
            return (f"{data.label(step.predecessor)} {step.kind} into {data.label(step.successor)}{when}: "
                    f"a hand-over, not a standing overlap")
    end = min((e for e in (a.end, b.end) if e is not None), default=None)
    unknown = [x for x in (a, b) if x.end_unknown and x.start < start]  # it may have ended before the other began
    if unknown:
        by = f" (by {unknown[0].end})" if unknown[0].end else ""
        return f"the end of {unknown[0].key} is unknown{by}: a possible overlap, not a known one"
    coarse = [x.key for x in (a, b) if "year" in (x.start_precision, x.end_precision)]
    if coarse and end is not None and (end - start).days <= 366:
        return f"dates of {', '.join(coarse)} are known to the year only"
    return ""


def overlap_years(data: GovernanceData, scope: str, *, include_shared: bool = False,
                  today: date | None = None) -> dict[int, list[Overlap]]:
    """The years in which more than one line held the same kind of role for ``scope``, with the overlaps."""
    out: dict[int, list[Overlap]] = {}
    for o in overlaps(data, include_shared=include_shared, scope=scope):
        for year in o.years(today):
            out.setdefault(year, []).append(o)
    return dict(sorted(out.items()))


def gaps(data: GovernanceData, *, by: str = "year", scope: str | None = None) -> list[Gap]:
    """Stretches inside each scope's life with no leading holder.

    ``by="year"`` keeps the gaps that hold at least one whole calendar year (what accountability-gaps.rq finds);
    ``by="day"`` keeps every gap, however short.
    """
    if by not in ("year", "day"):
        raise ValueError("by must be 'year' or 'day'")
    leading: dict[str, list[Accountability]] = {}
    for acc in data.accountabilities:
        if acc.kind in LEADING_KINDS and (scope is None or acc.scope == scope):
            leading.setdefault(acc.scope, []).append(acc)
    found = []
    for scope_iri, accs in leading.items():
        for start, end in _uncovered(accs):
            years = tuple(y for y in range(start.year, end.year + 1)
                          if date(y, 1, 1) >= start and date(y, 12, 31) <= end)
            if by == "year" and not years:
                continue
            before = [a for a in accs if a.end is not None and a.end == start - _ONE_DAY]
            after = [a for a in accs if a.start == end + _ONE_DAY]
            found.append(Gap(scope_iri, data.label(scope_iri), start, end, years,
                             tuple(evidence(data, a) for a in before), tuple(evidence(data, a) for a in after)))
    return sorted(found, key=lambda g: (g.scope_label, g.start))


def _uncovered(accs: list[Accountability]) -> list[tuple[date, date]]:
    """The periods between the first start and the last end that no accountability covers."""
    out = []
    ordered = sorted(accs, key=lambda a: a.start)
    covered_to: date | None = ordered[0].start - _ONE_DAY
    for acc in ordered:
        if covered_to is None:
            break
        if acc.start > covered_to + _ONE_DAY:
            out.append((covered_to + _ONE_DAY, acc.start - _ONE_DAY))
        covered_to = None if acc.end is None else max(covered_to, acc.end)
    return out


def accountable(data: GovernanceData, scope: str, when: int | date, *, include_shared: bool = False,
                lines: Lines | None = None) -> ScopeState:
    """Who held each kind of role for ``scope`` in a year (an int) or on a day, with overlaps and whether it is a gap."""
    lines = lines or Lines(data)
    accs = [a for a in data.accountabilities if a.scope == scope]
    if isinstance(when, int):
        live = [a for a in accs if a.in_year(when)]
        first, last, label = date(when, 1, 1), date(when, 12, 31), str(when)
    else:
        live = [a for a in accs if a.in_force(when)]
        first, last, label = when, when, when.isoformat()
    state = ScopeState(scope, data.label(scope), label, [evidence(data, a) for a in live])
    for kind in sorted({a.kind for a in live if _counted(a.kind, include_shared)}):
        same = [a for a in live if a.kind == kind]
        clash = {h for a, b in combinations(same, 2) if not lines.same_line(a.holder, b.holder)
                 for h in (a.holder, b.holder)}
        if clash:
            state.overlapping[kind] = sorted(data.label(h) for h in clash)
    leading = [a for a in accs if a.kind in LEADING_KINDS]
    state.gap = (not any(a.overlaps(first, last) for a in leading)
                 and any(a.end is not None and a.end < first for a in leading)
                 and any(a.start > last for a in leading))
    return state


def timeline(data: GovernanceData, scope: str, *, first: int | None = None, last: int | None = None,
             include_shared: bool = False, today: date | None = None) -> list[ScopeState]:
    """:func:`accountable` for every year from the first accountability for ``scope`` to the last (or today)."""
    accs = [a for a in data.accountabilities if a.scope == scope]
    if not accs:
        return []
    today = today or date.today()
    first = first or min(a.start.year for a in accs)
    last = last or max((a.end or today).year for a in accs)
    lines = Lines(data)
    return [accountable(data, scope, y, include_shared=include_shared, lines=lines) for y in range(first, last + 1)]


@dataclass(frozen=True)
class Lapse:
    """A scope that had leading holders but has none today; ``last`` are the accountabilities that ended last."""

    scope: str
    scope_label: str
    since: date
    last: tuple[Evidence, ...]


def lapsed(data: GovernanceData, *, today: date | None = None) -> list[Lapse]:
    """Scopes nobody leads today although somebody did before (the end of a scope's life, or an orphaned role)."""
    today = today or date.today()
    out = []
    for scope in sorted({a.scope for a in data.accountabilities}, key=data.label):
        leading = [a for a in data.accountabilities if a.scope == scope and a.kind in LEADING_KINDS]
        if not leading or any(a.in_force(today) or a.start > today for a in leading):
            continue
        ended = max(a.end for a in leading if a.end is not None)
        out.append(Lapse(scope, data.label(scope), ended + _ONE_DAY,
                         tuple(evidence(data, a) for a in leading if a.end == ended)))
    return out
