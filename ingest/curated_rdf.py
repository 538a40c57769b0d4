"""Curated records (ingest/curated.py) → RDF: the mapping of each field, driven by ingest/curated_schema.py.

Records arrive checked (schema, dates, references); each file becomes one graph. An end is a date, ``current``
(no end written) or ``unknown`` (``gk:endUnknown`` true, with its ``ended_by`` as the ``gk:endDate``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.errors import InputError
from graph.namespaces import GK, ID, entity_iri
from ingest.curated_schema import END_CURRENT, END_UNKNOWN, KIND_BY_KEY, PROV, RDFS, Field, Kind
from ingest.dates import FuzzyDate, parse_date
from ingest.yamlfile import Record

if TYPE_CHECKING:
    from ingest.curated import CuratedFile

SKOS = "http://www.w3.org/2004/02/skos/core#"


def iri_of(kind: str, key: str) -> str:
    return entity_iri(kind, key)


def to_graph(cf: CuratedFile, labels: dict[str, str], defined: set[str]) -> Graph:
    """The RDF of one curated file.

    ``labels`` maps IRIs to labels (for generated labels); ``defined`` holds every IRI known to the run,
    to tell whether a holder key names a body, a post or a person.
    """
    g = Graph()
    kind = cf.kind
    for rec in cf.records:
        subject = URIRef(iri_of(kind.iri_kind, rec["id"]))
        rdf_class = kind.rdf_class
        if kind.key == "programmes" and rec.get("kind") in ("project", "contract"):
            rdf_class = GK + "Project"
        g.add((subject, RDF.type, URIRef(rdf_class)))
        for extra in kind.extra_classes:
            g.add((subject, RDF.type, URIRef(extra)))
        if kind.scheme:
            g.add((subject, URIRef(SKOS + "inScheme"), URIRef(kind.scheme)))
            g.add((subject, URIRef(SKOS + "notation"), Literal(rec["id"])))
        _common(g, subject, rec, kind)
        for f in kind.fields:
            value = rec.get(f.name)
            if value is None or value == []:
                continue
            if f.type == "lineage":
                _lineage(g, rec, value)
            elif f.type == "tenures":
                _tenures(g, rec, value)
            else:
                _add_field(g, subject, f, value, defined)
        label = _label(rec, kind, labels)
        if label:
            g.add((subject, URIRef(RDFS + "label"), Literal(label)))
    return g


def _common(g: Graph, subject: URIRef, rec: Record, kind: Kind) -> None:
    g.add((subject, URIRef(GK + "key"), Literal(rec["id"])))
    for src in rec.get("sources") or []:
        g.add((subject, URIRef(PROV + "wasDerivedFrom"), URIRef(iri_of("source", src))))
    if kind.cites_sources:
        g.add((subject, URIRef(GK + "certainty"), Literal(rec.get("certainty", "sourced"))))
    if rec.get("note"):
        g.add((subject, URIRef(SKOS + "note"), Literal(rec["note"])))


def _label(rec: Record, kind: Kind, labels: dict[str, str]) -> str:
    if kind.key == "accountabilities":
        holder = _lookup(labels, HOLDER_ORDER, rec["holder"])
        scope = labels.get(iri_of("scope", rec["scope"]), rec["scope"])
        return f"{holder}: {rec['kind']} for {scope}"
    if kind.scheme and isinstance(rec.get("label"), str):
        return str(rec["label"])  # concepts: rdfs:label beside skos:prefLabel, for uniform lookups
    if kind.label_field and kind.label_field != "label" and isinstance(rec.get(kind.label_field), str):
        text: str = rec[kind.label_field]
        return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"
    return ""


HOLDER_ORDER = ("body", "post", "person")


def _lookup(labels: dict[str, str], kinds: tuple[str, ...], key: str) -> str:
    for k in kinds:
        if iri_of(k, key) in labels:
            return labels[iri_of(k, key)]
    return key


def _add_field(g: Graph, subject: URIRef, f: Field, value: Any, defined: set[str]) -> None:
    p = URIRef(f.predicate)
    if f.type == "text":
        g.add((subject, p, Literal(value.strip())))
    elif f.type == "texts":
        for v in value:
            g.add((subject, p, Literal(v.strip())))
    elif f.type == "url":
        g.add((subject, p, Literal(value.strip(), datatype=XSD.anyURI)))
    elif f.type in ("date", "end-date", "ended-by"):
        _add_date(g, subject, f, parse_date(value), end=f.type != "date")
    elif f.type == "end":
        _add_end(g, subject, f, value)
    elif f.type == "number":
        try:
            amount = Decimal(str(value))
        except InvalidOperation as exc:  # pragma: no cover - checked before
            raise InputError(f"bad number {value!r}") from exc
        g.add((subject, p, Literal(amount, datatype=XSD.decimal)))
    elif f.type == "integer":
        g.add((subject, p, Literal(int(value), datatype=XSD.integer)))
    elif f.type == "enum":
        g.add((subject, p, Literal(value)))
    elif f.type in ("concept", "concepts"):
        for v in value if isinstance(value, list) else [value]:
            g.add((subject, p, URIRef(f"{ID}{f.scheme}/{v}")))
    elif f.type in ("ref", "refs"):
        for v in value if isinstance(value, list) else [value]:
            g.add((subject, p, URIRef(_resolve_kind(f.targets, v, defined))))


def _resolve_kind(kinds: tuple[str, ...], key: str, defined: set[str]) -> str:
    """The IRI of the first kind that defines ``key`` (holders may be bodies, posts or people)."""
    for k in kinds:
        iri = iri_of(k, key)
        if iri in defined:
            return iri
    return iri_of(kinds[0], key)


def _add_end(g: Graph, subject: URIRef, f: Field, value: Any) -> None:
    """An end: a date; ``unknown`` (gk:endUnknown true, its ``ended_by`` bound is the gk:endDate); ``current``
    (nothing: no end date means still in force)."""
    if value == END_UNKNOWN:
        g.add((subject, URIRef(GK + "endUnknown"), Literal(True)))
    elif value != END_CURRENT:
        _add_date(g, subject, f, parse_date(value), end=True)


def _add_date(g: Graph, subject: URIRef, f: Field, date: FuzzyDate, *, end: bool) -> None:
    g.add((subject, URIRef(f.predicate), Literal(date.bound(end), datatype=XSD.date)))
    if f.precision and date.precision != "day":
        g.add((subject, URIRef(f.precision), Literal(date.precision)))


def _lineage(g: Graph, rec: Record, items: list[Record]) -> None:
    pred = URIRef(iri_of("body", rec["id"]))
    for item in items:
        succ = URIRef(iri_of("body", item["successor"]))
        event = URIRef(iri_of("lineage", f"{rec['id']}--{item['successor']}"))
        g.add((event, RDF.type, URIRef(GK + "LineageEvent")))
        g.add((event, URIRef(GK + "key"), Literal(f"{rec['id']}--{item['successor']}")))
        g.add((event, URIRef(GK + "predecessor"), pred))
        g.add((event, URIRef(GK + "successor"), succ))
        g.add((event, URIRef(GK + "lineageKind"), URIRef(f"{ID}lineage-kind/{item['kind']}")))
        if item.get("date") == END_UNKNOWN:
            g.add((event, URIRef(GK + "dateUnknown"), Literal(True)))
        elif item.get("date") is not None:
            g.add((event, URIRef(GK + "date"), Literal(parse_date(item["date"]).first, datatype=XSD.date)))
        g.add((event, URIRef(RDFS + "label"), Literal(f"{rec['id']} {item['kind']} into {item['successor']}")))
        _cite(g, event, item, rec)
        g.add((pred, URIRef(GK + "succeededBy"), succ))


def _tenures(g: Graph, rec: Record, items: list[Record]) -> None:
    post = URIRef(iri_of("post", rec["id"]))
    for n, item in enumerate(items, start=1):
        key = f"{rec['id']}--{item['person']}-{n}"
        tenure = URIRef(iri_of("tenure", key))
        g.add((tenure, RDF.type, URIRef(GK + "Tenure")))
        g.add((tenure, URIRef(GK + "key"), Literal(key)))
        g.add((tenure, URIRef(GK + "post"), post))
        g.add((tenure, URIRef(GK + "person"), URIRef(iri_of("person", item["person"]))))
        for f in TENURE_DATES:
            if item.get(f.name) is not None:
                _add_field(g, tenure, f, item[f.name], set())
        _cite(g, tenure, item, rec)


TENURE_DATES = tuple(f for f in KIND_BY_KEY["accountabilities"].fields
                     if f.name in ("start", "end", "ended_by", "start_certainty", "end_certainty"))


def _cite(g: Graph, subject: URIRef, item: Record, parent: Record) -> None:
    """A nested item cites its own sources, or its parent record's."""
    for src in item.get("sources") or parent.get("sources") or []:
        g.add((subject, URIRef(PROV + "wasDerivedFrom"), URIRef(iri_of("source", src))))
    g.add((subject, URIRef(GK + "certainty"), Literal(item.get("certainty", parent.get("certainty", "sourced")))))
    if item.get("note"):
        g.add((subject, URIRef(SKOS + "note"), Literal(item["note"])))
