"""Writing a document's nodes: what every part of the document graph shares (rdf.py builds it).

A node has a key, a type and an offset in the text (for messages); a passage is a ``gk:Evidence`` with its
quote and offsets, shared by the nodes that quote the same span; every node cites the document.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.namespaces import GK, ID, PREFIXES
from ingest.documents.classify import Classification
from ingest.documents.figures import FigureMatch, Period
from ingest.documents.mentions import Entity, Mention
from ingest.documents.meta import Metadata
from ingest.documents.people import PersonMention, Post
from ingest.documents.read import Extracted
from ingest.documents.sameas import Identified
from ingest.documents.structure import Structure


@dataclass(frozen=True)
class OldVersion:
    version: int
    content_hash: str
    ingested_at: str = ""
    title: str = ""


@dataclass
class Reading:
    """Everything read from one document."""

    key: str
    meta: Metadata
    extracted: Extracted
    structure: Structure
    classes: list[Classification]
    periods: list[Period]
    figures: list[FigureMatch]
    mentions: list[Mention]
    author: Entity | None
    publisher: Entity | None
    themes: dict[str, str]
    content_hash: str
    version: int = 1
    older: list[OldVersion] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    posts: dict[str, Post] = field(default_factory=dict)  # the store's posts, by IRI
    alternate: Identified | None = None  # the curated source the document is a copy of
    parents: dict[str, str] = field(default_factory=dict)  # body IRI → its parent body's IRI

    def index_parent(self, iri: str | None) -> str | None:
        return self.parents.get(iri) if iri else None


def u(kind: str, key: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{key}")


def p(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef((GK if prefix == "gk" else PREFIXES[prefix]) + local)


def short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"


class NodeWriter:
    """Builds the graph; ``where`` maps node IRIs to text offsets, ``counts`` says what was made."""

    def __init__(self, r: Reading) -> None:
        self.r = r
        self.text = r.extracted.text
        self.g = Graph()
        self.doc = u("source", r.key)
        self.where: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.skipped: dict[str, int] = {}
        self._evidence: dict[tuple[int, int], URIRef] = {}
        self.certainty = "secondary" if r.meta.reliability == "secondary" else "sourced"

    # ------------------------------------------------------------------ helpers
    def add(self, s: URIRef, pred: str, value: Any) -> None:
        if value is None or value == "":
            return
        obj = value if isinstance(value, URIRef | Literal) else Literal(value)
        self.g.add((s, p(pred), obj))

    def node(self, kind: str, key: str, cls: str, start: int) -> URIRef:
        n = u(kind, key)
        self.g.add((n, RDF.type, URIRef(GK + cls)))
        self.add(n, "gk:key", key)
        self.where[str(n)] = start
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return n

    def evidence(self, start: int, end: int) -> URIRef:
        if (start, end) in self._evidence:
            return self._evidence[(start, end)]
        e = self.node("evidence", f"{self.r.key}.{start}-{end}", "Evidence", start)
        self.add(e, "gk:quote", self.text[start:end])
        self.add(e, "gk:startOffset", Literal(start, datatype=XSD.integer))
        self.add(e, "gk:endOffset", Literal(end, datatype=XSD.integer))
        self.add(e, "prov:wasQuotedFrom", self.doc)
        pages = self.r.extracted.pages
        if pages:
            self.add(e, "gk:page", Literal(bisect.bisect_right(pages, start), datatype=XSD.integer))
        self._evidence[(start, end)] = e
        return e

    def cite(self, n: URIRef, confidence: float | None = None) -> None:
        self.add(n, "prov:wasDerivedFrom", self.doc)
        if confidence is not None:
            self.add(n, "gk:confidence", Literal(Decimal(str(confidence)), datatype=XSD.decimal))

    def entities_in(self, start: int, end: int, kind: str | None = None) -> list[Entity]:
        out: list[Entity] = []
        for m in self.r.mentions:
            if start <= m.start and m.end <= end and (kind is None or m.entity.kind == kind) and m.entity not in out:
                out.append(m.entity)
        return out

    def mention_links(self, n: URIRef, start: int, end: int) -> None:
        for entity in self.entities_in(start, end):
            self.add(n, "gk:mentions", URIRef(entity.iri))

    def person_iri(self, iri: str) -> URIRef:
        """A person's or post's IRI: the store's as it is, one read from this document under id/."""
        return URIRef(iri if "://" in iri else f"{ID}{iri}")
