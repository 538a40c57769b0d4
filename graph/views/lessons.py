"""Lessons: the search hits as rows, a lesson's own page (text, themes, programme, who raised it, sources and
evidence, the recommendations that address it), the filter choices and the themes chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.backends import Backend
from graph.errors import NotFoundError
from graph.views.provenance import documents_of, evidence_of
from graph.views.refs import iri_of, ref_of

KINDS = ("lesson", "finding", "recommendation", "target", "figure")


@dataclass
class LessonPage:
    iri: str
    ref: str
    title: str
    lesson: str = ""
    context: str = ""
    recommendation: str = ""
    date: str = ""
    certainty: str = "sourced"
    raised_by: tuple[str, str] | None = None  # (ref, label)
    programme: tuple[str, str] | None = None
    themes: list[tuple[str, str]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    addressed_by: list[dict[str, Any]] = field(default_factory=list)  # recommendations addressing it


def lesson_page(store: Backend, ref: str) -> LessonPage:
    """A lesson with everything the lessons view shows about it; NotFoundError if ``ref`` names none."""
    text = ref.strip()
    iri = iri_of(text if "/" in text else f"lesson/{text}")
    rows = store.select(f"""
        SELECT ?title ?lesson ?context ?rec ?date ?certainty ?by ?byLabel ?prog ?progLabel WHERE {{
          <{iri}> a gk:Lesson . OPTIONAL {{ <{iri}> dcterms:title ?title }}
          OPTIONAL {{ <{iri}> gk:lessonText ?lesson }} OPTIONAL {{ <{iri}> gk:context ?context }}
          OPTIONAL {{ <{iri}> gk:recommendationText ?rec }} OPTIONAL {{ <{iri}> dcterms:date ?date }}
          OPTIONAL {{ <{iri}> gk:certainty ?certainty }}
          OPTIONAL {{ <{iri}> gk:raisedBy ?by OPTIONAL {{ ?by rdfs:label ?byLabel }} }}
          OPTIONAL {{ <{iri}> gk:learnedFrom ?prog OPTIONAL {{ ?prog rdfs:label ?progLabel }} }}
        }} LIMIT 1""")
    if not rows:
        raise NotFoundError(f"no lesson {ref!r} in the graph", hint="search for lessons and pick one")
    r = rows[0]
    page = LessonPage(iri, ref_of(iri), r["title"] or ref_of(iri), r["lesson"] or "", r["context"] or "",
                      r["rec"] or "", str(r["date"] or "")[:10], r["certainty"] or "sourced")
    if r["by"]:
        page.raised_by = (ref_of(r["by"]), r["byLabel"] or ref_of(r["by"]))
    if r["prog"]:
        page.programme = (ref_of(r["prog"]), r["progLabel"] or ref_of(r["prog"]))
    page.themes = [(ref_of(t["t"]), t["l"] or ref_of(t["t"])) for t in store.select(
        f"SELECT ?t ?l WHERE {{ <{iri}> gk:theme ?t OPTIONAL {{ ?t skos:prefLabel ?l }} }} ORDER BY ?l")]
    page.documents = documents_of(store, iri)
    page.evidence = evidence_of(store, iri)
    page.addressed_by = [{"recommendation": x["text"], "made by": x["by"] or "", "date": str(x["date"] or "")[:10],
                          "status": x["status"] or "", "fact": ref_of(x["r"])} for x in store.select(f"""
        SELECT ?r ?text ?by ?date ?status WHERE {{ ?r gk:addressesLesson <{iri}> ; gk:text ?text .
          OPTIONAL {{ ?r gk:madeBy ?m . ?m rdfs:label ?by }} OPTIONAL {{ ?r dcterms:date ?date }}
          OPTIONAL {{ ?r gk:recommendationStatus ?s . ?s skos:notation ?status }} }} ORDER BY ?date""")]
    return page


def hit_rows(hits: list[Any]) -> list[dict[str, Any]]:
    """Search hits (graph.search ``Hit``) as rows: rank, kind, title, year, themes, sources, why it matched."""
    rows = []
    for h in hits:
        ctx, why = h.context, h.why
        rows.append({
            "rank": h.rank, "kind": h.kind, "title": h.title, "text": h.text, "year": ctx.get("year") or "",
            "themes": ", ".join(t["label"] for t in ctx.get("themes", [])),
            "programmes": ", ".join(p["label"] for p in ctx.get("programmes", [])),
            "bodies": ", ".join(b["label"] for b in ctx.get("bodies", [])),
            "sources": ", ".join(d["key"] for d in h.source.get("documents", [])),
            "documents": h.source.get("documents", []),
            "best sentence": why.best_sentence, "matched terms": ", ".join(why.matched_terms),
            "shared": ", ".join(e["label"] for e in [*why.shared_entities, *why.shared_themes]),
            "score": h.score, "ref": ref_of(h.iri)})
    return rows


def filter_choices(store: Backend) -> dict[str, dict[str, str]]:
    """Values the search filters take (key → label): themes, programmes, the bodies that raised or received
    lessons, findings and recommendations, and the sources they come from (documents and datasets)."""
    themes = {r["k"]: r["l"] for r in store.select(
        "SELECT ?k ?l WHERE { ?t a gk:Theme ; gk:key ?k ; skos:prefLabel ?l } ORDER BY ?l")}
    programmes = {r["k"]: r["l"] for r in store.select("""
        SELECT DISTINCT ?k ?l WHERE { ?x gk:learnedFrom|gk:about|gk:initiative ?p . ?p a ?c ; gk:key ?k ;
          rdfs:label ?l VALUES ?c { gk:Programme gk:Project } }
        ORDER BY ?l""")}
    bodies = {r["k"]: r["l"] for r in store.select("""
        SELECT DISTINCT ?k ?l WHERE { ?x gk:raisedBy|gk:madeBy|gk:addressedTo|gk:setBy ?b .
          ?b a gk:Body ; gk:key ?k ; rdfs:label ?l } ORDER BY ?l""")}
    sources = {r["k"]: r["l"] for r in store.select("""
        SELECT ?k (SAMPLE(?t) AS ?l) WHERE { ?x a ?c ; prov:wasDerivedFrom ?s . ?s gk:key ?k ; dcterms:title ?t
          VALUES ?c { gk:Lesson gk:Finding gk:Recommendation gk:Target } } GROUP BY ?k ORDER BY ?l""")}
    return {"theme": themes, "programme": programmes, "body": bodies, "source": sources}


def theme_counts(store: Backend, highlight: set[str] | None = None, *, top: int = 30) -> list[dict[str, Any]]:
    """Lessons per theme (a lesson counts once for each of its themes), with the broader theme, and whether
    the theme is among ``highlight`` (theme labels, e.g. those of the current search hits): the ``top`` themes
    with most lessons, and every highlighted one."""
    rows = store.select("""
        SELECT ?t ?label ?broader (COUNT(DISTINCT ?lesson) AS ?n) WHERE {
          ?t a gk:Theme ; skos:prefLabel ?label .
          OPTIONAL { ?lesson a gk:Lesson ; gk:theme ?t }
          OPTIONAL { ?t skos:broader ?b . ?b skos:prefLabel ?broader }
        } GROUP BY ?t ?label ?broader ORDER BY DESC(?n) ?label""")
    marked = highlight or set()
    counted = [r for r in rows if r["n"]]
    kept = {id(r) for r in counted[:top]} | {id(r) for r in counted if r["label"] in marked}
    return [{"theme": r["label"], "broader theme": r["broader"] or r["label"], "lessons": r["n"],
             "in results": r["label"] in marked, "ref": ref_of(r["t"])} for r in counted if id(r) in kept]
