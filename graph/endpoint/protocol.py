"""The SPARQL 1.1 Protocol's request forms, read from an HTTP request.

* query via GET: ``?query=…`` with optional ``default-graph-uri`` / ``named-graph-uri``;
* query via POST, URL-encoded (``query=…`` in the body) or directly (``Content-Type: application/sparql-query``,
  dataset parameters in the URL);
* update via POST, URL-encoded (``update=…``) or directly (``application/sparql-update``).

Anything else is an :class:`ProtocolError` with the status the protocol gives it (400, 405, 413, 415).
One leniency: a query sent as ``update=`` is answered as a query (see below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from graph.backends.sparql import query_form

MAX_BODY = 16 * 1024 * 1024


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint


@dataclass
class SparqlRequest:
    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    @property
    def dataset_given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _decode(data: bytes, content_type: str) -> str:
    """The body as text: the protocol's bodies are UTF-8, so another charset is refused (400)."""
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise ProtocolError(400, f"the request body is {value.strip()}; SPARQL requests must be UTF-8",
                                hint="send the body as UTF-8 (Content-Type: …; charset=utf-8)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the request body is not valid UTF-8 text: {exc}") from exc


def _params(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(400, f"the parameters are not valid URL-encoded UTF-8: {exc}") from exc


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ProtocolError(400, f"the request has {len(values)} {name} parameters; the protocol allows one")
    return values[0]


def parse_request(method: str, query_string: str, content_type: str, body: bytes) -> SparqlRequest:
    """The SPARQL request in an HTTP request to /sparql (no query and no update: a service description)."""
    url = _params(query_string)
    media = content_type.split(";")[0].strip().lower()
    if method == "GET":
        if "update" in url:
            raise ProtocolError(405, "SPARQL Update must be sent with POST")
        params = url
        req = SparqlRequest(query=_one(params, "query"))
    elif method == "POST":
        if media == "application/x-www-form-urlencoded":
            params = {**url, **_params(_decode(body, content_type))}
            req = SparqlRequest(query=_one(params, "query"), update=_one(params, "update"))
            if req.query is None and req.update is None:
                raise ProtocolError(400, "a URL-encoded POST needs a query or an update parameter")
        elif media == "application/sparql-query":
            params = url
            req = SparqlRequest(query=_decode(body, content_type))
        elif media == "application/sparql-update":
            params = url
            req = SparqlRequest(update=_decode(body, content_type))
        else:
            raise ProtocolError(415, f"POST to /sparql takes application/x-www-form-urlencoded, "
                                     f"application/sparql-query or application/sparql-update, not {media or 'nothing'}")
    else:
        raise ProtocolError(405, f"/sparql answers GET and POST, not {method}")
    if req.query is not None and req.update is not None:
        raise ProtocolError(400, "a request may carry a query or an update, not both")
    if req.update is not None and query_form(req.update) is not None:
        # A query sent as an update: SPARQLWrapper does this when a query has two comment lines in a row
        # and the second contains "add", "load", "drop" … (its comment pattern skips every other line).
        # A query cannot change anything, so it is answered as the query it is.
        req.query, req.update = req.update, None
    req.default_graphs = params.get("default-graph-uri", [])
    req.named_graphs = params.get("named-graph-uri", [])
    req.using_graphs = params.get("using-graph-uri", [])
    req.using_named_graphs = params.get("using-named-graph-uri", [])
    req.formats = params.get("format", []) + params.get("output", [])
    if req.update is not None and req.dataset_given:
        raise ProtocolError(400, "default-graph-uri and named-graph-uri belong to queries, not updates",
                            hint="an update's dataset is given with using-graph-uri and using-named-graph-uri")
    if req.query is not None and (req.using_graphs or req.using_named_graphs):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri belong to updates, not queries")
    return req


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(r"\"\"\"(?:[^\\]|\\.)*?\"\"\"|'\'\'(?:[^\\]|\\.)*?'\'\'|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'",
                     re.DOTALL)
_WORD = re.compile(r"[A-Za-z_][\w-]*")


def _top_level_words(update: str) -> list[tuple[str, int]]:
    """The words outside braces, strings, IRIs and comments, upper-cased, with their offsets."""
    words: list[tuple[str, int]] = []
    depth, i = 0, 0
    while i < len(update):
        c = update[i]
        if c == "#":
            end = update.find("\n", i)
            i = len(update) if end < 0 else end
        elif (c in "\"'" and (m := _STRING.match(update, i))) or (c == "<" and (m := _IRIREF.match(update, i))):
            i = m.end()
        elif c == "{":
            depth, i = depth + 1, i + 1
        elif c == "}":
            depth, i = depth - 1, i + 1
        elif depth == 0 and (m := _WORD.match(update, i)) and (i == 0 or not (update[i - 1].isalnum()
                                                                               or update[i - 1] in "?$:_")):
            if not update.startswith(":", m.end()):  # a prefixed name (where:T) is no keyword
                words.append((m.group(0).upper(), i))
            i = m.end()
        else:
            i += 1
    return words


def with_using(update: str, default: list[str], named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri``/``using-named-graph-uri`` written as USING clauses
    into each of its DELETE/INSERT … WHERE operations (SPARQL 1.1 Protocol §2.2.3). An update that names its
    own dataset (USING or WITH) as well is a 400."""
    if not default and not named:
        return update
    words = _top_level_words(update)
    if any(w in ("USING", "WITH") for w, _ in words):
        raise ProtocolError(400, "the update names its dataset (USING or WITH) and the request names one too "
                                 "(using-graph-uri or using-named-graph-uri); give one of them")
    clauses = "".join(f"USING <{g}> " for g in default) + "".join(f"USING NAMED <{g}> " for g in named)
    out, last = [], 0
    for n, (word, at) in enumerate(words):
        if word == "WHERE" and (n == 0 or words[n - 1][0] != "DELETE"):  # not DELETE WHERE, which takes none
            out.append(update[last:at] + clauses)
            last = at
    return "".join(out) + update[last:]
