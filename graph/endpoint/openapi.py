"""The OpenAPI 3.1 document of ``govkg serve``: the JSON API for other tools, and the SPARQL endpoint.

Built from code (the canned query names come from ``ontology/queries``); served at ``/api/openapi.json``.
The tests validate it, check that it names exactly the routes the server answers, and validate every JSON
answer against its schema.
"""

from __future__ import annotations

from typing import Any

from graph.endpoint import formats
from graph.queries import CannedQuery

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _error(description: str) -> dict[str, Any]:
    return _json("Error", description)


NULLABLE_STRING = {"type": ["string", "null"]}
VALUE = {"type": ["string", "number", "integer", "boolean", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["ok", "status", "error"],
        "properties": {"ok": {"const": False}, "status": {"type": "integer"}, "error": {"type": "string"},
                       "hint": NULLABLE_STRING},
    },
    "Health": {
        "type": "object", "required": ["ok", "store", "triples", "sources", "workers", "timeout", "result_limit"],
        "properties": {
            "ok": {"const": True}, "store": {"type": "string"}, "triples": {"type": "integer"},
            "sources": {"type": "integer"}, "workers": {"type": "integer"}, "workers_alive": {"type": "integer"},
            "timeouts": {"type": "integer"}, "workers_replaced": {"type": "integer"},
            "timeout": {"type": "number"}, "result_limit": {"type": "integer"}, "update": {"type": "boolean"},
        },
    },
    "Source": {
        "type": "object",
        "required": ["key", "graph", "generation", "content_hash", "ingested_at", "triples", "origin", "ingester"],
        "properties": {"key": {"type": "string"}, "graph": {"type": "string", "format": "uri"},
                       "generation": {"type": "integer"}, "content_hash": {"type": "string"},
                       "ingested_at": {"type": "string"}, "triples": {"type": "integer"},
                       "origin": {"type": "string"}, "ingester": {"type": "string"}, "title": {"type": "string"},
                       "report": {"type": "string"}},
    },
    "Sources": {"type": "object", "required": ["sources"],
                "properties": {"sources": {"type": "array", "items": _ref("Source")}}},
    "Param": {"type": "object", "required": ["name", "type", "default", "help"],
              "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "default": NULLABLE_STRING,
                             "help": {"type": "string"}}},
    "CannedQuery": {
        "type": "object", "required": ["name", "title", "description", "params", "href"],
        "properties": {"name": {"type": "string"}, "title": {"type": "string"},
                       "description": {"type": "string"}, "params": {"type": "array", "items": _ref("Param")},
                       "href": {"type": "string"}},
    },
    "CannedQueries": {"type": "object", "required": ["queries"],
                      "properties": {"queries": {"type": "array", "items": _ref("CannedQuery")}}},
    "Rows": {
        "type": "object",
        "required": ["name", "title", "params", "variables", "rows", "count", "truncated", "limit", "seconds"],
        "properties": {
            "name": {"type": "string"}, "title": {"type": "string"},
            "params": {"type": "object", "additionalProperties": {"type": "string"}},
            "variables": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "object", "additionalProperties": VALUE}},
            "count": {"type": "integer"}, "truncated": {"type": "boolean"}, "limit": {"type": "integer"},
            "seconds": {"type": "number"},
        },
    },
    "Entity": {
        "type": "object",
        "required": ["iri", "label", "types", "properties", "outgoing", "incoming", "sources", "graphs"],
        "properties": {
            "iri": {"type": "string"}, "label": {"type": "string"},
            "types": {"type": "array", "items": {"type": "string"}},
            "properties": {"type": "array", "items": {
                "type": "object", "required": ["predicate", "value"],
                "properties": {"predicate": {"type": "string"}, "value": VALUE}}},
            "outgoing": {"type": "array", "items": {
                "type": "object", "required": ["predicate", "target", "label"],
                "properties": {"predicate": {"type": "string"}, "target": {"type": "string"},
                               "label": {"type": "string"}}}},
            "incoming": {"type": "array", "items": {
                "type": "object", "required": ["predicate", "source", "label"],
                "properties": {"predicate": {"type": "string"}, "source": {"type": "string"},
                               "label": {"type": "string"}}}},
            "sources": {"type": "array", "items": {"type": "object", "additionalProperties": VALUE}},
            "graphs": {"type": "array", "items": {"type": "string"}},
        },
    },
    "SearchResult": {
        "type": "object", "required": ["query", "hits"],
        "properties": {"query": {"type": "string"}, "mode": {"type": "string"}, "k": {"type": "integer"},
                       "hits": {"type": "array", "items": {
                           "type": "object", "required": ["iri", "score"],
                           "properties": {"iri": {"type": "string"}, "score": {"type": "number"},
                                          "title": {"type": "string"}, "kind": {"type": "string"}}}}},
    },
    "UpdateDone": {"type": "object", "required": ["ok", "source", "changed", "triples"],
                   "properties": {"ok": {"const": True}, "source": {"type": "string"},
                                  "changed": {"type": "boolean"}, "triples": {"type": "integer"},
                                  "graphs": {"type": "array", "items": {"type": "string"},
                                             "description": "the graphs changed (\"\": the default graph)"}}},
    "GraphWritten": {"type": "object", "required": ["ok", "graph"],
                     "properties": {"ok": {"const": True}, "graph": NULLABLE_STRING}},
    "SparqlResults": {
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


def openapi(queries: dict[str, CannedQuery]) -> dict[str, Any]:
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
            "/api/health": {"get": {"summary": "the server and its store", "operationId": "health",
                                    "responses": {"200": _json("Health", "the server is up")}}},
            "/api/sources": {"get": {"summary": "the ingested sources with their graphs and sizes",
                                     "operationId": "sources", "responses": {"200": _json("Sources", "the sources")}}},
            "/api/queries": {"get": {"summary": "the canned queries with their parameters",
                                     "operationId": "queries",
                                     "responses": {"200": _json("CannedQueries", "the canned queries")}}},
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
                              "404": _error("no canned query of that name"),
                              "503": _error("stopped at the timeout")}}},
            "/api/entity": {"get": {
                "summary": "everything about one entity: properties, links in and out, sources",
                "operationId": "entity",
                "parameters": [{"name": "ref", "in": "query", "required": True, "schema": {"type": "string"},
                                "description": "a key (nhs-digital), kind/key, label or IRI"}],
                "responses": {"200": _json("Entity", "the entity"), "400": _error("no ref"),
                              "404": _error("no entity, or several, of that name")}}},
            "/api/search": {"get": {
                "summary": "semantic search over lessons, findings, recommendations, targets and figures",
                "operationId": "search",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "k", "in": "query", "required": False,
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
                    {"name": "mode", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["hybrid", "dense", "lexical"], "default": "hybrid"}}],
                "responses": {"200": _json("SearchResult", "the hits, best first"),
                              "400": _error("no query, or a bad k or mode"),
                              "501": _error("semantic search is not available in this build")}}},
            "/data": _graph_store("?graph=IRI or ?default", "data"),
            "/data/{path}": _graph_store("the request URL itself (direct identification)", "dataPath",
                                         path=True),
            "/api/docs": {"get": {"summary": "this document in Swagger UI", "operationId": "docs",
                                  "responses": {"200": {"description": "an HTML page",
                                                        "content": {"text/html": {"schema": {"type": "string"}}}}}}},
            "/api/openapi.json": {"get": {"summary": "this document", "operationId": "openapi",
                                          "responses": {"200": {"description": "the OpenAPI document",
                                                                "content": {"application/json": {
                                                                    "schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": SCHEMAS},
    }
