"""SPARQL text helpers shared by the remote backend and the endpoint: query forms, prefixes, dataset clauses,
and reading a server's answer as a stream of terms or a :class:`graph.backends.types.QueryResult`."""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.backends.base import RawAnswer
from graph.backends.types import QueryResult, collect
from graph.errors import StoreError
from graph.namespaces import PREFIXES

FROM_CLAUSE = re.compile(r"(?i)\bFROM\s+(NAMED\s+)?<")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")
_PROLOGUE = re.compile(r"""\s*(?:\#[^\n]*\n?\s*)*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)\s*(?:\#[^\n]*\n?\s*)*)*""",
                       re.IGNORECASE)
_FORM = re.compile(r"(?i)(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_BNODE_XML = re.compile(rb"<bnode>([^<]*)</bnode>")
_NOT_BNODE_CHAR = re.compile(rb"[^A-Za-z0-9_]")


def query_form(sparql: str) -> str | None:
    """``select``, ``ask``, ``construct`` or ``describe`` (the keyword after the prologue), else None."""
    rest = sparql[_PROLOGUE.match(sparql).end():]  # type: ignore[union-attr]  # the pattern matches ""
    match = _FORM.match(rest)
    return match.group(1).lower() if match else None


def with_prefixes(sparql: str) -> str:
    """The query with GovKG's common prefixes declared, except those the query declares itself."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    missing = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p not in declared)
    return missing + sparql


_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_EXPECTED_ITEM = re.compile(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'|(\[[^\]]*\])|([A-Za-z][A-Za-z0-9 ]*[A-Za-z0-9]|[A-Za-z])')
_TOKEN = re.compile(r"<[^\s>]*>?|\?\w*|\$\w*|\"[^\"\n]*\"?|'[^'\n]*'?|[\w:.-]+|\S")


def readable_syntax_error(message: str, text: str) -> str:
    """A SPARQL parser's message as one line with the position: ``line 3, column 17, at `)`: expected an
    expression`` instead of the parser's list of character classes."""
    match = _AT.match(message.strip())
    if not match:
        return " ".join(message.split())
    line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3)
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    found = _TOKEN.match(source, max(column - 1, 0))
    near = found.group(0) if found else ""
    where = f"line {line}, column {column}" + (f", at `{near}`" if near else ", at the end")
    if "Prefix not found" in rest:
        before = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", source[:column - 1])
        prefix = before.group(1) or "" if before else near.split(":")[0]
        return f"{where}: the prefix `{prefix}:` is not declared (add PREFIX {prefix}: <…>)"
    expected: list[str] = []
    classes = False
    for item in _EXPECTED_ITEM.finditer(rest.removeprefix("expected one of ").removeprefix("expected ")):
        word = item.group(1) or item.group(2) or item.group(4)
        if item.group(3) or word in ("_", None):
            classes = True
        elif word not in expected:
            expected.append(word)
    if classes:
        expected.append("a name or a term")
    shown = ", ".join(f"`{w}`" if not w.startswith("a name") else w for w in expected[:10])
    more = f" (or {len(expected) - 10} more)" if len(expected) > 10 else ""
    return f"{where}: expected {'one of ' if len(expected) > 1 else ''}{shown}{more}"


def declare_used_prefixes(sparql: str) -> str:
    """The query with a PREFIX line for each of GovKG's prefixes it uses without declaring: the same query,
    but one that any SPARQL editor or server reads without GovKG's predeclared prefixes."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(sparql)}
    used = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()
                   if p not in declared and re.search(rf"(?<![\w:<#/.-]){re.escape(p)}:", sparql))
    return used + sparql


def _safe_bnode(match: re.Match[bytes]) -> bytes:
    label = _NOT_BNODE_CHAR.sub(b"_", match.group(1)) or b"b"
    return b"<bnode>" + (label if label[:1].isalpha() else b"b" + label) + b"</bnode>"


def parse_raw(body: bytes, content_type: str) -> RawAnswer:
    """A server's query answer (SPARQL results in XML, JSON or TSV, or an RDF graph) as a stream of terms,
    parsed by pyoxigraph as it is read."""
    results_format = ox.QueryResultsFormat.from_media_type(content_type) if content_type else None
    if results_format is not None and results_format != ox.QueryResultsFormat.CSV:
        if results_format == ox.QueryResultsFormat.XML and b"<bnode>" in body:
            body = _BNODE_XML.sub(_safe_bnode, body)  # Virtuoso labels blank nodes nodeID://b1: not valid ids
        try:
            return ox.parse_query_results(body, results_format)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the SPARQL server's results cannot be read: {exc}") from exc
    rdf_format = ox.RdfFormat.from_media_type(content_type) if content_type else None
    if rdf_format is None:
        raise StoreError(f"the SPARQL server answered with {content_type or 'no content type'}, "
                         "which GovKG cannot read")
    return (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf_format))


def parse_answer(body: bytes, content_type: str, limit: int | None, *, server_cap: int | None = None) -> QueryResult:
    """A server's query answer as a QueryResult cut at ``limit``. ``server_cap`` is a cut the server says it
    made (Virtuoso's X-SPARQL-MaxRows): reported too."""
    try:
        result = collect(parse_raw(body, content_type), limit)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the SPARQL server's answer cannot be read: {exc}") from exc
    if result.kind == "select" and server_cap is not None and len(result.rows) >= server_cap \
            and not result.truncated:
        result.truncated, result.limit = True, server_cap
    return result


_SKIPPED = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                      r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|\#[^\n]*', re.DOTALL)
_SLASHED = re.compile(r"(?<![\w:.?$-])id:([A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_~%-][A-Za-z0-9_.~%-]*)+)(?![\w:])")


def expand_data_names(sparql: str) -> str:
    """The query with each ``id:kind/key`` (the way GovKG shows a record's IRI, which SPARQL's prefixed names
    cannot spell: ``/`` is not allowed in their local part) written as the full IRI, outside strings, IRIs and
    comments. A query that declares its own ``id:`` prefix is left as it is; so is ``id:a/gk:b`` (a property
    path), since a path step is a prefixed name or an IRI, never a bare key."""
    if any((m.group(1) or "") == "id" for m in _DECLARED.finditer(sparql)):
        return sparql
    out, last = [], 0
    for skipped in _SKIPPED.finditer(sparql):
        out.append(_expand(sparql[last:skipped.start()]))
        out.append(skipped.group(0))
        last = skipped.end()
    out.append(_expand(sparql[last:]))
    return "".join(out)


def _expand(text: str) -> str:
    def full(match: re.Match[str]) -> str:
        local = match.group(1)
        trailing = len(local) - len(local.rstrip("."))  # a dot that ends the triple is not the key's
        return f"<{PREFIXES['id']}{local[:len(local) - trailing]}>" + "." * trailing

    return _SLASHED.sub(full, text)
