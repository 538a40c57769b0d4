"""The body network: bodies linked by lineage, parent, shared scopes and recommendations; centrality,
communities, and GraphML or GEXF files for Gephi.

One undirected networkx graph, one node per body. An edge sums the ties between two bodies: ``lineage`` (one
per lineage step), ``parent`` (a unit and its parent), ``shared_scopes`` (scopes both held an accountability
for, through themselves, their posts or people in their posts) and ``recommendations`` (made by one to the
other, either way); ``weight`` is the total. Betweenness treats a strong tie as a short one (distance =
1 / weight). Communities are found by greedy modularity (deterministic).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from graph.analytics.data import GovernanceData
from graph.analytics.lines import Lines
from graph.errors import InputError

RELATIONS = ("lineage", "parent", "shared_scopes", "recommendations")
FORMATS = ("graphml", "gexf")


@dataclass(frozen=True)
class BodyCentrality:
    body: str  # IRI
    key: str
    label: str
    kind: str
    community: int
    degree: int  # bodies it is tied to
    strength: float  # sum of its edge weights
    betweenness: float
    pagerank: float


@dataclass
class NetworkReport:
    bodies: list[BodyCentrality] = field(default_factory=list)  # by PageRank, highest first
    communities: list[list[str]] = field(default_factory=list)  # labels, largest community first
    nodes: int = 0
    edges: int = 0
    relations: dict[str, int] = field(default_factory=dict)  # edges carrying each relation


def body_network(data: GovernanceData, *, include_isolated: bool = True) -> nx.Graph:
    """The graph of bodies (node attributes: label, key, kind, start, end; edge attributes: see the module)."""
    ties: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)

    def tie(a: str | None, b: str | None, relation: str) -> None:
        if a and b and a != b and a in data.bodies and b in data.bodies:
            ties[(min(a, b), max(a, b))][relation] += 1

    for step in data.lineage:
        tie(step.predecessor, step.successor, "lineage")
    for body in data.bodies.values():
        tie(body.iri, body.parent, "parent")
    lines = Lines(data)
    holders_of: dict[str, set[str]] = defaultdict(set)
    for acc in data.accountabilities:
        holders_of[acc.scope].update(lines.bodies_of(acc.holder))
    for bodies in holders_of.values():
        for a in bodies:
            for b in bodies:
                if a < b:
                    tie(a, b, "shared_scopes")
    for rec in data.recommendations:
        for addressee in rec.addressed_to:
            tie(rec.made_by, addressee, "recommendations")
    g = nx.Graph()
    for (a, b), counts in sorted(ties.items()):
        g.add_edge(a, b, weight=float(sum(counts.values())), relations=";".join(r for r in RELATIONS if counts[r]),
                   **{r: int(counts[r]) for r in RELATIONS})
    if include_isolated:
        g.add_nodes_from(sorted(data.bodies))
    for iri in list(g.nodes):
        body = data.bodies[iri]
        g.nodes[iri].update(label=body.label, key=body.key, kind=body.kind,
                            start=body.start.isoformat() if body.start else "",
                            end=body.end.isoformat() if body.end else "")
    return g


def analyse_network(g: nx.Graph) -> NetworkReport:
    """Centrality (degree, strength, betweenness, PageRank) and communities; stores them on the nodes too."""
    report = NetworkReport(nodes=g.number_of_nodes(), edges=g.number_of_edges(),
                           relations={r: sum(1 for *_, d in g.edges(data=True) if d.get(r)) for r in RELATIONS})
    if g.number_of_nodes() == 0:
        return report
    for _, _, d in g.edges(data=True):
        d["distance"] = 1.0 / d["weight"]
    betweenness = nx.betweenness_centrality(g, weight="distance", normalized=True)
    pagerank = nx.pagerank(g, weight="weight") if g.number_of_edges() else {n: 1 / len(g) for n in g}
    found = nx.community.greedy_modularity_communities(g, weight="weight") if g.number_of_edges() else [set(g)]
    ordered = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    community = {n: i for i, c in enumerate(ordered) for n in c}
    for n in g.nodes:
        g.nodes[n].update(community=community[n], degree=g.degree(n), strength=float(g.degree(n, weight="weight")),
                          betweenness=round(betweenness[n], 6), pagerank=round(pagerank[n], 6))
    for _, _, d in g.edges(data=True):
        del d["distance"]
    report.bodies = sorted((BodyCentrality(n, a["key"], a["label"], a["kind"], a["community"], a["degree"],
                                           a["strength"], a["betweenness"], a["pagerank"])
                            for n, a in g.nodes(data=True)), key=lambda b: (-b.pagerank, b.label))
    report.communities = [sorted(g.nodes[n]["label"] for n in c) for c in ordered]
    return report


def write_network(g: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``g`` as GraphML or GEXF (from ``fmt`` or the file's suffix) for Gephi."""
    target = Path(path)
    fmt = (fmt or target.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown network format {fmt!r}", where=str(target), hint="use .graphml or .gexf")
    plain = _plain(g)
    if fmt == "graphml":
        nx.write_graphml(plain, target)
    else:
        nx.write_gexf(plain, target)
    return target


def _plain(g: nx.Graph) -> nx.Graph:
    """A copy whose attribute values are all strings, numbers or booleans (what GraphML and GEXF can hold)."""
    out = nx.Graph()
    for n, a in g.nodes(data=True):
        out.add_node(n, **{k: _scalar(v) for k, v in a.items()})
    for u, v, a in g.edges(data=True):
        out.add_edge(u, v, **{k: _scalar(x) for k, x in a.items()})
    return out


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, str | int | float | bool) else str(value)
