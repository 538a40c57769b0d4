"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/data``: read and write whole graphs of the editable dataset.

A graph is named indirectly (``/data?graph=IRI``, ``/data?default``) or directly (``/data/any/path``: the
graph whose IRI is that URL). GET and HEAD read it (404 when no source is published under that name), PUT
replaces it, POST adds to it (to ``/data`` alone: a new graph, whose IRI comes back in ``Location``), DELETE
removes it. Writes need the update token, like SPARQL Update, and are SPARQL Updates underneath
(``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { … } }``), so they take the same path into the store:
the editable dataset, one atomic switch, derived views in step (graph/endpoint/updates.py).
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from graph.endpoint import formats
from graph.endpoint.jobs import Reply, SparqlJob, error_reply
from graph.endpoint.protocol import ProtocolError
from graph.endpoint.updates import UPDATE_SOURCE

DEFAULT = ""  # the default graph, by the name the editable dataset gives it


@dataclass(frozen=True)
class GraphRequest:
    method: str
    graph: str  # an IRI, or DEFAULT
    new: bool = False  # POST to the service itself: create a graph
    content_type: str = ""
    body: bytes = b""
    accept: str | None = None
    url: str = ""  # the request's URL: the base of relative IRIs in a body sent to the default graph


def target(path_iri: str, params: dict[str, list[str]], service: str) -> tuple[str, bool]:
    """The graph a request names, and whether it asks for a new one: ``?graph=IRI``, ``?default``, or the
    request URL itself (direct identification) when it is below the service URL."""
    graphs = params.get("graph", [])
    if "default" in params and graphs:
        raise ProtocolError(400, "give either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise ProtocolError(400, f"the request names {len(graphs)} graphs; give one ?graph=IRI")
    if "default" in params:
        return DEFAULT, False
    if graphs:
        try:
            return ox.NamedNode(graphs[0]).value, False
        except ValueError as exc:
            raise ProtocolError(400, f"?graph={graphs[0]!r} is not an absolute IRI") from exc
    if path_iri.rstrip("/") == service.rstrip("/"):
        return DEFAULT, True
    return path_iri, False


def rdf_of(req: GraphRequest) -> bytes:
    """The request's RDF as N-Triples (relative IRIs resolved against the graph's name, or the request's URL
    for the default graph); a multipart body's parts are read one by one and merged."""
    media = req.content_type.split(";")[0].strip().lower()
    base = req.graph or req.url
    if media == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + req.content_type.encode("latin-1") + b"\r\n\r\n" + req.body)
        parts = [(p.get_content_type(), p.get_payload(decode=True)) for p in message.iter_parts()]
        return b"".join(_ntriples(kind, data if isinstance(data, bytes) else b"", base) for kind, data in parts)
    return _ntriples(media, req.body, base)


def _ntriples(media: str, data: bytes, base: str) -> bytes:
    fmt = ox.RdfFormat.from_media_type(media) if media else None
    if fmt is None or fmt.supports_datasets:
        raise ProtocolError(415, f"a graph is sent as Turtle, N-Triples, RDF/XML or JSON-LD, not {media or 'nothing'}")
    try:
        triples = [ox.Triple(q.subject, q.predicate, q.object)
                   for q in ox.parse(data, fmt, base_iri=base or None)]
    except (SyntaxError, ValueError) as exc:
        raise ProtocolError(400, f"the {fmt.name} body cannot be read: {exc}") from exc
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def write_update(req: GraphRequest, ntriples: bytes) -> str:
    """The SPARQL Update that does what a PUT, POST or DELETE asks."""
    graph = "DEFAULT" if req.graph == DEFAULT else f"GRAPH <{req.graph}>"
    data = ntriples.decode("utf-8")
    insert = (f"INSERT DATA {{ {data} }}" if req.graph == DEFAULT
              else f"INSERT DATA {{ GRAPH <{req.graph}> {{ {data} }} }}")
    if req.method == "DELETE":
        return f"DROP SILENT {graph}"
    if req.method == "PUT":
        return f"DROP SILENT {graph} ;\n{insert}"
    return insert


def read_job(req: GraphRequest, live: dict[str, str], limit: int) -> SparqlJob | Reply:
    """The query that reads a graph (as the client's format), or a 404 when nothing is published there."""
    if req.graph != DEFAULT and req.graph not in live:
        return error_reply(404, f"no graph {req.graph} in the editable dataset",
                           hint="see /api/sources for the sources and the names they are published under")
    if req.graph == DEFAULT and DEFAULT not in live:
        sparql = "CONSTRUCT { ?s ?p ?o } WHERE { FILTER(false) }"
        return SparqlJob(sparql, req.accept, (), limit, (), ())
    sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{live[req.graph]}> {{ ?s ?p ?o }} }}"
    return SparqlJob(sparql, req.accept or formats.TURTLE.media_type, (), limit)


def live_graphs(catalog: list[dict[str, object]]) -> dict[str, str]:
    """The editable dataset's graphs that exist, by name ("" for the default graph), each with its graph."""
    found = {}
    for s in catalog:
        if s["key"] == UPDATE_SOURCE:
            found[DEFAULT] = str(s["graph"])
        elif s.get("name"):
            found[str(s["name"])] = str(s["graph"])
    return found


def new_graph(service: str) -> str:
    return f"{service.rstrip('/')}/{uuid.uuid4().hex}"


def done(status: int, graph: str, location: str | None = None) -> Reply:
    headers = {"Location": location} if location else {}
    body = json.dumps({"ok": True, "graph": graph or None}).encode("utf-8")
    return Reply(status, "application/json", body if status != 204 else b"", headers)
