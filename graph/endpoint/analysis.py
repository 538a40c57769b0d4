"""Governance analytics over HTTP: ``/api/analyse/{name}`` runs one analysis of graph/analytics in a query
worker and answers with its result as plain JSON, the same data ``govkg analyse NAME --json`` prints.

Each analysis names its parameters (query-string parameters); an unknown one, or a bad value, is a 400.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graph.errors import QueryError


@dataclass(frozen=True)
class Analysis:
    name: str
    summary: str
    params: dict[str, str]  # name → what it means
    run: Callable[[Any, dict[str, str]], Any]  # (GovernanceData, params) → a result for plain()


def _sro_turnover(data: Any, params: dict[str, str]) -> Any:
    from graph.analytics.data import parse_when
    from graph.analytics.sro import sro_turnover

    scope = data.resolve(params["scope"], "scope") if params.get("scope") else None
    today = parse_when(params["today"]) if params.get("today") else None
    return sro_turnover(data, department=params.get("department") or None, scope=scope, today=today)


def _changes(data: Any, params: dict[str, str]) -> Any:
    from graph.analytics.changes import DEFAULT_WINDOW_DAYS, changes_between
    from graph.analytics.data import parse_when

    if not params.get("from") or not params.get("to"):
        raise QueryError("parameters from and to are required (YYYY, YYYY-MM or YYYY-MM-DD)")
    first, second = parse_when(params["from"]), parse_when(params["to"], end=True)
    note = ""
    if second < first:
        first, second = parse_when(params["to"]), parse_when(params["from"], end=True)
        note = f"the dates were given latest first: compared {first.isoformat()} with {second.isoformat()}"
    window = params.get("window") or str(DEFAULT_WINDOW_DAYS)
    if not window.isdigit():
        raise QueryError(f"parameter window must be a whole number of days, not {window!r}")
    scope = data.resolve(params["scope"], "scope") if params.get("scope") else None
    result = changes_between(data, first, second, scope=scope, window_days=int(window))
    result.note = note or result.note
    return result


ANALYSES = {a.name: a for a in (
    Analysis("sro-turnover", "who held each project's SRO role, for how long, and how often it changed, per "
                             "project and per department",
             {"department": "only the projects this department leads (key, label or abbreviation: dhsc)",
              "scope": "only this project's scope (key, label or IRI)",
              "today": "the date an SRO still in post is counted to (YYYY-MM-DD; default today)"},
             _sro_turnover),
    Analysis("changes", "accountabilities unchanged, transferred, added, removed, and come and gone between two "
                        "dates, with every hand-over step and what it joins",
             {"from": "the first date (YYYY, YYYY-MM or YYYY-MM-DD: the first day of that period)",
              "to": "the second date (the last day of that period)",
              "scope": "only this scope (key, label or IRI)", "window": "days a hand-over may take (default 366)"},
             _changes),
)}


def checked(name: str, params: dict[str, list[str]]) -> dict[str, str]:
    """The parameters of ``name``, each given once; QueryError for an unknown one."""
    analysis = ANALYSES[name]
    out: dict[str, str] = {}
    for key, values in params.items():
        if key not in analysis.params:
            raise QueryError(f"analysis {name} has no parameter {key!r}", hint=f"known: {', '.join(analysis.params)}")
        if len(values) != 1:
            raise QueryError(f"parameter {key} is given {len(values)} times; give it once")
        out[key] = values[0].strip()
    return out


def run(name: str, params: dict[str, str], data: Any) -> Any:
    from graph.analytics.serial import plain

    return plain(ANALYSES[name].run(data, params))
