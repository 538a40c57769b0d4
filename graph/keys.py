"""The keys a user can name: scopes, programmes, bodies, themes, people, posts and sources.

A record's IRI is ``https://w3id.org/govkg/id/<kind>/<key>``; a canned query's parameter says which kind of thing
it names (``# param: scope iri:scope = …``), and :func:`require` checks, before the query runs, that the key is
in the graph: a key that is not gets an :class:`UnknownKeyError` naming the parameter, the key and the nearest
keys that are, instead of an empty answer. ``govkg keys KIND [TEXT]`` lists them (:func:`list_keys`).

Everything goes through the store contract (``store.query``/``store.select``), so it works the same on the
embedded store and on a SPARQL server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.backends.base import Backend
from graph.errors import InputError, NotFoundError
from graph.namespaces import GK, ID, is_key


@dataclass(frozen=True)
class KeyKind:
    """A kind of thing with keys: its name (the IRI segment), its plural (``govkg keys PLURAL``) and the
    classes its records have."""

    name: str
    plural: str
    classes: tuple[str, ...]
    what: str

    def iri(self, key: str) -> str:
        return f"{ID}{self.name}/{key}"

    def key_of(self, iri: str) -> str | None:
        prefix = f"{ID}{self.name}/"
        return iri[len(prefix):] if iri.startswith(prefix) else None


KINDS: dict[str, KeyKind] = {k.name: k for k in (
    KeyKind("scope", "scopes", (f"{GK}Scope",), "scopes of accountability"),
    KeyKind("programme", "programmes", (f"{GK}Programme", f"{GK}Project"), "programmes and projects"),
    KeyKind("body", "bodies", (f"{GK}Body",), "bodies"),
    KeyKind("theme", "themes", (f"{GK}Theme",), "lesson themes"),
    KeyKind("person", "people", (f"{GK}Person",), "people"),
    KeyKind("post", "posts", (f"{GK}Post",), "posts"),
    KeyKind("source", "sources", (f"{GK}SourceDocument",), "source documents"),
)}
PLURALS = {k.plural: k for k in KINDS.values()}
_BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')  # characters an IRI cannot hold: such a value names nothing


@dataclass(frozen=True)
class Key:
    """One key of a kind, with its label."""

    key: str
    label: str
    kind: str
    iri: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "kind": self.kind, "iri": self.iri}


class UnknownKeyError(InputError, NotFoundError):
    """A parameter names a key that is not in the graph; ``suggestions`` are the nearest keys that are."""

    def __init__(self, message: str, *, suggestions: list[Key], hint: str | None = None) -> None:
        self.suggestions = suggestions
        super().__init__(message, hint=hint)


def kind_named(name: str) -> KeyKind:
    """The kind for its name or plural (``scope``, ``scopes``, ``people``), else a clear error."""
    found = KINDS.get(name) or PLURALS.get(name)
    if found is None:
        raise InputError(f"no kind of key {name!r}", hint=f"known: {', '.join(PLURALS)}")
    return found


def _values(classes: tuple[str, ...]) -> str:
    return " ".join(f"<{c}>" for c in classes)


def exists(store: Backend, kind: KeyKind, iri: str) -> bool:
    """Whether the graph has a record of this kind with this IRI: one ASK."""
    result = store.query(f"ASK {{ VALUES ?class {{ {_values(kind.classes)} }} <{iri}> a ?class }}")
    return bool(result.boolean)


def all_keys(store: Backend, kind: KeyKind) -> list[Key]:
    """Every key of the kind with its label (the shortest English or plain one), in key order."""
    rows = store.select(f"""
        SELECT ?s (MIN(?l) AS ?label) WHERE {{
          VALUES ?class {{ {_values(kind.classes)} }}
          ?s a ?class .
          FILTER(STRSTARTS(STR(?s), "{ID}{kind.name}/"))
          OPTIONAL {{ ?s rdfs:label ?l FILTER(LANG(?l) = "" || LANGMATCHES(LANG(?l), "en")) }}
        }} GROUP BY ?s""")
    out = {}
    for row in rows:
        iri = str(row["s"])
        key = kind.key_of(iri)
        if key:
            out[key] = Key(key, str(row.get("label") or ""), kind.name, iri)
    return [out[k] for k in sorted(out)]


def _scored(text: str, keys: list[Key]) -> list[tuple[float, Key]]:
    """Each key with how well it matches ``text``: above 100 for a key or label that contains the text (the key
    itself first, then keys, then labels), else the best fuzzy score (rapidfuzz's WRatio) of key and label."""
    from rapidfuzz import fuzz, utils

    wanted = utils.default_process(text)
    out = []
    for k in keys:
        key, label = utils.default_process(k.key), utils.default_process(k.label)
        if wanted and (wanted in key or wanted in label):  # the key itself, then keys, then labels with it
            score = 102.0 if wanted == key else 101.0 if wanted in key else 100.0
        else:
            score = max(fuzz.WRatio(wanted, key), fuzz.WRatio(wanted, label) if label else 0.0)
        out.append((score, k))
    out.sort(key=lambda pair: (-pair[0], len(pair[1].key), pair[1].key))
    return out


def nearest(text: str, keys: list[Key], n: int = 5, cutoff: float = 70.0) -> list[Key]:
    """The ``n`` keys nearest ``text`` (by key or label), best first."""
    return [k for score, k in _scored(text, keys) if score >= cutoff][:n]


def list_keys(store: Backend, kind: KeyKind, text: str | None = None, cutoff: float = 75.0) -> list[Key]:
    """The keys of a kind; with ``text``, those whose key or label contains it, then fuzzy matches, best
    first."""
    keys = all_keys(store, kind)
    if not text:
        return keys
    return [k for score, k in _scored(text, keys) if score >= cutoff]


def nearest_any(store: Backend, text: str, kinds: list[str] | None = None, n: int = 5) -> list[Key]:
    """The keys nearest ``text`` among several kinds (all of them by default), best first."""
    pool = [k for name in (kinds or list(KINDS)) for k in all_keys(store, KINDS[name])]
    return nearest(text, pool, n)


def _other_kinds(store: Backend, key: str, kind: KeyKind) -> list[str]:
    """The other kinds that have a record with this key (``npfit`` is a programme, not a scope)."""
    others = [k for k in KINDS.values() if k is not kind]
    values = " ".join(f"<{k.iri(key)}>" for k in others)
    rows = store.select(f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} ?s a ?class }}")
    found = {str(r["s"]) for r in rows}
    return [k.name for k in others if k.iri(key) in found]


def require(store: Backend, param: str, kind_name: str, value: str) -> None:
    """Check that a parameter's key (or IRI) names a record of its kind in the graph; if not, raise an
    :class:`UnknownKeyError` that names the parameter, the key and the nearest keys of that kind."""
    kind = KINDS.get(kind_name)
    if kind is None:
        return
    iri = iri_of(kind, value)
    if not _BAD_IRI.search(iri) and exists(store, kind, iri):
        return
    key = kind.key_of(iri) or iri
    elsewhere = _other_kinds(store, key, kind) if is_key(key) else []
    raise unknown_key(param, kind, key, nearest(key, all_keys(store, kind)), elsewhere)


def iri_of(kind: KeyKind, value: str) -> str:
    """A parameter's value as an IRI: an IRI as it is, a key as the IRI of that kind's record."""
    value = value.strip()
    return value if value.startswith(("http://", "https://", "urn:")) else kind.iri(value)


def unknown_key(param: str, kind: KeyKind, key: str, suggestions: list[Key],
                elsewhere: list[str] | None = None) -> UnknownKeyError:
    """The error for a parameter naming a key that is not in the graph: the parameter, the key, the other kinds
    that have it, the nearest keys of the kind asked for, and how to list them all."""
    message = f"parameter {param}: there is no {kind.name} {key!r} in the graph"
    if elsewhere:
        message += f"; {key} is a {' and a '.join(elsewhere)}"
    near = ", ".join(f"{s.key} ({s.label})" if s.label else s.key for s in suggestions)
    hint = (f"nearest {kind.plural}: {near}; " if near else "") + f"`govkg keys {kind.plural}` lists them all"
    return UnknownKeyError(message, suggestions=suggestions, hint=hint)


def suggestions_json(exc: BaseException) -> list[dict[str, Any]]:
    """The suggestions an error carries, as JSON (none for other errors)."""
    return [s.as_dict() for s in getattr(exc, "suggestions", [])]
