"""What the search index holds: every text node of the graph (lessons, findings, recommendations, targets,
figures) as an :class:`Item` with its text and graph context, read from the store in a few SPARQL queries.

The context (programme, bodies, themes, sources, year, linked lessons and recommendations) is read when the
index is built, so filters and explanations cost nothing at query time. :class:`Context` holds the labels,
keys and hierarchies (narrower themes, programme parts) that filters and explanations need.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from graph.backends import Backend
from graph.namespaces import GK, PREFIXES

DCT = PREFIXES["dcterms"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]

KINDS = {  # class → kind name, in display order
    GK + "Lesson": "lesson",
    GK + "Finding": "finding",
    GK + "Recommendation": "recommendation",
    GK + "Target": "target",
    GK + "Figure": "figure",
}
KIND_NAMES = tuple(KINDS.values())

# the text of each kind, in reading order; the first present of TITLE is the title
TEXT = {
    "lesson": ("context", "lessonText", "recommendationText"),
    "finding": ("text",),
    "recommendation": ("text",),
    "target": ("text", "outcome"),
    "figure": ("measures",),
}
TITLE = {
    "lesson": (DCT + "title", RDFS + "label"),
    "finding": (RDFS + "label",),
    "recommendation": (RDFS + "label",),
    "target": (RDFS + "label",),
    "figure": (RDFS + "label",),
}
TITLE_FROM_TEXT = ("finding", "recommendation")  # their title is the start of their text
BODY_LINKS = ("raisedBy", "madeBy", "addressedTo", "setBy")
PROGRAMME_LINKS = ("learnedFrom", "initiative")
DATES = (DCT + "date", GK + "setOn", GK + "estimateDate", GK + "deadline")
_PREDICATES = (
    [GK + "key", DCT + "title", RDFS + "label", GK + "theme", GK + "about", GK + "addressesLesson",
     PROV + "wasDerivedFrom", *DATES]
    + [GK + p for kind in TEXT.values() for p in kind]
    + [GK + p for p in (*BODY_LINKS, *PROGRAMME_LINKS)]
)


@dataclass
class Item:
    """One searchable node: its text and the graph around it (IRIs; labels are in :class:`Context`)."""

    iri: str
    key: str
    kind: str
    title: str
    text: str  # the body text, sections separated by a blank line (without the title)
    programmes: list[str] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # SourceDocument IRIs (prov:wasDerivedFrom)
    graph_source: str = ""  # the catalog key of the ingested source that holds it
    year: int | None = None
    lessons: list[str] = field(default_factory=list)  # lessons a recommendation addresses
    recommendations: list[str] = field(default_factory=list)  # recommendations addressing a lesson
    mentions: list[str] = field(default_factory=list)  # bodies and programmes its text names

    def document(self) -> str:
        """The whole text on one line, as embedded and as BM25 reads it (the title once)."""
        body = " ".join(self.text.split())
        if not body:
            return self.title
        if self.kind in TITLE_FROM_TEXT or not self.title:
            return body
        return f"{self.title.rstrip('.')}. {body}"

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ([], "", None)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        return cls(**data)


@dataclass
class Entity:
    iri: str
    kind: str  # body, programme, theme, source
    key: str
    label: str
    names: list[str] = field(default_factory=list)  # abbreviations and other names
    url: str = ""
    source_kind: str = ""  # a source's gk:sourceKind (report, news, dataset …)


@dataclass
class Context:
    """Labels, keys and hierarchies of the entities that items point to."""

    entities: dict[str, Entity] = field(default_factory=dict)
    broader: dict[str, list[str]] = field(default_factory=dict)  # theme → broader themes (broader, broadMatch)
    part_of: dict[str, list[str]] = field(default_factory=dict)  # programme → the programmes it is part of

    def label(self, iri: str) -> str:
        ent = self.entities.get(iri)
        return ent.label if ent else iri.rsplit("/", 1)[-1]

    def ancestors(self, iri: str, kind: str) -> list[str]:
        """``iri`` and everything above it (broader themes, or programmes it is part of)."""
        up = self.broader if kind == "theme" else self.part_of
        seen = [iri]
        i = 0
        while i < len(seen):
            for parent in up.get(seen[i], []):
                if parent not in seen:
                    seen.append(parent)
            i += 1
        return seen

    def describe(self, iri: str) -> dict[str, str]:
        ent = self.entities.get(iri)
        if ent is None:
            return {"iri": iri, "label": iri.rsplit("/", 1)[-1]}
        out = {"iri": iri, "key": ent.key, "label": ent.label}
        if ent.url:
            out["url"] = ent.url
        return out

    def as_json(self) -> dict[str, Any]:
        return {"entities": [asdict(e) for e in self.entities.values()], "broader": self.broader,
                "part_of": self.part_of}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Context:
        return cls({e["iri"]: Entity(**e) for e in data["entities"]}, data["broader"], data["part_of"])


def common_themes(items: Iterable[Item]) -> set[str]:
    """Themes on more than half of the items that have a theme (a dataset's catch-all category, such as the
    NASA lessons' "Uncategorised"): they tell the items apart no more than a stop word does."""
    themed = [set(i.themes) for i in items if i.themes]
    counts: dict[str, int] = defaultdict(int)
    for themes in themed:
        for theme in themes:
            counts[theme] += 1
    return {t for t, n in counts.items() if 2 * n > len(themed)}


def context_line(item: Item, ctx: Context, skip: Collection[str] = ()) -> str:
    """The item's place in the graph in words, embedded after its text so that its vector carries it: the
    labels of its programmes and themes ("Programme: Global Digital Exemplars. Themes: Benefits."), leaving
    out the themes in ``skip``; "" when it has neither."""
    parts = []
    for name, iris in (("Programme", item.programmes), ("Themes", [t for t in item.themes if t not in skip])):
        labels = list(dict.fromkeys(ctx.label(i) for i in iris))
        if labels:
            parts.append(f"{name}: {'; '.join(labels)}.")
    return " ".join(parts)


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in iris)


def read_items(store: Backend) -> tuple[list[Item], Context]:
    """Every text node in the store, in a stable order (by kind, then IRI), and the context they need."""
    graph_of = {s.graph: s.key for s in store.sources().values()}
    kinds: dict[str, str] = {}
    sources: dict[str, str] = {}
    # every list below is sorted, so that the items (and their embedded text) do not depend on the order in
    # which a store or a SPARQL server happens to return rows
    typed = store.select(f"SELECT ?s ?type ?g WHERE {{ VALUES ?type {{ {_values(KINDS)} }} "
                         "GRAPH ?g { ?s a ?type } }")
    for row in sorted(typed, key=lambda r: (str(r["s"]), str(r["type"]), str(r["g"]))):
        kinds.setdefault(row["s"], KINDS[row["type"]])
        sources.setdefault(row["s"], graph_of.get(row["g"], ""))
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in store.select(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?type {{ {_values(KINDS)} }}
                                VALUES ?p {{ {_values(dict.fromkeys(_PREDICATES))} }} ?s a ?type ; ?p ?o }}"""):
        values = props[row["s"]][row["p"]]
        if row["o"] not in values:
            values.append(str(row["o"]))
    for by_predicate in props.values():
        for values in by_predicate.values():
            values.sort()
    context = read_context(store)
    programmes = {i for i, e in context.entities.items() if e.kind == "programme"}
    items = [_item(iri, kinds[iri], props.get(iri, {}), sources.get(iri, ""), programmes) for iri in kinds]
    items = [i for i in items if i.title or i.text]
    by_iri = {i.iri: i for i in items}
    for item in items:
        for lesson in item.lessons:
            if lesson in by_iri:
                by_iri[lesson].recommendations.append(item.iri)
    order = {k: n for n, k in enumerate(KIND_NAMES)}
    items.sort(key=lambda i: (order[i.kind], i.iri))
    for item in items:
        item.recommendations.sort()
    return items, context


def _item(iri: str, kind: str, p: dict[str, list[str]], graph_source: str, programmes: set[str]) -> Item:
    def first(*predicates: str) -> str:
        for pred in predicates:
            if p.get(pred):
                return p[pred][0].strip()
        return ""

    sections = [first(GK + name) for name in TEXT[kind]]
    text = "\n\n".join(s for s in sections if s)
    title = first(*TITLE[kind])
    if kind in TITLE_FROM_TEXT and text:
        title = _short(text, 90)
    about = p.get(GK + "about", [])
    years = [int(m.group(0)) for pred in DATES for v in p.get(pred, []) if (m := re.match(r"\d{4}", v))]
    return Item(
        iri=iri, key=first(GK + "key") or iri.rsplit("/", 1)[-1], kind=kind, title=title, text=text,
        programmes=[v for name in PROGRAMME_LINKS for v in p.get(GK + name, [])] + [a for a in about if a in programmes],
        bodies=list(dict.fromkeys([v for name in BODY_LINKS for v in p.get(GK + name, [])]
                                  + [a for a in about if a not in programmes])),
        themes=list(p.get(GK + "theme", [])), sources=list(p.get(PROV + "wasDerivedFrom", [])),
        graph_source=graph_source, year=years[0] if years else None,
        lessons=list(p.get(GK + "addressesLesson", [])),
    )


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    cut = text[:n].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def read_context(store: Backend) -> Context:
    ctx = Context()
    classes = {GK + "Body": "body", GK + "Programme": "programme", GK + "Project": "programme",
               GK + "Theme": "theme", GK + "SourceDocument": "source"}
    rows = store.select(f"""
        SELECT ?x ?class ?key ?label ?title ?pref ?url ?sourceKind WHERE {{
          VALUES ?class {{ {_values(classes)} }} ?x a ?class .
          OPTIONAL {{ ?x gk:key ?key }} OPTIONAL {{ ?x rdfs:label ?label }} OPTIONAL {{ ?x dcterms:title ?title }}
          OPTIONAL {{ ?x skos:prefLabel ?pref }} OPTIONAL {{ ?x gk:url ?url }}
          OPTIONAL {{ ?x gk:sourceKind ?sourceKind }} }}""")
    for r in sorted(rows, key=lambda r: tuple(str(r[k] or "") for k in r)):
        if r["x"] in ctx.entities:
            continue
        label = r["pref"] or r["label"] or r["title"] or r["key"] or r["x"].rsplit("/", 1)[-1]
        ctx.entities[r["x"]] = Entity(r["x"], classes[r["class"]], r["key"] or r["x"].rsplit("/", 1)[-1],
                                      str(label), url=r["url"] or "", source_kind=str(r["sourceKind"] or ""))
    for r in store.select("""SELECT ?x ?name WHERE { VALUES ?p { gk:abbreviation skos:altLabel rdfs:label }
                             ?x ?p ?name . ?x a ?c . VALUES ?c { gk:Body gk:Programme gk:Project } }"""):
        ent = ctx.entities.get(r["x"])
        if ent and isinstance(r["name"], str) and r["name"] not in ent.names and r["name"] != ent.label:
            ent.names.append(r["name"])
    for r in store.select("SELECT ?t ?u WHERE { ?t skos:broader|skos:broadMatch ?u . ?t a gk:Theme }"):
        ctx.broader.setdefault(r["t"], []).append(r["u"])
    for r in store.select("SELECT ?p ?q WHERE { ?p gk:partOf ?q }"):
        ctx.part_of.setdefault(r["p"], []).append(r["q"])
    for ent in ctx.entities.values():
        ent.names.sort()
    for links in (*ctx.broader.values(), *ctx.part_of.values()):
        links.sort()
    return ctx


_SENTENCE = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])|\n\s*\n")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (paragraph breaks end one too); fragments under four words join the next."""
    parts = [" ".join(p.split()) for p in _SENTENCE.split(text)]
    out: list[str] = []
    carry = ""
    for part in parts:
        if not part:
            continue
        part = f"{carry} {part}".strip() if carry else part
        if len(part.split()) < 4:
            carry = part
            continue
        carry = ""
        out.append(part)
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out
