"""The part of the graph that the analytics read, as plain records: accountabilities, bodies and their lineage,
posts and tenures, lessons, recommendations, targets, initiatives, scopes and sources.

:meth:`GovernanceData.load` reads them from a store in two SPARQL queries (every property of every record of
the classes below, and the notations of concepts), so each analysis is ordinary Python over small lists and
can be tested on graphs built in code. Dates are :class:`datetime.date`; a record's sources are source keys
(``nao11``), looked up in :attr:`GovernanceData.sources` for titles and URLs.

Records that reconciliation linked as the same thing (``owl:sameAs``, ``gk:sameInitiativeAs``) count as one:
:meth:`GovernanceData.canonical` names the record that stands for them (one cited by a curated source before one
from a dataset, then the one named most), posts and accountabilities point at it, and scopes whose initiatives
are one thing are one scope (a curated programme's one scope and the scope of its GMPP project).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.backends import Backend
from graph.errors import InputError
from graph.namespaces import GK, ID, PREFIXES

RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
ORG = PREFIXES["org"]
PROV = PREFIXES["prov"]


_CLASSES = {
    GK + "Accountability": "accountability", GK + "Body": "body", GK + "Post": "post", GK + "Person": "person",
    GK + "Tenure": "tenure", GK + "LineageEvent": "lineage", GK + "Lesson": "lesson",
    GK + "Recommendation": "recommendation", GK + "Target": "target", GK + "Programme": "initiative",
    GK + "Project": "initiative", GK + "Scope": "scope", GK + "SourceDocument": "source", GK + "Theme": "theme",
}


def parse_when(text: str | int | date, *, end: bool = False) -> date:
    """``2011``, ``2011-05`` or ``2011-05-18`` as a date: the first day of the period, or its last with ``end``."""
    if isinstance(text, date):
        return text
    raw = str(text).strip()
    parts = raw.split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 12, 31) if end else date(int(parts[0]), 1, 1)
        if len(parts) == 2:
            year, month = int(parts[0]), int(parts[1])
            if not end:
                return date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(f"bad date {raw!r}: {exc}", hint="give YYYY, YYYY-MM or YYYY-MM-DD") from exc


def _date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class SourceRef:
    """A source document behind a record."""

    key: str
    title: str = ""
    url: str = ""
    date: str = ""
    kind: str = ""  # gk:sourceKind: report, dataset, …


@dataclass(frozen=True)
class Accountability:
    iri: str
    key: str
    holder: str
    scope: str
    kind: str
    start: date
    end: date | None = None
    sources: tuple[str, ...] = ()
    certainty: str = ""
    description: str = ""
    start_precision: str = "day"
    end_precision: str = "day"
    end_unknown: bool = False  # it ended on a day our sources do not give; ``end`` is then the latest it can be

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or self.end >= on)

    def in_year(self, year: int) -> bool:
        return self.start <= date(year, 12, 31) and (self.end is None or self.end >= date(year, 1, 1))

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last and (self.end is None or self.end >= first)


@dataclass(frozen=True)
class Body:
    iri: str
    key: str
    label: str
    kind: str = ""
    start: date | None = None
    end: date | None = None
    parent: str | None = None
    sources: tuple[str, ...] = ()
    end_unknown: bool = False

    def closed(self, on: date) -> bool:
        return self.end is not None and self.end < on


@dataclass(frozen=True)
class LineageStep:
    """One lineage edge: ``predecessor`` was merged, renamed, replaced, split, absorbed… into ``successor``."""

    iri: str
    predecessor: str
    successor: str
    kind: str
    date: date | None = None
    sources: tuple[str, ...] = ()
    certainty: str = ""
    note: str = ""


@dataclass(frozen=True)
class Tenure:
    post: str
    person: str
    start: date | None = None
    end: date | None = None
    end_unknown: bool = False  # ended (or not shown to go on) on a day our sources do not give


@dataclass(frozen=True)
class Lesson:
    iri: str
    key: str
    title: str
    lesson: str
    context: str = ""
    recommendation: str = ""
    date: date | None = None
    raised_by: str | None = None
    learned_from: str | None = None
    themes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    certainty: str = ""

    def text(self) -> str:
        """What the lesson says, for comparing meanings: title, lesson and what to do (not the context)."""
        return " ".join(t for t in (self.title + ".", self.lesson, self.recommendation) if t)


@dataclass(frozen=True)
class Recommendation:
    iri: str
    key: str
    text: str
    made_by: str | None = None
    addressed_to: tuple[str, ...] = ()
    date: date | None = None
    status: str = "unknown"
    lessons: tuple[str, ...] = ()
    about: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    iri: str
    key: str
    label: str
    text: str = ""
    set_by: str | None = None
    set_on: date | None = None
    deadline: date | None = None
    status: str = "unknown"
    replaced_by: str | None = None
    initiative: str | None = None
    sources: tuple[str, ...] = ()

    def full_text(self) -> str:
        return f"{self.label}. {self.text}" if self.text else self.label


@dataclass(frozen=True)
class Initiative:
    iri: str
    key: str
    label: str
    kind: str = ""
    start: date | None = None
    end: date | None = None
    description: str = ""
    part_of: str | None = None
    led_by: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def full_text(self) -> str:
        return f"{self.label}. {self.description}" if self.description else self.label


@dataclass
class GovernanceData:
    """The records the analytics work on, with labels for every IRI they mention."""

    accountabilities: list[Accountability] = field(default_factory=list)
    bodies: dict[str, Body] = field(default_factory=dict)
    lineage: list[LineageStep] = field(default_factory=list)
    posts: dict[str, str | None] = field(default_factory=dict)  # post → the body it is in
    people: set[str] = field(default_factory=set)
    tenures: list[Tenure] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    initiatives: dict[str, Initiative] = field(default_factory=dict)
    scopes: dict[str, str] = field(default_factory=dict)  # scope → label
    broader: dict[str, str] = field(default_factory=dict)  # theme → its broader theme
    sources: dict[str, SourceRef] = field(default_factory=dict)  # by key
    labels: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # IRI → key
    same: dict[str, str] = field(default_factory=dict)  # a record linked as the same thing → the one standing for it
    scope_initiatives: dict[str, str] = field(default_factory=dict)  # scope → the initiative it concerns
    _abbreviations: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _groups: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _grouped: int = field(default=0, repr=False)  # len(same) when _groups was built

    # ------------------------------------------------------------------------------------------ lookups
    def label(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.labels.get(iri) or self.keys.get(iri) or iri.rsplit("/", 1)[-1]

    def key(self, iri: str | None) -> str:
        if not iri:
            return ""
        return self.keys.get(iri) or iri.rsplit("/", 1)[-1]

    def canonical(self, iri: str) -> str:
        """The record that stands for every record linked to ``iri`` as the same thing (``iri`` if none is)."""
        return self.same.get(iri, iri)

    def linked(self, iri: str) -> set[str]:
        """``iri`` and every record linked to it as the same thing."""
        if self._grouped != len(self.same):
            groups: dict[str, set[str]] = {}
            for other, top in self.same.items():
                groups.setdefault(top, {top}).add(other)
            self._groups = {m: g for g in groups.values() for m in g}
            self._grouped = len(self.same)
        return set(self._groups.get(iri, {iri}))

    def source_refs(self, keys: tuple[str, ...] | list[str]) -> list[SourceRef]:
        return [self.sources.get(k, SourceRef(k)) for k in keys]

    def themes_of(self, lesson: Lesson) -> set[str]:
        """A lesson's themes and every broader theme above them."""
        out: set[str] = set()
        for theme in lesson.themes:
            while theme and theme not in out:
                out.add(theme)
                theme = self.broader.get(theme, "")
        return out

    def holder_type(self, iri: str) -> str:
        if iri in self.bodies:
            return "body"
        if iri in self.posts:
            return "post"
        if iri in self.people:
            return "person"
        return "other"

    def resolve(self, ref: str, kind: str) -> str:
        """The IRI of a record of ``kind`` named by its IRI, key, label or abbreviation (NotFoundError if none)."""
        pool = {"body": self.bodies.keys(), "scope": self.scopes.keys(),
                "lesson": [x.iri for x in self.lessons]}.get(kind, self.labels.keys())
        if ref.startswith(("http://", "https://", "urn:")) and ref in pool:
            return ref
        wanted = ref.strip().lower()
        for iri in pool:
            if iri == f"{ID}{kind}/{ref}" or self.key(iri) == ref:
                return iri
        for iri in pool:
            if self.label(iri).lower() == wanted or wanted in self._abbreviations.get(iri, ()):
                return iri
        from graph.keys import Key, UnknownKeyError, nearest

        near = nearest(ref, [Key(self.key(iri), self.label(iri), kind, iri) for iri in pool])
        shown = ", ".join(f"{k.key} ({k.label})" if k.label and k.label != k.key else k.key for k in near)
        raise UnknownKeyError(f"no {kind} {ref!r}", suggestions=near,
                              hint=(f"nearest: {shown}; " if shown else "") + f"give the {kind}'s key, label or IRI")

    # ------------------------------------------------------------------------------------------ loading
    @classmethod
    def load(cls, store: Backend) -> GovernanceData:
        """Read the records from the live graphs of ``store``."""
        values = " ".join(f"<{c}>" for c in _CLASSES)
        rows = store.select(f"SELECT ?s ?t ?p ?o WHERE {{ VALUES ?t {{ {values} }} ?s a ?t ; ?p ?o }}")
        kinds: dict[str, str] = {}
        props: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            kinds[r["s"]] = _CLASSES[r["t"]]
            values_of = props[r["s"]][r["p"]]
            if r["o"] not in values_of:
                values_of.append(r["o"])
        notations = {r["c"]: str(r["n"]) for r in store.select("SELECT ?c ?n WHERE { ?c skos:notation ?n }")}
        same = [(r["a"], r["b"]) for r in store.select(
            "SELECT ?a ?b WHERE { { ?a owl:sameAs ?b } UNION { ?a gk:sameInitiativeAs ?b } FILTER(isIRI(?b)) }")]
        return _Builder(kinds, props, notations, same).build()


class _Builder:
    def __init__(self, kinds: dict[str, str], props: dict[str, dict[str, list[Any]]],
                 notations: dict[str, str], same: list[tuple[str, str]] | None = None) -> None:
        self.kinds = kinds
        self.props = props
        self.notations = notations
        self.same_pairs = same or []
        self.scope_of: dict[str, str] = {}  # a scope → the scope that stands for it (one initiative, one scope)
        self.data = GovernanceData()

    def one(self, s: str, p: str) -> Any:
        got = self.props[s].get(p)
        return sorted(got, key=str)[0] if got else None

    def many(self, s: str, p: str) -> tuple[Any, ...]:
        return tuple(sorted(self.props[s].get(p, []), key=str))

    def text(self, s: str, p: str) -> str:
        value = self.one(s, p)
        return str(value) if value is not None else ""

    def flag(self, s: str, p: str) -> bool:
        """A boolean property (gk:endUnknown): true when stated true."""
        return str(self.one(s, p)).lower() in ("true", "1")

    def concept(self, s: str, p: str, default: str = "") -> str:
        value = self.one(s, p)
        if value is None:
            return default
        return self.notations.get(value) or str(value).rstrip("/").rsplit("/", 1)[-1]

    def cited(self, s: str) -> tuple[str, ...]:
        return tuple(sorted({self.data.key(iri) for iri in self.props[s].get(PROV + "wasDerivedFrom", [])}))

    def build(self) -> GovernanceData:
        d = self.data
        for s in self.kinds:
            key = self.one(s, GK + "key")
            d.keys[s] = str(key) if key is not None else s.rsplit("/", 1)[-1]
            label = (self.one(s, RDFS + "label") or self.one(s, SKOS + "prefLabel") or self.one(s, DCT + "title"))
            if label is not None:
                d.labels[s] = str(label)
        by_kind: dict[str, list[str]] = defaultdict(list)
        for s, kind in sorted(self.kinds.items()):
            by_kind[kind].append(s)
        for s in by_kind["source"]:
            d.sources[d.key(s)] = SourceRef(d.key(s), self.text(s, DCT + "title"), self.text(s, GK + "url"),
                                            self.text(s, DCT + "issued"), self.text(s, GK + "sourceKind"))
        for s in by_kind["scope"]:
            d.scopes[s] = d.label(s)
            if (initiative := self.one(s, GK + "initiative")) is not None:
                d.scope_initiatives[s] = initiative
        self._same()
        for s in by_kind["theme"]:
            if (up := self.one(s, SKOS + "broader")) is not None:
                d.broader[s] = up
        for s in by_kind["body"]:
            parent = self.one(s, GK + "parent")
            d.bodies[s] = Body(s, d.key(s), d.label(s), self.concept(s, GK + "bodyKind"),
                               _date(self.one(s, GK + "startDate")), _date(self.one(s, GK + "endDate")),
                               d.canonical(parent) if parent else None, self.cited(s),
                               self.flag(s, GK + "endUnknown"))
            d._abbreviations[s] = tuple(str(a).lower() for a in (*self.many(s, GK + "abbreviation"),
                                                                  *self.many(s, SKOS + "altLabel")))
        for s in by_kind["post"]:
            body = self.one(s, ORG + "postIn")
            d.posts[s] = d.canonical(body) if body else None
        d.people.update(by_kind["person"])
        for s in by_kind["tenure"]:
            post, person = self.one(s, GK + "post"), self.one(s, GK + "person")
            if post and person:
                d.tenures.append(Tenure(post, person, _date(self.one(s, GK + "startDate")),
                                        _date(self.one(s, GK + "endDate")), self.flag(s, GK + "endUnknown")))
        for s in by_kind["lineage"]:
            pred, succ = self.one(s, GK + "predecessor"), self.one(s, GK + "successor")
            if pred and succ:
                d.lineage.append(LineageStep(s, pred, succ, self.concept(s, GK + "lineageKind"),
                                             _date(self.one(s, GK + "date")), self.cited(s),
                                             self.text(s, GK + "certainty"), self.text(s, SKOS + "note")))
        self._accountabilities(by_kind["accountability"])
        self._texts(by_kind)
        return d

    def _accountabilities(self, iris: list[str]) -> None:
        for s in iris:
            holder, scope, start = self.one(s, GK + "holder"), self.one(s, GK + "scope"), self.one(s, GK + "startDate")
            started = _date(start)
            if not holder or not scope or started is None:
                continue
            self.data.accountabilities.append(Accountability(
                s, self.data.key(s), self.data.canonical(holder), self.scope_of.get(scope, scope),
                self.concept(s, GK + "accountabilityKind"), started,
                _date(self.one(s, GK + "endDate")), self.cited(s), self.text(s, GK + "certainty"),
                self.text(s, DCT + "description"), self.text(s, GK + "startPrecision") or "day",
                self.text(s, GK + "endPrecision") or "day", self.flag(s, GK + "endUnknown")))
        self.data.accountabilities.sort(key=lambda a: (a.start, a.key))

    def _same(self) -> None:
        """Records linked as the same thing → the one that stands for them; scopes of one initiative → one."""
        d = self.data
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        for a, b in self.same_pairs:
            parent.setdefault(a, a)
            parent.setdefault(b, b)
            parent[find(a)] = find(b)
        clusters: dict[str, list[str]] = defaultdict(list)
        for x in parent:
            clusters[find(x)].append(x)
        named: dict[str, int] = defaultdict(int)
        for values in self.props.values():
            for objects in values.values():
                for o in objects:
                    if isinstance(o, str):
                        named[o] += 1
        for members in clusters.values():
            top = min(members, key=lambda m: (self._from_datasets(m), -named[m], m))
            d.same.update({m: top for m in members if m != top})
        by_initiative: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for scope, initiative in d.scope_initiatives.items():
            by_initiative[d.canonical(initiative)][initiative].append(scope)
        for records in by_initiative.values():  # one scope per record of one thing: one scope
            if len(records) < 2 or any(len(scopes) > 1 for scopes in records.values()):
                continue  # (several scopes of one programme are different duties: kept apart)
            scopes = [s for (s,) in records.values()]
            top = min(scopes, key=lambda s: (self._from_datasets(s), s))
            self.scope_of.update({s: top for s in scopes if s != top})
        d.same.update(self.scope_of)

    def _from_datasets(self, iri: str) -> bool:
        """Whether every source a record cites is a dataset (a curated record is cited to documents)."""
        kinds = {self.text(src, GK + "sourceKind") for src in self.props[iri].get(PROV + "wasDerivedFrom", [])}
        return bool(kinds) and kinds <= {"dataset"}

    def _texts(self, by_kind: dict[str, list[str]]) -> None:
        d = self.data
        for s in by_kind["lesson"]:
            d.lessons.append(Lesson(
                s, d.key(s), self.text(s, DCT + "title"), self.text(s, GK + "lessonText"),
                self.text(s, GK + "context"), self.text(s, GK + "recommendationText"),
                _date(self.one(s, DCT + "date")), self.one(s, GK + "raisedBy"), self.one(s, GK + "learnedFrom"),
                self.many(s, GK + "theme"), self.cited(s), self.text(s, GK + "certainty")))
        for s in by_kind["recommendation"]:
            d.recommendations.append(Recommendation(
                s, d.key(s), self.text(s, GK + "text"), self.one(s, GK + "madeBy"),
                self.many(s, GK + "addressedTo"), _date(self.one(s, DCT + "date")),
                self.concept(s, GK + "recommendationStatus", "unknown"), self.many(s, GK + "addressesLesson"),
                self.one(s, GK + "about"), self.cited(s)))
        for s in by_kind["target"]:
            d.targets.append(Target(
                s, d.key(s), d.label(s), self.text(s, GK + "text"), self.one(s, GK + "setBy"),
                _date(self.one(s, GK + "setOn")), _date(self.one(s, GK + "deadline")),
                self.concept(s, GK + "targetStatus", "unknown"), self.one(s, GK + "replacedBy"),
                self.one(s, GK + "initiative"), self.cited(s)))
        for s in by_kind["initiative"]:
            d.initiatives[s] = Initiative(
                s, d.key(s), d.label(s), self.text(s, GK + "initiativeKind"), _date(self.one(s, GK + "startDate")),
                _date(self.one(s, GK + "endDate")), self.text(s, DCT + "description"), self.one(s, GK + "partOf"),
                self.many(s, GK + "ledBy"), self.cited(s))
        d.lessons.sort(key=lambda x: x.key)
        d.recommendations.sort(key=lambda x: x.key)
        d.targets.sort(key=lambda x: x.key)
