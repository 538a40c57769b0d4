"""One entity, all of it: its properties, links in and out (with labels) and the sources behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.backends import Backend
from graph.backends.types import py_value
from graph.errors import NotFoundError
from graph.namespaces import ID, PREFIXES, shorten

_TYPE = PREFIXES["rdf"] + "type"
_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"


@dataclass
class Entity:
    iri: str
    label: str
    types: list[str] = field(default_factory=list)
    properties: list[dict[str, Any]] = field(default_factory=list)  # predicate, value
    outgoing: list[dict[str, Any]] = field(default_factory=list)  # predicate, target, label
    incoming: list[dict[str, Any]] = field(default_factory=list)  # predicate, source, label
    sources: list[dict[str, Any]] = field(default_factory=list)  # source, title, url
    graphs: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def resolve(store: Backend, ref: str) -> list[tuple[str, str]]:
    """IRIs (with labels) that ``ref`` names: an IRI, ``kind/key``, a key, a label or an abbreviation."""
    ref = ref.strip()
    if ref.startswith(("http://", "https://", "urn:")):
        if any(c in ref for c in ' <>"{}|\\^`'):
            return []
        return _exact(store, ref)
    if "/" in ref and " " not in ref:
        kind, _, key = ref.partition("/")
        return _exact(store, f"{ID}{kind}/{key}")
    text = _esc(ref)
    rows = store.select(f"""
        SELECT DISTINCT ?s ?l WHERE {{
          {{ ?s gk:key "{text}" }} UNION {{ ?s rdfs:label ?m }} UNION {{ ?s skos:altLabel ?m }}
          UNION {{ ?s gk:abbreviation ?m }} UNION {{ ?s skos:prefLabel ?m }}
          FILTER(!BOUND(?m) || LCASE(STR(?m)) = LCASE("{text}"))
          OPTIONAL {{ ?s rdfs:label ?l }}
        }} ORDER BY ?s LIMIT 20""")
    return [(r["s"], r["l"] or r["s"]) for r in rows if str(r["s"]).startswith(ID)] or [
        (r["s"], r["l"] or r["s"]) for r in rows]


def _exact(store: Backend, iri: str) -> list[tuple[str, str]]:
    rows = store.select(f"""SELECT ?l WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?x ?q <{iri}> }}
                            OPTIONAL {{ <{iri}> rdfs:label ?l }} }} LIMIT 1""")
    return [(iri, rows[0]["l"] or iri)] if rows else []


def entity(store: Backend, ref: str) -> Entity:
    """Everything the graph says about the entity ``ref`` names; NotFoundError if none or several."""
    found = resolve(store, ref)
    if not found:
        raise NotFoundError(f"no entity named {ref!r}", hint="try a key like nhs-digital, a label or an IRI")
    if len(found) > 1:
        names = "; ".join(f"{shorten(i)} ({label})" for i, label in found[:10])
        raise NotFoundError(f"{ref!r} names {len(found)} entities: {names}", hint="give kind/key or an IRI")
    iri, label = found[0]
    ent = Entity(iri, label)
    res = store.query(f"""SELECT ?p ?o ?ol ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }}
                          OPTIONAL {{ ?o rdfs:label ?ol }} }} ORDER BY ?p ?o""")
    graphs = set()
    for p, o, ol, g in res.rows:
        graphs.add(g.value)
        if p.value == _TYPE:
            ent.types.append(shorten(o.value))
        elif p.value == _DERIVED:
            continue
        elif isinstance(o, ox.NamedNode):
            ent.outgoing.append({"predicate": shorten(p.value), "target": o.value, "label": py_value(ol) or ""})
        else:
            ent.properties.append({"predicate": shorten(p.value), "value": py_value(o)})
    ent.types = sorted(set(ent.types))
    ent.graphs = sorted(graphs)
    ent.incoming = [
        {"predicate": shorten(r["p"]), "source": r["s"], "label": r["sl"] or ""}
        for r in store.select(f"""SELECT ?s ?p ?sl WHERE {{ ?s ?p <{iri}> OPTIONAL {{ ?s rdfs:label ?sl }} }}
                                  ORDER BY ?p ?s LIMIT 500""")
    ]
    ent.sources = store.select(f"""
        SELECT DISTINCT ?source ?title ?url WHERE {{
          <{iri}> prov:wasDerivedFrom ?source . OPTIONAL {{ ?source dcterms:title ?title }}
          OPTIONAL {{ ?source gk:url ?url }} }} ORDER BY ?source""")
    return ent
