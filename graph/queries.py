"""Canned queries: ontology/queries/*.rq, each with a title, a description and typed parameters.

A query file starts with comment lines::

    # title: Who was accountable for a scope in a year
    # description: Holders of every accountability for the scope that was in force during the year.
    # param: scope iri:scope = national-digital-strategy -- the scope's key or IRI
    # param: year integer = 2020 -- the calendar year

``iri:KIND`` says which kind of thing a parameter names (scope, programme, body, theme, person, post, source:
graph/keys.py); its value is a key of that kind (``npfit`` for ``id:programme/npfit``) or an IRI. Before a
query runs, :meth:`CannedQuery.check` asks the store whether each such key is there, and names the nearest
keys when it is not, so that a mistyped key is an error rather than an empty answer.

Parameters appear in the query as ``$name`` and are replaced by the typed, escaped term before it runs, so the
same text works on the embedded store and on any SPARQL server.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.backends.base import Backend
from graph.errors import NotFoundError, QueryError
from graph.keys import KINDS, require
from graph.namespaces import ID
from ontology import QUERIES_DIR

_PARAM = re.compile(r"^(?P<name>[a-z_][a-z0-9_]*)\s+(?P<type>iri(?::[a-z-]+)?|integer|date|string)"
                    r"\s*(?:=\s*(?P<default>[^\s]+))?\s*(?:--\s*(?P<help>.*))?$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    help: str

    def term(self, raw: str) -> str:
        """The SPARQL term for a raw value, checked against the parameter's type."""
        value = raw.strip()
        if self.type.startswith("iri"):
            if value.startswith(("http://", "https://", "urn:")):
                if re.search(r"[\s<>\"{}|\\^`]", value):
                    raise QueryError(f"parameter {self.name}: {value!r} is not a valid IRI")
                return f"<{value}>"
            if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", value):
                raise QueryError(f"parameter {self.name}: {value!r} is not a key (like nhs-digital) or an IRI")
            kind = self.type.partition(":")[2] or "body"
            return f"<{ID}{kind}/{value}>"
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,9}", value):
                raise QueryError(f"parameter {self.name}: {value!r} is not a whole number")
            return value
        if self.type == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise QueryError(f"parameter {self.name}: {value!r} is not a date (YYYY-MM-DD)") from exc
            return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'

    @property
    def kind(self) -> str | None:
        """The kind of thing an ``iri:KIND`` parameter names (``body`` for a bare ``iri``), else None."""
        if not self.type.startswith("iri"):
            return None
        return self.type.partition(":")[2] or "body"

    def value(self, raw: str) -> Any:
        """The typed value for a raw string (an IRI as text, a whole number, a date, a string), checked as
        :meth:`term` checks it: for Cypher's parameters."""
        term = self.term(raw)  # raises QueryError for a bad value, with the same message as SPARQL
        if self.type.startswith("iri"):
            return term[1:-1]
        if self.type == "integer":
            return int(term)
        if self.type == "date":
            return dt.date.fromisoformat(raw.strip())
        return raw.strip()


@dataclass(frozen=True)
class CannedQuery:
    """A canned query file: SPARQL (``.rq``, parameters bound into the text) or Cypher (``.cypher``, parameters
    passed typed to the driver), with the same header and the same parameter checks."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path
    language: str = "sparql"
    ask: tuple[tuple[str, str], ...] = ()  # ``# ask…:`` header lines (graph/ask reads them), in file order

    def values(self, given: Mapping[str, str] | None = None) -> dict[str, str]:
        """Every parameter's raw value: the one given, else its default; unknown or missing ones refused."""
        given = dict(given or {})
        unknown = set(given) - {p.name for p in self.params}
        if unknown:
            names = ", ".join(p.name for p in self.params) or "none"
            raise QueryError(f"query {self.name}: unknown parameter(s) {', '.join(sorted(unknown))} (takes: {names})")
        out = {}
        for p in self.params:
            raw = given.get(p.name, p.default)
            if raw is None:
                raise QueryError(f"query {self.name}: parameter {p.name} is required ({p.help})")
            out[p.name] = raw
        return out

    def bind(self, given: Mapping[str, str] | None = None) -> str:
        """The SPARQL text with every parameter replaced by its term (defaults where not given)."""
        text, values = self.text, self.values(given)
        for p in self.params:
            term = p.term(values[p.name])
            text = re.sub(rf"\${p.name}\b", lambda _m, t=term: t, text)  # type: ignore[misc]
        return text

    def key_refs(self, given: Mapping[str, str] | None = None) -> tuple[tuple[str, str, str], ...]:
        """``(parameter, kind, value)`` for each parameter that names a key, with the values given or the
        defaults: what :meth:`check` looks up (picklable, for a query worker)."""
        values = self.values(given)
        return tuple((p.name, p.kind, values[p.name]) for p in self.params if p.kind)

    def check(self, store: Backend, given: Mapping[str, str] | None = None) -> None:
        """Raise :class:`graph.keys.UnknownKeyError` when a parameter names a key that is not in the graph."""
        check_keys(store, self.key_refs(given))

    def parameters(self, given: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Typed parameters for a driver (Cypher): the given values or the defaults, checked."""
        return {p.name: p.value(raw) for p, raw in zip(self.params, self.values(given).values(), strict=True)}


@dataclass(frozen=True)
class QueryHeader:
    """What the comment lines at the top of a canned query file say, and the whole text."""

    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    ask: tuple[tuple[str, str], ...] = ()


def read_header(path: Path, comment: str = "#") -> QueryHeader:
    """Parse the ``title``/``description``/``param`` comment lines of a canned query file, and the ``ask``
    lines (``ask:``, ``ask-pattern:``, ``ask-summary:``…) that make it a kind of question for ``govkg ask``.

    ``comment`` is the language's line comment: ``#`` for SPARQL, ``//`` for Cypher.
    """
    header = re.compile(rf"^{re.escape(comment)}\s*(title|description|param|ask(?:-[a-z]+)*):\s*(.*)$")
    meta: dict[str, str] = {}
    params: list[Param] = []
    ask: list[tuple[str, str]] = []
    text = path.read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if not match:
            if line.strip() and not line.startswith(comment):
                break
            continue
        key, value = match.groups()
        if key.startswith("ask"):
            ask.append((key, value.strip()))
        elif key == "param":
            pm = _PARAM.match(value.strip())
            if not pm:
                raise QueryError(f"bad parameter declaration: {value!r}", where=f"{path}:{n}")
            param = Param(pm["name"], pm["type"], pm["default"], (pm["help"] or "").strip())
            if param.kind and param.kind not in KINDS:
                raise QueryError(f"parameter {param.name}: no kind of key {param.kind!r}",
                                 where=f"{path}:{n}", hint=f"known: {', '.join(KINDS)}")
            params.append(param)
        else:
            meta[key] = value.strip()
    if "title" not in meta:
        raise QueryError(f"canned query without a '{comment} title:' line", where=str(path))
    if ask:  # the ask lines are for govkg ask: the query as shown and run is the file without them
        text = "".join(line for line in text.splitlines(keepends=True)
                       if not re.match(rf"^{re.escape(comment)}\s*ask(?:-[a-z]+)*:", line))
    return QueryHeader(meta["title"], meta.get("description", ""), tuple(params), text, tuple(ask))


LANGUAGES = {"sparql": (".rq", "#"), "cypher": (".cypher", "//")}  # file suffix and line comment


def parse_query_file(path: Path) -> CannedQuery:
    """A canned query file, SPARQL or Cypher by its suffix."""
    language = next((lang for lang, (suffix, _) in LANGUAGES.items() if path.suffix == suffix), "sparql")
    h = read_header(path, LANGUAGES[language][1])
    return CannedQuery(path.stem, h.title, h.description, h.params, h.text, path, language, h.ask)


def canned_queries(folder: Path = QUERIES_DIR, language: str = "sparql") -> dict[str, CannedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted(folder.glob(f"*{LANGUAGES[language][0]}"))}


def get_query(name: str, folder: Path = QUERIES_DIR, language: str = "sparql") -> CannedQuery:
    queries = canned_queries(folder, language)
    if name not in queries:
        kind = "canned query" if language == "sparql" else "canned Cypher query"
        raise NotFoundError(f"no {kind} {name!r}", hint=f"known: {', '.join(queries)}")
    return queries[name]


def check_keys(store: Backend, refs: tuple[tuple[str, str, str], ...]) -> None:
    """Check each ``(parameter, kind, value)`` of :meth:`CannedQuery.key_refs` against the store."""
    for name, kind, value in refs:
        require(store, name, kind, value)


def parse_params(pairs: list[str]) -> dict[str, str]:
    """``["year=2020", "scope=x"]`` → dict, with a clear error for anything else."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(f"--param takes name=value, got {pair!r}")
        out[name.strip()] = value
    return out
