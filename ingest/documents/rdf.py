"""A document read by ingest/documents, as RDF: the source document, its sections, statements, records
(findings, recommendations, lessons, figures), people, posts and tenures, mentions and earlier versions, every
node with the exact passage it comes from (a ``gk:Evidence`` with ``gk:quote`` and character offsets into
``gk:documentText``). The shared node writing is in nodes.py, figures in figure_nodes.py, speakers and people
in people_nodes.py.

IRIs: ``id/source/<key>`` for the document and ``id/<kind>/<key>.<n>`` for what is in it (``.s3`` a section,
``.u12`` a statement, ``.f1`` a finding, ``.r1`` a recommendation, ``.l1`` a lesson, ``.n1`` a figure,
``.m1`` a mention, ``.v1`` an earlier version, ``.t1`` a tenure, and ``id/person/<key>.p1``, ``id/post/<key>.q1``
for people and posts read from it), and ``id/evidence/<key>.<start>-<end>`` for a passage.
"""

from __future__ import annotations

import re

from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.namespaces import GK
from ingest.documents.classify import Classification, refers_back, subject_span
from ingest.documents.figure_nodes import FigureNodes
from ingest.documents.figures import Period
from ingest.documents.mentions import Entity, Mention
from ingest.documents.nodes import OldVersion, Reading, short, u
from ingest.documents.people import PersonMention
from ingest.documents.people_nodes import PeopleNodes
from ingest.documents.structure import Unit

__all__ = ["DocumentGraph", "OldVersion", "Reading"]

_FORMS = {"item": "list-item", "sentence": "sentence", "key-fact": "key-fact"}
_CLASS = {"finding": "Finding", "recommendation": "Recommendation", "lesson": "Lesson"}
_LETTER = {"finding": "f", "recommendation": "r", "lesson": "l"}
_GROUP = re.compile(r"\b(?:its|their|the)\s+(?:arm['’]?s[- ]?length bodies|arms[- ]length bodies|ALBs|agencies|"
                    r"national bodies|sponsored bodies|executive agencies)\b", re.I)


class DocumentGraph(FigureNodes, PeopleNodes):
    """The document, its sections, statements, records, figures, people and mentions as RDF."""

    # ------------------------------------------------------------------ build
    def build(self) -> Graph:
        self.document()
        self.persons()
        sections = self.sections()
        previous: list[Entity] = []
        statements: list[URIRef] = []
        for unit, cls in zip(self.r.structure.units, self.r.classes, strict=True):
            st = self.statement(unit, cls, sections)
            statements.append(st)
            if cls.kind in _CLASS:
                previous = self.record(unit, cls, st, previous)
        self.figures(statements)
        self.mentions()
        return self.g

    def document(self) -> None:
        r, d, meta = self.r, self.doc, self.r.meta
        self.g.add((d, RDF.type, URIRef(GK + "SourceDocument")))
        self.add(d, "gk:key", r.key)
        self.add(d, "dcterms:title", meta.title)
        self.add(d, "rdfs:label", meta.title)
        self.add(d, "gk:publisherName", meta.publisher)
        if r.publisher is not None:
            self.add(d, "dcterms:publisher", URIRef(r.publisher.iri))
        if meta.date is not None:
            self.add(d, "dcterms:issued", Literal(meta.date.first, datatype=XSD.date))
        for ident in meta.identifiers:
            self.add(d, "dcterms:identifier", ident)
        if meta.url:
            self.add(d, "gk:url", Literal(meta.url, datatype=XSD.anyURI))
        self.add(d, "gk:sourceKind", meta.kind)
        self.add(d, "gk:reliability", meta.reliability)
        self.add(d, "gk:contentHash", r.content_hash)
        self.add(d, "gk:documentText", self.text)
        self.add(d, "dcterms:format", r.extracted.media_type)
        self.add(d, "gk:version", Literal(r.version, datatype=XSD.integer))
        self.mention_links(d, 0, len(self.text))
        if r.alternate is not None:
            self.add(d, "prov:alternateOf", u("source", r.alternate.source))
            self.add(d, "skos:note", f"Recognised as the curated source {r.alternate.source}: {r.alternate.reason()}.")
        self.where[str(d)] = 0
        newer = d
        for old in sorted(r.older, key=lambda o: -o.version):
            v = self.node("document-version", f"{r.key}.v{old.version}", "DocumentVersion", 0)
            self.add(v, "gk:contentHash", old.content_hash)
            self.add(v, "gk:version", Literal(old.version, datatype=XSD.integer))
            if old.ingested_at:
                self.add(v, "gk:ingestedAt", Literal(old.ingested_at, datatype=XSD.dateTime))
            self.add(v, "dcterms:title", old.title)
            self.add(newer, "gk:previousVersion", v)
            newer = v

    def sections(self) -> list[URIRef]:
        out: list[URIRef] = []
        for s in self.r.structure.sections:
            n = self.node("section", f"{self.r.key}.s{s.index + 1}", "Section", s.start)
            self.add(n, "rdfs:label", s.title or self.text[s.start:s.end])
            self.add(n, "gk:headingLevel", Literal(s.level, datatype=XSD.integer))
            self.add(n, "dcterms:isPartOf", out[s.parent] if s.parent is not None else self.doc)
            self.add(n, "gk:sectionTopic", s.own_topic)
            self.add(n, "gk:evidence", self.evidence(s.start, s.end))
            self.add(n, "gk:position", Literal(s.index + 1, datatype=XSD.integer))
            self.mention_links(n, s.start, s.end)
            self.cite(n)
            out.append(n)
        return out

    def statement(self, unit: Unit, cls: Classification, sections: list[URIRef]) -> URIRef:
        n = self.node("statement", f"{self.r.key}.u{unit.index + 1}", "Statement", unit.start)
        self.add(n, "gk:statementKind", cls.kind)
        self.add(n, "gk:statementForm", _FORMS[unit.form])
        self.add(n, "gk:classificationReason", cls.reason)
        if unit.section is not None:
            self.add(n, "gk:section", sections[unit.section])
        self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        self.add(n, "gk:position", Literal(unit.index + 1, datatype=XSD.integer))
        self.add(n, "gk:reference", unit.reference)
        speaker = self.speaker(unit)
        if speaker is not None:
            self.add(n, "gk:saidBy", speaker)
        self.mention_links(n, unit.start, unit.end)
        self.cite(n, cls.confidence)
        return n

    # ------------------------------------------------------------------ records
    def record(self, unit: Unit, cls: Classification, statement: URIRef, previous: list[Entity]) -> list[Entity]:
        r, kind = self.r, cls.kind
        speaker = self.speaker(unit)
        # what a speaker says is theirs; it is also the author's when the speaker holds a post in the author body
        author = URIRef(r.author.iri) if r.author and (speaker is None or self.speaks_for_author(unit)) else None
        addressees: list[Entity] = []
        if kind == "recommendation":
            addressees = self.addressees(unit, previous)
            if author is None:
                reason = "recommendations_said_by_speakers" if speaker is not None else "recommendations_without_author"
                self.skipped[reason] = self.skipped.get(reason, 0) + 1
                return addressees
        themes = self.themes_for(unit) if kind == "lesson" else []
        if kind == "lesson" and not themes:
            self.skipped["lessons_without_theme"] = self.skipped.get("lessons_without_theme", 0) + 1
            return previous
        number = self.counts.get(kind, 0) + 1
        n = self.node(kind, f"{r.key}.{_LETTER[kind]}{number}", _CLASS[kind], unit.start)
        body = " ".join(self.text[unit.start:unit.end].split())
        self.add(n, "rdfs:label", short(body))
        self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        for start, end in unit.parts:  # a list item's sentences are evidence of the one record
            self.add(n, "gk:evidence", self.evidence(start, end))
        self.add(n, "gk:extractedFrom", statement)
        self.add(n, "gk:certainty", self.certainty)
        self.add(n, "gk:reference", unit.reference)
        self.add(n, "gk:saidBy", speaker)
        self.mention_links(n, unit.start, unit.end)
        self.cite(n, cls.confidence)
        date = Literal(r.meta.date.first, datatype=XSD.date) if r.meta.date else None
        if kind == "lesson":
            self.add(n, "dcterms:title", short(body, 80))
            self.add(n, "gk:lessonText", body)
            self.add(n, "gk:raisedBy", author)
            self.add(n, "dcterms:date", date)
            for theme in themes:
                self.add(n, "gk:theme", URIRef(theme))
            for entity in self.entities_in(unit.start, unit.end, "initiative"):
                self.add(n, "gk:learnedFrom", URIRef(entity.iri))
            return previous
        self.add(n, "gk:text", body)
        self.add(n, "gk:madeBy", author)
        self.add(n, "dcterms:date", date)
        if kind == "recommendation":
            for entity in addressees:
                self.add(n, "gk:addressedTo", URIRef(entity.iri))
            if unit.number:
                self.add(n, "gk:number", Literal(unit.number, datatype=XSD.integer))
            return addressees
        return previous

    def addressees(self, unit: Unit, previous: list[Entity]) -> list[Entity]:
        """Bodies a recommendation is addressed to: the subject of its modal verb, else (for a list item or an
        agentless sentence) the lead-in or heading that introduced it; "these organisations" looks back."""
        author = self.r.author.iri if self.r.author else None
        span = subject_span(self.text, unit.start, unit.end)
        if span is not None:
            found = [e for e in self.entities_in(*span, kind="body") if e.iri != author]
            if found:
                return found + self.their_bodies(found, self.text[span[0]:span[1]])
            if refers_back(self.text[span[0]:span[1]]):
                return previous
        places: list[tuple[int, int]] = [unit.lead] if unit.lead else []
        places += [(s.start, s.end) for s in reversed(self.r.structure.section_chain(unit.section))
                   if s.topic == "recommendation"]
        for start, end in places:
            head = subject_span(self.text, start, end) or (start, end)
            found = [e for e in self.entities_in(*head, kind="body") if e.iri != author]
            if found:
                return found + self.their_bodies(found, self.text[head[0]:head[1]])
        return []

    def their_bodies(self, named: list[Entity], subject: str) -> list[Entity]:
        """The bodies "its arm's-length bodies" (or "its agencies", "their national bodies") stands for: those
        the document names whose parent, or parent's parent, is a body the subject names."""
        if not _GROUP.search(subject):
            return []
        heads = {e.iri for e in named}
        out: list[Entity] = []
        for m in self.r.mentions:
            e = m.entity
            parent = e.parent
            grand = self.r.index_parent(parent) if parent else None
            if e.kind == "body" and e.iri not in heads and e not in out and (parent in heads or grand in heads):
                out.append(e)
        return out

    def themes_for(self, unit: Unit) -> list[str]:
        words = {w[:6] for w in re.findall(r"[a-z]+", self.text[unit.start:unit.end].lower()) if len(w) > 3}
        scored = []
        for iri, label in self.r.themes.items():
            keys = {w[:6] for w in re.findall(r"[a-z]+", label.lower()) if len(w) > 3 and w not in ("with", "from")}
            hits = len(keys & words)
            if hits:
                scored.append((-hits, label, iri))
        if scored:
            return [iri for *_, iri in sorted(scored)[:2]]
        return [iri for iri in self.r.themes if iri.endswith("/general")][:1]

    # ------------------------------------------------------------------ mentions
    def mentions(self) -> None:
        items: list[tuple[int, Mention | Period | tuple[PersonMention, str]]] = [(m.start, m) for m in self.r.mentions]
        items += [(pd.start, pd) for pd in self.r.periods]
        items += [(pm.start, (pm, "person")) for pm in self.r.people]
        items += [(pm.role[0], (pm, "post")) for pm in self.r.people if pm.role and pm.post]
        for position, (start, item) in enumerate(sorted(items, key=lambda x: x[0]), start=1):
            n = self.node("mention", f"{self.r.key}.m{position}", "Mention", start)
            self.add(n, "gk:position", Literal(position, datatype=XSD.integer))
            if isinstance(item, tuple):
                pm, what = item
                span = (pm.start, pm.end) if what == "person" else (pm.role or (pm.start, pm.end))
                self.add(n, "gk:evidence", self.evidence(*span))
                self.add(n, "gk:mentionKind", what)
                target = pm.person.iri if what == "person" else pm.post.iri if pm.post else ""
                self.add(n, "gk:refersTo", self.person_iri(target))
                self.add(n, "gk:matchedBy", pm.how if what == "person" else pm.post_how)
                self.cite(n, pm.confidence if what == "person" else (0.6 if pm.post_how == "new" else 0.8))
            elif isinstance(item, Mention):
                self.add(n, "gk:evidence", self.evidence(item.start, item.end))
                self.add(n, "gk:mentionKind", item.entity.kind)
                self.add(n, "gk:refersTo", URIRef(item.entity.iri))
                self.add(n, "gk:matchedBy", item.how)
                self.add(n, "skos:note", item.note)
                self.cite(n, item.confidence)
            else:
                self.add(n, "gk:evidence", self.evidence(item.start, item.end))
                self.add(n, "gk:mentionKind", "period")
                self.add(n, "gk:startDate", Literal(item.first, datatype=XSD.date))
                self.add(n, "gk:endDate", Literal(item.last, datatype=XSD.date))
                if item.precision != "day":
                    self.add(n, "gk:startPrecision", item.precision)
                    self.add(n, "gk:endPrecision", item.precision)
                self.cite(n, 0.9)
