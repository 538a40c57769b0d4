"""A document read by ingest/documents (the package), as RDF: the source document, its sections, statements, records
(findings, recommendations, lessons, figures), mentions and earlier versions, every node with the exact
passage it comes from (a ``gk:Evidence`` with ``gk:quote`` and character offsets into ``gk:documentText``).

IRIs: ``id/source/<key>`` for the document and ``id/<kind>/<key>.<n>`` for what is in it (``.s3`` a section,
``.u12`` a statement, ``.f1`` a finding, ``.r1`` a recommendation, ``.l1`` a lesson, ``.n1`` a figure,
``.m1`` a mention, ``.v1`` an earlier version), and ``id/evidence/<key>.<start>-<end>`` for a passage.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, XSD, Graph, Literal, URIRef

from graph.namespaces import GK, ID, PREFIXES
from ingest.documents.classify import Classification, refers_back, subject_span
from ingest.documents.figures import FigureMatch, Period, period_for, phrase_after
from ingest.documents.mentions import Entity, Mention
from ingest.documents.meta import Metadata
from ingest.documents.people import PersonMention, Post
from ingest.documents.read import Extracted
from ingest.documents.sameas import Identified
from ingest.documents.speech import Speech
from ingest.documents.structure import Structure, Unit

_FORMS = {"item": "list-item", "sentence": "sentence", "key-fact": "key-fact"}
_CLASS = {"finding": "Finding", "recommendation": "Recommendation", "lesson": "Lesson"}
_LETTER = {"finding": "f", "recommendation": "r", "lesson": "l"}
_GROUP = re.compile(r"\b(?:its|their|the)\s+(?:arm['’]?s[- ]?length bodies|arms[- ]length bodies|ALBs|agencies|"
                    r"national bodies|sponsored bodies|executive agencies)\b", re.I)


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


class DocumentGraph:
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

    # ------------------------------------------------------------------ speakers and people
    def speech_of(self, unit: Unit) -> Speech | None:
        return self.r.structure.speeches[unit.speech] if unit.speech is not None else None

    def speaker_mention(self, unit: Unit) -> PersonMention | None:
        speech = self.speech_of(unit)
        if speech is None:
            return None
        a, b = speech.name
        return next((pm for pm in self.r.people if pm.start < b and a < pm.end), None)

    def speaker(self, unit: Unit) -> URIRef | None:
        found = self.speaker_mention(unit)
        return self.person_iri(found.person.iri) if found is not None else None

    def speaks_for_author(self, unit: Unit) -> bool:
        """Whether the speaker holds a post in the author body (by this document or the store's tenures)."""
        found = self.speaker_mention(unit)
        if found is None or self.r.author is None:
            return False
        bodies = {pm.post.body for pm in self.r.people if pm.person == found.person and pm.post is not None}
        bodies |= {self.r.posts[p].body for p in found.person.posts if p in self.r.posts}
        return self.r.author.iri in bodies

    def person_iri(self, iri: str) -> URIRef:
        return URIRef(iri if "://" in iri else f"{ID}{iri}")

    def persons(self) -> None:
        """New people and posts read from the document, and a dated tenure for each person named with a role."""
        made: set[str] = set()
        tenures: dict[tuple[str, str], URIRef] = {}
        for pm in self.r.people:
            person = self.person_iri(pm.person.iri)
            if not pm.person.curated and pm.person.iri not in made:
                made.add(pm.person.iri)
                self.new_node(person, "Person", pm.person.label, pm.start)
            if pm.post is None:
                continue
            post = self.person_iri(pm.post.iri)
            if not pm.post.curated and pm.post.iri not in made:
                made.add(pm.post.iri)
                self.new_node(post, "Post", pm.post.label, (pm.role or (pm.start, pm.end))[0])
                if pm.post.body:
                    self.add(post, "org:postIn", URIRef(pm.post.body))
            span = (min(pm.start, pm.role[0]), max(pm.end, pm.role[1])) if pm.role else (pm.start, pm.end)
            pair = (str(person), str(post))
            if pair not in tenures:
                n = self.node("tenure", f"{self.r.key}.t{len(tenures) + 1}", "Tenure", span[0])
                tenures[pair] = n
                self.add(n, "gk:person", person)
                self.add(n, "gk:post", post)
                if self.r.meta.date is not None:  # the document's date dates the claim
                    self.add(n, "dcterms:date", Literal(self.r.meta.date.first, datatype=XSD.date))
                self.add(n, "gk:certainty", self.certainty)
                self.add(n, "skos:note", f"{pm.person.label} named as {self.text[pm.role[0]:pm.role[1]]!r} by the "
                                         f"document" if pm.role else "")
                self.cite(n, round(min(pm.confidence, 0.9), 2))
            self.add(tenures[pair], "gk:evidence", self.evidence(*span))

    def new_node(self, n: URIRef, cls: str, label: str, start: int) -> None:
        """A person or post the store did not know, read from this document."""
        key = str(n).rsplit("/", 1)[-1]
        self.g.add((n, RDF.type, URIRef(GK + cls)))
        self.add(n, "gk:key", key)
        self.add(n, "rdfs:label", label)
        self.add(n, "gk:certainty", self.certainty)
        self.add(n, "skos:note", f"read from the document {self.r.meta.title!r}; not in the curated data")
        self.where[str(n)] = start
        self.counts[cls.lower()] = self.counts.get(cls.lower(), 0) + 1
        self.cite(n, 0.7)

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

    # ------------------------------------------------------------------ figures
    def figures(self, statements: list[URIRef]) -> None:
        units = self.r.structure.units
        starts = [unit.start for unit in units]
        placed: dict[int, list[FigureMatch]] = {}
        outside: list[FigureMatch] = []
        for f in self.r.figures:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0 and units[i].start <= f.start and f.end <= units[i].end:
                placed.setdefault(i, []).append(f)
            else:
                outside.append(f)
        for i, unit in enumerate(units):
            figs = placed.get(i, [])
            if unit.form == "key-fact" and not any(f.start < (unit.value_end or 0) for f in figs):
                self.dated_key_fact(unit, statements[i])
            for f in figs:
                self.figure(f, unit, figs, statements[i])
        for f in outside:
            line_start = self.text.rfind("\n", 0, f.start) + 1
            line_end = self.text.find("\n", f.end)
            self.figure(f, None, [f], None, (line_start, len(self.text) if line_end < 0 else line_end))

    def figure(self, f: FigureMatch, unit: Unit | None, figs: list[FigureMatch], statement: URIRef | None,
               context: tuple[int, int] | None = None) -> None:
        r = self.r
        start, end = (unit.start, unit.end) if unit else context or (f.start, f.end)
        periods = [pd for pd in r.periods if start <= pd.start and pd.end <= end]
        value_line = unit is not None and unit.form == "key-fact" and f.start < (unit.value_end or 0)
        if value_line and unit is not None and unit.value_end is not None:
            measured = (unit.value_end, end)
            while measured[0] < end and self.text[measured[0]].isspace():
                measured = (measured[0] + 1, end)
            measures = " ".join(self.text[measured[0]:measured[1]].split())
            in_description = [pd for pd in periods if pd.start >= unit.value_end]
            period = in_description[0] if in_description else None
        else:
            measured = phrase_after(self.text, f.end, end)
            measures = " ".join(self.text[start:end].split())
            period = period_for(f, figs, periods)
        n = self.node("figure", f"{r.key}.n{self.counts.get('figure', 0) + 1}", "Figure", f.start)
        figure_text = " ".join(self.text[f.start:f.end].split())
        phrase = " ".join(self.text[measured[0]:measured[1]].split())
        self.add(n, "rdfs:label", short(f"{figure_text} {phrase}".strip() if not value_line
                                        else f"{figure_text}: {phrase}"))
        self.add(n, "gk:amount", Literal(f.amount, datatype=XSD.decimal))
        self.add(n, "gk:unit", u("unit", f.unit))
        self.add(n, "gk:measures", short(measures, 300) or figure_text)
        self.add(n, "gk:qualifier", f.qualifier)
        self.dates(n, period)
        if r.meta.date is not None and "estimat" in self.text[start:end].lower():
            self.add(n, "gk:estimateDate", Literal(r.meta.date.first, datatype=XSD.date))
        for entity in self.entities_in(*measured):
            self.add(n, "gk:about", URIRef(entity.iri))
        self.add(n, "gk:evidence", self.evidence(f.start, f.end))
        if unit is not None:
            self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        self.add(n, "gk:extractedFrom", statement)
        self.add(n, "gk:certainty", self.certainty)
        self.mention_links(n, start, end)
        self.cite(n, 0.9 if f.unit in ("GBP", "percent") else 0.75)

    def dated_key_fact(self, unit: Unit, statement: URIRef) -> None:
        """A key fact whose value line is a date ("July 2019" / "NHSX unit launched"): a year figure."""
        value_end = unit.value_end or unit.end
        period = next((pd for pd in self.r.periods if unit.start <= pd.start and pd.end <= value_end), None)
        if period is None:
            return
        desc_start = value_end
        while desc_start < unit.end and self.text[desc_start].isspace():
            desc_start += 1
        description = " ".join(self.text[desc_start:unit.end].split())
        n = self.node("figure", f"{self.r.key}.n{self.counts.get('figure', 0) + 1}", "Figure", unit.start)
        when = " ".join(self.text[period.start:period.end].split())
        self.add(n, "rdfs:label", short(f"{when}: {description}"))
        self.add(n, "gk:amount", Literal(Decimal(period.first.year), datatype=XSD.decimal))
        self.add(n, "gk:unit", u("unit", "year"))
        self.add(n, "gk:measures", short(description, 300) or when)
        self.add(n, "gk:qualifier", "exact")
        self.dates(n, period)
        for entity in self.entities_in(desc_start, unit.end):
            self.add(n, "gk:about", URIRef(entity.iri))
        self.add(n, "gk:evidence", self.evidence(period.start, period.end))
        self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        self.add(n, "gk:extractedFrom", statement)
        self.add(n, "gk:certainty", self.certainty)
        self.cite(n, 0.75)

    def dates(self, n: URIRef, period: Period | None) -> None:
        if period is not None:
            self.add(n, "gk:periodStart", Literal(period.first, datatype=XSD.date))
            self.add(n, "gk:periodEnd", Literal(period.last, datatype=XSD.date))

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
