"""``govkg serve``: the SPARQL 1.1 Protocol, content negotiation, limits, timeouts, updates, CORS, the page.

Each server runs in this process (its query workers are processes) on a copy of the bundled store, and is
talked to over real HTTP.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from support import process_children as _children
from support import process_state as _state

from conftest import BUNDLED_SOURCES, ROOT
from graph.backends.embedded import Store
from graph.endpoint import EndpointServer
from graph.settings import Settings

GK = "https://w3id.org/govkg/ontology#"
BODIES = "SELECT ?b ?l WHERE { ?b a gk:Body ; rdfs:label ?l } ORDER BY ?b"
TOKEN = "test-token-0123"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None,
         params: dict[str, str] | list[tuple[str, str]] | None = None, timeout: float = 30) -> Answer:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Answer(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def query(server: EndpointServer, sparql: str, accept: str | None = None, **extra: str) -> Answer:
    headers = {"Accept": accept} if accept else {}
    return call(f"{server.url}/sparql", params={"query": sparql, **extra}, headers=headers)


def form(server: EndpointServer, field: str, text: str, headers: dict[str, str] | None = None) -> Answer:
    return call(f"{server.url}/sparql", method="POST", data=urllib.parse.urlencode({field: text}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


def serve(store: Path, **settings: Any) -> EndpointServer:
    values = {"store": str(store), "query_timeout": 10.0, "endpoint_workers": 2, **settings}
    return EndpointServer(Settings.load(values, environ={}), port=0).start()


@pytest.fixture(scope="module")
def store_copy(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("endpoint") / "store"
    shutil.copytree(bundled_store_path, path)
    return path


@pytest.fixture(scope="module")
def server(store_copy: Path) -> Iterator[EndpointServer]:
    with serve(store_copy) as s:
        yield s


@pytest.fixture(scope="module")
def strict(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndpointServer]:
    """A server with a 2 s timeout, a 20-row limit and an update token."""
    path = tmp_path_factory.mktemp("strict") / "store"
    shutil.copytree(bundled_store_path, path)
    with serve(path, query_timeout=2.0, result_limit=20, update_password=TOKEN) as s:
        yield s


@pytest.fixture(scope="module")
def reference(bundled_store_path: Path) -> Iterator[Store]:
    with Store.open(bundled_store_path, read_only=True) as store:
        yield store


def rows_of(answer: Answer, fmt: ox.QueryResultsFormat) -> list[tuple[Any, ...]]:
    parsed = ox.parse_query_results(answer.body, fmt)
    assert isinstance(parsed, ox.QuerySolutions)
    return [tuple(s) for s in parsed]


# --------------------------------------------------------------------------------------------- protocol
def test_get_post_form_and_post_direct_give_the_same_results(server: EndpointServer) -> None:
    by_get = query(server, BODIES)
    by_form = form(server, "query", BODIES)
    direct = call(f"{server.url}/sparql", method="POST", data=BODIES.encode(),
                  headers={"Content-Type": "application/sparql-query"})
    assert by_get.status == by_form.status == direct.status == 200
    assert by_get.headers["content-type"] == "application/sparql-results+json"
    assert by_get.body == by_form.body == direct.body
    assert len(by_get.json()["results"]["bindings"]) > 20


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_results_in_each_format_match_the_store(
        server: EndpointServer, reference: Store, accept: str, fmt: ox.QueryResultsFormat) -> None:
    answer = query(server, BODIES, accept)
    assert answer.status == 200 and answer.headers["content-type"].startswith(accept)
    assert rows_of(answer, fmt) == reference.query(BODIES).rows
    assert answer.headers["govkg-result-rows"] == str(len(reference.query(BODIES).rows))


def test_select_results_as_csv(server: EndpointServer, reference: Store) -> None:
    answer = query(server, BODIES, "text/csv")
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(answer.body.decode())))
    assert rows[0] == ["b", "l"]
    assert rows[1:] == [[t.value for t in row] for row in reference.query(BODIES).rows]


def test_ask_is_a_boolean(server: EndpointServer) -> None:
    assert query(server, "ASK { ?b a gk:Body }").json() == {"head": {}, "boolean": True}
    xml = query(server, "ASK { ?b a gk:Nothing }", "application/sparql-results+xml")
    assert bool(ox.parse_query_results(xml.body, ox.QueryResultsFormat.XML)) is False


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_construct_and_describe_come_as_rdf_by_negotiation(
        server: EndpointServer, reference: Store, accept: str, fmt: ox.RdfFormat) -> None:
    construct = f"CONSTRUCT {{ ?b <{GK}named> ?l }} WHERE {{ ?b a gk:Body ; rdfs:label ?l }}"
    answer = query(server, construct, accept)
    assert answer.status == 200 and answer.headers["content-type"].split(";")[0] == accept
    got = {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(answer.body, fmt)}
    assert got == set(reference.query(construct).triples) and len(got) > 20
    described = query(server, "DESCRIBE <https://w3id.org/govkg/id/body/nhsx>", accept)
    assert described.status == 200 and len(list(ox.parse(described.body, fmt))) > 5


def test_a_format_parameter_wins_over_the_accept_header(server: EndpointServer) -> None:
    assert query(server, BODIES, "application/sparql-results+json", format="csv").headers[
        "content-type"].startswith("text/csv")
    construct = "CONSTRUCT WHERE { ?b a gk:Body } LIMIT 2"
    assert query(server, construct, format="xml").headers["content-type"] == "application/rdf+xml"
    assert query(server, construct, format="json").headers["content-type"] == "application/ld+json"
    assert query(server, construct, "*/*").headers["content-type"].startswith("text/turtle")


def test_no_acceptable_format_is_406(server: EndpointServer) -> None:
    assert query(server, "CONSTRUCT WHERE { ?b a gk:Body }", "text/csv").status == 406
    answer = query(server, BODIES, "application/n-triples")
    assert answer.status == 406 and answer.json()["hint"].startswith("accept ")


def test_bad_requests_get_the_one_json_error_shape(server: EndpointServer) -> None:
    cases = [
        (query(server, "SELECT ?x WHERE { ?x ?y }"), 400, "syntax error"),
        (call(f"{server.url}/sparql", method="POST", data=b"x", headers={"Content-Type": "text/plain"}), 415,
         "POST to /sparql takes"),
        (call(f"{server.url}/sparql", params={"update": "CLEAR ALL"}), 405, "must be sent with POST"),
        (call(f"{server.url}/sparql", method="POST", data=b"query=ASK%7B%7D&update=CLEAR%20ALL",
              headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "not both"),
        (call(f"{server.url}/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]), 400, "allows one"),
        (call(f"{server.url}/nowhere"), 404, "nothing at /nowhere"),
        (call(f"{server.url}/api/health", method="POST", data=b""), 405, "GET only"),
    ]
    for answer, status, text in cases:
        assert answer.status == status, (status, answer.body)
        error = answer.json()
        assert error["ok"] is False and error["status"] == status and text in error["error"]
        assert answer.headers["access-control-allow-origin"] == "*"


def test_common_prefixes_are_declared_and_a_query_may_redeclare_them(server: EndpointServer) -> None:
    assert query(server, "ASK { ?b a gk:Body }").json()["boolean"] is True
    assert query(server, "PREFIX gk: <urn:other#> ASK { ?b a gk:Body }").json()["boolean"] is False


def test_dataset_parameters_choose_the_graphs(server: EndpointServer, reference: Store) -> None:
    themes = reference.sources()["curated-themes"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only = query(server, count, **{"default-graph-uri": themes.graph})
    assert int(only.json()["results"]["bindings"][0]["n"]["value"]) == themes.triples
    named = query(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                  **{"named-graph-uri": themes.graph})
    assert [b["g"]["value"] for b in named.json()["results"]["bindings"]] == [themes.graph]
    not_live = query(server, count, **{"default-graph-uri": "https://w3id.org/govkg/graph/curated-themes/g0"})
    assert not_live.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_the_service_description_names_the_live_graphs(server: EndpointServer, reference: Store) -> None:
    answer = call(f"{server.url}/sparql", headers={"Accept": "text/turtle"})
    assert answer.status == 200
    graph = ox.Store()
    graph.load(answer.body, ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"

    def values(sparql: str) -> set[str]:
        solutions = graph.query(sparql)
        assert isinstance(solutions, ox.QuerySolutions)
        return {s[0].value for s in solutions}

    names = values(f"SELECT ?g WHERE {{ ?d <{sd}namedGraph>/<{sd}name> ?g }}")
    assert names == {s.graph for s in reference.sources().values()}
    languages = values(f"SELECT ?l WHERE {{ ?s <{sd}supportedLanguage> ?l }}")
    assert languages == {sd + "SPARQL11Query"}  # read-only: no SPARQL11Update
    formats = values(f"SELECT ?f WHERE {{ ?s <{sd}resultFormat> ?f }}")
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats and len(formats) == 8


def test_a_browser_gets_the_self_contained_query_page(server: EndpointServer) -> None:
    page = call(f"{server.url}/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    html = page.body.decode()
    assert "/sparql" in html and "/api/queries" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "the page must load nothing from elsewhere"
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert call(f"{server.url}/sparql", headers={"Accept": browser}).body == page.body


def test_cors_preflight_and_exposed_headers(server: EndpointServer) -> None:
    pre = call(f"{server.url}/sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"})
    assert pre.status == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert "POST" in pre.headers["access-control-allow-methods"]
    assert "authorization" in pre.headers["access-control-allow-headers"].lower()
    answer = query(server, BODIES)
    assert "GovKG-Result-Truncated" in answer.headers["access-control-expose-headers"]


def test_connections_are_kept_alive_and_head_has_no_body(server: EndpointServer) -> None:
    host, port = server.address
    conn = http.client.HTTPConnection(str(host), int(port), timeout=10)
    for _ in range(3):
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["boolean"] is True
    conn.request("HEAD", "/api/health")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == b"" and int(resp.headers["Content-Length"]) > 0
    conn.close()


def test_the_store_is_locked_against_writers_while_it_is_served(server: EndpointServer, store_copy: Path) -> None:
    # In another process, as `govkg ingest` would be (POSIX locks never conflict within one process).
    writer = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(store_copy), "remove", "ontology"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert writer.returncode == 3 and "in use by another process" in writer.stderr
    reader = subprocess.run([sys.executable, "-c", "from graph.backends.embedded import Store; import sys; "
                             "print(len(Store.open(sys.argv[1], read_only=True).sources()))", str(store_copy)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert reader.stdout.strip() == str(BUNDLED_SOURCES), reader.stderr  # readers are welcome


def test_a_read_only_server_refuses_updates(server: EndpointServer) -> None:
    answer = form(server, "update", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", {"Authorization": "Bearer x"})
    assert answer.status == 403 and "read-only" in answer.json()["error"]


def test_a_query_sent_as_an_update_is_answered_as_a_query(server: EndpointServer) -> None:
    # SPARQLWrapper sends a query as an update when its comment lines fool its query-type guess.
    sparql = "# title: a query\n# description: lessons addressed to a body\nASK { ?b a gk:Body }"
    answer = form(server, "update", sparql)
    assert answer.status == 200 and answer.json()["boolean"] is True


# --------------------------------------------------------------------------------------------- limits
def test_a_long_result_is_cut_at_the_limit_and_says_so(strict: EndpointServer) -> None:
    sparql = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    answer = query(strict, sparql)
    data = answer.json()
    assert len(data["results"]["bindings"]) == 20
    assert (data["truncated"], data["limit"]) == (True, 20)
    assert (answer.headers["govkg-result-truncated"], answer.headers["govkg-result-limit"]) == ("true", "20")
    xml = query(strict, sparql, "application/sparql-results+xml")
    assert b'<link href="urn:govkg:truncated?limit=20"/>' in xml.body
    assert len(rows_of(xml, ox.QueryResultsFormat.XML)) == 20
    tsv = query(strict, sparql, "text/tab-separated-values")
    assert tsv.body.count(b"\n") == 21 and tsv.headers["govkg-result-truncated"] == "true"
    turtle = query(strict, "CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle")
    assert turtle.body.startswith(b"# GovKG: the result was cut at 20 triples")
    assert len(list(ox.parse(turtle.body, ox.RdfFormat.TURTLE))) == 20
    whole = query(strict, "SELECT ?b WHERE { ?b a gk:Body } LIMIT 20")
    assert "govkg-result-truncated" not in whole.headers and "truncated" not in whole.json()


def test_a_runaway_query_is_stopped_at_the_timeout_and_others_keep_answering(strict: EndpointServer) -> None:
    outcome: dict[str, Any] = {}

    def runaway() -> None:
        started = time.monotonic()
        outcome["answer"] = query(strict, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    answered = 0
    while thread.is_alive():
        assert query(strict, "ASK { ?b a gk:Body }").json()["boolean"] is True
        answered += 1
    thread.join()
    assert outcome["answer"].status == 503 and "stopped after 2 s" in outcome["answer"].json()["error"]
    assert outcome["seconds"] < 2.0 + 1.0
    assert answered >= 5, "the other worker kept answering while the runaway ran"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        health = call(f"{strict.url}/api/health").json()

        if health["workers_alive"] == 2:
            break
    assert health["workers_alive"] == 2 and health["timeouts"] >= 1 and health["workers_replaced"] >= 1


def test_an_update_without_the_token_is_refused_and_changes_nothing(strict: EndpointServer) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = query(strict, count).body, call(f"{strict.url}/api/sources").body
    update = "INSERT DATA { <urn:x> <urn:y> 'z' } ; DELETE WHERE { ?s ?p ?o }"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic dTp3cm9uZw=="}):
        answer = form(strict, "update", update, headers)
        assert answer.status == 403 and "token" in answer.json()["error"]
    direct = call(f"{strict.url}/sparql", method="POST", data=update.encode(),
                  headers={"Content-Type": "application/sparql-update"})
    assert direct.status == 403
    assert (query(strict, count).body, call(f"{strict.url}/api/sources").body) == before


def test_an_update_with_the_token_edits_the_sparql_update_source(strict: EndpointServer) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    label = "SELECT ?l WHERE { <urn:govkg:test> rdfs:label ?l }"
    done = form(strict, "update", 'INSERT DATA { <urn:govkg:test> rdfs:label "added by a test" }', auth)
    assert done.status == 200 and done.json() == {"ok": True, "source": "sparql-update", "changed": True,
                                                  "graphs": [""], "triples": 1}
    assert query(strict, label).json()["results"]["bindings"][0]["l"]["value"] == "added by a test"
    sources = {s["key"]: s for s in call(f"{strict.url}/api/sources").json()["sources"]}
    assert sources["sparql-update"]["triples"] == 1 and sources["sparql-update"]["ingester"] == "sparql-update"
    named = form(strict, "update", "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", auth)
    assert named.status == 200 and named.json()["graphs"] == ["urn:g"]
    assert query(strict, "ASK { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }").json()["boolean"] is True
    curated = form(strict, "update", "INSERT DATA { GRAPH <https://w3id.org/govkg/graph/x> { <urn:a> <urn:b> 1 } }",
                   auth)
    assert curated.status == 400 and "not allowed" in curated.json()["error"], "GovKG's own graphs are not editable"
    basic = {"Authorization": "Basic " + __import__("base64").b64encode(f"anyone:{TOKEN}".encode()).decode()}
    removed = form(strict, "update", "DELETE WHERE { <urn:govkg:test> ?p ?o } ; DROP GRAPH <urn:g>", basic)
    assert removed.json()["changed"] is True and removed.json()["triples"] == 0
    assert query(strict, label).json()["results"]["bindings"] == []
    keys = {s["key"] for s in call(f"{strict.url}/api/sources").json()["sources"]}
    assert "sparql-update" not in keys and not any(k.startswith("graph-") for k in keys)


# --------------------------------------------------------------------------------------------- command line
def test_govkg_serve_starts_answers_and_stops_on_sigterm(bundled_store_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(bundled_store_path, path)
    env = {**os.environ, "GOVKG_STORE": str(path), "GOVKG_ENDPOINT_WORKERS": "1", "GOVKG_BACKEND": "embedded"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", "0", "--quiet"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        match = re.match(r"GovKG SPARQL endpoint at (http://\S+)/sparql", first)
        assert match, first + (proc.stderr.read() if proc.stderr else "")
        health = call(f"{match.group(1)}/api/health").json()
        assert health["ok"] and health["sources"] == BUNDLED_SOURCES and health["workers"] == 1
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out
    with Store.open(path):  # the lock is released
        pass


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_workers_die_with_the_server_even_in_the_middle_of_a_query(bundled_store_path: Path,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "store"
    shutil.copytree(bundled_store_path, path)
    env = {**os.environ, "GOVKG_STORE": str(path), "GOVKG_QUERY_TIMEOUT": "300", "GOVKG_BACKEND": "embedded"}
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", "0", "--quiet"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[4].removesuffix("/sparql")

        def runaway() -> None:  # its connection dies with the server: that is the point
            with contextlib.suppress(OSError, http.client.HTTPException):
                call(f"{url}/sparql", params={"query": RUNAWAY}, timeout=60)

        threading.Thread(target=runaway, daemon=True).start()
        workers = _children(proc.pid)
        assert len(workers) >= 2
        deadline = time.monotonic() + 10
        while not any(_state(pid) == "R" for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)  # until a worker is busy with the runaway query
    finally:
        proc.kill()  # SIGKILL: the server gets no chance to stop its workers
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_state(pid) not in (None, "Z") for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if _state(pid) not in (None, "Z")] == [], "workers outlived the server"
