"""The things a question names, found by the graph's own names: labels, abbreviations and other alternative
labels, and keys — exactly, or fuzzily (rapidfuzz) with a "did you mean" when the match is not close enough to
trust.

The names are read from the store once (:meth:`EntityIndex.load`); matching a question costs a few
milliseconds: every run of 1 to 8 words is looked up, then the runs that matched nothing are compared with every
name of similar length.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.backends import Backend
from graph.namespaces import ID

TYPES = {  # vocabulary class → entity type a question parameter asks for
    "Body": "body", "Scope": "scope", "Programme": "programme", "Project": "programme", "Post": "post",
    "Person": "person", "Theme": "theme",
}
ACCEPTS = {  # parameter type → entity types that can fill it, the most fitting first
    "iri:scope": ("scope", "programme"), "iri:body": ("body",), "iri:programme": ("programme", "body"),
    "iri:post": ("post",), "iri:theme": ("theme",), "iri:person": ("person",),
    "iri:any": ("scope", "programme", "body", "post"), "iri:source": (),
}
_STOP_WORDS = """a an the of for to in on at by and or with from about what who which when where how why was were
is are be been did does do has have had it its this that these those there any all some me us we our their they
show list tell give find lessons lesson findings finding projects project programme programmes body bodies
recommendations recommendation post role year years now today cost costs between since"""
STOP = frozenset(_STOP_WORDS.split())
SHORT_CASED = re.compile(r"^[A-Z][A-Za-z0-9&]{1,7}$")  # an abbreviation matched only as written: NAO, DH, NHSX
MAX_WORDS = 8
PART_MIN_WORDS = 3
PARTIAL_SCORE = 95.0  # a run of words that is a large part of a name
FUZZY_USE = 90.0  # a fuzzy match at least this close is read as the name
FUZZY_SUGGEST = 80.0  # … at least this close is offered as "did you mean"


def norm(text: str) -> str:
    """Lower case, accents and punctuation away (keeping &), one space between words."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("’", "'").replace("'s ", " ")
    return " ".join(re.sub(r"[^a-z0-9&]+", " ", text).split())


@dataclass(frozen=True)
class Entity:
    iri: str
    type: str
    label: str
    weight: float = 0.0  # preference among things of the same name: curated records and well-linked ones first

    @property
    def key(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    def as_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "type": self.type, "label": self.label, "key": self.key}


@dataclass(frozen=True)
class Mention:
    """A run of the question that names one or more things (several when they share the name)."""

    text: str
    start: int  # word positions in the normalised question
    end: int
    entities: tuple[Entity, ...]
    score: float  # 100 for an exact name; the rapidfuzz ratio for a fuzzy one
    name: str  # the name it matched

    @property
    def exact(self) -> bool:
        return self.score >= 100.0


@dataclass
class EntityIndex:
    names: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    partial: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    cased: dict[str, list[Entity]] = field(default_factory=lambda: defaultdict(list))
    by_iri: dict[str, Entity] = field(default_factory=dict)
    same: dict[str, str] = field(default_factory=dict)  # record → one record of its group of linked records
    _types: dict[str, list[Entity]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Backend) -> EntityIndex:
        values = " ".join(f"gk:{c}" for c in TYPES)
        rows = store.select(f"""
            SELECT ?s ?c ?label ?alt ?key ?links WHERE {{
              VALUES ?c {{ {values} }}
              ?s a ?c .
              OPTIONAL {{ ?s rdfs:label ?l1 }} OPTIONAL {{ ?s skos:prefLabel ?l2 }}
              BIND(COALESCE(?l1, ?l2) AS ?label)
              OPTIONAL {{ ?s skos:altLabel|gk:abbreviation ?alt }}
              OPTIONAL {{ ?s gk:key ?key }}
              OPTIONAL {{ SELECT ?s (COUNT(*) AS ?links) WHERE {{ ?x ?p ?s }} GROUP BY ?s }}
            }}""")
        index = cls()
        for r in rows:
            iri, label = str(r["s"]), str(r.get("label") or "")
            if not label:
                continue
            entity = index.by_iri.get(iri)
            if entity is None:
                links = float(r.get("links") or 0)
                curated = 1000.0 if not re.search(r"/(govuk|ods|gmpp|llis)-", iri) else 0.0
                entity = Entity(iri, TYPES[str(r["c"]).rsplit("#", 1)[-1]], label, curated + links)
                index.by_iri[iri] = entity
                index._add(label, entity)
                if r.get("key"):
                    index._add(str(r["key"]).replace("-", " "), entity)
            if r.get("alt"):
                index._add(str(r["alt"]), entity)
        for r in store.select("SELECT ?a ?b WHERE { ?a owl:sameAs|gk:sameInitiativeAs ?b }"):
            index._link(str(r["a"]), str(r["b"]))
        return index

    def _link(self, a: str, b: str) -> None:
        ra, rb = self.group(a), self.group(b)
        if ra != rb:
            self.same[max(ra, rb)] = min(ra, rb)

    def group(self, iri: str) -> str:
        """One record standing for every record linked to this one as the same thing."""
        while iri in self.same:
            iri = self.same[iri]
        return iri

    def others(self, chosen: Entity, mention: Mention) -> list[Entity]:
        """The other things of the same type the mention names, not linked to the chosen one (an ambiguity to
        tell the reader about)."""
        return [e for e in mention.entities if e.type == chosen.type and e.iri != chosen.iri
                and self.group(e.iri) != self.group(chosen.iri)]

    def _add(self, name: str, entity: Entity) -> None:
        if SHORT_CASED.match(name) and name.upper() == name.replace("&", "").upper() and any(
                ch.isupper() for ch in name[1:]):
            if entity not in self.cased[name]:
                self.cased[name].append(entity)
            return
        n = norm(name)
        if n and n not in STOP and entity not in self.names[n]:
            self.names[n].append(entity)
            self._add_parts(n, entity)

    def _add_parts(self, name: str, entity: Entity) -> None:
        """Runs of three or more words that make up at least half of a name ("npfit detailed care records" of
        "npfit detailed care records local service providers"), for questions that shorten a long name."""
        words = name.split()
        for n in range(PART_MIN_WORDS, len(words)):
            if n * 2 < len(words):
                continue
            for i in range(len(words) - n + 1):
                run = words[i:i + n]
                if run[0] in STOP or run[-1] in STOP:
                    continue
                text = " ".join(run)
                if entity not in self.partial[text]:
                    self.partial[text].append(entity)

    def of_type(self, type_: str) -> list[Entity]:
        if type_ not in self._types:
            self._types[type_] = [e for e in self.by_iri.values() if e.type == type_]
        return self._types[type_]

    def entity(self, iri: str) -> Entity | None:
        return self.by_iri.get(iri)

    def mentions(self, question: str, *, fuzzy: bool = True) -> list[Mention]:
        """The names in the question, longest first where they overlap, in question order."""
        words = norm(question).split()
        raw = re.findall(r"[A-Za-z0-9&]+", question)
        found: list[Mention] = []
        for n in range(min(MAX_WORDS, len(words)), 0, -1):  # longest first: a whole name, else a large part
            for i in range(len(words) - n + 1):
                text = " ".join(words[i:i + n])
                if _taken(found, i, i + n):
                    continue
                hits = self.names.get(text)
                if hits:
                    found.append(Mention(text, i, i + n, _ranked(hits), 100.0, text))
                elif n >= PART_MIN_WORDS and (part := self.partial.get(text)):
                    found.append(Mention(text, i, i + n, _ranked(part), PARTIAL_SCORE, text))
        for word in raw:  # abbreviations as written (NAO, DH, NHSX)
            hits = self.cased.get(word)
            pos = _position(words, word)
            if hits and pos is not None and not _taken(found, pos, pos + 1):
                found.append(Mention(word, pos, pos + 1, _ranked(hits), 100.0, word))
        if fuzzy:
            found += self._fuzzy(words, found, FUZZY_USE)
        return sorted(found, key=lambda m: m.start)

    def _fuzzy(self, words: list[str], found: list[Mention], cutoff: float) -> list[Mention]:
        from rapidfuzz import fuzz, process

        names = [n for n in self.names if len(n) >= 5]
        out: list[Mention] = []
        for n in range(min(MAX_WORDS, len(words)), 1, -1):
            for i in range(len(words) - n + 1):
                if _taken(found + out, i, i + n) or words[i] in STOP or words[i + n - 1] in STOP:
                    continue
                text = " ".join(words[i:i + n])
                best = process.extractOne(text, names, scorer=fuzz.ratio, score_cutoff=cutoff)
                if best:
                    out.append(Mention(text, i, i + n, _ranked(self.names[best[0]]), float(best[1]), best[0]))
        return out

    def suggestions(self, question: str, types: tuple[str, ...] = (), limit: int = 3) -> list[Entity]:
        """Names close to some run of the question's words (for "did you mean"), of the given types."""
        from rapidfuzz import fuzz, process

        words = [w for w in norm(question).split()]
        candidates: dict[str, float] = {}
        pool = [n for n, ents in self.names.items() if not types or any(e.type in types for e in ents)]
        for n in range(1, min(MAX_WORDS, len(words)) + 1):
            for i in range(len(words) - n + 1):
                if words[i] in STOP or words[i + n - 1] in STOP:
                    continue
                text = " ".join(words[i:i + n])
                if len(text) < 4:
                    continue
                for name, score, _ in process.extract(text, pool, scorer=fuzz.WRatio, limit=limit,
                                                      score_cutoff=FUZZY_SUGGEST):
                    penalty = abs(len(name) - len(text)) / max(len(name), len(text)) * 10
                    candidates[name] = max(candidates.get(name, 0.0), float(score) - penalty)
        ranked = sorted(candidates, key=lambda k: -candidates[k])
        out: list[Entity] = []
        for name in ranked:
            for e in _ranked(self.names[name]):
                if (not types or e.type in types) and e not in out:
                    out.append(e)
        return out[:limit]


def masked(question: str, mentions: list[Mention]) -> str:
    """The question with each name replaced by a word for its kind ("what replaced the body?"), so that the kind
    of question is judged on its wording and dates are read from the words around the names (a name such as
    "Paperless NHS by 2018" holds a year that is not the question's)."""
    out = question
    for m in sorted(mentions, key=lambda m: -len(m.text)):
        words = m.text.split()
        pattern = r"(?<![A-Za-z0-9])" + r"[^A-Za-z0-9&]+(?:s[^A-Za-z0-9&]+)?".join(map(re.escape, words)) \
            + r"(?![A-Za-z0-9])"
        out = re.sub(pattern, PLACEHOLDER.get(m.entities[0].type, "it"), out, count=1, flags=re.IGNORECASE)
    return out


PLACEHOLDER = {"body": "X", "scope": "X", "programme": "X", "post": "X", "person": "X", "theme": "X"}


def _ranked(entities: list[Entity]) -> tuple[Entity, ...]:
    return tuple(sorted(entities, key=lambda e: -e.weight))


def _taken(found: list[Mention], start: int, end: int) -> bool:
    return any(m.start < end and start < m.end for m in found)


def _position(words: list[str], word: str) -> int | None:
    low = norm(word)
    return words.index(low) if low in words else None


def iri_of(kind: str, key: str) -> str:
    return f"{ID}{kind}/{key}"
