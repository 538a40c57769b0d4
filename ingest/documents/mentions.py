"""Mentions of bodies and programmes in a document, resolved against the names in the store.

The names are the ``rdfs:label``, ``skos:altLabel`` and ``gk:abbreviation`` of every ``gk:Body`` and
``gk:Initiative`` (programme or project) in the live graphs; records linked by ``owl:sameAs`` count as one,
the curated one named. A name matches the text word for word (case kept, except that a name written in lower
case also matches at the start of a sentence: "trusts" and "Trusts"; names of three words or more match in
any case), ``&`` matching ``and``, hyphens matching spaces and possessives ignored ("NHSX’s", "trusts’").
Where names overlap the longest wins ("NHS England & NHS Improvement", not "NHS England").

A document may define its own short names: ``NHS England & NHS Improvement (NHSE&I)``, ``the Department of
Health & Social Care (the Department)``. When the words before the brackets name a known body or programme
(exactly, or with the same words in any order, case and number: "NHS trusts and NHS foundation trusts"), the
short name refers to it from there on. A body renamed before the document's date, or renamed to a body the
document also names, is read as its successor ("the Department of Health" in 2020 is the Department of
Health and Social Care).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from graph.backends import Backend
from graph.namespaces import GK, ID

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|&")
_GAP = re.compile(r"['’]?[\s\-‐]*")
_POSSESSIVE = re.compile(r"['’]s$")
_STOP = {"the", "of", "and", "for", "in", "on", "at", "to", "a", "an"}
_RANK = {"document-alias": 0, "label": 1, "abbreviation": 2, "alias": 3}
_CONFIDENCE = {"document-alias": 0.9, "label": 0.95, "abbreviation": 0.9, "alias": 0.85}


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    kind: str  # "body" or "initiative"
    curated: bool
    end: dt.date | None = None
    renamed_to: str | None = None  # the body this one was renamed to (last of a chain)
    parent: str | None = None  # the body it is part of (gk:parent), for "the Department and its arm's-length bodies"


@dataclass(frozen=True)
class Name:
    entity: Entity
    how: str  # "label", "abbreviation", "alias" or "document-alias"
    text: str
    valid_from: int = 0  # document aliases count from where they are defined


@dataclass
class Mention:
    start: int
    end: int
    entity: Entity
    how: str
    confidence: float
    note: str = ""


@dataclass
class AliasDefinition:
    alias: str
    start: int  # the short name's span, inside the brackets
    end: int
    entity: Entity | None
    long_form: str
    long_span: tuple[int, int] | None = None  # the long form, when it matched only as a variant of a name


@dataclass
class NameIndex:
    entities: dict[str, Entity] = field(default_factory=dict)
    exact: dict[tuple[str, ...], list[Name]] = field(default_factory=lambda: defaultdict(list))
    folded: dict[tuple[str, ...], list[Name]] = field(default_factory=lambda: defaultdict(list))
    relaxed: dict[frozenset[str], list[Entity]] = field(default_factory=lambda: defaultdict(list))
    longest: int = 0

    def add(self, name: Name) -> None:
        key = tuple(_norm(t) for t in _words(name.text))
        if key and key[0].lower() == "the" and len(key) > 2:
            key = key[1:]
        if not key:
            return
        self.exact[key].append(name)
        if len(key) >= 3:
            self.folded[tuple(k.casefold() for k in key)].append(name)
        loose = relaxed_key(name.text)
        if len(loose) >= 2 and name.entity not in self.relaxed[loose]:
            self.relaxed[loose].append(name.entity)
        self.longest = max(self.longest, len(key))

    def lookup(self, key: tuple[str, ...], at: int) -> list[Name]:
        found = [n for n in self.exact.get(key, []) if n.valid_from <= at]
        if key and key[0][:1].isupper() and key[0][1:].islower():
            lowered = (key[0][0].lower() + key[0][1:], *key[1:])
            found += [n for n in self.exact.get(lowered, []) if n.valid_from <= at]
        if len(key) >= 3:
            found += [n for n in self.folded.get(tuple(k.casefold() for k in key), []) if n.valid_from <= at]
        return found


def _words(text: str) -> list[str]:
    return [m.group(0) for m in _TOKEN.finditer(text)]


def _norm(token: str) -> str:
    return "and" if token == "&" else _POSSESSIVE.sub("", token)


def relaxed_key(text: str) -> frozenset[str]:
    """The content words of a name in lower case and singular: for matching a document's long forms."""
    out = set()
    for token in _words(text):
        word = _norm(token).casefold()
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.add(word)
    return frozenset(out)


# ------------------------------------------------------------------------------------------- loading
def load_index(store: Backend) -> NameIndex:
    """The names of the bodies and initiatives in the store's live graphs."""
    index = NameIndex()
    sources = store.sources()
    if not sources:
        return index
    curated_graphs = {s.graph for k, s in sources.items() if k.startswith("curated-")}
    rows = store.select(f"""
        SELECT ?s ?t ?p ?name ?g WHERE {{
          VALUES ?t {{ gk:Body gk:Programme gk:Project }}
          VALUES ?p {{ rdfs:label skos:altLabel gk:abbreviation }}
          GRAPH ?g {{ ?s a ?t ; ?p ?name }}
          FILTER(STRSTARTS(STR(?s), "{ID}"))
        }}""")
    same = _same_as(store)
    facts = _body_facts(store)
    labels: dict[str, str] = {}
    kinds: dict[str, str] = {}
    curated: set[str] = set()
    for r in rows:
        iri = r["s"]
        kinds[iri] = "body" if r["t"] == GK + "Body" else "initiative"
        if r["p"].endswith("#label"):
            labels.setdefault(iri, str(r["name"]))
        if r["g"] in curated_graphs:
            curated.add(iri)
    parents = {str(r["b"]): str(r["p"]) for r in store.select("SELECT ?b ?p WHERE { ?b a gk:Body ; gk:parent ?p }")}
    for iri in kinds:
        end, renamed = facts.get(iri, (None, None))
        index.entities[iri] = Entity(iri, labels.get(iri, iri.rsplit("/", 1)[-1]), kinds[iri], iri in curated, end,
                                     renamed, parents.get(iri))
    for r in rows:
        entity = index.entities[_representative(r["s"], same, curated)]
        how = {"label": "label", "altLabel": "alias", "abbreviation": "abbreviation"}[
            re.split(r"[#/]", r["p"])[-1]]
        index.add(Name(entity, how, str(r["name"])))
    return index


def _same_as(store: Backend) -> dict[str, set[str]]:
    rows = store.select("SELECT ?a ?b WHERE { ?a owl:sameAs ?b }")
    groups: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        group = groups[r["a"]] | groups[r["b"]] | {r["a"], r["b"]}
        for member in group:
            groups[member] = group
    return groups


def _representative(iri: str, same: dict[str, set[str]], curated: set[str]) -> str:
    group = same.get(iri)
    if not group:
        return iri
    return sorted(group, key=lambda i: (i not in curated, i))[0]


def _body_facts(store: Backend) -> dict[str, tuple[dt.date | None, str | None]]:
    """End dates, and the successor of each body that was renamed."""
    ends = {r["b"]: r["end"] for r in store.select("SELECT ?b ?end WHERE { ?b a gk:Body ; gk:endDate ?end }")}
    renamed = {r["p"]: r["s"] for r in store.select(f"""
        SELECT ?p ?s WHERE {{ ?e a gk:LineageEvent ; gk:predecessor ?p ; gk:successor ?s ;
                              gk:lineageKind <{ID}lineage-kind/renamed> }}""")}
    out: dict[str, tuple[dt.date | None, str | None]] = {}
    for body in set(ends) | set(renamed):
        target, seen = renamed.get(body), {body}
        while target is not None and target in renamed and renamed[target] not in seen:
            seen.add(target)
            target = renamed[target]
        out[body] = (_day(ends.get(body)), target)
    return out


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def load_themes(store: Backend) -> dict[str, str]:
    """Lesson themes in the store: IRI → label."""
    if not store.sources():
        return {}
    rows = store.select("SELECT ?t ?l WHERE { ?t a gk:Theme . OPTIONAL { ?t skos:prefLabel ?p } "
                        "OPTIONAL { ?t rdfs:label ?r } BIND(COALESCE(?r, ?p) AS ?l) }")
    return {r["t"]: str(r["l"] or r["t"]) for r in rows}


# ------------------------------------------------------------------------------------------- scanning
@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    key: str  # normalised
    raw: str


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        end = m.end() - (len(raw) - len(_POSSESSIVE.sub("", raw)))
        out.append(_Token(m.start(), end, _norm(raw), raw))
    return out


def _runs(text: str, tokens: list[_Token]) -> list[int]:
    """For each token, how many tokens from it on are joined only by spaces, hyphens or an apostrophe."""
    run = [1] * len(tokens)
    for i in range(len(tokens) - 2, -1, -1):
        gap = text[tokens[i].start + len(tokens[i].raw):tokens[i + 1].start]
        if _GAP.fullmatch(gap):
            run[i] = run[i + 1] + 1
    return run


def scan(text: str, index: NameIndex) -> list[tuple[int, int, list[Name]]]:
    """Name matches (start, end, candidates), longest first where they overlap."""
    tokens = _tokens(text)
    runs = _runs(text, tokens)
    found: list[tuple[int, int, int, list[Name]]] = []
    for i in range(len(tokens)):
        for size in range(min(index.longest, runs[i]), 0, -1):
            key = tuple(t.key for t in tokens[i:i + size])
            names = index.lookup(key, tokens[i].start)
            if names:
                found.append((size, tokens[i].start, tokens[i + size - 1].end, names))
                break
    taken: list[tuple[int, int, list[Name]]] = []
    for _size, start, end, names in sorted(found, key=lambda f: (-f[0], f[1])):
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, names))
    return sorted(taken, key=lambda t: t[0])


_BRACKETS = re.compile(r"\(\s*([^()\n]{1,60}?)\s*\)")


def define_aliases(text: str, index: NameIndex) -> list[AliasDefinition]:
    """Short names the document defines in brackets after a long form (see the module doc)."""
    ends = {end: names for _start, end, names in scan(text, index)}
    tokens = _tokens(text)
    runs = _runs(text, tokens)
    out = []
    for m in _BRACKETS.finditer(text):
        alias = re.sub(r"['’]$", "", m.group(1).strip())
        words = _words(alias)
        if not words or len(words) > 4 or re.search(r"\d", alias) or not _alias_like(alias):
            continue
        before = re.sub(r"['’]s?$", "", text[:m.start()].rstrip())
        names = ends.get(len(before))
        entity = _best(names)[0].entity if names else None
        long_span = None
        if entity is None:
            entity, long_span = _relaxed_long_form(text, tokens, runs, len(before), index)
        long_form = text[long_span[0]:long_span[1]] if long_span else (entity.label if entity else "")
        out.append(AliasDefinition(alias, m.start(1), m.start(1) + len(alias), entity, long_form,
                                   long_span if entity else None))
    return out


_NOT_ALIAS = {"see", "e.g", "eg", "i.e", "ie", "including", "excluding", "for", "in", "at", "from", "with", "and",
              "or", "as", "which", "who", "that", "not", "now", "then", "formerly", "previously", "ibid", "sic"}


def _alias_like(alias: str) -> bool:
    if alias.split()[0].lower().rstrip(".") in _NOT_ALIAS:
        return False
    if alias.lower().startswith("the ") or sum(c.isupper() for c in alias) >= 2:
        return True
    return len(alias.split()) <= 2 and alias[:1].islower()


def _relaxed_long_form(text: str, tokens: list[_Token], runs: list[int], end: int, index: NameIndex
                       ) -> tuple[Entity | None, tuple[int, int] | None]:
    last = max((i for i, t in enumerate(tokens) if t.end <= end), default=-1)
    if last < 0:
        return None, None
    for size in range(min(8, last + 1), 1, -1):
        first = last - size + 1
        if runs[first] < size:
            continue
        phrase = text[tokens[first].start:tokens[last].end]
        candidates = index.relaxed.get(relaxed_key(phrase), [])
        if len(candidates) == 1:
            while first < last and tokens[first].key.lower() in _STOP:
                first += 1
            return candidates[0], (tokens[first].start, tokens[last].end)
    return None, (tokens[max(0, last - 4)].start, tokens[last].end)


def _best(names: list[Name]) -> list[Name]:
    return sorted(names, key=lambda n: (_RANK[n.how], not n.entity.curated, n.entity.iri))


def find_mentions(text: str, index: NameIndex, doc_date: dt.date | None
                  ) -> tuple[list[Mention], list[AliasDefinition], list[dict[str, object]]]:
    """Mentions in ``text``, the aliases the document defines, and names that matched several entities."""
    definitions = define_aliases(text, index)
    for d in definitions:
        if d.entity is not None:
            index.add(Name(d.entity, "document-alias", d.alias, d.start))
    mentions: list[Mention] = []
    ambiguous: list[dict[str, object]] = []
    found = scan(text, index)
    for d in definitions:
        if d.entity is not None and d.long_span is not None:
            a, b = d.long_span
            if all(b <= s or a >= e for s, e, _ in found):
                mentions.append(Mention(a, b, d.entity, "variant", 0.7, f"the words of the name {d.entity.label!r}"))
    for start, end, names in found:
        ranked = _best(names)
        top = ranked[0]
        rivals = {n.entity.iri for n in ranked if (_RANK[n.how], n.entity.curated) ==
                  (_RANK[top.how], top.entity.curated)}
        confidence = _CONFIDENCE[top.how]
        note = ""
        if len(rivals) > 1:
            confidence = 0.5
            ambiguous.append({"name": text[start:end], "offset": start, "candidates": sorted(rivals)})
            note = f"the name also fits {len(rivals) - 1} other record(s)"
        mentions.append(Mention(start, end, top.entity, top.how, confidence, note))
    mentions.sort(key=lambda m: m.start)
    _successors(mentions, index, doc_date)
    return mentions, definitions, ambiguous


def _successors(mentions: list[Mention], index: NameIndex, doc_date: dt.date | None) -> None:
    named = {m.entity.iri for m in mentions}
    for m in mentions:
        target = m.entity.renamed_to
        if target is None or target not in index.entities:
            continue
        after_end = doc_date is not None and m.entity.end is not None and doc_date > m.entity.end
        if after_end or target in named:
            successor = index.entities[target]
            why = "the document is dated after the renaming" if after_end else "the document also names it"
            m.note = f"named {m.entity.label!r}, renamed {successor.label!r} ({why})"
            m.entity, m.how, m.confidence = successor, "renamed", 0.8


def resolve_name(index: NameIndex, name: str) -> Entity | None:
    """The body or initiative a whole name (or key) stands for: a name in the store, or a unique match of
    its words in any order, case and number."""
    key = tuple(_norm(t) for t in _words(name))
    names = index.lookup(key, 10**12) if key else []
    if names:
        return _best(names)[0].entity
    for kind in ("body", "programme", "project"):
        found = index.entities.get(f"{ID}{kind}/{name.strip()}")
        if found is not None:
            return found
    candidates = index.relaxed.get(relaxed_key(name), [])
    return candidates[0] if len(candidates) == 1 else None


# ------------------------------------------------------------------------------------------- authorship
_AUTHOR_AFTER = re.compile(r"^\s*(?:(?:today|yesterday|now|also|recently|this week|has today|have today)\s+)?"
                           r"(?:has |have )?(?:found|finds|recommends?|concludes?|reported|reports|"
                           r"published|has published|have (?:just )?released|has (?:just )?released|report)\b", re.I)
_AUTHOR_BEFORE = re.compile(r"(?:report|review|study|investigation|audit) (?:by|from|of) (?:the )?$", re.I)


def author(text: str, mentions: list[Mention], title: tuple[int, int] | None) -> Entity | None:
    """The body that wrote the document, as the text says: named in its title, before "recommends",
    "has found" or "report", or after "report by"; the one said so most often (the first on a tie)."""
    votes: dict[str, int] = defaultdict(int)
    first: dict[str, int] = {}
    for m in mentions:
        if m.entity.kind != "body":
            continue
        in_title = title is not None and title[0] <= m.start < title[1]
        said = _AUTHOR_AFTER.match(text[m.end:m.end + 40]) or _AUTHOR_BEFORE.search(text[max(0, m.start - 30):m.start])
        if in_title or said:
            votes[m.entity.iri] += 2 if in_title else 1
            first.setdefault(m.entity.iri, m.start)
    if not votes:
        return None
    best = sorted(votes, key=lambda iri: (-votes[iri], first[iri]))[0]
    return next(m.entity for m in mentions if m.entity.iri == best)
