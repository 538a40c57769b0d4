"""The accountability matrix: for one date, which body held which kind of role for each scope (everything in
force on that date), with overlaps and gaps marked; and what changed between two dates (unchanged, transferred,
added, removed, came and went, and each hand-over step). The rules for overlaps, gaps and transfers are the
analytics' (graph/analytics); the SROs of the major-projects portfolio are accountabilities like the others
(a project is a scope, its SRO a person in the post "SRO of <project>" of its department).

A role whose end is unknown is in the matrix only up to the latest day it can have been held, and is marked
"(end unknown)" there, never shown as current."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.analytics import GovernanceData, accountable, changes_between
from graph.analytics.evidence import Evidence
from graph.analytics.lines import Lines
from graph.views.refs import iri_of, iso, ref_of

GAP_COLUMN = "(no leading holder)"


@dataclass
class Cell:
    """What one body held for one scope on the date: the kinds of role, through whom, and the facts."""

    scope: str
    scope_label: str
    body: str
    body_label: str
    kinds: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)  # posts or people acting for the body
    facts: list[str] = field(default_factory=list)
    overlap: list[str] = field(default_factory=list)  # the kinds of role it shares with another line
    end_unknown: list[str] = field(default_factory=list)  # the kinds of role held only by records whose end is unknown

    @property
    def text(self) -> str:
        return ", ".join(k + (" ⚠" if k in self.overlap else "") + (" (end unknown)" if k in self.end_unknown else "")
                         for k in sorted(set(self.kinds)))

    @property
    def status(self) -> str:
        return "overlap" if self.overlap else "held"


@dataclass
class Matrix:
    on: date
    scopes: list[tuple[str, str]] = field(default_factory=list)  # (ref, label) ordered by label
    bodies: list[tuple[str, str]] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    overlaps: list[dict[str, Any]] = field(default_factory=list)
    gaps: list[dict[str, Any]] = field(default_factory=list)

    def cell(self, scope_ref: str, body_ref: str) -> Cell | None:
        return next((c for c in self.cells if c.scope == scope_ref and c.body == body_ref), None)

    def records(self) -> list[dict[str, Any]]:
        """One row per cell, plus one per gap, for a heatmap."""
        rows = [{"scope": c.scope_label, "body": c.body_label, "roles": c.text, "status": c.status,
                 "via": ", ".join(c.via), "facts": ", ".join(c.facts)} for c in self.cells]
        rows += [{"scope": g["scope"], "body": GAP_COLUMN, "roles": "gap", "status": "gap", "via": "",
                  "facts": g["before"]} for g in self.gaps]
        return rows

    def table(self) -> list[dict[str, str]]:
        """The matrix as rows (one per scope) of columns (one per body): the kinds of role held."""
        out = []
        for ref, label in self.scopes:
            row = {"scope": label}
            for body_ref, body_label in self.bodies:
                cell = self.cell(ref, body_ref)
                row[body_label] = cell.text if cell else ""
            out.append(row)
        return out


def matrix(data: GovernanceData, on: date, *, include_shared: bool = False, body: str | None = None) -> Matrix:
    """Everything in force on ``on``: scope × body cells; overlaps (same kind, two lines) and gaps marked.
    With ``body`` (a ref), only the scopes in which that body (or one linked to it) holds something."""
    lines = Lines(data)
    out = Matrix(on)
    live = [a for a in data.accountabilities if a.in_force(on)]
    if body:
        wanted = lines.same_body(iri_of(body))
        scopes = {a.scope for a in live
                  if wanted & {data.canonical(b) for b in lines.bodies_of(a.holder) or {a.holder}}}
        live = [a for a in live if a.scope in scopes]
    cells: dict[tuple[str, str], Cell] = {}
    for a in live:
        held_by = sorted({data.canonical(b) for b in lines.bodies_of(a.holder)}) or [a.holder]
        for holder_body in held_by:
            key = (a.scope, holder_body)
            if key not in cells:
                cells[key] = Cell(ref_of(a.scope), data.label(a.scope), ref_of(holder_body), data.label(holder_body))
            cell = cells[key]
            cell.kinds.append(a.kind)
            cell.facts.append(ref_of(a.iri))
            if a.holder != holder_body:
                cell.via.append(data.label(a.holder))
    for (scope, holder_body), cell in cells.items():
        known = {a.kind for a in live if a.scope == scope and not a.end_unknown
                 and holder_body in ({data.canonical(b) for b in lines.bodies_of(a.holder)} or {a.holder})}
        cell.end_unknown = sorted(set(cell.kinds) - known)
    for scope in sorted({a.scope for a in live} | ({a.scope for a in data.accountabilities} if not body else set()),
                        key=data.label):
        state = accountable(data, scope, on, include_shared=include_shared, lines=lines)
        for kind, holders in state.overlapping.items():
            out.overlaps.append({"scope": state.scope_label, "kind": kind, "holders": ", ".join(holders),
                                 "scope ref": ref_of(scope)})
            clashing = {data.canonical(h) for a in live if a.scope == scope and a.kind == kind
                        and data.label(a.holder) in holders for h in (lines.bodies_of(a.holder) or {a.holder})}
            for clash in clashing:
                if (scope, clash) in cells:
                    cells[(scope, clash)].overlap.append(kind)
        if state.gap:
            ended = [a for a in data.accountabilities if a.scope == scope and a.end is not None and a.end < on]
            last = max(ended, key=lambda a: a.end or date.min) if ended else None
            out.gaps.append({"scope": state.scope_label, "scope ref": ref_of(scope),
                             "last holder": data.label(last.holder) if last else "",
                             "before": iso(last.end) if last else "", "fact": ref_of(last.iri) if last else ""})
    out.cells = sorted(cells.values(), key=lambda c: (c.scope_label, c.body_label))
    out.scopes = sorted({(c.scope, c.scope_label) for c in out.cells} | {(g["scope ref"], g["scope"])
                                                                         for g in out.gaps}, key=lambda x: x[1])
    out.bodies = sorted({(c.body, c.body_label) for c in out.cells}, key=lambda x: x[1])
    return out


def bodies_holding(data: GovernanceData) -> dict[str, str]:
    """``body/key`` → label of every body that holds an accountability (itself, or through a post or a
    person in one), for a picker."""
    lines = Lines(data)
    held = {data.canonical(b) for a in data.accountabilities for b in lines.bodies_of(a.holder)}
    return {ref_of(b): data.label(b) for b in sorted(held, key=lambda b: data.label(b).lower())}


def _evidence_row(e: Evidence) -> dict[str, Any]:
    end = (f"unknown (by {iso(e.end)})" if e.end else "unknown") if e.end_unknown else iso(e.end)
    return {"scope": e.scope_label, "holder": e.holder_label, "kind": e.kind, "start": iso(e.start),
            "end": end, "sources": ", ".join(s.key for s in e.sources), "fact": ref_of(e.iri)}


CHANGES = ("added", "removed", "transferred", "came and went", "unchanged", "hand-over steps")


def difference(data: GovernanceData, first: date, second: date) -> dict[str, Any]:
    """What changed between two dates (the analytics' ``changes_between``): a list of rows per part of
    :data:`CHANGES` (so each count is its rows), and ``note`` when the dates were swapped."""
    found = changes_between(data, first, second)
    transferred = []
    for chain in found.transferred:
        path = " → ".join([chain.source.holder_label, *(t.target.holder_label for t in chain.steps)])
        transferred.append({"scope": chain.source.scope_label, "from": chain.source.holder_label,
                            "to": chain.target.holder_label, "kind": f"{chain.source.kind} → {chain.target.kind}",
                            "path": path, "via": ", ".join(t.via for t in chain.steps),
                            "fact": ref_of(chain.target.iri)})
    steps = [{"date": iso(t.target.start), "scope": t.source.scope_label, "kind": t.source.kind,
              "from": t.source.holder_label, "to": t.target.holder_label, "via": t.via, "joins": t.part,
              "days between": t.days_between, "fact": ref_of(t.target.iri)} for t in found.steps]
    return {"added": [_evidence_row(e) for e in found.added],
            "removed": [_evidence_row(e) for e in found.removed],
            "transferred": transferred,
            "came and went": [_evidence_row(e) for e in found.came_and_went],
            "unchanged": [_evidence_row(e) for e in found.unchanged],
            "hand-over steps": steps, "note": found.note,
            "start": iso(found.start), "end": iso(found.end)}
