"""One entity, all of it: the records linked as the same thing, merged, with where each fact came from.

Reconciliation links records of one thing from different sources (``owl:sameAs`` for bodies,
``gk:sameInitiativeAs`` for initiatives) and never merges them in the store. The entity view merges them
when it shows them, as OpenSanctions shows an entity with its referents: the union of the records'
properties and links, each with the records and sources that state it; the linked records themselves
(``referents``); the delivery-confidence ratings and whole-life costs by year of any project among them
(``reports``); and the accountabilities held by them, for them, or for a scope of theirs (``accountabilities``).

A name that matches several things opens the best (a record labelled exactly so, then the one with the most
links) and lists the others with their kinds (``also_named``); only a name that matches nothing is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.backends import Backend
from graph.backends.types import py_value
from graph.entity_parts import accountabilities_of, reports_of
from graph.errors import NotFoundError
from graph.namespaces import GK, ID, PREFIXES, shorten

_TYPE = PREFIXES["rdf"] + "type"
_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"
SAME = (PREFIXES["owl"] + "sameAs", GK + "sameInitiativeAs")
LIMIT = 500  # links in, per record


@dataclass
class Entity:
    iri: str  # the record the name opened (the others are in referents)
    label: str
    types: list[str] = field(default_factory=list)
    properties: list[dict[str, Any]] = field(default_factory=list)  # predicate, value, records, sources
    outgoing: list[dict[str, Any]] = field(default_factory=list)  # predicate, target, label, records, sources
    incoming: list[dict[str, Any]] = field(default_factory=list)  # predicate, source, label, records, sources
    sources: list[dict[str, Any]] = field(default_factory=list)  # source, title, url (documents cited)
    graphs: list[str] = field(default_factory=list)
    referents: list[dict[str, Any]] = field(default_factory=list)  # iri, label, types, sources, link
    also_named: list[dict[str, Any]] = field(default_factory=list)  # iri, label, types: other things of the name
    reports: list[dict[str, Any]] = field(default_factory=list)  # one row per project and year (GMPP)
    accountabilities: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


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


def same_as(store: Backend, iri: str) -> dict[str, str]:
    """The records linked to ``iri`` as the same thing, however many links away: record → the link that
    reached it ("" for ``iri`` itself). One hop per query, so no property path is needed."""
    found = {iri: ""}
    frontier = {iri}
    while frontier:
        rows = store.select(f"""SELECT ?a ?b ?p WHERE {{ VALUES ?a {{ {_values(frontier)} }}
            VALUES ?p {{ {_values(SAME)} }} {{ ?a ?p ?b }} UNION {{ ?b ?p ?a }} FILTER(isIRI(?b)) }}""")
        frontier = set()
        for r in sorted(rows, key=lambda r: (r["b"], r["p"])):
            if r["b"] not in found:
                found[r["b"]] = shorten(r["p"])
                frontier.add(r["b"])
    return found


def _links(store: Backend, iris: Iterable[str]) -> dict[str, int]:
    rows = store.select(f"""SELECT ?s (COUNT(?x) AS ?n) WHERE {{ VALUES ?s {{ {_values(iris)} }}
        {{ ?s ?p ?x FILTER(isIRI(?x)) }} UNION {{ ?x ?q ?s }} }} GROUP BY ?s""")
    return {r["s"]: int(r["n"]) for r in rows}


def _labels(store: Backend, iris: Iterable[str]) -> dict[str, list[str]]:
    rows = store.select(f"""SELECT ?s ?l WHERE {{ VALUES ?s {{ {_values(iris)} }}
        {{ ?s rdfs:label ?l }} UNION {{ ?s skos:prefLabel ?l }} }}""")
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["s"], []).append(str(r["l"]))
    return out


def _types(store: Backend, iris: Iterable[str]) -> dict[str, list[str]]:
    rows = store.select(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s a ?t }}")
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["s"], []).append(shorten(r["t"]))
    return {k: sorted(set(v)) for k, v in out.items()}


def not_found(store: Backend, ref: str) -> NotFoundError:
    """The error for a name that opens nothing, with the nearest keys (of the kind named, for ``kind/key``)."""
    from graph.keys import KINDS, UnknownKeyError, nearest_any

    text = ref.strip().removeprefix(ID)
    kind, _, key = text.rpartition("/")  # kind/key, or a key or name alone; another IRI: its last step
    kind = kind if kind in KINDS else ""
    near = nearest_any(store, key, [kind] if kind else None)
    shown = ", ".join(f"{k.kind}/{k.key} ({k.label})" if k.label else f"{k.kind}/{k.key}" for k in near)
    hint = f"nearest: {shown}" if shown else "try a key like nhs-digital, a label or an IRI"
    return UnknownKeyError(f"no entity named {ref!r}", suggestions=near, hint=hint)


def choose(store: Backend, ref: str) -> tuple[str, dict[str, str], list[str]]:
    """The record ``ref`` opens, the records linked to it as the same thing, and the other records of the
    name (NotFoundError when there is none)."""
    found = resolve(store, ref)
    if not found:
        raise not_found(store, ref)
    candidates = [iri for iri, _ in found]
    groups: list[dict[str, str]] = []
    for iri in candidates:
        if not any(iri in g for g in groups):
            groups.append(same_as(store, iri))
    labels = _labels(store, candidates)
    links = _links(store, {i for g in groups for i in g})

    def exact(iri: str) -> bool:
        return ref.strip() in labels.get(iri, [])

    def rank(group: dict[str, str]) -> tuple[int, int, str]:
        named = [i for i in candidates if i in group]
        return (-any(exact(i) for i in named), -sum(links.get(i, 0) for i in group), min(named))

    best = min(groups, key=rank)
    opened = min((i for i in candidates if i in best), key=lambda i: (-exact(i), -links.get(i, 0), i))
    return opened, best, [i for i in candidates if i not in best]


def entity(store: Backend, ref: str, *, merged: bool = True) -> Entity:
    """Everything the graph says about the thing ``ref`` names, its linked records merged in (``merged``);
    NotFoundError if it names nothing."""
    opened, group, others = choose(store, ref)
    if not merged:
        group, others = {opened: ""}, []
    by_graph = {s.graph: s.key for s in store.sources().values()}
    label = (_labels(store, [opened]).get(opened) or [opened])[0]
    ent = Entity(opened, label)
    members = sorted(group, key=lambda i: (i != opened, i))
    _own(store, ent, members, by_graph)
    _incoming(store, ent, members, by_graph)
    types = _types(store, set(members) | set(others))
    ent.referents = [{"iri": m, "label": (_labels(store, [m]).get(m) or [""])[0], "types": types.get(m, []),
                      "sources": _graph_keys(store, m, by_graph), "link": group[m] or "opened"}
                     for m in members] if len(members) > 1 else []
    other_labels = _labels(store, others)
    ent.also_named = [{"iri": o, "label": (other_labels.get(o) or [""])[0], "types": types.get(o, [])}
                      for o in others]
    ent.sources = store.select(f"""
        SELECT DISTINCT ?source ?title ?url WHERE {{ VALUES ?m {{ {_values(members)} }}
          ?m prov:wasDerivedFrom ?source . OPTIONAL {{ ?source dcterms:title ?title }}
          OPTIONAL {{ ?source gk:url ?url }} }} ORDER BY ?source""")
    ent.reports = reports_of(store, members)
    ent.accountabilities = accountabilities_of(store, members)
    return ent


def _graph_keys(store: Backend, iri: str, by_graph: dict[str, str]) -> list[str]:
    rows = store.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}").rows
    return sorted({by_graph.get(r[0].value, r[0].value) for r in rows})


def _merge(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per fact, with every record (``_record``) and source (``_graph``) that states it."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        k = tuple(repr(row[n]) for n in key)
        if k not in out:
            out[k] = {**{n: v for n, v in row.items() if not n.startswith("_")}, "records": [], "sources": []}
        for n, many in (("_record", "records"), ("_graph", "sources")):
            if row[n] not in out[k][many]:
                out[k][many].append(row[n])
    for row in out.values():
        row["records"].sort()
        row["sources"].sort()
    return list(out.values())


def _own(store: Backend, ent: Entity, members: list[str], by_graph: dict[str, str]) -> None:
    properties: list[dict[str, Any]] = []
    outgoing: list[dict[str, Any]] = []
    types: set[str] = set()
    graphs: set[str] = set()
    for m in members:
        res = store.query(f"""SELECT ?p ?o ?ol ?g WHERE {{ GRAPH ?g {{ <{m}> ?p ?o }}
                              OPTIONAL {{ ?o rdfs:label ?ol }} }} ORDER BY ?p ?o""")
        for p, o, ol, g in res.rows:
            graphs.add(g.value)
            where = {"_record": m, "_graph": by_graph.get(g.value, g.value)}
            if p.value == _TYPE:
                types.add(shorten(o.value))
            elif p.value == _DERIVED or (p.value in SAME and o.value in members):
                continue
            elif isinstance(o, ox.NamedNode):
                outgoing.append({"predicate": shorten(p.value), "target": o.value, "label": py_value(ol) or "",
                                 **where})
            else:
                properties.append({"predicate": shorten(p.value), "value": py_value(o), **where})
    ent.types = sorted(types)
    ent.graphs = sorted(graphs)
    ent.properties = _merge(properties, ("predicate", "value"))
    ent.outgoing = _merge(outgoing, ("predicate", "target", "label"))


def _incoming(store: Backend, ent: Entity, members: list[str], by_graph: dict[str, str]) -> None:
    rows = []
    for m in members:
        res = store.query(f"""SELECT ?s ?p ?sl ?g WHERE {{ GRAPH ?g {{ ?s ?p <{m}> }}
                              OPTIONAL {{ ?s rdfs:label ?sl }} }} ORDER BY ?p ?s LIMIT {LIMIT}""")
        for s, p, sl, g in res.rows:
            if p.value in SAME and s.value in members:
                continue
            rows.append({"predicate": shorten(p.value), "source": s.value, "label": py_value(sl) or "",
                         "_record": m, "_graph": by_graph.get(g.value, g.value)})
    ent.incoming = _merge(rows, ("predicate", "source", "label"))
