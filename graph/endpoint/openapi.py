"""The OpenAPI 3.1 document of ``govkg serve``: the JSON API, the SPARQL endpoint and the graph store.

Generated: the JSON API's paths from the server's typed route table (:class:`ApiRoute`: the parameters and
answers are pydantic models, graph/endpoint/models.py, whose JSON schemas become the components), the canned
query names from ``ontology/queries``; the SPARQL and Graph Store Protocol operations, whose bodies are not
JSON, are described here. Served at ``/api/openapi.json`` and shown with Swagger UI at ``/api/docs``. The
tests validate it, check that it names exactly the routes the server answers, and validate every JSON answer
against its schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from graph.endpoint import formats, models
from graph.endpoint.analysis import ANALYSES
from graph.queries import CannedQuery

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _json("Error", description)


NULLABLE_STRING = {"type": ["string", "null"]}
MODELS: tuple[type[BaseModel], ...] = (models.Error, models.Health, models.Sources, models.CannedQueries, models.Rows,
                                       models.Entity, models.Analysis, models.SearchResult, models.Answer, models.UpdateDone,
                                       models.GraphWritten)


@dataclass(frozen=True)
class ApiRoute:
    """A route of the JSON API as the document describes it: GET ``path`` with the query parameters of
    ``params``, answering ``answer`` as JSON (None: some other document) or an error with each status of
    ``errors``. The server's route table is a list of these (graph/endpoint/asgi.py)."""

    path: str
    summary: str
    operation: str
    handler: Any
    answer: type[BaseModel] | None
    params: type[BaseModel] | None = None
    errors: tuple[tuple[int, str], ...] = ()


def components() -> dict[str, Any]:
    """The JSON schemas of the answers, generated from their models (graph/endpoint/models.py)."""
    found: dict[str, Any] = {}
    for model in MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    found["SparqlResults"] = SPARQL_RESULTS
    return found


def parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The query parameters a parameters model declares."""
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", None)
        prop.pop("title", None)
        out.append({"name": name, "in": "query", "required": name in required, "schema": prop,
                    **({"description": description} if description else {})})
    return out


def _api_path(route: ApiRoute) -> dict[str, Any]:
    ok: dict[str, Any] = _json(route.answer.__name__, "the answer") if route.answer else {
        "description": "the answer", "content": {"application/json": {"schema": {"type": "object"}}}}
    return {"get": {"summary": route.summary, "operationId": route.operation,
                    "parameters": parameters(route.params) if route.params else [],
                    "responses": {"200": ok, **{str(code): _error(text) for code, text in route.errors}}}}


SPARQL_RESULTS: dict[str, Any] = {
        "description": "SPARQL 1.1 Query Results JSON; a result cut at the server's limit has "
                       "`truncated: true` and `limit`.",
        "type": "object", "required": ["head"],
        "properties": {
            "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
            "boolean": {"type": "boolean"},
            "results": {"type": "object", "required": ["bindings"], "properties": {
                "bindings": {"type": "array", "items": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["type", "value"],
                    "properties": {"type": {"enum": ["uri", "literal", "bnode", "triple"]},
                                   "value": {}, "datatype": {"type": "string"},
                                   "xml:lang": {"type": "string"}}}}}}},
            "truncated": {"type": "boolean"}, "limit": {"type": "integer"},
        },
}

RESULT_HEADERS = {
    "GovKG-Result-Truncated": {"description": "`true` when the result was cut at the server's limit",
                               "schema": {"type": "string"}},
    "GovKG-Result-Limit": {"description": "the limit a cut result was cut at", "schema": {"type": "integer"}},
    "GovKG-Result-Rows": {"description": "rows (or triples) in this answer", "schema": {"type": "integer"}},
}


def _sparql_responses(update: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {f.media_type: {"schema": {"type": "string"}}
                               for f in (*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS)}
    content[formats.JSON.media_type] = {"schema": _ref("SparqlResults")}
    if update:
        content["application/json"] = {"schema": _ref("UpdateDone")}
    return {
        "200": {"description": "SELECT/ASK results (JSON, XML, CSV, TSV) or a CONSTRUCT/DESCRIBE graph (Turtle, "
                               "N-Triples, JSON-LD, RDF/XML) by content negotiation; without a query, the "
                               "service description", "headers": RESULT_HEADERS, "content": content},
        "400": _error("malformed query or parameters"),
        "406": _error("no acceptable format for this kind of result"),
        "503": _error("the query was stopped at the timeout, or every worker stayed busy"),
    }


def _params(names: list[str]) -> list[dict[str, Any]]:
    described = {
        "query": "the SPARQL query", "default-graph-uri": "a graph of the default graph (repeatable)",
        "named-graph-uri": "a named graph of the dataset (repeatable)",
        "format": "json, xml, csv, tsv, ttl, nt, jsonld or rdfxml (wins over the Accept header)",
    }
    return [{"name": n, "in": "query", "required": False, "description": described[n],
             "schema": {"type": "array", "items": {"type": "string"}} if n.endswith("-uri") else {"type": "string"},
             **({"explode": True} if n.endswith("-uri") else {})} for n in names]


def _graph_store(naming: str, operation: str, *, path: bool = False) -> dict[str, Any]:
    """The SPARQL 1.1 Graph Store HTTP Protocol's operations on a graph of the editable dataset."""
    params: list[dict[str, Any]] = [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}] \
        if path else [{"name": "graph", "in": "query", "required": False, "schema": {"type": "string"},
                       "description": "the graph's IRI"},
                      {"name": "default", "in": "query", "required": False, "allowEmptyValue": True,
                       "schema": {"type": "string"}, "description": "the default graph (the sparql-update source)"}]
    rdf = {f.media_type: {"schema": {"type": "string"}} for f in formats.GRAPH_FORMATS}
    written = {"201": _json("GraphWritten", "the graph was created (POST to /data: its IRI in Location)"),
               "204": {"description": "the graph was changed"},
               "400": _error("unreadable RDF or a bad graph name"),
               "403": _error("no update token"), "415": _error("not an RDF graph format")}
    body = {"required": True, "content": {**rdf, "multipart/form-data": {"schema": {"type": "string"}}}}
    return {
        "get": {"summary": f"a graph of the editable dataset, named by {naming}", "operationId": f"{operation}Get",
                "parameters": params, "responses": {"200": {"description": "the graph", "content": rdf},
                                                    "404": _error("no such graph")}},
        "put": {"summary": "replace the graph", "operationId": f"{operation}Put", "parameters": params,
                "requestBody": body, "responses": written},
        "post": {"summary": "add to the graph (a new graph when no graph is named)", "operationId": f"{operation}Post",
                 "parameters": params, "requestBody": body, "responses": written},
        "delete": {"summary": "remove the graph", "operationId": f"{operation}Delete", "parameters": params,
                   "responses": {"204": {"description": "removed"}, "403": _error("no update token"),
                                 "404": _error("no such graph")}},
    }


def openapi(queries: dict[str, CannedQuery], routes: list[ApiRoute]) -> dict[str, Any]:
    """The OpenAPI document."""
    canned_params = sorted({p.name for q in queries.values() for p in q.params})
    return {
        "openapi": "3.1.0",
        "info": {"title": "GovKG", "version": VERSION,
                 "description": "The GovKG knowledge graph of public-sector digital programme governance: "
                                "a SPARQL 1.1 endpoint and a small JSON API. Read-only unless the server was "
                                "started with an update token."},
        "paths": {
            "/sparql": {
                "get": {"summary": "SPARQL 1.1 query (or, without a query, the service description)",
                        "operationId": "sparqlGet", "parameters": _params(["query", "default-graph-uri",
                                                                          "named-graph-uri", "format"]),
                        "responses": _sparql_responses()},
                "post": {"summary": "SPARQL 1.1 query or update (URL-encoded or direct)", "operationId": "sparqlPost",
                         "parameters": _params(["default-graph-uri", "named-graph-uri", "format"]),
                         "requestBody": {"required": True, "content": {
                             "application/x-www-form-urlencoded": {"schema": {
                                 "type": "object", "properties": {"query": {"type": "string"},
                                                                  "update": {"type": "string"}}}},
                             "application/sparql-query": {"schema": {"type": "string"}},
                             "application/sparql-update": {"schema": {"type": "string"}}}},
                         "responses": {**_sparql_responses(update=True),
                                       "403": _error("an update without the server's update token"),
                                       "415": _error("an unsupported request body type")}},
            },
            "/api/queries/{name}": {"get": {
                "summary": "run a canned query; its parameters are query-string parameters",
                "operationId": "runQuery",
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": sorted(queries)}}]
                + [{"name": n, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": "; ".join(f"{q.name}: {p.help}" for q in queries.values()
                                             for p in q.params if p.name == n)} for n in canned_params],
                "responses": {"200": _json("Rows", "the rows, as plain JSON values"),
                              "400": _error("an unknown or malformed parameter"),
                              "404": _error("no canned query of that name, or a parameter naming a key that is not in the "
                                             "graph (with the nearest keys as suggestions)"),
                              "503": _error("stopped at the timeout")}}},
            "/api/analyse/{name}": {"get": {
                "summary": "run a governance analysis; its parameters are query-string parameters",
                "operationId": "analyse",
                "description": "; ".join(f"{a.name}: {a.summary}" for a in ANALYSES.values()),
                "parameters": [{"name": "name", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": sorted(ANALYSES)}}]
                + [{"name": n, "in": "query", "required": False, "schema": {"type": "string"},
                    "description": "; ".join(f"{a.name}: {a.params[n]}" for a in ANALYSES.values() if n in a.params)}
                   for n in sorted({n for a in ANALYSES.values() for n in a.params})],
                "responses": {"200": _json("Analysis", "the result"),
                              "400": _error("an unknown parameter or a bad value"),
                              "404": _error("no analysis of that name, or no department, scope of that name"),
                              "503": _error("stopped at the timeout")}}},
            **{r.path: _api_path(r) for r in routes},
            "/data": _graph_store("?graph=IRI or ?default", "data"),
            "/data/{path}": _graph_store("the request URL itself (direct identification)", "dataPath",
                                         path=True),
            "/api/docs": {"get": {"summary": "this document in Swagger UI", "operationId": "docs",
                                  "responses": {"200": {"description": "an HTML page",
                                                        "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
        "components": {"schemas": components()},
    }
