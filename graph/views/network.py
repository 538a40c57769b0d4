"""A node's neighbourhood for the graph view: the links in and out of a centre node and of the nodes the
user expanded, filtered by relation, cut at a node cap, laid out with networkx (spring layout, fixed seed).

Only links between resources count (literals are properties, shown on the provenance page). Schema links
(rdf:type, skos:inScheme, rdfs:isDefinedBy …) are left out: they would tie every node to its class.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph.backends import Backend
from graph.namespaces import PREFIXES
from graph.views.refs import iri_of, kind_of, ref_of, short

SKIPPED = tuple(PREFIXES[p] + n for p, n in (
    ("rdf", "type"), ("skos", "inScheme"), ("skos", "topConceptOf"), ("skos", "hasTopConcept"),
    ("rdfs", "isDefinedBy"), ("rdfs", "domain"), ("rdfs", "range"), ("rdfs", "subClassOf"),
    ("rdfs", "subPropertyOf"), ("owl", "inverseOf"), ("owl", "disjointWith"), ("rdfs", "seeAlso")))
PER_NODE = 300  # links read per node


@dataclass
class Network:
    centre: str  # ref
    nodes: list[dict[str, Any]] = field(default_factory=list)  # ref, label, kind, x, y, role
    edges: list[dict[str, Any]] = field(default_factory=list)  # source, target, relation, x, y, x2, y2
    relations: dict[str, int] = field(default_factory=dict)  # every relation around the shown nodes: count
    hidden: int = 0  # neighbours left out by the node cap


def _links(store: Backend, iri: str) -> list[tuple[str, str, str]]:
    """(subject, predicate, object) links of ``iri`` to other resources, both directions."""
    skipped = ", ".join(f"<{p}>" for p in SKIPPED)
    rows = store.select(f"""
        SELECT ?s ?p ?o WHERE {{
          {{ BIND(<{iri}> AS ?s) <{iri}> ?p ?o FILTER(isIRI(?o)) }} UNION {{ BIND(<{iri}> AS ?o) ?s ?p <{iri}> }}
          FILTER(?p NOT IN ({skipped}))
        }} LIMIT {PER_NODE}""")
    return [(r["s"], r["p"], r["o"]) for r in rows]


def neighbourhood(store: Backend, centre: str, *, expanded: list[str] | None = None,
                  relations: set[str] | None = None, cap: int = 40) -> Network:
    """The centre (a ref or IRI), the nodes expanded, and their neighbours up to ``cap`` nodes in all.

    ``relations`` (short names like ``gk:holder``) keeps only those links; None keeps all.
    """
    centre_iri = iri_of(centre)
    opened = [centre_iri] + [iri_of(e) for e in expanded or [] if iri_of(e) != centre_iri]
    net = Network(ref_of(centre_iri))
    shown: list[str] = [centre_iri]
    links: set[tuple[str, str, str]] = set()
    tally: Counter[str] = Counter()
    candidates: list[tuple[str, str, str]] = []
    for node in opened:
        if node not in shown:
            if len(shown) >= cap:
                continue
            shown.append(node)
        for s, p, o in _links(store, node):
            rel = short(p)
            tally[rel] += 1
            if relations is None or rel in relations:
                candidates.append((s, rel, o))
    missing = set()
    for s, rel, o in candidates:
        other = o if s in shown and o not in shown else s if o in shown and s not in shown else None
        if other is not None:
            if len(shown) >= cap:
                missing.add(other)
                continue
            shown.append(other)
        links.add((s, rel, o))
    net.hidden = len(missing - set(shown))
    net.relations = dict(sorted(tally.items()))
    labels = node_labels(store, shown)
    positions = layout(shown, links, centre_iri)
    for iri in shown:
        x, y = positions[iri]
        role = "centre" if iri == centre_iri else "expanded" if iri in opened else "neighbour"
        net.nodes.append({"ref": ref_of(iri), "label": labels.get(iri, short(iri)),
                          "kind": kind_of(iri) or _vocabulary(iri), "x": x, "y": y, "role": role})
    for s, rel, o in sorted(links):
        if s in positions and o in positions:
            (x, y), (x2, y2) = positions[s], positions[o]
            net.edges.append({"source": ref_of(s), "target": ref_of(o), "relation": rel,
                              "x": x, "y": y, "x2": x2, "y2": y2, "mx": (x + x2) / 2, "my": (y + y2) / 2})
    return net


def _vocabulary(iri: str) -> str:
    return "vocabulary" if any(iri.startswith(ns) for ns in PREFIXES.values()) else "other"


def node_labels(store: Backend, iris: list[str]) -> dict[str, str]:
    """A human label for every node: its own (rdfs:label, skos:prefLabel, dcterms:title); for records that
    have none, one made from what they link (a derived overlap: "NHSX / NHS Digital: standards"; a tenure:
    "Matthew Gould, National Director …"; others: their kind and key); else the IRI's short form."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    # each OPTIONAL is joined to the given nodes only (a UNION beside the VALUES made the engine scan every typed
    # node of the graph: 1.6 s on the full bundled data)
    rows = store.select(f"""SELECT ?s (SAMPLE(?own) AS ?label) (SAMPLE(?made) AS ?derived) (SAMPLE(?tl) AS ?kind)
        WHERE {{ VALUES ?s {{ {values} }}
          OPTIONAL {{ ?s rdfs:label|skos:prefLabel|dcterms:title ?own }}
          OPTIONAL {{ ?s gk:overlapFirstHolderLabel ?a ; gk:overlapSecondHolderLabel ?b ; gk:overlapScopeLabel ?c }}
          OPTIONAL {{ ?s gk:person/rdfs:label ?who ; gk:post/rdfs:label ?post }}
          OPTIONAL {{ ?s a ?t . ?t rdfs:label ?tl }}
          BIND(COALESCE(CONCAT(?a, " / ", ?b, ": ", ?c), CONCAT(?who, ", ", ?post)) AS ?made)
        }} GROUP BY ?s""")
    found = {}
    for r in rows:
        text = r["label"] or r["derived"]
        if not text and r["kind"]:
            key = ref_of(r["s"]).rsplit("/", 1)[-1].replace("-", " ")
            text = f"{str(r['kind']).capitalize()}: {key}" if key else None
        if text:
            found[r["s"]] = _clip(str(text))
    return {i: found.get(i, short(i)) for i in iris}


def _clip(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def layout(nodes: list[str], links: set[tuple[str, str, str]], centre: str) -> dict[str, tuple[float, float]]:
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from((s, o) for s, _, o in links if s != o)
    if len(nodes) == 1:
        return {centre: (0.0, 0.0)}
    pos = nx.spring_layout(g, seed=7, k=1.6 / max(len(nodes), 1) ** 0.5, pos={centre: (0.0, 0.0)},
                           fixed=[centre], iterations=80)
    return {n: (round(float(p[0]), 4), round(float(p[1]), 4)) for n, p in pos.items()}
