"""The jobs the HTTP server hands to query workers, and the replies they send back (both picklable).

A reply is a whole HTTP answer (status, content type, body, extra headers), so a worker does all the work
that touches the store, including serialising, and the server only copies bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from graph.errors import GovKGError, NotFoundError, QueryError, QueryTimeout, SettingsError, StoreError


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SparqlJob:
    """A SPARQL query from the protocol; ``default_graphs``/``named_graphs`` are the protocol's dataset."""

    query: str
    accept: str | None
    formats: tuple[str, ...]
    limit: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    timeout: float | None = None  # seconds the store may spend, where it can stop itself (a SPARQL server)
    base_iri: str | None = None  # what relative IRIs in the query resolve against


@dataclass(frozen=True)
class RowsJob:
    """A query whose rows come back as the JSON API's plain rows (canned queries)."""

    query: str
    limit: int
    meta: dict[str, Any] = field(default_factory=dict)  # name, title, params: copied into the answer
    keys: tuple[tuple[str, str, str], ...] = ()  # (parameter, kind, value) to find in the graph first


@dataclass(frozen=True)
class EntityJob:
    ref: str


@dataclass(frozen=True)
class AnalysisJob:
    """One analysis of graph/analytics (graph/endpoint/analysis.py) with its checked parameters."""

    name: str
    params: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SearchJob:
    q: str
    k: int
    mode: str


@dataclass(frozen=True)
class AskJob:
    """A question in plain English (graph/ask), answered in the search worker, which holds the model."""

    q: str


@dataclass(frozen=True)
class UpdateJob:
    """Apply a SPARQL Update to the endpoint's editable dataset in a scratch store: the default graph is the
    source ``source``, each named graph a source published under its name. The reply (JSON) names the graphs
    that changed with their new triples as N-Triples; the server writes them into the store."""

    update: str
    source: str
    base_iri: str | None = None


@dataclass(frozen=True)
class SourcesJob:
    """The catalog: the live sources with their graphs and sizes."""


@dataclass(frozen=True)
class PingJob:
    pass


Job = SparqlJob | RowsJob | EntityJob | AnalysisJob | SearchJob | AskJob | UpdateJob | SourcesJob | PingJob


def json_reply(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return Reply(status, "application/json", body, headers or {})


def error_reply(status: int, message: str, hint: str | None = None) -> Reply:
    """The one error shape of every HTTP answer: ``{"ok": false, "status", "error", "hint"}``."""
    return json_reply({"ok": False, "status": status, "error": message, "hint": hint}, status)


def status_of(exc: GovKGError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, QueryTimeout):
        return 503
    if isinstance(exc, QueryError | SettingsError):
        return 400
    if isinstance(exc, StoreError):
        return 503
    return 400 if exc.exit_code == 2 else 500


def reply_for(exc: GovKGError) -> Reply:
    text = f"{exc.where}: {exc.message}" if exc.where else exc.message
    suggestions = [s.as_dict() for s in getattr(exc, "suggestions", [])]
    if suggestions:  # a key not in the graph: the nearest ones, for a client to offer
        status = status_of(exc)
        return json_reply({"ok": False, "status": status, "error": text, "hint": exc.hint,
                           "suggestions": suggestions}, status)
    return error_reply(status_of(exc), text, exc.hint)
