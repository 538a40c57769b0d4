"""Real SPARQL clients against ``govkg serve``: SPARQLWrapper and rdflib's SPARQLStore, and a concurrent load.

The load test asserts zero errors, not timings; bench/bench_endpoint.py measures throughput and latency.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import served_copy

from conftest import need
from graph.backends.embedded import Store
from graph.backends.types import py_value
from graph.endpoint import EndpointServer
from graph.queries import canned_queries

try:
    import SPARQLWrapper
except ImportError:  # the test fails in CI (need), and is skipped elsewhere
    SPARQLWrapper = None  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _clients_installed() -> None:
    need(SPARQLWrapper is not None, "SPARQLWrapper is not installed (pip install SPARQLWrapper)")
LOAD_CLIENTS = 20
LOAD_SECONDS = float(os.environ.get("GOVKG_LOAD_SECONDS", "8"))


@pytest.fixture(scope="module")
def server(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EndpointServer]:
    with served_copy(bundled_store_path, tmp_path_factory.mktemp("clients"), query_timeout=20.0) as s:
        yield s


@pytest.fixture(scope="module")
def reference(bundled_store_path: Path) -> Iterator[Store]:
    with Store.open(bundled_store_path, read_only=True) as store:
        yield store


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def _from_json(bindings: list[dict[str, Any]], variables: list[str]) -> list[dict[str, Any]]:
    """SPARQL JSON bindings as the store's plain values, via pyoxigraph terms."""
    import pyoxigraph as ox

    parsed = ox.parse_query_results(json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}),
                                    ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    return [{v: _plain(py_value(s[v])) for v in variables} for s in parsed]


def _expected(reference: Store, sparql: str) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in reference.select(sparql)]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_sparqlwrapper_gets_every_canned_query_right(
        server: EndpointServer, reference: Store, name: str, method: str) -> None:
    sparql = canned_queries()[name].bind({})
    client = SPARQLWrapper.SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(sparql)
    client.setMethod(method)
    client.setReturnFormat(SPARQLWrapper.JSON)
    data = client.queryAndConvert()
    assert isinstance(data, dict)
    assert _from_json(data["results"]["bindings"], data["head"]["vars"]) == _expected(reference, sparql)


def test_sparqlwrapper_xml_csv_and_graph_formats(server: EndpointServer, reference: Store) -> None:
    sparql = canned_queries()["body-lineage"].bind({})
    client = SPARQLWrapper.SPARQLWrapper(f"{server.url}/sparql")
    client.setQuery(sparql)
    client.setReturnFormat(SPARQLWrapper.XML)
    xml = client.queryAndConvert()
    assert len(xml.getElementsByTagName("result")) == len(reference.select(sparql))  # type: ignore[union-attr]
    client.setReturnFormat(SPARQLWrapper.CSV)
    csv_text = client.queryAndConvert()
    assert isinstance(csv_text, bytes) and csv_text.count(b"\r\n") == len(reference.select(sparql)) + 1
    construct = "CONSTRUCT { ?b ?p ?o } WHERE { ?b a gk:Body ; ?p ?o }"
    expected = len(reference.query(construct).triples)
    for fmt in (SPARQLWrapper.TURTLE, SPARQLWrapper.XML, SPARQLWrapper.JSONLD, SPARQLWrapper.N3):
        client.setQuery(construct)
        client.setReturnFormat(fmt)
        graph = client.queryAndConvert()
        if isinstance(graph, bytes):  # SPARQLWrapper hands back Turtle and N3 as bytes
            import rdflib

            graph = rdflib.Graph().parse(data=graph, format="turtle")
        assert len(graph) == expected, fmt  # type: ignore[arg-type]


def test_rdflib_sparqlstore_runs_queries_on_the_server(server: EndpointServer, reference: Store) -> None:
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(f"{server.url}/sparql", returnFormat="json")
    graph = rdflib.Graph(store=store)
    sparql = canned_queries()["accountable-for-scope"].bind({})
    rows = list(graph.query(sparql))
    assert len(rows) == len(reference.select(sparql)) > 0
    body = rdflib.URIRef("https://w3id.org/govkg/ontology#Body")
    bodies = set(graph.subjects(rdflib.RDF.type, body))
    assert len(bodies) == len(reference.select("SELECT DISTINCT ?b WHERE { ?b a gk:Body }"))
    assert graph.query("ASK { ?b a <https://w3id.org/govkg/ontology#Body> }").askAnswer is True


def test_twenty_concurrent_clients_get_no_errors(server: EndpointServer, reference: Store) -> None:
    host, port = server.address
    canned = canned_queries()
    requests: list[tuple[str, int | None]] = [
        ("/sparql?" + urllib.parse.urlencode({"query": q.bind({})}), len(reference.select(q.bind({}))))
        for q in canned.values()]
    requests += [(f"/api/queries/{name}", None) for name in canned] + [("/api/entity?ref=NHSX", None)]
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + LOAD_SECONDS

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(str(host), int(port), timeout=60)
        i = n
        while time.monotonic() < stop:
            target, rows = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200
                if ok and rows is not None:
                    ok = len(json.loads(body)["results"]["bindings"]) == rows
            except (OSError, http.client.HTTPException, ValueError) as exc:
                ok, body = False, repr(exc).encode()
                conn.close()
                conn = http.client.HTTPConnection(str(host), int(port), timeout=60)
            with lock:
                latencies.append(time.perf_counter() - started)
                if not ok:
                    errors.append(f"{target[:60]}: {body[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(LOAD_CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(latencies) > LOAD_CLIENTS
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"\n{len(latencies)} requests from {LOAD_CLIENTS} clients in {LOAD_SECONDS:g} s: "
          f"{len(latencies) / LOAD_SECONDS:.0f}/s, p95 {p95 * 1000:.0f} ms")
