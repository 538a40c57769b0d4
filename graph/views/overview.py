"""The overview: what the graph holds, where it came from (with dates and licences) and a timeline of the
bodies and programmes with their key events."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.analytics.data import GovernanceData
from graph.backends import Backend
from graph.stats import stats
from graph.views.refs import iso, ref_of

# Licences of the publishers in the README's "Data sources and licences" table, for sources that do not state
# one (gk:licence). Secondary sources are cited for facts only, in our own words.
OGL = "Open Government Licence v3.0"
OPL = "Open Parliament Licence"
SECONDARY = "not stated: cited as secondary, facts only, in our own words"
_PUBLISHER_LICENCES = (
    (re.compile(r"^(House of Commons|Hansard|UK Parliament)", re.I), OPL),
    (re.compile(r"^(National Audit Office|GOV\.UK|Cabinet Office|HM Treasury|Department of Health|NHS |"
                r"Infrastructure and Projects Authority|Government Digital Service|NHS England)", re.I), OGL),
)
# which classes the overview counts, in this order, with a plural for people
COUNTED = (("Body", "bodies"), ("Programme", "programmes"), ("Project", "projects"),
           ("Accountability", "accountabilities"), ("Lesson", "lessons"), ("Finding", "findings"),
           ("Recommendation", "recommendations"), ("Target", "targets"), ("Figure", "figures"),
           ("SourceDocument", "source documents"))
REPORT_KINDS = ("report", "committee-report", "review", "strategy")


def licence_of(publisher: str, reliability: str, stated: str = "") -> tuple[str, str]:
    """(licence, how we know it): the source's own ``gk:licence``, else the publisher's from the README table."""
    if stated:
        return stated, "stated"
    for pattern, licence in _PUBLISHER_LICENCES:
        if pattern.search(publisher.strip()):
            return licence, "by publisher"
    return (SECONDARY, "secondary") if reliability == "secondary" else ("not stated", "unknown")


def counts(store: Backend) -> dict[str, Any]:
    """Triples, sources and the number of records of each main kind (zero when absent)."""
    found = stats(store)
    classes = found["classes"]
    return {"triples": found["triples"], "sources": found["sources"],
            "records": {plural: int(classes.get(cls, 0)) for cls, plural in COUNTED},
            "classes": classes}


def ingested_sources(store: Backend) -> list[dict[str, Any]]:
    """The store's catalog: each ingested source with its origin, ingester, triples and ingest time."""
    return [{"source": s.key, "title": s.title, "ingester": s.ingester, "triples": s.triples,
             "ingested at": s.ingested_at.replace("T", " ").replace("+00:00", " UTC"), "origin": s.origin}
            for s in store.sources().values()]


def source_documents(store: Backend) -> list[dict[str, Any]]:
    """Every source document with its publisher, date, kind, reliability, licence and how many records cite it."""
    rows = store.select("""
        SELECT ?s ?key ?title ?publisher ?issued ?kind ?reliability ?licence ?url ?identifier
               (COUNT(DISTINCT ?record) AS ?records)
        WHERE { ?s a gk:SourceDocument ; gk:key ?key .
          OPTIONAL { ?s dcterms:title ?title } OPTIONAL { ?s gk:publisherName ?publisher }
          OPTIONAL { ?s dcterms:issued ?issued } OPTIONAL { ?s gk:sourceKind ?kind }
          OPTIONAL { ?s gk:reliability ?reliability } OPTIONAL { ?s gk:licence ?licence }
          OPTIONAL { ?s gk:url ?url } OPTIONAL { ?s dcterms:identifier ?identifier }
          OPTIONAL { ?record prov:wasDerivedFrom ?s } }
        GROUP BY ?s ?key ?title ?publisher ?issued ?kind ?reliability ?licence ?url ?identifier
        ORDER BY ?issued ?key""")
    out = []
    for r in rows:
        licence, basis = licence_of(r["publisher"] or "", r["reliability"] or "", r["licence"] or "")
        out.append({"source": r["key"], "title": r["title"] or "", "publisher": r["publisher"] or "",
                    "date": str(r["issued"] or "")[:10], "kind": r["kind"] or "", "identifier": r["identifier"] or "",
                    "reliability": r["reliability"] or "", "licence": licence, "licence basis": basis,
                    "records": r["records"], "url": r["url"] or "", "ref": ref_of(r["s"])})
    return out


def licence_summary(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How many source documents fall under each licence."""
    tally: dict[str, int] = {}
    for d in documents:
        tally[d["licence"]] = tally.get(d["licence"], 0) + 1
    return [{"licence": k, "documents": n} for k, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass(frozen=True)
class Lane:
    """One bar of the timeline: a body or programme from ``start`` to ``end`` (today when still running)."""

    ref: str
    label: str
    group: str  # "body" or "programme"
    kind: str
    start: date
    end: date
    ongoing: bool


def timeline(data: GovernanceData, *, today: date | None = None, groups: tuple[str, ...] = ("body", "programme")
             ) -> list[Lane]:
    """Bodies and top-level programmes with a known start, ordered by start (undated ones are left out)."""
    today = today or date.today()
    lanes = []
    if "body" in groups:
        for b in data.bodies.values():
            if b.start is not None:
                lanes.append(Lane(ref_of(b.iri), b.label, "body", b.kind, b.start, b.end or today, b.end is None))
    if "programme" in groups:
        for p in data.initiatives.values():
            if p.start is not None and p.part_of is None:
                lanes.append(Lane(ref_of(p.iri), p.label, "programme", p.kind, p.start, max(p.end or today, p.start),
                                  p.end is None))
    return sorted(lanes, key=lambda x: (x.start, x.label))


def key_events(store: Backend, data: GovernanceData) -> list[dict[str, Any]]:
    """Dated events for the timeline: lineage steps (renamed, merged …) and the main reports published."""
    events = []
    for step in data.lineage:
        if step.date is not None:
            events.append({"date": iso(step.date), "event": f"{data.label(step.predecessor)} {step.kind} into "
                           f"{data.label(step.successor)}", "type": "lineage", "ref": ref_of(step.successor)})
    kinds = " ".join(f'"{k}"' for k in REPORT_KINDS)
    for r in store.select(f"""
            SELECT ?s ?title ?issued ?identifier WHERE {{ ?s a gk:SourceDocument ; gk:sourceKind ?kind ;
              gk:reliability "primary" ; dcterms:issued ?issued ; dcterms:title ?title
              VALUES ?kind {{ {kinds} }} OPTIONAL {{ ?s dcterms:identifier ?identifier }} }}"""):
        title = f"{r['title']} ({r['identifier']})" if r["identifier"] else r["title"]
        events.append({"date": str(r["issued"])[:10], "event": title, "type": "report", "ref": ref_of(r["s"])})
    return sorted(events, key=lambda e: (e["date"], e["event"]))
