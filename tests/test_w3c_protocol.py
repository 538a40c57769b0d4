"""The W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol test suites, run against ``govkg serve``.

The manifests are read from ../shared/w3c (copied unchanged from the W3C test suites; see its README) with
rdflib; every test is one or more HTTP requests sent in order over one connection to a server started with
``govkg serve`` on an embedded store (the command line, in its own process). The data a protocol test needs is
ingested first under the graph IRIs the test gives (``govkg ingest FILE --graph IRI``); the editable graphs are
emptied between tests (DROP ALL through the endpoint), so each test starts from the same store. The suites run
on the embedded store and, through the remote backend, on Apache Jena Fuseki. A test passes
when every response has an expected status (class), format and boolean, and a graph store response's body is
isomorphic to the expected graph. CI fails on any failing test.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.term import Node

from conftest import ROOT, SERVER, SHARED, need

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
TOKEN = "w3c-suite-token"


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]  # "2xx" classes or names (OK, Created …)
    result_format: str | None  # boolean, tabular, RDF
    boolean: bool | None
    location: str | None  # the template the response's Location fills in (graph store tests)
    expected_body: str | None
    expected_type: str | None


@dataclass
class Case:
    name: str
    exchanges: list[Exchange]
    data: list[tuple[Path, str]]  # (file, graph IRI)


def suite_dir() -> Path:
    folder = SHARED / "w3c"
    need(folder.is_dir(), f"the W3C test suites are missing from {folder}")
    return folder


def _items(g: Graph, head: Node | None) -> list[Node]:
    return list(Collection(g, head)) if head is not None else []


def read_manifest(path: Path) -> list[Case]:
    g = Graph()
    g.parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in _items(g, g.value(manifest, MF.entries)):
        action = g.value(entry, MF.action)
        exchanges = []
        for req in _items(g, g.value(action, HT.requests)):
            resp = g.value(req, HT.resp)
            headers = {str(g.value(h, HT.fieldName)).lower(): str(g.value(h, HT.fieldValue))
                       for h in _items(g, g.value(req, HT.headers))}
            body_node = g.value(req, HT.body)
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(body_node, CNT.chars)).encode(encoding.lower().replace("utf-16", "utf-16-le"))
            expected = g.value(resp, HT.body)
            expected_type = next((str(g.value(h, HT.fieldValue)) for h in _items(g, g.value(resp, HT.headers))
                                  if str(g.value(h, HT.fieldName)).lower() == "content-type"), None)
            boolean = g.value(resp, MF.expectedBoolean)
            exchanges.append(Exchange(
                str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)), headers, body,
                [str(s).rsplit("StatusCode", 1)[-1].rsplit("#", 1)[-1] for s in g.objects(resp, MF.expectedStatus)],
                str(g.value(resp, MF.expectedFormat)) if g.value(resp, MF.expectedFormat) else None,
                None if boolean is None else bool(boolean.toPython()),
                str(g.value(resp, MF.expectedLocation)) if g.value(resp, MF.expectedLocation) else None,
                str(g.value(expected, CNT.chars)) if expected is not None else None, expected_type))
        data = [(path.parent / str(g.value(d, UT.graph)).rsplit("/", 1)[-1], str(g.value(d, RDFS.label)))
                for d in g.objects(entry, UT.graphData)]
        cases.append(Case(str(entry).rsplit("#", 1)[-1], exchanges, data))
    return cases


def protocol_cases() -> list[Case]:
    path = SHARED / "w3c" / "protocol" / "manifest.ttl"
    return read_manifest(path) if path.is_file() else []


def graph_store_cases() -> list[Case]:
    folder = SHARED / "w3c" / "graph-store-protocol"
    if not folder.is_dir():
        return []
    return read_manifest(folder / "manifest-direct.ttl") + read_manifest(folder / "manifest-indirect.ttl")


# --------------------------------------------------------------------------------------------- the server
@dataclass
class Served:
    host: str
    port: int
    process: subprocess.Popen[str]
    state: tuple[tuple[Path, str], ...] | None = None  # the data the editable dataset holds, when known


@pytest.fixture(scope="module", params=["embedded", pytest.param("fuseki", marks=SERVER)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``govkg serve`` (the command line, in its own process) on an embedded store, or on Apache Jena Fuseki
    through the remote backend, with the protocol tests' data ingested under their graph IRIs."""
    env = {**os.environ, "GOVKG_ENDPOINT_WORKERS": "2", "GOVKG_UPDATE_PASSWORD": TOKEN, "GOVKG_QUERY_TIMEOUT": "30"}
    if request.param == "embedded":
        env.update({"GOVKG_BACKEND": "embedded", "GOVKG_STORE": str(tmp_path_factory.mktemp("w3c") / "store")})
    else:
        urls: dict[str, str] = request.getfixturevalue(request.param)
        env.update({"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": urls["query_url"],
                    "GOVKG_SPARQL_UPDATE_URL": urls["update_url"], "GOVKG_SPARQL_GSP_URL": urls["gsp_url"],
                    "GOVKG_SPARQL_CATALOG": f"https://w3id.org/govkg/graph/catalog/w3c-{uuid.uuid4().hex[:8]}",
                    "GOVKG_SEARCH_DIR": str(tmp_path_factory.mktemp("w3c-search"))})
    loaded: set[tuple[Path, str]] = {d for case in protocol_cases() for d in case.data}
    need(bool(loaded), "the W3C protocol manifest names no data")
    for file, iri in sorted(loaded):
        result = subprocess.run([sys.executable, "-m", "cli.main", "ingest", "-q", str(file), "--graph", iri],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert result.returncode == 0, result.stderr
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", "0", "--quiet"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    match = re.match(r"GovKG SPARQL endpoint at http://([\d.]+):(\d+)/sparql", first)
    assert match, first + (proc.stderr.read() if proc.stderr else "")
    try:
        yield Served(match.group(1), int(match.group(2)), proc)
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


def send(conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str],
         body: bytes | None) -> tuple[int, dict[str, str], bytes]:
    conn.request(method, path, body=body, headers={"Authorization": f"Bearer {TOKEN}", **headers})
    resp = conn.getresponse()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()


def writes(case: Case) -> bool:
    return any(ex.method in ("PUT", "DELETE") or (ex.method == "POST" and (
        "sparql-update" in ex.headers.get("content-type", "") or (ex.body or b"").startswith(b"update=")
        or "/gsp" in ex.path)) for ex in case.exchanges)


def fresh(served: Served, data: list[tuple[Path, str]]) -> None:
    """Empty the editable dataset, then load the test's data under its graph IRIs (through the endpoint's
    Graph Store Protocol, which writes the same published sources as ``govkg ingest --graph``); skipped
    when the last test left the store as this one needs it (a write costs a restart of the workers)."""
    wanted = tuple(sorted(data))
    if served.state == wanted:
        return
    served.state = None
    conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
    status, _, body = send(conn, "POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"DROP ALL")
    assert status == 200, body
    for file, iri in data:
        status, _, body = send(conn, "PUT", "/data?" + urllib.parse.urlencode({"graph": iri}),
                               {"Content-Type": "application/n-triples"}, file.read_bytes())
        assert status in (201, 204), body
    conn.close()
    served.state = wanted


def _status_ok(status: int, expected: list[str]) -> bool:
    for e in expected:
        if e.endswith("xx") and str(status)[0] == e[0]:
            return True
        if STATUS.get(e) == status:
            return True
    return not expected


def _format_ok(kind: str, content_type: str, body: bytes) -> bool:
    media = content_type.split(";")[0].strip()
    if kind == "boolean":
        return media in ("application/sparql-results+json", "application/sparql-results+xml")
    if kind == "tabular":
        return media in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                         "text/tab-separated-values")
    return media in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


def _boolean(body: bytes) -> bool:
    return bool(json.loads(body)["boolean"])


def run_case(served: Served, case: Case, prefix: str) -> list[str]:
    """The problems with one test (none: it passes)."""
    problems = []
    conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
    location: dict[str, str] = {}
    for n, ex in enumerate(case.exchanges):
        path = ex.path.replace("/sparql/", "/sparql", 1) if prefix == "/sparql" else \
            re.sub(r"^/gsp(?=/|\?|$)", "/data", ex.path)
        body = ex.body
        for template, value in location.items():
            path = path.replace(template, urllib.parse.quote(value, safe=""))
            body = body.replace(template.encode(), value.encode()) if body else body
        if "graph=http://" in path:  # a graph IRI given without percent-encoding: encode what a client would
            base, _, graph = path.partition("graph=")
            path = base + "graph=" + urllib.parse.quote(graph, safe="")
        headers = {**ex.headers}
        if ex.result_format is not None and "accept" not in headers:
            headers["accept"] = "application/sparql-results+json, text/turtle;q=0.9" \
                if ex.result_format != "RDF" else "text/turtle"
        status, resp_headers, resp_body = send(conn, ex.method, path, headers, body)
        where = f"request {n + 1} ({ex.method} {path[:60]})"
        if not _status_ok(status, ex.statuses):
            problems.append(f"{where}: status {status}, expected {ex.statuses}: {resp_body[:200]!r}")
            continue
        if ex.result_format and not _format_ok(ex.result_format, resp_headers.get("content-type", ""), resp_body):
            problems.append(f"{where}: format {resp_headers.get('content-type')} is not {ex.result_format}")
        if ex.boolean is not None and _boolean(resp_body) != ex.boolean:
            problems.append(f"{where}: boolean {_boolean(resp_body)}, expected {ex.boolean}")
        if ex.location:
            if "location" not in resp_headers:
                problems.append(f"{where}: no Location header")
            location[ex.location] = resp_headers.get("location", "")
        if ex.expected_body is not None and ex.method == "GET":
            expected, got = Graph(), Graph()
            graph_iri = urllib.parse.unquote(path.partition("graph=")[2]) or f"http://{served.host}:{served.port}{path}"
            expected.parse(data=ex.expected_body, format="turtle", publicID=graph_iri)
            got.parse(data=resp_body, format=(resp_headers.get("content-type") or "text/turtle").split(";")[0])
            if not isomorphic(expected, got):
                problems.append(f"{where}: the graph differs from the expected one:\n{resp_body.decode()[:400]}")
            if ex.expected_type and resp_headers.get("content-type", "").split(";")[0] != ex.expected_type.split(";")[0]:
                problems.append(f"{where}: content type {resp_headers.get('content-type')}, expected {ex.expected_type}")
        if ex.method == "HEAD" and resp_body:
            problems.append(f"{where}: HEAD answered with a body")
    conn.close()
    return problems


PROTOCOL = protocol_cases()
GRAPH_STORE = graph_store_cases()


def test_the_suites_are_read_whole() -> None:
    suite_dir()
    assert len(PROTOCOL) == 34, [c.name for c in PROTOCOL]
    assert len(GRAPH_STORE) == 13 and all(c.exchanges for c in GRAPH_STORE)


@pytest.mark.parametrize("case", PROTOCOL, ids=[c.name for c in PROTOCOL])
def test_w3c_sparql_protocol(served: Served, case: Case) -> None:
    fresh(served, case.data)
    if writes(case):
        served.state = None
    problems = run_case(served, case, "/sparql")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", GRAPH_STORE, ids=[c.name for c in GRAPH_STORE])
def test_w3c_graph_store_protocol(served: Served, case: Case) -> None:
    fresh(served, [])
    served.state = None
    problems = run_case(served, case, "/data")
    assert not problems, "\n".join(problems)


def test_a_query_names_a_published_graph_through_the_protocol_dataset(served: Served) -> None:
    fresh(served, [(d, iri) for case in PROTOCOL for d, iri in case.data][:1])
    conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
    data = next(d for case in PROTOCOL for d in case.data)
    status, _, body = send(conn, "GET", "/sparql?" + urllib.parse.urlencode(
        {"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": data[1]}), {}, None)
    assert status == 200 and [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]] == [data[1]]
    conn.close()

