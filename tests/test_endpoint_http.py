"""``govkg serve``'s HTTP stack and protocol edges: body and header limits, a graceful stop, the protocol's
dataset by published graph names, base IRIs, using-graph-uri, the graph store, the OpenAPI page.

Servers run in this process (their query workers are processes) on a copy of the bundled store, or as the
real command line when a signal is part of the test.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import process_children, process_state

from conftest import ROOT
from graph.endpoint import EndpointServer
from graph.endpoint.protocol import MAX_BODY, ProtocolError, with_using
from graph.settings import Settings

TOKEN = "http-test-token"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndpointServer]:
    path = tmp_path_factory.mktemp("http") / "store"
    shutil.copytree(bundled_store_path, path)
    settings = Settings.load({"store": str(path), "endpoint_workers": 2, "update_password": TOKEN,
                              "query_timeout": 10.0}, environ={})
    with EndpointServer(settings, port=0).start() as s:
        yield s


def whole_answer(sock: socket.socket) -> bytes:
    """One HTTP answer read whole: its head, then as many body bytes as its Content-Length names (the server may
    send the two in separate packets)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def exchange(server: EndpointServer, method: str, target: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def update(server: EndpointServer, text: str, target: str = "/sparql") -> tuple[int, dict[str, str], bytes]:
    return exchange(server, "POST", target, text.encode(), {"Content-Type": "application/sparql-update",
                                                            "Authorization": f"Bearer {TOKEN}"})


def ask(server: EndpointServer, query: str, **dataset: list[str]) -> bool:
    params = [("query", query)] + [(k.replace("_", "-"), v) for k, vs in dataset.items() for v in vs]
    status, _, body = exchange(server, "GET", "/sparql?" + urllib.parse.urlencode(params),
                               headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return bool(json.loads(body)["boolean"])


# --------------------------------------------------------------------------------------------- limits
def test_a_body_over_the_limit_is_refused_before_it_is_read(server: EndpointServer) -> None:
    host, port = server.address
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: %d\r\n\r\nASK {}" % (MAX_BODY + 1))
        answer = whole_answer(sock)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"the limit is" in answer


def test_a_chunked_body_over_the_limit_is_refused_too(server: EndpointServer) -> None:
    def chunks() -> Iterator[bytes]:
        piece = b"#" * (1024 * 1024)
        for _ in range(MAX_BODY // len(piece) + 2):
            yield piece

    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("POST", "/sparql", body=chunks(), encode_chunked=True,
                     headers={"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"})
        status = conn.getresponse().status
    except (BrokenPipeError, ConnectionResetError):
        status = 413  # the server answered and closed while the client was still sending
    finally:
        conn.close()
    assert status == 413


def test_oversized_headers_are_refused_and_the_server_keeps_answering(server: EndpointServer) -> None:
    host, port = server.address
    answer = b""
    with socket.create_connection((host, port), timeout=30) as sock:
        try:
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"x" * (200 * 1024) + b"\r\n\r\n")
            answer = whole_answer(sock)
        except (ConnectionResetError, BrokenPipeError):
            answer = b"reset"  # refused while the client was still sending its headers
    assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431", b"reset")) or answer == b"", answer[:100]
    assert not answer.startswith(b"HTTP/1.1 200")
    assert exchange(server, "GET", "/api/health")[0] == 200


def test_keep_alive_serves_many_requests_on_one_connection(server: EndpointServer) -> None:
    host, port = server.address
    conn = http.client.HTTPConnection(host, port, timeout=30)
    peers = set()
    for _ in range(5):
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
        resp = conn.getresponse()
        assert resp.status == 200 and resp.getheader("Connection", "keep-alive").lower() != "close"
        resp.read()
        peers.add(conn.sock.getsockname())
    conn.close()
    assert len(peers) == 1


def test_govkg_serve_lets_a_running_request_finish_when_stopped(bundled_store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(bundled_store_path, path)
    env = {**os.environ, "GOVKG_STORE": str(path), "GOVKG_ENDPOINT_WORKERS": "1", "GOVKG_BACKEND": "embedded",
           "GOVKG_QUERY_TIMEOUT": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", "0", "--quiet"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    answers: list[int] = []
    try:
        assert proc.stdout is not None
        match = re.match(r"GovKG SPARQL endpoint at http://([\d.]+):(\d+)/sparql", proc.stdout.readline())
        assert match
        host, port = match.group(1), int(match.group(2))

        def slow() -> None:  # runs until the 2 s timeout stops it: a 503 that must still reach the client
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
            answers.append(conn.getresponse().status)

        client = threading.Thread(target=slow)
        client.start()
        workers = process_children(proc.pid)
        deadline = time.monotonic() + 10
        while not any(process_state(pid) == "R" for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the worker is busy with the request (polling a real process)
        proc.send_signal(signal.SIGTERM)
        client.join(30)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert answers == [503], "the running request got its answer before the server stopped"
    assert proc.returncode == 0 and "stopped" in out, err
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=2).close()


# --------------------------------------------------------------------------------------------- protocol edges
def test_the_dataset_names_published_graphs_and_relative_iris_resolve_against_the_endpoint(
        server: EndpointServer) -> None:
    assert update(server, "CLEAR ALL ; INSERT DATA { GRAPH <http://example.org/g1> { <http://example.org/a> "
                          "<http://example.org/p> <rel> } }")[0] == 200
    host, port = server.address
    assert ask(server, f"ASK {{ GRAPH ?g {{ ?s ?p <http://{host}:{port}/rel> }} }}")
    assert ask(server, "ASK { ?s ?p ?o }", default_graph_uri=["http://example.org/g1"])
    assert not ask(server, "ASK { ?s a gk:Body }", default_graph_uri=["http://example.org/g1"])
    assert ask(server, "ASK { GRAPH <http://example.org/g1> { ?s ?p ?o } }", named_graph_uri=["http://example.org/g1"])
    assert ask(server, "ASK { ?s a gk:Body }"), "without a dataset: the union of every source"
    status, _, body = exchange(server, "POST", "/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2Fg1",
                               b"ASK {}", {"Content-Type": "application/sparql-query"})
    assert status == 400 and b"belong to updates" in body


def test_using_graph_uri_is_the_default_graph_of_each_where(server: EndpointServer) -> None:
    assert update(server, "DROP ALL ; INSERT DATA { GRAPH <http://example.org/in> { <http://example.org/x> a "
                          "<http://example.org/T> } GRAPH <http://example.org/other> { <http://example.org/y> a "
                          "<http://example.org/T> } }")[0] == 200
    target = "/sparql?" + urllib.parse.urlencode({"using-graph-uri": "http://example.org/in"})
    status, _, body = update(server, "INSERT { GRAPH <http://example.org/out> { ?s a <http://example.org/U> } } "
                                     "WHERE { ?s a <http://example.org/T> }", target)
    assert status == 200, body
    assert ask(server, "ASK { GRAPH <http://example.org/out> { <http://example.org/x> a ?t } }")
    assert not ask(server, "ASK { GRAPH <http://example.org/out> { <http://example.org/y> a ?t } }")
    status, _, body = update(server, "WITH <http://example.org/in> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", target)
    assert status == 400 and b"USING or WITH" in body
    assert update(server, "DROP ALL")[0] == 200


def test_non_utf8_bodies_are_refused(server: EndpointServer) -> None:
    for kind, text in (("application/sparql-query", "ASK {}"), ("application/sparql-update", "CLEAR ALL")):
        status, _, body = exchange(server, "POST", "/sparql", text.encode("utf-16"),
                                   {"Content-Type": f"{kind}; charset=UTF-16", "Authorization": f"Bearer {TOKEN}"})
        assert status == 400 and b"must be UTF-8" in body
    status, _, _ = exchange(server, "POST", "/sparql", "ASK {}".encode("utf-16"),
                            {"Content-Type": "application/sparql-query"})
    assert status == 400, "undeclared UTF-16 is not valid UTF-8 either"


def test_the_graph_store_reads_writes_and_refuses_without_the_token(server: EndpointServer) -> None:
    graph = "/data?" + urllib.parse.urlencode({"graph": "http://example.org/people"})
    turtle = b"@prefix foaf: <http://xmlns.com/foaf/0.1/> . <#ann> a foaf:Person ; foaf:name \"Ann\" ."
    assert exchange(server, "PUT", graph, turtle, {"Content-Type": "text/turtle"})[0] == 403
    status, _, _ = exchange(server, "PUT", graph, turtle, {"Content-Type": "text/turtle",
                                                           "Authorization": f"Bearer {TOKEN}"})
    assert status == 201
    status, headers, body = exchange(server, "GET", graph, headers={"Accept": "application/n-triples"})
    assert status == 200 and headers["content-type"].startswith("application/n-triples")
    assert b"<http://example.org/people#ann>" in body, "relative IRIs resolve against the graph's name"
    assert ask(server, "ASK { GRAPH <http://example.org/people> { ?p <http://xmlns.com/foaf/0.1/name> \"Ann\" } }")
    status, _, body = exchange(server, "PUT", graph, b"<a> <b>", {"Content-Type": "text/turtle",
                                                                 "Authorization": f"Bearer {TOKEN}"})
    assert status == 400 and b"cannot be read" in body
    status, _, _ = exchange(server, "PUT", graph, b"{}", {"Content-Type": "application/trig",
                                                          "Authorization": f"Bearer {TOKEN}"})
    assert status == 415
    assert exchange(server, "DELETE", graph, headers={"Authorization": f"Bearer {TOKEN}"})[0] == 204
    assert exchange(server, "GET", graph)[0] == 404
    sources = json.loads(exchange(server, "GET", "/api/sources")[2])["sources"]
    assert not [s for s in sources if s.get("name")], "the graph's source is gone"


def test_swagger_ui_shows_the_generated_document(server: EndpointServer) -> None:
    status, headers, body = exchange(server, "GET", "/api/docs")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"/static/swagger-ui/swagger-ui-bundle.js" in body and b"/api/openapi.json" in body
    status, _, script = exchange(server, "GET", "/static/swagger-ui/swagger-ui-bundle.js")
    assert status == 200 and len(script) > 500_000
    document = json.loads(exchange(server, "GET", "/api/openapi.json")[2])
    search = document["paths"]["/api/search"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("maximum") for p in search}["k"] == 100, "from the typed parameters"
    assert "Entity" in document["components"]["schemas"] and "LinkOut" in document["components"]["schemas"]


# --------------------------------------------------------------------------------------------- update text
@pytest.mark.parametrize(("update_text", "expected"), [
    ("INSERT { ?s a <u:T> } WHERE { ?s ?p ?o }", "INSERT { ?s a <u:T> } USING <u:g> WHERE { ?s ?p ?o }"),
    ("delete { ?s ?p ?o }\ninsert { ?s ?p 1 }\nwhere { ?s ?p ?o }",
     "delete { ?s ?p ?o }\ninsert { ?s ?p 1 }\nUSING <u:g> where { ?s ?p ?o }"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE { ?s ?p ?o }"),
    ('INSERT DATA { <u:a> <u:b> "WHERE" } ; # a WHERE in a comment\nCLEAR ALL',
     'INSERT DATA { <u:a> <u:b> "WHERE" } ; # a WHERE in a comment\nCLEAR ALL'),
    ("PREFIX where: <u:w#> INSERT { ?s a where:T } WHERE { ?s ?p ?o FILTER(?o < 3) }",
     "PREFIX where: <u:w#> INSERT { ?s a where:T } USING <u:g> WHERE { ?s ?p ?o FILTER(?o < 3) }"),
])
def test_using_graph_uri_is_written_into_each_modify_operation(update_text: str, expected: str) -> None:
    assert with_using(update_text, ["u:g"], []) == expected


def test_a_dataset_named_twice_is_refused() -> None:
    for text in ("WITH <u:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                 "DELETE { ?s ?p ?o } USING NAMED <u:h> WHERE { GRAPH ?g { ?s ?p ?o } }"):
        with pytest.raises(ProtocolError, match="USING or WITH"):
            with_using(text, [], ["u:n"])
