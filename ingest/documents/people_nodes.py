"""Speakers, people and posts as RDF: who said a statement, people and posts read from the document, and who
held which post by the document's word (a ``gk:Tenure`` dated by the document)."""

from __future__ import annotations

from rdflib import RDF, XSD, Literal, URIRef

from graph.namespaces import GK
from ingest.documents.nodes import NodeWriter
from ingest.documents.people import PersonMention
from ingest.documents.speech import Speech
from ingest.documents.structure import Unit


class PeopleNodes(NodeWriter):
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
