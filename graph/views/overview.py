"""The overview: what the graph holds, where it came from (with dates and licences), a timeline of the curated
bodies and programmes with their key events (the NHS story), and the public datasets summarised, each one
browsable by kind, department (or region, or organisation) and status."""

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


def story_counts(data: GovernanceData, leave_out: set[str] | frozenset[str]) -> dict[str, int]:
    """How many bodies, programmes, accountabilities, lessons, recommendations and source documents there are
    apart from the datasets' records (``leave_out``): the NHS story, without the datasets' thousands."""
    documents = [i for i in data.keys if "/id/source/" in i]
    return {"bodies": sum(1 for b in data.bodies if b not in leave_out),
            "programmes": sum(1 for p in data.initiatives if p not in leave_out),
            "accountabilities": sum(1 for a in data.accountabilities if a.iri not in leave_out),
            "lessons": sum(1 for x in data.lessons if x.iri not in leave_out),
            "recommendations": sum(1 for r in data.recommendations if r.iri not in leave_out),
            "source documents": sum(1 for i in documents if i not in leave_out)}


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


def timeline(data: GovernanceData, *, today: date | None = None, groups: tuple[str, ...] = ("body", "programme"),
             leave_out: frozenset[str] | set[str] = frozenset()) -> list[Lane]:
    """Bodies and top-level programmes with a known start, ordered by start (undated ones are left out), except
    the records in ``leave_out`` (the datasets': see :func:`dataset_record_iris`)."""
    today = today or date.today()
    lanes = []
    if "body" in groups:
        for b in data.bodies.values():
            if b.start is not None and b.iri not in leave_out:
                lanes.append(Lane(ref_of(b.iri), b.label, "body", b.kind, b.start, b.end or today, b.end is None))
    if "programme" in groups:
        for p in data.initiatives.values():
            if p.start is not None and p.part_of is None and p.iri not in leave_out:
                lanes.append(Lane(ref_of(p.iri), p.label, "programme", p.kind, p.start, max(p.end or today, p.start),
                                  p.end is None))
    return sorted(lanes, key=lambda x: (x.start, x.label))


DATASET_PREFIX = "dataset-"
# what each dataset's records are, and which of their properties the overview shows as kind / group / status
_RECORD_CLASSES = ("Body", "Project", "Lesson")
_STORY_CLASSES = ("Body", "Programme", "Project", "Accountability", "Lesson", "Recommendation", "SourceDocument")


def dataset_record_iris(store: Backend) -> set[str]:
    """The records that the public datasets' sources hold (catalog keys ``dataset-…``): what the NHS story leaves
    out and summarises apart."""
    graphs = " ".join(f"<{s.graph}>" for k, s in store.sources().items() if k.startswith(DATASET_PREFIX))
    if not graphs:
        return set()
    classes = " ".join(f"gk:{c}" for c in _STORY_CLASSES)
    return {r["s"] for r in store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {graphs} }} "
                                         f"VALUES ?c {{ {classes} }} GRAPH ?g {{ ?s a ?c }} }}")}


def datasets_summary(store: Backend) -> list[dict[str, Any]]:
    """One row per dataset in the store: its records by class, when it was ingested and from where."""
    sources = {k: s for k, s in store.sources().items() if k.startswith(DATASET_PREFIX)}
    if not sources:
        return []
    values = " ".join(f"<{s.graph}>" for s in sources.values())
    classes = " ".join(f"gk:{c}" for c in _RECORD_CLASSES)
    counts: dict[str, dict[str, int]] = {}
    graph_key = {s.graph: k for k, s in sources.items()}
    for r in store.select(f"""SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?g {{ {values} }}
                             VALUES ?c {{ {classes} }} GRAPH ?g {{ ?s a ?c }} }} GROUP BY ?g ?c"""):
        counts.setdefault(graph_key[r["g"]], {})[r["c"].rsplit("#", 1)[-1]] = int(r["n"])
    plural = {"Body": "bodies", "Project": "projects", "Lesson": "lessons"}
    return [{"dataset": s.title, "source": k,
             "records": ", ".join(f"{n:,} {plural[c]}" for c, n in sorted(counts.get(k, {}).items())),
             "triples": s.triples, "ingested at": s.ingested_at[:16].replace("T", " "), "from": s.origin}
            for k, s in sorted(sources.items())]


def dataset_records(store: Backend, source: str) -> list[dict[str, Any]]:
    """The main records of one dataset source (bodies, projects or lessons) with what the overview filters them
    by: kind, department (GMPP: the reporting department; ODS: the region; GOV.UK: the parent body; lessons: the
    organisation that raised it) and status (as published, else open or closed from the end date)."""
    found = store.sources().get(source)
    if found is None:
        return []
    classes = " ".join(f"gk:{c}" for c in _RECORD_CLASSES)
    rows = store.select(f"""
        SELECT ?s ?c ?label ?title ?kind ?status ?group ?start ?end ?date WHERE {{
          GRAPH <{found.graph}> {{ ?s a ?c VALUES ?c {{ {classes} }} }}
          OPTIONAL {{ ?s rdfs:label ?label }} OPTIONAL {{ ?s dcterms:title ?title }}
          OPTIONAL {{ ?s gk:bodyKind/skos:notation ?kind }} OPTIONAL {{ ?s gk:gmppCategory ?kind }}
          OPTIONAL {{ ?s gk:status ?status }}
          OPTIONAL {{ ?s gk:ledBy|gk:parent|gk:raisedBy ?g . ?g rdfs:label ?group }}
          OPTIONAL {{ ?s gk:region ?group }}
          OPTIONAL {{ ?s gk:startDate ?start }} OPTIONAL {{ ?s gk:endDate ?end }} OPTIONAL {{ ?s dcterms:date ?date }}
        }}""")
    today = date.today().isoformat()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        rec = out.get(r["s"])
        if rec is None:
            end = str(r["end"] or "")[:10]
            status = r["status"] or ("" if r["c"].endswith("Lesson") else ("closed" if end and end < today
                                                                             else "open"))
            rec = out[r["s"]] = {
                "record": str(r["title"] or r["label"] or ref_of(r["s"])), "kind": str(r["kind"] or ""),
                "department": set(), "status": str(status), "start": str(r["start"] or r["date"] or "")[:10],
                "end": end, "ref": ref_of(r["s"])}
        if r["group"]:
            rec["department"].add(str(r["group"]))
    for rec in out.values():
        rec["department"] = "; ".join(sorted(rec["department"]))
    return sorted(out.values(), key=lambda x: (x["record"].lower(), x["ref"]))


def filter_records(records: list[dict[str, Any]], *, kind: str = "", department: str = "", status: str = "",
                   text: str = "") -> list[dict[str, Any]]:
    """The records of one kind, department and status (empty: any), whose name contains ``text``."""
    low = text.strip().lower()
    return [r for r in records if (not kind or r["kind"] == kind) and (not status or r["status"] == status)
            and (not department or department in r["department"].split("; "))
            and (not low or low in r["record"].lower())]


def record_facets(records: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The kinds, departments and statuses the records have, for the filters (most common first)."""
    out: dict[str, list[str]] = {}
    for facet in ("kind", "department", "status"):
        tally: dict[str, int] = {}
        for r in records:
            for value in (r[facet].split("; ") if facet == "department" else [r[facet]]):
                if value:
                    tally[value] = tally.get(value, 0) + 1
        out[facet] = sorted(tally, key=lambda v: (-tally[v], v))
    return out


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
