"""The JSON API's types: the parameters each route takes and the answers it gives, as pydantic models.

The OpenAPI document (graph/endpoint/openapi.py) is generated from them and from the route table
(graph/endpoint/asgi.py); the tests validate every JSON answer against the generated schemas.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Value = str | int | float | bool | None


class _Open(BaseModel):
    """An answer that may carry more members than it names (clients ignore the others)."""

    model_config = ConfigDict(extra="allow")


class KeySuggestion(BaseModel):
    key: str
    label: str
    kind: str
    iri: str


class Error(BaseModel):
    """The one error shape of every HTTP answer."""

    ok: Literal[False]
    status: int
    error: str
    hint: str | None = None
    suggestions: list[KeySuggestion] | None = Field(
        None, description="a parameter naming a key that is not in the graph: the nearest keys that are")


class Health(_Open):
    ok: Literal[True]
    store: str
    triples: int
    sources: int
    workers: int
    workers_alive: int | None = None
    timeouts: int | None = None
    workers_replaced: int | None = None
    timeout: float
    result_limit: int
    update: bool | None = None


class Source(_Open):
    key: str
    graph: str = Field(json_schema_extra={"format": "uri"})
    generation: int
    content_hash: str
    ingested_at: str
    triples: int
    origin: str
    ingester: str
    title: str | None = None
    report: dict[str, Any] | None = Field(None, description="what the ingest found (counts, problems), as JSON")
    name: str | None = Field(None, description="the IRI the source is published under, when it has one")


class Sources(_Open):
    sources: list[Source]


class Param(BaseModel):
    name: str
    type: str
    default: str | None
    help: str
    kind: str | None = Field(None, description="the kind of thing an iri parameter names (scope, programme, body, "
                                               "theme, person, post, source): its value must be in the graph")


class CannedQuery(_Open):
    name: str
    title: str
    description: str
    params: list[Param]
    href: str


class CannedQueries(_Open):
    queries: list[CannedQuery]


class Rows(_Open):
    name: str
    title: str
    params: dict[str, str]
    variables: list[str]
    rows: list[dict[str, Value]]
    count: int
    truncated: bool
    limit: int
    seconds: float


class Stated(BaseModel):
    """Which merged records, and which ingested sources, state a fact."""

    records: list[str]
    sources: list[str]


class PropertyValue(Stated):
    predicate: str
    value: Value


class LinkOut(Stated):
    predicate: str
    target: str
    label: str


class LinkIn(Stated):
    predicate: str
    source: str
    label: str


class Referent(BaseModel):
    iri: str
    label: str
    types: list[str]
    sources: list[str]
    link: str


class OtherNamed(BaseModel):
    iri: str
    label: str
    types: list[str]


class Entity(_Open):
    """One thing with the records linked to it as the same thing (owl:sameAs, gk:sameInitiativeAs) merged in:
    each fact lists the records and sources that state it."""

    iri: str
    label: str
    types: list[str]
    properties: list[PropertyValue]
    outgoing: list[LinkOut]
    incoming: list[LinkIn]
    sources: list[dict[str, Value]]
    graphs: list[str]
    referents: list[Referent] = Field(description="the linked records (empty for a record linked to none)")
    also_named: list[OtherNamed] = Field(description="other things the name matches, not opened")
    reports: list[dict[str, Value]] = Field(description="a major project's ratings and whole-life cost by year")
    accountabilities: list[dict[str, object]] = Field(
        description="held by it, by its posts and their holders, or for it or its scope")


class Analysis(_Open):
    """An analysis of graph/analytics as plain JSON: the same data as ``govkg analyse NAME --json``."""

    analysis: str
    params: dict[str, str]
    result: dict[str, object]


class SearchHit(_Open):
    iri: str
    score: float
    title: str | None = None
    kind: str | None = None


class SearchResult(_Open):
    query: str
    mode: str | None = None
    k: int | None = None
    hits: list[SearchHit]


class UpdateDone(_Open):
    ok: Literal[True]
    source: str
    changed: bool
    triples: int
    graphs: list[str] | None = Field(None, description='the graphs changed ("": the default graph)')


class GraphWritten(_Open):
    ok: Literal[True]
    graph: str | None


# --------------------------------------------------------------------------------------------- parameters
class EntityParams(BaseModel):
    ref: str = Field(description="a key (nhs-digital), kind/key, label or IRI")


class SearchParams(BaseModel):
    q: str = Field(description="what to look for, in plain words")
    k: int = Field(10, ge=1, le=100, description="how many hits")
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="how to rank")
