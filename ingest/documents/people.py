"""People a document names, and the posts it says they held: "who held what", read from the text.

A person is found where the text gives a name with a role — "Richard Granger, the Director of IT", "Sir David
Nicholson, the NHS Chief Executive", "The Comptroller and Auditor General (C&AG), Gareth Davies, …", "Mr
Granger (Director General of NHS IT):" — where a turn or quotation names its speaker (speech.py), and
wherever the name of a person in the store appears. A name is resolved against the store's people by their
label or alternative labels, and a title and surname alone ("Mr Granger") by the surname when one person in
the store or earlier in the document has it; else the person is new, read from the document.

A role is resolved against the store's posts: its words (content words, singular, lower case; a body it
names counts by the words of all that body's names) must all be among the post's — its label, its
description and the names of the body it is in — and the body, if the role names one, must be the post's.
A person from the store is matched first against the posts they hold ("the Director of IT" → Richard
Granger's Director General of NHS IT). A role that matches no post becomes a new post, read from the
document, in the body it names. Each person-with-role is a holding: a ``gk:Tenure`` dated by the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.backends import Backend
from ingest.documents.mentions import Mention, relaxed_key
from ingest.documents.speech import NAME, TITLED, Speech

_ROLE_NOUN = (r"(?:chief executive|director[- ]general|director|head|chair(?:man|woman|person)?|secretary of state|"
              r"permanent secretary|secretary|minister|comptroller and auditor general|accounting officer|"
              r"(?:chief )?(?:information|operating|medical|nursing|clinical information|technology|digital|"
              r"finance|financial|executive) officer|officer|cio|ccio|cto|sro|senior responsible owner|manager|"
              r"lead|president|commissioner|member|clerk|adviser|advisor|governor|chancellor|prime minister|mp|"
              r"deputy|analyst|author|editor|founder|partner|principal|registrar|auditor)")
_ROLE = rf"(?!(?i:is|was|are|were|has|had|have|will|would|who|which|and|but|also|said|says|told)\b)(?i:(?:(?:the|then|a|an|its|former|acting|interim|new)\s+)*(?:[\w&’'-]+\s+){{0,6}}?{_ROLE_NOUN}\b(?:\s+(?:of|for|at|to|in)\s+(?:the\s+)?[\w&’'-]+(?:\s+(?:and|&|of|the|for)?\s*[\w&’'-]+){{0,5}}?)?)"
_NAME_ROLE = re.compile(rf"(?P<name>{NAME}),\s+(?P<role>{_ROLE})(?=\s*[,.;:)]|\s+(?:said|says|told|who|has|had|was|is|"
                        rf"gave|wrote|added)\b|\s*$)", re.M)
_ROLE_NAME = re.compile(rf"(?<![\w-])(?P<role>(?:[Tt]he\s+)?(?:[A-Z][\w&’'-]*\s+){{0,6}}(?i:{_ROLE_NOUN}))"
                        rf"(?:\s*\([^()]{{1,20}}\))?,\s+(?P<name>{NAME})(?=\s*,)")
_TITLE_WORDS = re.compile(r"^(?:(?:the\s+)?(?:rt\.?\s+hon\.?\s+)?(?:sir|dame|lord|lady|baroness|baron|dr\.?|mr\.?|"
                          r"mrs\.?|ms\.?|miss|professor|prof\.?|cllr\.?|councillor)\s+)+", re.I)
_GENERIC = {"the", "of", "and", "for", "at", "to", "in", "a", "an", "its", "then", "former", "acting", "interim",
            "new", "&"}


@dataclass(frozen=True)
class Person:
    iri: str
    label: str
    curated: bool = True
    posts: tuple[str, ...] = ()  # posts held, by the store's tenures


@dataclass(frozen=True)
class Post:
    iri: str
    label: str
    words: frozenset[str]  # label, description and its body's names
    body: str | None = None
    curated: bool = True


@dataclass
class PeopleIndex:
    people: dict[tuple[str, ...], list[Person]] = field(default_factory=dict)  # name words → people
    surnames: dict[str, list[Person]] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    body_words: dict[str, frozenset[str]] = field(default_factory=dict)  # body IRI → words of its names


@dataclass
class PersonMention:
    start: int
    end: int  # the name's span
    person: Person
    how: str  # "label", "surname" or "new"
    confidence: float
    role: tuple[int, int] | None = None
    post: Post | None = None
    post_how: str = ""  # "held", "label", "words" or "new"


def _key(name: str) -> tuple[str, ...]:
    return tuple(w.lower().strip(".") for w in _TITLE_WORDS.sub("", name).split())


def load_people(store: Backend) -> PeopleIndex:
    """The people and posts of the store's live graphs, with the posts each person held."""
    index = PeopleIndex()
    if not store.sources():
        return index
    held: dict[str, list[str]] = {}
    for r in store.select("SELECT ?p ?post WHERE { ?t a gk:Tenure ; gk:person ?p ; gk:post ?post }"):
        held.setdefault(str(r["p"]), []).append(str(r["post"]))
    rows = store.select("SELECT ?p ?name WHERE { ?p a gk:Person . { ?p rdfs:label ?name } UNION "
                        "{ ?p skos:altLabel ?name } }")
    labels = {str(r["p"]): str(r["l"]) for r in store.select("SELECT ?p ?l WHERE { ?p a gk:Person ; rdfs:label ?l }")}
    for r in rows:
        iri = str(r["p"])
        person = Person(iri, labels.get(iri, str(r["name"])), True, tuple(sorted(set(held.get(iri, [])))))
        key = _key(str(r["name"]))
        if key and person not in index.people.setdefault(key, []):
            index.people[key].append(person)
            if person not in index.surnames.setdefault(key[-1], []):
                index.surnames[key[-1]].append(person)
    bodies: dict[str, set[str]] = {}
    for r in store.select("SELECT ?b ?n WHERE { ?b a gk:Body . { ?b rdfs:label ?n } UNION { ?b skos:altLabel ?n } "
                          "UNION { ?b gk:abbreviation ?n } }"):
        bodies.setdefault(str(r["b"]), set()).update(relaxed_key(str(r["n"])))
    index.body_words = {b: frozenset(w) for b, w in bodies.items()}
    posts: dict[str, dict[str, object]] = {}
    for r in store.select("SELECT ?p ?l ?d ?b WHERE { ?p a gk:Post ; rdfs:label ?l . OPTIONAL { ?p dcterms:description "
                          "?d } OPTIONAL { ?p org:postIn ?b } }"):
        entry = posts.setdefault(str(r["p"]), {"label": str(r["l"]), "words": set(), "body": None})
        words = entry["words"]
        assert isinstance(words, set)
        words.update(relaxed_key(f"{r['l']} {r['d'] or ''}"))
        if r["b"]:
            entry["body"] = str(r["b"])
            words.update(index.body_words.get(str(r["b"]), frozenset()))
    index.posts = [Post(iri, str(e["label"]), frozenset(e["words"]) if isinstance(e["words"], set) else frozenset(),
                        e["body"] if isinstance(e["body"], str) else None) for iri, e in sorted(posts.items())]
    return index


def find_people(text: str, index: PeopleIndex, speeches: list[Speech], mentions: list[Mention], key: str
                ) -> list[PersonMention]:
    """Person mentions, with the posts their roles resolve to (see the module doc)."""
    spans: list[tuple[int, int, tuple[int, int] | None]] = []  # (name start, name end, role span)
    for m in _NAME_ROLE.finditer(text):
        if _is_role(m.group("role")):
            spans.append((m.start("name"), m.end("name"), (m.start("role"), m.end("role"))))
    for m in _ROLE_NAME.finditer(text):
        if _is_role(m.group("role")):
            spans.append((m.start("name"), m.end("name"), (m.start("role"), m.end("role"))))
    for m in TITLED.finditer(text):  # "Mr Granger", "Sir David Nicholson"
        spans.append((m.start(), m.end(), None))
    for s in speeches:
        if re.match(r"(?:the\s+)?chair", text[s.name[0]:s.name[1]], re.I):
            continue
        spans.append((s.name[0], s.name[1], s.role))
    for name_key in index.people:
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in name_key) + r"\b"
        for m in re.finditer(pattern, text, re.I):
            if text[m.start()].isupper():
                spans.append((m.start(), m.end(), None))
    out: list[PersonMention] = []
    new_people: dict[tuple[str, ...], Person] = {}
    new_posts: dict[frozenset[str], Post] = {}
    seen_surnames: dict[str, Person] = {}
    for start, end, role in sorted(_merge(spans)):
        name = " ".join(text[start:end].split())
        if not _plausible_name(name, mentions, start, end):
            continue
        person, how, confidence = _resolve_person(name, index, seen_surnames)
        if person is None:
            words = _key(name)
            person = new_people.setdefault(words, Person(f"person/{key}.p{len(new_people) + 1}", name, False))
            how, confidence = "new", 0.7
        if len(_key(person.label)) > 1:
            seen_surnames.setdefault(_key(person.label)[-1], person)
        found = PersonMention(start, end, person, how, confidence, role)
        if role is not None:
            found.post, found.post_how = _resolve_post(text[role[0]:role[1]], person, index, mentions, role,
                                                       new_posts, key)
        out.append(found)
    return out


def _merge(spans: list[tuple[int, int, tuple[int, int] | None]]) -> list[tuple[int, int, tuple[int, int] | None]]:
    """One entry per name span, keeping a role when any finder gave one."""
    by_span: dict[tuple[int, int], tuple[int, int] | None] = {}
    for start, end, role in spans:
        if (start, end) not in by_span or by_span[(start, end)] is None:
            by_span[(start, end)] = role
    kept = sorted(by_span.items(), key=lambda x: (x[0][0], -(x[0][1] - x[0][0])))
    out: list[tuple[int, int, tuple[int, int] | None]] = []
    for (start, end), role in kept:
        if out and start < out[-1][1]:  # overlapping names: the longer one, with a role if either has one
            if out[-1][2] is None and role is not None:
                out[-1] = (out[-1][0], out[-1][1], role)
            continue
        out.append((start, end, role))
    return out


def _is_role(role: str) -> bool:
    return bool(re.search(rf"\b{_ROLE_NOUN}\b", role, re.I)) and len(role.split()) <= 14


def _plausible_name(name: str, mentions: list[Mention], start: int, end: int) -> bool:
    """Not a body's name ("NHS England") nor a run of capitalised common words."""
    if any(m.start <= start < m.end or start <= m.start < end for m in mentions):
        return False
    words = _key(name)
    if not words or any(w.isupper() and len(w) > 1 for w in name.split()):
        return False
    return not any(w in {"department", "committee", "office", "board", "trust", "report", "review", "programme",
                         "national", "digital", "health", "government", "nhs", "council", "service"} for w in words)


def _resolve_person(name: str, index: PeopleIndex, seen: dict[str, Person]) -> tuple[Person | None, str, float]:
    words = _key(name)
    found = index.people.get(words, [])
    if len(found) == 1:
        return found[0], "label", 0.95
    if len(words) == 1 or (_TITLE_WORDS.match(name) and len(words) == 1):
        surname = words[-1]
        if surname in seen:
            return seen[surname], "surname", 0.85
        candidates = index.surnames.get(surname, [])
        if len(candidates) == 1:
            return candidates[0], "surname", 0.75
    return None, "", 0.0


def _role_words(role: str, mentions: list[Mention], span: tuple[int, int], index: PeopleIndex
                ) -> tuple[frozenset[str], str | None]:
    """The role's content words (a body it names by all that body's names) and the body it names."""
    body = next((m.entity.iri for m in mentions if span[0] <= m.start < span[1] and m.entity.kind == "body"), None)
    words = set(relaxed_key(role)) - _GENERIC
    if body is not None:
        named = [m for m in mentions if span[0] <= m.start < span[1] and m.entity.iri == body]
        for m in named:
            words -= relaxed_key(m.entity.label) | set(relaxed_key(role[m.start - span[0]:m.end - span[0]]))
        words |= index.body_words.get(body, frozenset())
    return frozenset(words), body


def _resolve_post(role: str, person: Person, index: PeopleIndex, mentions: list[Mention], span: tuple[int, int],
                  new_posts: dict[frozenset[str], Post], key: str) -> tuple[Post, str]:
    words, body = _role_words(role, mentions, span, index)
    label = _TITLE_WORDS.sub("", re.sub(r"^(?:(?:the|then|a|an|its|former|acting|interim|new)\s+)+", "", role.strip(),
                                        flags=re.I))
    own = [p for p in index.posts if p.iri in person.posts]
    core = words - (index.body_words.get(body, frozenset()) if body else frozenset())
    for candidates, how in ((own, "held"), (index.posts, "label"), (index.posts, "words")):
        for post in candidates:
            if body is not None and post.body is not None and post.body != body:
                continue
            if how == "label" and relaxed_key(post.label) != relaxed_key(label):
                continue
            if how in ("held", "words") and not (core and core <= post.words):
                continue
            return post, how
    found = new_posts.get(words)
    if found is None:
        found = Post(f"post/{key}.q{len(new_posts) + 1}", label[:1].upper() + label[1:], words, body, False)
        new_posts[words] = found
    return found, "new"
