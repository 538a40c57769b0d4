"""How RDF becomes a Neo4j property graph: names for labels, relationship types and properties, literal values,
and the in-memory projection of a set of source graphs (nodes, relationships, derived shortcuts).

The rules (docs/neo4j.md explains the choice against neosemantics and rdflib-neo4j):

* every IRI (or blank node) that is the subject of a triple, or the object of a triple other than ``rdf:type``,
  is one node labelled ``:GovKG`` with its IRI in ``uri`` (neosemantics' ``:Resource`` + ``uri``);
* ``rdf:type`` gives labels: the class's local name (neosemantics ``handleVocabUris: IGNORE``);
* a triple with an IRI object is a relationship whose type is the predicate's local name in UPPER_SNAKE_CASE
  (``prov:wasDerivedFrom`` → ``WAS_DERIVED_FROM``), one per source graph that states it (``graph`` = the key);
* a triple with a literal object is a node property named by the predicate's local name, typed (xsd:date →
  Date, integers → Integer, decimals → Float, booleans → Boolean, the rest String, language tags dropped);
* when two vocabulary terms share a local name the ``gk:`` one keeps it and the others get neosemantics'
  SHORTEN form ``prefix__local`` — unless one is an ``rdfs:subPropertyOf`` the other (``gk:date`` ⊑
  ``dcterms:date``: both are ``date``). Names are computed from the whole store's vocabulary, so pushing
  one graph or all of them gives the same names;
* n-ary records stay nodes; each ``gk:Accountability`` also gives a shortcut ``(holder)-[:ACCOUNTABILITY_FOR
  {kind, startDate, endDate, …}]->(scope)`` and each ``gk:LineageEvent`` a ``(predecessor)-[:LINEAGE {kind,
  date}]->(successor)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.backends import Backend
from graph.namespaces import GK, PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]
RDFS = PREFIXES["rdfs"]

NODE_LABEL = "GovKG"  # every node this tool writes for an RDF resource
SENTENCE_LABEL = "GovKGSentence"  # a sentence of a text node, with its own embedding
META_LABEL = "GovKGMeta"  # the one node recording what was pushed
EMBEDDED_LABEL = "Embedded"  # nodes that carry an ``embedding`` (the vector index covers this label)
RESERVED_LABELS = frozenset({NODE_LABEL, SENTENCE_LABEL, META_LABEL, EMBEDDED_LABEL})
RESERVED_PROPERTIES = frozenset({"uri", "graphs", "embedding"})
ACCOUNTABILITY_FOR = "ACCOUNTABILITY_FOR"
LINEAGE = "LINEAGE"
SENTENCE_OF = "SENTENCE_OF"
RESERVED_TYPES = frozenset({ACCOUNTABILITY_FOR, LINEAGE, SENTENCE_OF})
MAPPING_VERSION = 1

_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}
_ALWAYS_LISTS = frozenset({SKOS + "altLabel", SKOS + "hiddenLabel"})


# ----------------------------------------------------------------------------------------------- names
def split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name): split after the last ``#``, ``/`` or ``:``."""
    cut = max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":"))
    if cut < 0 or cut == len(iri) - 1:
        return "", iri
    return iri[: cut + 1], iri[cut + 1:]


def prefix_of(namespace: str) -> str:
    """The project's prefix for a namespace, or ``ns_<hash>`` for one it does not know."""
    for prefix, ns in PREFIXES.items():
        if ns == namespace:
            return prefix
    return "ns_" + hashlib.sha256(namespace.encode()).hexdigest()[:6]


def upper_snake(name: str) -> str:
    """``wasDerivedFrom`` → ``WAS_DERIVED_FROM``; anything but letters and digits becomes ``_``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^A-Za-z0-9]+", "_", spaced).strip("_").upper() or "RELATED"


def _assign(iris: Iterable[str], style: str, reserved: frozenset[str],
            super_of: dict[str, set[str]]) -> dict[str, str]:
    """A name for each IRI: its local name (styled), unique unless sub-properties share it on purpose."""
    def styled(local: str) -> str:
        return upper_snake(local) if style == "type" else local

    def shortened(iri: str) -> str:
        ns, local = split_iri(iri)
        name = f"{prefix_of(ns)}__{local}"
        return name.upper() if style == "type" else name

    groups: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(set(iris)):
        groups[styled(split_iri(iri)[1])].append(iri)
    names: dict[str, str] = {}
    for name, members in groups.items():
        if name in reserved:
            names.update({iri: shortened(iri) for iri in members})
        elif len(members) == 1 or _one_family(members, super_of):
            names.update({iri: name for iri in members})
        else:
            for iri in members:
                names[iri] = name if iri.startswith(GK) else shortened(iri)
    return names


def _one_family(members: list[str], super_of: dict[str, set[str]]) -> bool:
    """True when every member is a sub-property of one of them (so they may share its name)."""
    return any(all(m == top or top in _ancestors(m, super_of) for m in members) for top in members)


def _ancestors(iri: str, super_of: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [iri]
    while todo:
        for parent in super_of.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


@dataclass(frozen=True)
class Vocabulary:
    """The names of one store's classes and properties in Neo4j, and the facts the mapping needs."""

    labels: dict[str, str]  # class IRI → label
    types: dict[str, str]  # object property IRI → relationship type
    properties: dict[str, str]  # datatype property IRI → property key
    multivalued: frozenset[str]  # property keys always stored as lists
    notations: dict[str, str]  # concept IRI → skos:notation (kinds on shortcut relationships)

    @classmethod
    def from_store(cls, store: Backend) -> Vocabulary:
        """Names from every class and property the store declares or uses (all live graphs)."""
        classes: set[str] = set()
        object_props: set[str] = set()
        data_props: set[str] = set()
        functional: set[str] = set()
        declared_data: set[str] = set()
        super_of: dict[str, set[str]] = defaultdict(set)
        for row in store.select("""SELECT DISTINCT ?x ?t WHERE { ?x a ?t VALUES ?t {
            owl:Class rdfs:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty
            owl:FunctionalProperty } FILTER(isIRI(?x)) }"""):
            kind = row["t"].rsplit("#", 1)[1]
            {"Class": classes, "ObjectProperty": object_props, "DatatypeProperty": declared_data,
             "AnnotationProperty": declared_data, "FunctionalProperty": functional}[kind].add(row["x"])
        data_props |= declared_data
        for row in store.select("SELECT DISTINCT ?t WHERE { ?x a ?t FILTER(isIRI(?t)) }"):
            classes.add(row["t"])
        for row in store.select("""SELECT DISTINCT ?p (isLiteral(?o) AS ?lit) WHERE { ?s ?p ?o
                                   FILTER(?p != rdf:type) }"""):
            (data_props if row["lit"] else object_props).add(row["p"])
        for row in store.select("SELECT ?a ?b WHERE { ?a rdfs:subPropertyOf ?b FILTER(isIRI(?b)) }"):
            super_of[row["a"]].add(row["b"])
        notations = {r["c"]: str(r["notation"]) for r in store.select(  # a variable of its own: SPARQL 1.1 (18.2.4.1)
            "SELECT ?c (MIN(STR(?n)) AS ?notation) WHERE { ?c skos:notation ?n } GROUP BY ?c")}
        properties = _assign(data_props, "property", RESERVED_PROPERTIES, super_of)
        multivalued = {properties[p] for p in data_props
                       if p in _ALWAYS_LISTS or (p.startswith(GK) and p in declared_data and p not in functional)}
        return cls(labels=_assign(classes, "label", RESERVED_LABELS, super_of),
                   types=_assign(object_props, "type", RESERVED_TYPES, super_of),
                   properties=properties, multivalued=frozenset(multivalued), notations=notations)

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or _fallback(iri, "label")

    def type(self, iri: str) -> str:
        return self.types.get(iri) or _fallback(iri, "type")

    def property(self, iri: str) -> str:
        return self.properties.get(iri) or _fallback(iri, "property")

    def fingerprint(self) -> str:
        """Changes when any name changes: a projection written with other names must be rewritten."""
        data = json.dumps([MAPPING_VERSION, self.labels, self.types, self.properties, sorted(self.multivalued)],
                          sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def _fallback(iri: str, style: str) -> str:
    """A name for a term the vocabulary scan did not see (only possible for a store changed meanwhile)."""
    ns, local = split_iri(iri)
    name = f"{prefix_of(ns)}__{local}"
    return name.upper() if style == "type" else name


# ----------------------------------------------------------------------------------------------- values
def literal_value(literal: ox.Literal) -> Any:
    """A literal as the Python value the driver sends: date, datetime, int, float, bool or str."""
    datatype, text = literal.datatype.value, literal.value
    try:
        if datatype == XSD + "date":
            return dt.date.fromisoformat(text)
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(text)
        if datatype in _INTEGER_TYPES:
            number = int(text)
            return number if -(2**63) <= number < 2**63 else text
        if datatype in _FLOAT_TYPES:
            return float(text)
        if datatype == XSD + "boolean":
            return text.strip() in ("true", "1")
    except ValueError:
        return text
    return text


def node_id(term: ox.NamedNode | ox.BlankNode) -> str:
    """The ``uri`` of a node: the IRI, or ``bnode://<id>`` for a blank node (as neosemantics does)."""
    return term.value if isinstance(term, ox.NamedNode) else f"bnode://{term.value}"


# ----------------------------------------------------------------------------------------------- projection
@dataclass
class NodeRecord:
    uri: str
    labels: set[str] = field(default_factory=set)
    values: dict[str, list[Any]] = field(default_factory=dict)  # property key → distinct values
    graphs: set[str] = field(default_factory=set)

    def properties(self, multivalued: frozenset[str]) -> dict[str, Any]:
        """The node's properties as written: scalars, or lists for multi-valued keys (one type per list)."""
        out: dict[str, Any] = {"uri": self.uri, "graphs": sorted(self.graphs)}
        for key, values in self.values.items():
            if len(values) == 1 and key not in multivalued:
                out[key] = values[0]
            elif len({type(v) for v in values}) == 1:
                out[key] = sorted(values) if _sortable(values) else list(values)
            else:
                out[key] = sorted(_text(v) for v in values)
        return out


def _sortable(values: list[Any]) -> bool:
    try:
        sorted(values)
    except TypeError:
        return False
    return True


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@dataclass(frozen=True)
class RelRecord:
    start: str
    type: str
    end: str
    graph: str
    via: str = ""  # the n-ary node a derived shortcut stands for
    props: tuple[tuple[str, Any], ...] = ()


@dataclass
class Projection:
    """The property graph of some source graphs, in memory, before it is written."""

    nodes: dict[str, NodeRecord]
    rels: list[RelRecord]
    mentions: dict[str, set[str]]  # graph key → node uris it mentions

    @property
    def derived(self) -> list[RelRecord]:
        return [r for r in self.rels if r.via]


_ACCOUNTABILITY = {GK + "holder": "holder", GK + "scope": "scope", GK + "accountabilityKind": "kind"}
_ACCOUNTABILITY_DATES = {GK + "startDate": "startDate", GK + "endDate": "endDate",
                         GK + "startPrecision": "startPrecision", GK + "endPrecision": "endPrecision",
                         GK + "certainty": "certainty"}
_LINEAGE = {GK + "predecessor": "predecessor", GK + "successor": "successor", GK + "lineageKind": "kind"}
_LINEAGE_DATES = {GK + "date": "date", GK + "certainty": "certainty"}


def build_projection(store: Backend, keys: Iterable[str], vocab: Vocabulary) -> Projection:
    """Read the quads of the source graphs ``keys`` and map them (see the module's rules)."""
    nodes: dict[str, NodeRecord] = {}
    rels: list[RelRecord] = []
    mentions: dict[str, set[str]] = {}
    nary: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    typed: dict[str, set[str]] = defaultdict(set)
    literals: dict[str, dict[str, Any]] = defaultdict(dict)

    def node(uri: str, key: str) -> NodeRecord:
        rec = nodes.get(uri)
        if rec is None:
            rec = nodes[uri] = NodeRecord(uri)
        rec.graphs.add(key)
        mentions[key].add(uri)
        return rec

    for key in sorted(set(keys)):
        mentions[key] = set()
        for quad in store.source_quads(key):
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if isinstance(s, ox.Triple):  # RDF-star quoted triples are not projected
                continue
            subject = node(node_id(s), key)
            if isinstance(o, ox.Literal):
                name = vocab.property(p)
                value = literal_value(o)
                values = subject.values.setdefault(name, [])
                if value not in values:
                    values.append(value)
                if p in _ACCOUNTABILITY_DATES or p in _LINEAGE_DATES:
                    literals[subject.uri].setdefault(p, value)
                continue
            if not isinstance(o, ox.NamedNode | ox.BlankNode):
                continue
            if p == RDF_TYPE:
                subject.labels.add(vocab.label(o.value))
                typed[subject.uri].add(o.value)
                continue
            target = node(node_id(o), key)
            rels.append(RelRecord(subject.uri, vocab.type(p), target.uri, key))
            if p in _ACCOUNTABILITY or p in _LINEAGE:
                nary[subject.uri][p].append((target.uri, key))
    rels.extend(_shortcuts(nary, typed, literals, vocab))
    return Projection(nodes, rels, mentions)


def _shortcuts(nary: dict[str, dict[str, list[tuple[str, str]]]], typed: dict[str, set[str]],
               literals: dict[str, dict[str, Any]], vocab: Vocabulary) -> list[RelRecord]:
    """ACCOUNTABILITY_FOR (holder → scope) and LINEAGE (predecessor → successor) with the record's facts."""
    out: list[RelRecord] = []
    for uri, links in sorted(nary.items()):
        if GK + "Accountability" in typed[uri]:
            start_p, end_p, rel_type, dates = GK + "holder", GK + "scope", ACCOUNTABILITY_FOR, _ACCOUNTABILITY_DATES
            kind_p = GK + "accountabilityKind"
        elif GK + "LineageEvent" in typed[uri]:
            start_p, end_p, rel_type, dates = GK + "predecessor", GK + "successor", LINEAGE, _LINEAGE_DATES
            kind_p = GK + "lineageKind"
        else:
            continue
        kinds = sorted({vocab.notations.get(k, k) for k, _ in links.get(kind_p, [])})
        props: dict[str, Any] = {name: literals[uri][p] for p, name in dates.items() if p in literals[uri]}
        if kinds:
            props["kind"] = kinds[0] if len(kinds) == 1 else ", ".join(kinds)
        frozen = tuple(sorted(props.items()))
        for start, graph in links.get(start_p, []):
            for end, _ in links.get(end_p, []):
                out.append(RelRecord(start, rel_type, end, graph, via=uri, props=frozen))
    return out
