"""Provenance: from any fact (a record of the graph) to the source documents it was derived from, the passages
that support it (gk:evidence, and the statement it was extracted from) and the ingested source that holds it.

A record linked to others as the same thing (a curated programme and its GMPP project) is shown merged with
them, as ``govkg entity`` shows it: every statement says which source states it, and a project's ratings by
year and the accountabilities for it are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.backends import Backend
from graph.entity import entity
from graph.namespaces import PREFIXES
from graph.views.overview import licence_of
from graph.views.refs import iri_of, ref_of, short

_NOTE = PREFIXES["skos"] + "note"


@dataclass
class Provenance:
    iri: str
    ref: str
    label: str
    types: list[str]
    certainty: str = "sourced"
    note: str = ""
    statements: list[dict[str, Any]] = field(default_factory=list)  # what the graph says about it
    documents: list[dict[str, Any]] = field(default_factory=list)  # source documents, with licence
    evidence: list[dict[str, Any]] = field(default_factory=list)  # quoted passages
    ingested_from: list[dict[str, Any]] = field(default_factory=list)  # the catalog sources holding it
    linked: list[dict[str, Any]] = field(default_factory=list)  # the records merged with it
    also_named: list[dict[str, Any]] = field(default_factory=list)  # other things of the name asked for
    reports: list[dict[str, Any]] = field(default_factory=list)  # a project's ratings and costs by year
    accountabilities: list[dict[str, Any]] = field(default_factory=list)


def provenance(store: Backend, ref: str) -> Provenance:
    """The provenance of the fact ``ref`` names (``kind/key``, a key, a label or an IRI); NotFoundError if none."""
    text = ref.strip()
    ent = entity(store, iri_of(text) if "/" in text and " " not in text else text)
    out = Provenance(ent.iri, ref_of(ent.iri), ent.label, ent.types)
    for p in ent.properties:
        if p["predicate"] == "gk:certainty" and ent.iri in p["records"]:
            out.certainty = str(p["value"])
        elif p["predicate"] == short(_NOTE) and ent.iri in p["records"]:
            out.note = str(p["value"])
        out.statements.append({"property": p["predicate"], "value": str(p["value"]), "ref": "",
                               "stated by": ", ".join(p["sources"])})
    for o in ent.outgoing:
        out.statements.append({"property": o["predicate"], "value": o["label"] or short(o["target"]),
                               "ref": ref_of(o["target"]), "stated by": ", ".join(o["sources"])})
    out.linked = [{"record": r["label"], "kinds": ", ".join(t.removeprefix("gk:") for t in r["types"]),
                   "sources": ", ".join(r["sources"]), "link": r["link"], "ref": ref_of(r["iri"])}
                  for r in ent.referents]
    out.also_named = [{"record": o["label"], "kinds": ", ".join(t.removeprefix("gk:") for t in o["types"]),
                       "ref": ref_of(o["iri"])} for o in ent.also_named]
    out.reports = [{k: v for k, v in r.items() if k not in ("report", "record")} | {"ref": ref_of(r["report"])}
                   for r in ent.reports]
    out.accountabilities = [{"kind": a["kind"], "holder": a["holder"], "scope": a["scope"], "start": a["start"],
                             "end": a["end"], "how": a["how"], "sources": ", ".join(a["sources"]),
                             "ref": ref_of(a["accountability"])} for a in ent.accountabilities]
    records = [r["iri"] for r in ent.referents] or [ent.iri]
    out.documents = [d for iri in records for d in documents_of(store, iri)]
    out.documents = list({d["ref"]: d for d in out.documents}.values())
    out.evidence = evidence_of(store, ent.iri)
    by_graph = {s.graph: s for s in store.sources().values()}
    out.ingested_from = [{"source": by_graph[g].key, "title": by_graph[g].title, "origin": by_graph[g].origin,
                          "ingested at": by_graph[g].ingested_at} for g in ent.graphs if g in by_graph]
    return out


def documents_of(store: Backend, iri: str) -> list[dict[str, Any]]:
    """The source documents a record cites (prov:wasDerivedFrom), with publisher, date, licence and URL."""
    rows = store.select(f"""
        SELECT ?s ?key ?title ?publisher ?issued ?identifier ?url ?reliability ?licence ?kind WHERE {{
          <{iri}> prov:wasDerivedFrom ?s . OPTIONAL {{ ?s gk:key ?key }} OPTIONAL {{ ?s dcterms:title ?title }}
          OPTIONAL {{ ?s gk:publisherName ?publisher }} OPTIONAL {{ ?s dcterms:issued ?issued }}
          OPTIONAL {{ ?s dcterms:identifier ?identifier }} OPTIONAL {{ ?s gk:url ?url }}
          OPTIONAL {{ ?s gk:reliability ?reliability }} OPTIONAL {{ ?s gk:licence ?licence }}
          OPTIONAL {{ ?s gk:sourceKind ?kind }}
        }} ORDER BY ?issued ?key""")
    out = []
    for r in rows:
        licence, _basis = licence_of(r["publisher"] or "", r["reliability"] or "", r["licence"] or "")
        out.append({"source": r["key"] or short(r["s"]), "title": r["title"] or "", "publisher": r["publisher"] or "",
                    "date": str(r["issued"] or "")[:10], "identifier": r["identifier"] or "",
                    "reliability": r["reliability"] or "", "kind": r["kind"] or "", "licence": licence,
                    "url": r["url"] or "", "ref": ref_of(r["s"])})
    return out


def evidence_of(store: Backend, iri: str) -> list[dict[str, Any]]:
    """Quoted passages behind a record: its own gk:evidence, and that of the statement it was extracted from."""
    rows = store.select(f"""
        SELECT DISTINCT ?e ?quote ?doc ?title ?start ?end ?page ?via WHERE {{
          {{ <{iri}> gk:evidence ?e . BIND("the record" AS ?via) }}
          UNION {{ <{iri}> gk:extractedFrom ?st . ?st gk:evidence ?e . BIND("the statement it was read from" AS ?via) }}
          ?e gk:quote ?quote .
          OPTIONAL {{ ?e prov:wasQuotedFrom ?doc OPTIONAL {{ ?doc dcterms:title ?title }} }}
          OPTIONAL {{ ?e gk:startOffset ?start }} OPTIONAL {{ ?e gk:endOffset ?end }} OPTIONAL {{ ?e gk:page ?page }}
        }} ORDER BY DESC(?via) ?start""")
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["e"] in seen:
            continue
        seen.add(r["e"])
        out.append({"passage": r["quote"], "document": r["title"] or (ref_of(r["doc"]) if r["doc"] else ""),
                    "characters": f"{r['start']}–{r['end']}" if r["start"] is not None else "",
                    "page": r["page"] or "", "evidence of": r["via"], "ref": ref_of(r["e"])})
    return out
