"""Lineage: a body's successor today, the chain of steps that leads there, and what it inherited.

Every lineage edge is followed (merged, renamed, replaced, split, absorbed …), so a split gives several
chains. A chain ends in a *current* body (no end date, or one still to come) or in an *orphaned* one: closed
(it has an end date) with no successor. Along the way the successor inherits the accountabilities of the
bodies before it (theirs, their posts' and the people's in those posts) and the recommendations addressed to
them; for each inherited accountability the report says who holds it today: through transfers
(:mod:`graph.analytics.changes`), else whoever holds the same scope today, else nobody (lapsed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.analytics.changes import DEFAULT_WINDOW_DAYS, Transfer, transfer_paths, transfers
from graph.analytics.data import Accountability, GovernanceData, LineageStep, SourceRef
from graph.analytics.evidence import Evidence, evidence
from graph.analytics.lines import Lines
from graph.kinds import LEADING_KINDS


@dataclass(frozen=True)
class Step:
    predecessor: str
    predecessor_label: str
    kind: str
    date: date | None
    successor: str
    successor_label: str
    sources: tuple[SourceRef, ...] = ()
    certainty: str = ""


@dataclass(frozen=True)
class BodyRef:
    iri: str
    key: str
    label: str
    end: date | None = None


@dataclass(frozen=True)
class Chain:
    """The steps from the body to ``end``; ``status`` is "current" or "orphaned" (closed, no successor)."""

    steps: tuple[Step, ...]
    end: BodyRef
    status: str


@dataclass(frozen=True)
class InheritedAccountability:
    """An accountability of a body in the chain, and where it is today.

    ``how``: "transferred" (``now`` reached through ``path``), "still held" (in force today), "stale" (in force
    in the data but every body of its holder has closed), "same scope" (not passed on, but ``now`` hold its
    scope today) or "lapsed" (nobody holds it today).
    """

    accountability: Evidence
    held_by: BodyRef  # the body in the chain it belonged to
    how: str
    now: tuple[Evidence, ...] = ()
    path: tuple[Transfer, ...] = ()
    alongside: tuple[Evidence, ...] = ()  # others leading the scopes of ``now`` today (e.g. a post in the body)


@dataclass(frozen=True)
class InheritedRecommendation:
    recommendation: str  # key
    iri: str
    text: str
    made_by: str
    date: date | None
    status: str
    addressee: BodyRef
    sources: tuple[SourceRef, ...] = ()


@dataclass
class Lineage:
    """``body``'s successors today, the chains to them and what they inherited."""

    body: BodyRef
    status: str  # current, succeeded, orphaned or partly orphaned
    chains: list[Chain] = field(default_factory=list)
    today: list[BodyRef] = field(default_factory=list)
    orphaned: list[BodyRef] = field(default_factory=list)
    accountabilities: list[InheritedAccountability] = field(default_factory=list)
    recommendations: list[InheritedRecommendation] = field(default_factory=list)


def _ref(data: GovernanceData, iri: str) -> BodyRef:
    body = data.bodies.get(iri)
    return BodyRef(iri, data.key(iri), data.label(iri), body.end if body else None)


def _step(data: GovernanceData, s: LineageStep) -> Step:
    return Step(s.predecessor, data.label(s.predecessor), s.kind, s.date, s.successor, data.label(s.successor),
                tuple(data.source_refs(s.sources)), s.certainty)


def chains(data: GovernanceData, body: str, *, today: date | None = None) -> list[Chain]:
    """Every path of lineage steps (taken by ``today``; undated ones count) from ``body`` to a body with no successor."""
    today = today or date.today()
    onward: dict[str, list[LineageStep]] = {}
    for s in data.lineage:
        if s.date is None or s.date <= today:
            onward.setdefault(s.predecessor, []).append(s)
    out: list[Chain] = []

    def walk(iri: str, path: tuple[LineageStep, ...]) -> None:
        nexts = [s for s in onward.get(iri, []) if s.successor not in {p.predecessor for p in path} | {body}]
        if not nexts:
            closed = iri in data.bodies and data.bodies[iri].closed(today)
            out.append(Chain(tuple(_step(data, s) for s in path), _ref(data, iri), "orphaned" if closed else "current"))
            return
        for s in sorted(nexts, key=lambda s: data.label(s.successor)):
            walk(s.successor, (*path, s))

    walk(body, ())
    return out


def lineage_of(data: GovernanceData, body: str, *, today: date | None = None,
            window_days: int = DEFAULT_WINDOW_DAYS) -> Lineage:
    """``body``'s successor(s) today with the chains, inherited accountabilities and recommendations."""
    today = today or date.today()
    found = chains(data, body, today=today)
    ends = {c.end.iri: c for c in found}
    current = [c.end for c in ends.values() if c.status == "current"]
    orphaned = [c.end for c in ends.values() if c.status == "orphaned"]
    if not found[0].steps and len(found) == 1:
        status = found[0].status if found[0].status == "orphaned" else "current"
    else:
        status = "succeeded" if not orphaned else ("orphaned" if not current else "partly orphaned")
    result = Lineage(_ref(data, body), status, found, current, orphaned)
    before = _bodies_before(found, body, {b.iri for b in current})
    lines = Lines(data)
    steps = transfers(data, window_days=window_days, lines=lines)
    for b in before:
        members = lines.members(b)
        for acc in data.accountabilities:
            if acc.holder in members:
                result.accountabilities.append(_where_now(data, lines, acc, _ref(data, b), today, steps))
    result.recommendations = [
        InheritedRecommendation(r.key, r.iri, r.text, data.label(r.made_by), r.date, r.status, _ref(data, a),
                                tuple(data.source_refs(r.sources)))
        for r in data.recommendations for a in r.addressed_to if a in before]
    result.recommendations.sort(key=lambda r: (r.date or date.min, r.recommendation, r.addressee.label))
    return result


def _bodies_before(found: list[Chain], body: str, current: set[str]) -> list[str]:
    """The body and every body on its chains, in order, without today's successors."""
    out = [body]
    for c in found:
        for s in c.steps:
            for iri in (s.predecessor, s.successor):
                if iri not in out and iri not in current:
                    out.append(iri)
    return [b for b in out if b not in current]


def _where_now(data: GovernanceData, lines: Lines, acc: Accountability, held_by: BodyRef, today: date,
               steps: list[Transfer]) -> InheritedAccountability:
    ev = evidence(data, acc)
    if acc.in_force(today):
        bodies = {same for b in lines.bodies_of(acc.holder) for same in lines.same_body(b) if same in data.bodies}
        if bodies and all(data.bodies[b].closed(today) for b in bodies):
            return InheritedAccountability(ev, held_by, "stale", _same_scope_today(data, acc, today))
        return InheritedAccountability(ev, held_by, "still held", (ev,))
    paths = transfer_paths(data, acc, today, steps)
    if paths:
        now = [b for b, _ in paths]
        alongside = {e.iri: e for b in now for e in _same_scope_today(data, b, today) if e.iri not in
                     {x.iri for x in now}}
        return InheritedAccountability(ev, held_by, "transferred", tuple(evidence(data, b) for b in now),
                                       paths[0][1], tuple(alongside.values()))
    same = _same_scope_today(data, acc, today)
    return InheritedAccountability(ev, held_by, "same scope" if same else "lapsed", same)


def _same_scope_today(data: GovernanceData, acc: Accountability, today: date) -> tuple[Evidence, ...]:
    kinds = LEADING_KINDS if acc.kind in LEADING_KINDS else (acc.kind,)
    return tuple(evidence(data, b) for b in data.accountabilities
                 if b.scope == acc.scope and b.iri != acc.iri and b.kind in kinds and b.in_force(today))


def orphans(data: GovernanceData, *, today: date | None = None) -> list[Lineage]:
    """The lineage of every body closed with no successor, with what it held and what was addressed to it."""
    today = today or date.today()
    has_successor = {s.predecessor for s in data.lineage}
    closed = [b for b in data.bodies.values() if b.closed(today) and b.iri not in has_successor]
    return [lineage_of(data, b.iri, today=today) for b in sorted(closed, key=lambda b: b.label)]
