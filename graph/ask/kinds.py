"""Kinds of question: each a canned query with ``# ask:`` header lines, or an analysis described by a YAML file.

A kind is one file, so adding a kind is adding a file:

* a canned query in ``ontology/queries/*.rq`` (listed by ``govkg query``) or ``ontology/queries/ask/*.rq`` (asked
  only through ``govkg ask``), whose header has, beside its title and parameters::

      # ask: who was accountable for the national digital strategy in 2020?   (example phrasings, repeatable)
      # ask-pattern: \\b(accountable|responsible)\\b   (a regular expression that speaks for the kind)
      # ask-needs: subject                             (parameters the question must fill)
      # ask-record: accountability                     (the column naming each row's record, for its sources)
      # ask-record-pattern: ?record gk:predecessor ?from  (or: a pattern that finds it from the row's columns)
      # ask-label: holderLabel                         (the column that names a row)
      # ask-view: accountability                       (the explorer view that shows the same)
      # ask-summary: {n} holder(s) of {subject} {period}: {list:holderLabel}.
      # ask-requires: pattern                          (only when a pattern is in the question)

* an analysis in ``ontology/queries/ask/*.yaml`` with the same fields and ``analysis:`` naming the function in
  :mod:`graph.ask.analyses` that answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from graph.errors import QueryError
from graph.queries import CannedQuery, Param, canned_queries
from ontology import ASK_DIR, QUERIES_DIR


@dataclass(frozen=True)
class AskKind:
    """One kind of question and how it is answered."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    needs: tuple[str, ...] = ()
    record: str | None = None
    label: str | None = None
    view: str | None = None
    summary: str = "{n} row(s)."
    requires_pattern: bool = False  # chosen only when one of its patterns is in the question
    record_pattern: str | None = None  # a graph pattern finding ?record from a row's columns (as variables)
    query: CannedQuery | None = None
    analysis: str | None = None
    path: Path = field(default=Path())

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def pattern_hit(self, question: str) -> bool:
        return any(p.search(question) for p in self.patterns)


def _compile(patterns: list[str], where: Path) -> tuple[re.Pattern[str], ...]:
    out = []
    for text in patterns:
        try:
            out.append(re.compile(text, re.IGNORECASE))
        except re.error as exc:
            raise QueryError(f"bad ask-pattern {text!r}: {exc}", where=str(where)) from exc
    return tuple(out)


def from_query(query: CannedQuery) -> AskKind | None:
    """The kind a canned query's ``# ask…`` lines describe, or None when it has none."""
    lines: dict[str, list[str]] = {}
    for key, value in query.ask:
        lines.setdefault(key, []).append(value)
    if not lines.get("ask"):
        return None

    def one(key: str) -> str | None:
        return lines[key][-1] if key in lines else None

    return AskKind(query.name, query.title, query.description, query.params, tuple(lines["ask"]),
                   _compile(lines.get("ask-pattern", []), query.path),
                   tuple((one("ask-needs") or "").split()), one("ask-record"), one("ask-label"), one("ask-view"),
                   one("ask-summary") or "{n} row(s).", one("ask-requires") == "pattern",
                   one("ask-record-pattern"), query=query, path=query.path)


def from_yaml(path: Path) -> AskKind:
    """An analysis kind from its YAML file."""
    try:
        data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QueryError(f"cannot read the kind of question: {exc}", where=str(path)) from exc
    missing = [k for k in ("title", "analysis", "ask") if not data.get(k)]
    if missing:
        raise QueryError(f"a kind of question needs {', '.join(missing)}", where=str(path))
    params = tuple(Param(p["name"], p.get("type", "string"), p.get("default"), p.get("help", ""))
                   for p in data.get("params") or [])
    return AskKind(path.stem, data["title"], data.get("description", ""), params, tuple(data["ask"]),
                   _compile(list(data.get("patterns") or []), path), tuple(data.get("needs") or ()),
                   data.get("record"), data.get("label"), data.get("view"), data.get("summary", "{n} row(s)."),
                   data.get("requires") == "pattern", analysis=data["analysis"], path=path)


@cache
def ask_kinds(folders: tuple[Path, ...] = (QUERIES_DIR, ASK_DIR)) -> dict[str, AskKind]:
    """Every kind of question, by name: the canned queries with ask lines, then the ask folder's queries and
    analyses."""
    kinds: dict[str, AskKind] = {}
    for folder in folders:
        for query in canned_queries(folder).values():
            kind = from_query(query)
            if kind:
                kinds[kind.name] = kind
        for path in sorted(folder.glob("*.yaml")):
            kinds[path.stem] = from_yaml(path)
    return kinds

