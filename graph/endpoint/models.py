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


class AskParam(BaseModel):
    name: str
    value: str
    label: str
    read_from: str = Field(description="the words of the question it was read from, or default")


class AskRow(BaseModel):
    values: dict[str, object]
    record: str | None = Field(None, description="the record the row states, whose sources are given")
    sources: list[dict[str, str]] = Field(description="source documents: key, title, date, url")
    evidence: list[str] = Field(description="quoted passages of the sources that support the record")


class Answer(_Open):
    """A question answered from the graph: how it was read, the query, the rows with their sources, a summary
    built from the rows — or why not (not-found, clarify, not-understood), with the closest readings."""

    question: str
    status: Literal["answered", "not-found", "clarify", "not-understood"]
    message: str
    kind: str | None
    kind_title: str | None
    score: float
    params: list[AskParam]
    sparql: str | None = Field(None, description="the query behind the answer, parameters bound")
    console: str | None = Field(None, description="the explorer's SPARQL console with the query (a query string)")
    view: str | None = Field(None, description="the explorer's view that shows the same (a query string)")
    columns: list[str]
    rows: list[AskRow]
    summary: str
    alternatives: list[dict[str, object]]
    did_you_mean: list[dict[str, str]]
    search: str | None = Field(None, description="a search to try instead")
    entities: list[dict[str, str]]
    also_named: list[dict[str, str]] = Field(default_factory=list,
                                              description="other things a name read also names, not used")
    seconds: float


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


class AskParams(BaseModel):
    q: str = Field(description="the question in plain English, e.g. who replaced NHS Connecting for Health?")


class SearchParams(BaseModel):
    q: str = Field(description="what to look for, in plain words")
    k: int = Field(10, ge=1, le=100, description="how many hits")
    mode: Literal["hybrid", "dense", "lexical"] = Field("hybrid", description="how to rank")
