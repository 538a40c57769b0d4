"""Query results as SPARQL 1.1 JSON, CSV, TSV and plain-text tables."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyoxigraph as ox

from graph.backends.types import QueryResult
from graph.namespaces import PREFIXES, shorten


def term_json(term: Any) -> dict[str, str] | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != PREFIXES["xsd"] + "string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def to_json(result: QueryResult) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON; a cut result says so in an extra ``truncated`` member."""
    if result.kind == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    if result.kind == "graph":
        raise ValueError("CONSTRUCT/DESCRIBE results are RDF: use ttl or nt")
    bindings = []
    for row in result.rows:
        b = {v: t for v, t in ((v, term_json(x)) for v, x in zip(result.variables, row, strict=True)) if t}
        bindings.append(b)
    out: dict[str, Any] = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    if result.truncated:
        out["truncated"] = True
        out["limit"] = result.limit
    return out


def _plain(term: Any, short: bool) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    value: str = term.value
    return shorten(value) if short and isinstance(term, ox.NamedNode) else value


def to_csv(result: QueryResult, delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_plain(t, short=False) for t in row])
    return buf.getvalue()


WRAP_WIDTH = 60  # characters a table column takes at most before its text wraps onto the next lines


def to_table(result: QueryResult, *, wide: bool = False, width: int = WRAP_WIDTH) -> str:
    """A plain-text table: a long value wraps within its column (every character kept), or with ``wide``
    stays on one line, whole."""
    if result.kind == "ask":
        return "yes" if result.boolean else "no"
    if result.kind == "graph":
        return to_rdf(result, "nt")
    cells = [[_plain(t, short=True) for t in row] for row in result.rows]
    return "\n".join([*table_lines(result.variables, cells, wide=wide, width=width), footer(result)])


def table_lines(header: list[str], rows: list[list[str]], *, wide: bool = False, width: int = WRAP_WIDTH) -> list[str]:
    """Header, rule and rows, columns padded to their widest value; with ``wide`` false a value longer than
    ``width`` wraps at word boundaries onto continuation lines (a word longer than the column is split), so
    nothing is cut."""
    wrapped = [[_wrap(c, None if wide else width) for c in row] for row in rows]
    widths = [max([len(h), *(len(line) for r in wrapped for line in r[i])]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in wrapped:
        for n in range(max((len(c) for c in row), default=1)):
            parts = [(c[n] if n < len(c) else "").ljust(w) for c, w in zip(row, widths, strict=True)]
            lines.append("  ".join(parts).rstrip())
    return lines


def _wrap(text: str, width: int | None) -> list[str]:
    """A cell's lines: its text on one line (``width`` None), or wrapped to ``width``."""
    import textwrap

    flat = " ".join(text.split()) if "\n" in text else text
    if width is None or len(flat) <= width:
        return [flat]
    return textwrap.wrap(flat, width, break_on_hyphens=False) or [""]


def footer(result: QueryResult) -> str:
    n = len(result.rows) if result.kind == "select" else len(result.triples)
    text = f"{n} row{'s' if n != 1 else ''} in {result.seconds * 1000:.1f} ms"
    if result.truncated:
        text += f" (truncated at {result.limit} rows)"
    return text


def to_rdf(result: QueryResult, fmt: str) -> str:
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    data = ox.serialize(result.triples, format=rdf_format, prefixes=dict(PREFIXES))
    return data.decode("utf-8") if data else ""


def render(result: QueryResult, fmt: str, *, wide: bool = False) -> str:
    if fmt == "json":
        return json.dumps(to_json(result), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_csv(result, delimiter="\t")
    if fmt in ("ttl", "nt", "jsonld"):
        return to_rdf(result, fmt)
    return to_table(result, wide=wide)
