"""Cypher queries over the Neo4j projection: canned ones (ontology/queries/*.cypher) and typed-in ones.

A canned Cypher file has the same name and the same header as its SPARQL twin, in Cypher comments::

    // title: Who was accountable for a scope in a given year
    // param: scope iri:scope = national-digital-strategy -- the scope's key or IRI
    // param: year integer = 2020 -- the calendar year

Parameters are checked exactly as for SPARQL (graph.queries.Param), then passed to Neo4j as real query
parameters (``$scope`` is the IRI as a string, ``$year`` an integer, a date a Date), never pasted into the
text. Results come back as plain Python values: Neo4j dates as ISO strings, nodes as their ``uri``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.keys import KINDS, Key, iri_of, nearest, unknown_key
from graph.namespaces import shorten
from graph.neo4j.connection import Neo4jConnection
from graph.queries import CannedQuery, canned_queries, get_query
from graph.results import table_lines
from ontology import QUERIES_DIR


def canned_cypher(folder: Path = QUERIES_DIR) -> dict[str, CannedQuery]:
    """The canned Cypher queries (``ontology/queries/*.cypher``), read like the SPARQL ones."""
    return canned_queries(folder, "cypher")


def get_cypher(name: str, folder: Path = QUERIES_DIR) -> CannedQuery:
    return get_query(name, folder, "cypher")


def is_canned_name(text: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", text.strip()))


# ----------------------------------------------------------------------------------------------- results
@dataclass
class CypherResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    limit: int = 0
    seconds: float = 0.0
    title: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def run_cypher(conn: Neo4jConnection, text: str, params: Mapping[str, Any] | None = None, *, write: bool = False,
               limit: int | None = None, timeout: float | None = None) -> CypherResult:
    """Run a query (read-only unless ``write``); values converted to plain Python."""
    started = time.perf_counter()
    columns, rows, truncated = conn.run_keys(text, params, read=not write, timeout=timeout, limit=limit)
    plain = [[plain_value(v) for v in row] for row in rows]
    return CypherResult(columns, plain, truncated, limit or 0, time.perf_counter() - started,
                        parameters={k: plain_value(v) for k, v in (params or {}).items()})


def check_keys(conn: Neo4jConnection, canned: CannedQuery, given: Mapping[str, str] | None = None) -> None:
    """Raise :class:`graph.keys.UnknownKeyError` when a canned query's parameter names a key that has no node in
    Neo4j, with the nearest keys of its kind that have one (as ``CannedQuery.check`` does on the store)."""
    from graph.neo4j.mapping import NODE_LABEL

    for name, kind_name, value in canned.key_refs(given):
        kind = KINDS[kind_name]
        iri = iri_of(kind, value)
        _, rows, _ = conn.run_keys(f"MATCH (n:{NODE_LABEL} {{uri: $iri}}) RETURN count(n) AS n", {"iri": iri})
        if rows and rows[0][0]:
            continue
        _, rows, _ = conn.run_keys(f"MATCH (n:{NODE_LABEL}) WHERE n.uri STARTS WITH $prefix "
                                   "RETURN n.uri AS uri, n.label AS label", {"prefix": kind.iri("")})
        keys = [Key(kind.key_of(str(uri)) or str(uri), str(label or ""), kind.name, str(uri)) for uri, label in rows]
        key = kind.key_of(iri) or iri
        raise unknown_key(name, kind, key, nearest(key, keys))


def plain_value(value: Any) -> Any:
    """A driver value as plain Python: temporal values as ISO text, nodes as their uri (or properties)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    iso = getattr(value, "iso_format", None) or getattr(value, "isoformat", None)
    if callable(iso):
        return str(iso())
    if hasattr(value, "element_id"):  # a node or a relationship
        props = dict(value.items()) if hasattr(value, "items") else {}
        props.pop("embedding", None)
        if "uri" in props:
            return props["uri"]
        return {k: plain_value(v) for k, v in props.items()}
    if hasattr(value, "nodes"):  # a path: the uris along it
        return [plain_value(n) for n in value.nodes]
    return str(value)


def _cell(value: Any, short: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(v, short) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    if short and isinstance(value, str) and value.startswith(("http://", "https://")):
        return shorten(value)
    return str(value)


def render_cypher(result: CypherResult, fmt: str = "table", *, wide: bool = False) -> str:
    if fmt == "json":
        out: dict[str, Any] = {"columns": result.columns, "rows": result.records()}
        if result.truncated:
            out["truncated"], out["limit"] = True, result.limit
        return json.dumps(out, indent=2, ensure_ascii=False, default=str)
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\r\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(v) for v in row] for row in result.rows)
        return buf.getvalue()
    lines = table_lines(result.columns, [[_cell(v, short=True) for v in row] for row in result.rows], wide=wide)
    n = len(result.rows)
    footer = f"{n} row{'s' if n != 1 else ''} in {result.seconds * 1000:.1f} ms"
    if result.truncated:
        footer += f" (truncated at {result.limit} rows)"
    lines.append(footer)
    return "\n".join(lines)
