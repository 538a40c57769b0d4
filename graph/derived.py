"""Derived views: accountability overlaps and gaps, worked out from the accountabilities at write time.

Two canned questions look at every accountability in the graph: which holders overlap on the same scope and
kind, and which scopes had nobody leading them in a year. Asked of the raw accountabilities they cost seconds
at a million triples (a self-join of every accountability per scope and kind, then date tests on every pair).
So the store keeps their answers as data, like a materialised view in a relational database:

* ``gk:AccountabilityOverlap``: two accountabilities of the same kind for the same scope, held by different
  holders that are not one line of accountability (a post and its body, a unit and its parent, a person and
  the post they held), over overlapping periods; with the overlap's first and last day.
* ``gk:AccountabilityGap``: a calendar year in which a scope that had a leading holder (accountable,
  responsible, SRO, delivery, policy or sponsor) before and after it had none in force; with the end of the
  last such holding before and the start of the next one after.

They live in one source of their own, :data:`DERIVED_KEY`, which every commit brings up to date *in the same
switch* as the sources it changes (see :meth:`graph.backends.staging.StagingBase.commit`): a commit that adds, replaces
or removes a graph with accountabilities, holders' relations or kind notations recomputes the view from the
graphs as they will be after the switch, and stages the new view with them. A reader never sees sources and
view out of step, and an interrupted write leaves both as they were. Each derived node cites the
accountabilities it was derived from: an overlap by gk:overlapFirst and gk:overlapSecond (sub-properties of
``prov:wasDerivedFrom``), a gap by ``prov:wasDerivedFrom`` the holdings either side of it.

The canned queries ``accountability-overlaps`` and ``accountability-gaps`` read these nodes; the direct
formulations over the raw accountabilities are kept in ``tests/fixtures/direct-queries/`` and a test checks
both give the same rows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from graph.kinds import LEADING_KINDS
from graph.namespaces import GK, ID, PREFIXES

DERIVED_KEY = "derived-accountability"
DERIVED_INGESTER = "derived"
DERIVED_TITLE = "Accountability overlaps and gaps, derived from the accountabilities"

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
ORG, PROV, SKOS = PREFIXES["org"], PREFIXES["prov"], PREFIXES["skos"]
OPEN_END = date(9999, 12, 31)

RDFS = PREFIXES["rdfs"]

# A staged or removed graph with any of these can change the view (labels: the overlaps carry their
# scope's and holders' labels, and are listed in the order of those labels).
TRIGGERS = (f"{GK}scope", f"{GK}holder", f"{GK}accountabilityKind", f"{GK}startDate", f"{GK}endDate",
            f"{ORG}postIn", f"{GK}parent", f"{GK}post", f"{GK}person", f"{SKOS}notation",
            f"{RDFS}label", f"{SKOS}prefLabel")

ACCOUNTABILITIES = """SELECT ?a ?scope ?k ?kind ?holder ?start ?end WHERE {
  { SELECT ?a WHERE { ?a a gk:Accountability } }
  { SELECT ?a ?scope WHERE { ?a gk:scope ?scope } }
  { SELECT ?a ?k WHERE { ?a gk:accountabilityKind ?k } }
  { SELECT ?a ?holder WHERE { ?a gk:holder ?holder } }
  { SELECT ?a ?start WHERE { ?a gk:startDate ?start } }
  OPTIONAL { SELECT ?a ?end WHERE { ?a gk:endDate ?end } }
  OPTIONAL { SELECT ?k ?kind WHERE { ?k skos:notation ?kind } }
}"""

ANY_ACCOUNTABILITY = "SELECT ?a WHERE { ?a a gk:Accountability } LIMIT 1"

# Holders that are one line of accountability: a post in a body, a unit in its parent, a person in a post.
RELATED = """SELECT ?x ?y WHERE {
  { ?x org:postIn ?y } UNION { ?x gk:parent ?y } UNION { ?t gk:post ?x ; gk:person ?y }
}"""


class Preview(Protocol):
    """What a staging offers the view: a SELECT over the graphs as they will be after its commit."""

    def preview_select(self, sparql: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ViewChange:
    """What :meth:`graph.backends.staging.StagingBase.derive` did: ``status`` "written", "removed" or "unchanged"."""

    status: str
    triples: int
    counts: dict[str, int]

    def note(self) -> str:
        return f"derived: {self.counts.get('overlaps', 0)} overlaps, {self.counts.get('gaps', 0)} gap years"


@dataclass(frozen=True)
class Holding:
    iri: str
    scope: str
    kind_iri: str
    kind: str  # the kind's notation ("" when it has none)
    holder: str
    start: date
    end: date  # OPEN_END when still in force


@dataclass(frozen=True)
class Overlap:
    first: Holding  # the one whose IRI sorts first
    second: Holding
    start: date
    end: date  # OPEN_END when both are still in force

    @property
    def iri(self) -> str:
        return f"{ID}overlap/{_digest(self.first.iri, self.second.iri)}"


@dataclass(frozen=True)
class Gap:
    scope: str
    year: int
    last_end: date  # the latest end of a leading holding before the year
    next_start: date  # the earliest start of a leading holding after it
    before: str  # the holding that ended last before the year
    after: str  # the holding that started first after it

    @property
    def iri(self) -> str:
        return f"{ID}gap/{_digest(self.scope, str(self.year))}"


def _digest(*parts: str) -> str:
    return hashlib.sha1(" ".join(parts).encode()).hexdigest()[:20]


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def holdings(rows: Iterable[dict[str, Any]]) -> list[Holding]:
    """Accountability rows (as :data:`ACCOUNTABILITIES` gives them) with a usable start date."""
    out = []
    for r in rows:
        start = _day(r.get("start"))
        if start is None:
            continue
        end = _day(r.get("end")) if r.get("end") is not None else OPEN_END
        if end is None:
            continue
        out.append(Holding(r["a"], r["scope"], r["k"], str(r.get("kind") or ""), r["holder"], start, end))
    return out


def overlaps(items: list[Holding], related: set[frozenset[str]]) -> list[Overlap]:
    """Pairs of holdings of the same scope and kind by unrelated different holders over overlapping periods."""
    groups: dict[tuple[str, str], list[Holding]] = defaultdict(list)
    for h in items:
        groups[(h.scope, h.kind_iri)].append(h)
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda h: h.iri)
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.iri == b.iri or a.holder == b.holder or frozenset((a.holder, b.holder)) in related:
                    continue
                if a.start <= b.end and b.start <= a.end:
                    out.append(Overlap(a, b, max(a.start, b.start), min(a.end, b.end)))
    return out


def gaps(items: list[Holding]) -> list[Gap]:
    """Years with no leading holding in force for a scope that had one before and after."""
    by_scope: dict[str, list[Holding]] = defaultdict(list)
    for h in items:
        if h.kind in LEADING_KINDS:
            by_scope[h.scope].append(h)
    out = []
    for scope, group in by_scope.items():
        first_year = min(h.start.year for h in group)
        last_start_year = max(h.start.year for h in group)
        for year in range(first_year, last_start_year):
            jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
            if any(h.start <= dec31 and h.end >= jan1 for h in group):
                continue
            ended = [h for h in group if h.end < jan1]
            started = [h for h in group if h.start > dec31]
            if not ended or not started:
                continue
            before = max(ended, key=lambda h: (h.end, h.iri))
            after = min(started, key=lambda h: (h.start, h.iri))
            out.append(Gap(scope, year, before.end, after.start, before.iri, after.iri))
    return out


def _related(rows: Iterable[dict[str, Any]]) -> set[frozenset[str]]:
    return {frozenset((r["x"], r["y"])) for r in rows if r.get("x") and r.get("y")}


def labels(select: Callable[[str], list[dict[str, Any]]], iris: Iterable[str],
           predicate: str) -> dict[str, tuple[str, str]]:
    """The ``predicate`` label of each IRI with its language tag (the least one, when there are several)."""
    out: dict[str, tuple[str, str]] = {}
    todo = sorted(set(iris))
    for start in range(0, len(todo), 1000):
        values = " ".join(f"<{i}>" for i in todo[start:start + 1000])
        for r in select(f"SELECT ?x ?l (LANG(?l) AS ?lang) WHERE {{ VALUES ?x {{ {values} }} ?x <{predicate}> ?l }}"):
            label = (str(r["l"]), str(r.get("lang") or ""))
            if r["x"] not in out or label < out[r["x"]]:
                out[r["x"]] = label
    return out


def _order_key(label: tuple[str, str] | None) -> tuple[int, str]:
    return (0, "") if label is None else (1, label[0])  # SPARQL's ORDER BY puts unbound values first


def compute(select: Callable[[str], list[dict[str, Any]]]) -> tuple[bytes, dict[str, int]]:
    """The view as N-Triples (sorted, so the same graph gives the same bytes) and its counts."""
    items = holdings(select(ACCOUNTABILITIES))
    found_overlaps = overlaps(items, _related(select(RELATED))) if items else []
    found_gaps = gaps(items)
    scope_labels = labels(select, (o.first.scope for o in found_overlaps), f"{SKOS}prefLabel")
    holder_labels = labels(select, (h for o in found_overlaps for h in (o.first.holder, o.second.holder)),
                           f"{RDFS}label")
    # the order of the canned query's listing: scope label, kind, first year, the holders' labels
    found_overlaps.sort(key=lambda o: (_order_key(scope_labels.get(o.first.scope)), o.first.kind, o.start.year,
                                       _order_key(holder_labels.get(o.first.holder)),
                                       _order_key(holder_labels.get(o.second.holder)), o.first.iri, o.second.iri))
    lines: list[str] = []
    for position, o in enumerate(found_overlaps, start=1):
        s = f"<{o.iri}>"
        lines.append(f'{s} <{GK}overlapPosition> "{position}"^^<{XSD}integer> .')
        for predicate, label in ((f"{GK}overlapScopeLabel", scope_labels.get(o.first.scope)),
                                 (f"{GK}overlapFirstHolderLabel", holder_labels.get(o.first.holder)),
                                 (f"{GK}overlapSecondHolderLabel", holder_labels.get(o.second.holder))):
            if label is not None:
                lines.append(f"{s} <{predicate}> {_literal(label)} .")
        lines += [f"{s} <{RDF_TYPE}> <{GK}AccountabilityOverlap> .",
                  f"{s} <{GK}overlapScope> <{o.first.scope}> .",
                  f"{s} <{GK}overlapKind> <{o.first.kind_iri}> .",
                  f"{s} <{GK}overlapFirst> <{o.first.iri}> .",
                  f"{s} <{GK}overlapSecond> <{o.second.iri}> .",
                  f"{s} <{GK}overlapFirstHolder> <{o.first.holder}> .",
                  f"{s} <{GK}overlapSecondHolder> <{o.second.holder}> .",
                  f"{s} <{GK}overlapStart> {_date(o.start)} ."]
        if o.end != OPEN_END:
            lines.append(f"{s} <{GK}overlapEnd> {_date(o.end)} .")
    for g in found_gaps:
        s = f"<{g.iri}>"
        lines += [f"{s} <{RDF_TYPE}> <{GK}AccountabilityGap> .",
                  f"{s} <{GK}gapScope> <{g.scope}> .",
                  f'{s} <{GK}gapYear> "{g.year}"^^<{XSD}integer> .',
                  f"{s} <{GK}gapLastEnd> {_date(g.last_end)} .",
                  f"{s} <{GK}gapNextStart> {_date(g.next_start)} .",
                  f"{s} <{PROV}wasDerivedFrom> <{g.before}> .",
                  f"{s} <{PROV}wasDerivedFrom> <{g.after}> ."]
    lines.sort()
    data = ("\n".join(lines) + "\n").encode() if lines else b""
    return data, {"accountabilities": len({h.iri for h in items}), "overlaps": len(found_overlaps),
                  "gaps": len(found_gaps)}


def _literal(label: tuple[str, str]) -> str:
    text, lang = label
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def _date(d: date) -> str:
    return f'"{d.isoformat()}"^^<{XSD}date>'


def trigger_ask(graph: str) -> str:
    """An ASK that is true when ``graph`` holds something the view is computed from."""
    values = " ".join(f"<{p}>" for p in TRIGGERS)
    return f"ASK {{ GRAPH <{graph}> {{ VALUES ?p {{ {values} }} ?s ?p ?o }} }}"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
