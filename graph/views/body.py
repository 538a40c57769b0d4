"""A body's page: what it is, its lineage (predecessors, successors, parents), its accountabilities over time,
the recommendations addressed to it and to its predecessors, its mentions in documents and the major-project
ratings of the projects it leads.

A body that reconciliation linked to records of other sources (owl:sameAs: the curated Department of Health
and Social Care, its GOV.UK record, the GMPP department) is one page: the records are listed, and its
accountabilities are those of all of them (the SROs of the department's major projects among them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.analytics.data import Body, GovernanceData, LineageStep
from graph.analytics.lines import Lines
from graph.backends import Backend
from graph.errors import NotFoundError
from graph.views.refs import iri_of, iso, ref_of


@dataclass
class BodyProfile:
    iri: str
    ref: str
    label: str
    kind: str
    start: date | None
    end: date | None
    description: str = ""
    abbreviations: list[str] = field(default_factory=list)
    parents: list[dict[str, Any]] = field(default_factory=list)  # the chain of parents, nearest first
    children: list[dict[str, Any]] = field(default_factory=list)
    predecessors: list[dict[str, Any]] = field(default_factory=list)  # lineage steps before it, latest first
    successors: list[dict[str, Any]] = field(default_factory=list)  # lineage steps after it, earliest first
    accountabilities: list[dict[str, Any]] = field(default_factory=list)
    recommendations: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    linked: list[dict[str, Any]] = field(default_factory=list)  # the records of other sources merged into it

    @property
    def lifespan(self) -> str:
        return f"{iso(self.start, '?')} – {iso(self.end, 'today')}"


def body_choices(data: GovernanceData) -> dict[str, str]:
    """``body/key`` → label, for a picker, ordered by label: one entry per body, whatever records it has."""
    return {ref_of(b.iri): b.label for b in sorted(data.bodies.values(), key=lambda b: b.label.lower())
            if data.canonical(b.iri) == b.iri}


def find_body(data: GovernanceData, ref: str) -> Body:
    """The body a URL names (``body/key``, a key, a label, an abbreviation or an IRI); NotFoundError if none."""
    text = ref.strip()
    if not text:
        raise NotFoundError("no body given", hint="pick a body from the list")
    iri = iri_of(text) if "/" in text else None
    if iri and iri in data.bodies:
        return data.bodies[iri]
    try:
        found = data.resolve(text.removeprefix("body/"), "body")
    except NotFoundError:
        raise NotFoundError(f"no body {ref!r} in the graph", hint="pick a body from the list") from None
    if found not in data.bodies:
        raise NotFoundError(f"{ref!r} is not a body", hint="pick a body from the list")
    return data.bodies[found]


def _step_row(data: GovernanceData, step: LineageStep, other: str, depth: int) -> dict[str, Any]:
    return {"body": data.label(other), "ref": ref_of(other), "kind": step.kind, "date": iso(step.date),
            "steps away": depth, "certainty": step.certainty or "sourced", "sources": ", ".join(step.sources),
            "predecessor": data.label(step.predecessor), "successor": data.label(step.successor),
            "fact": ref_of(step.iri)}


def _walk(data: GovernanceData, start: str, backwards: bool) -> list[dict[str, Any]]:
    """Lineage steps reachable from ``start`` (breadth first), each with how many steps away it is."""
    out: list[dict[str, Any]] = []
    seen, frontier, depth, taken = {start}, [start], 0, set[str]()
    while frontier:
        depth += 1
        nxt = []
        for iri in frontier:
            steps = [s for s in data.lineage if (s.successor if backwards else s.predecessor) == iri
                     and s.iri not in taken]
            taken.update(s.iri for s in steps)
            for s in sorted(steps, key=lambda s: (s.date or date.min, data.label(s.predecessor))):
                other = s.predecessor if backwards else s.successor
                out.append(_step_row(data, s, other, depth))
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        frontier = nxt
    return out


def body_profile(store: Backend, data: GovernanceData, ref: str, *, today: date | None = None) -> BodyProfile:
    """Everything the body page shows; NotFoundError for an unknown body."""
    today = today or date.today()
    body = find_body(data, ref)
    body = data.bodies.get(data.canonical(body.iri), body)  # a linked record opens the body it is one with
    iri = body.iri
    info = store.select(f"""SELECT ?d ?a WHERE {{ VALUES ?b {{ {' '.join(f'<{b}>' for b in data.linked(iri))} }}
                            OPTIONAL {{ ?b dcterms:description ?d }} OPTIONAL {{ ?b gk:abbreviation ?a }} }}""")
    profile = BodyProfile(iri, ref_of(iri), body.label, body.kind, body.start, body.end,
                          description=next((str(r["d"]) for r in info if r["d"]), ""),
                          abbreviations=sorted({str(r["a"]) for r in info if r["a"]}), sources=list(body.sources))
    parent, seen = body.parent, {iri}
    while parent and parent not in seen:
        seen.add(parent)
        profile.parents.append({"body": data.label(parent), "ref": ref_of(parent)})
        parent = data.bodies[parent].parent if parent in data.bodies else None
    profile.children = [{"body": b.label, "ref": ref_of(b.iri), "kind": b.kind}
                        for b in sorted(data.bodies.values(), key=lambda b: b.label) if b.parent == iri]
    profile.predecessors = _walk(data, iri, backwards=True)
    profile.successors = _walk(data, iri, backwards=False)
    records = data.linked(iri)
    profile.linked = [{"record": data.label(b), "ref": ref_of(b), "sources": ", ".join(data.bodies[b].sources)
                       if b in data.bodies else "", "this page": "yes" if b == iri else ""}
                      for b in sorted(records, key=lambda b: (b != iri, b))] if len(records) > 1 else []
    profile.accountabilities = accountabilities_of(data, iri, today)
    before = {iri} | {iri_of(p["ref"]) for p in profile.predecessors}
    profile.recommendations = recommendations_to(data, before, iri)
    profile.mentions = mentions_of(store, iri)
    profile.ratings = ratings_of(store, iri)
    return profile


def accountabilities_of(data: GovernanceData, body: str, today: date) -> list[dict[str, Any]]:
    """The accountabilities held by the body (any of its linked records), its posts and the people in them,
    in date order."""
    lines = Lines(data)
    members = {m for b in data.linked(body) for m in lines.members(b)}
    rows = []
    for a in data.accountabilities:
        if a.holder not in members:
            continue
        end = (f"unknown (by {iso(a.end)})" if a.end else "unknown") if a.end_unknown else iso(a.end)
        rows.append({"scope": data.label(a.scope), "kind": a.kind, "start": iso(a.start),
                     "end": end, "until": iso(a.end or today), "ongoing": a.end is None and not a.end_unknown,
                     "holder": data.label(a.holder), "certainty": a.certainty or "sourced",
                     "sources": ", ".join(a.sources), "fact": ref_of(a.iri), "scope ref": ref_of(a.scope)})
    return rows


def recommendations_to(data: GovernanceData, addressees: set[str], body: str) -> list[dict[str, Any]]:
    """Recommendations addressed to any of ``addressees`` (the body and its predecessors), oldest first."""
    rows = []
    for r in data.recommendations:
        for a in r.addressed_to:
            if a in addressees:
                rows.append({"date": iso(r.date), "recommendation": r.text, "made by": data.label(r.made_by),
                             "addressed to": data.label(a), "via": "this body" if a == body else "a predecessor",
                             "status": r.status, "sources": ", ".join(r.sources), "fact": ref_of(r.iri)})
    return sorted(rows, key=lambda x: (x["date"], x["fact"]))


def mentions_of(store: Backend, body: str, limit: int = 200) -> list[dict[str, Any]]:
    """Passages of ingested documents that name the body: each statement (sentence, list item) that mentions
    it, with the statement's own text (from the document ingester's gk:mentions and gk:evidence)."""
    rows = store.select(f"""
        SELECT ?st ?doc ?title ?quote ?kind ?position WHERE {{
          ?st a gk:Statement ; gk:mentions <{body}> ; prov:wasDerivedFrom ?doc .
          OPTIONAL {{ ?doc dcterms:title ?title }} OPTIONAL {{ ?st gk:statementKind ?kind }}
          OPTIONAL {{ ?st gk:position ?position }} OPTIONAL {{ ?st gk:evidence ?e . ?e gk:quote ?quote }}
        }} ORDER BY ?title ?position LIMIT {limit}""")
    return [{"document": r["title"] or ref_of(r["doc"]), "passage": r["quote"] or "",
             "statement kind": r["kind"] or "", "fact": ref_of(r["st"])} for r in rows]


def ratings_of(store: Backend, body: str) -> list[dict[str, Any]]:
    """Delivery confidence ratings (GMPP data) of projects the body led or reported, by year. A GMPP department
    counts as the body when reconciliation linked them (owl:sameAs) or they share a GOV.UK slug."""
    rows = store.select(f"""
        SELECT DISTINCT ?project ?label ?year ?ipa ?ipaText ?sro ?sroText WHERE {{
          {{ BIND(<{body}> AS ?same) }} UNION {{ <{body}> (owl:sameAs|^owl:sameAs)+ ?same }}
          UNION {{ <{body}> gk:govukSlug ?slug . ?same gk:govukSlug ?slug }}
          {{ ?report gk:department ?same }} UNION {{ ?report gk:reportOf ?p0 . ?p0 gk:ledBy ?same }}
          ?report a gk:ProjectAnnualReport ; gk:reportOf ?project ; gk:financialYear ?year .
          OPTIONAL {{ ?project rdfs:label ?label }}
          OPTIONAL {{ ?report gk:ipaRating ?i . ?i skos:prefLabel ?ipa }}
          OPTIONAL {{ ?report gk:ipaRatingText ?ipaText }}
          OPTIONAL {{ ?report gk:sroRating ?s . ?s skos:prefLabel ?sro }}
          OPTIONAL {{ ?report gk:sroRatingText ?sroText }}
        }} ORDER BY ?label ?year LIMIT 500""")
    return [{"project": r["label"] or ref_of(r["project"]), "year": r["year"],
             "IPA rating": r["ipa"] or r["ipaText"] or "", "SRO rating": r["sro"] or r["sroText"] or "",
             "ref": ref_of(r["project"])} for r in rows]
