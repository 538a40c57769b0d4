"""Every command on a SPARQL server: with ``GOVKG_BACKEND=remote`` on Apache Jena Fuseki, the commands a user
runs give the same answers as on the embedded store with the same data — ingest, sources, stats, query,
entity, validate, export, reconcile, search, analyse, neo4j push and status, remove, and govkg serve (its
SPARQL endpoint and JSON API). Each side is driven through the real command line (``run_cli``), the endpoint
over HTTP."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import NEO4J_PASSWORD, CliResult, normalised, run_cli
from graph.queries import get_query

pytestmark = [pytest.mark.external, pytest.mark.slow]

ENV = ("GOVKG_BACKEND", "GOVKG_STORE", "GOVKG_SEARCH_DIR", "GOVKG_SPARQL_QUERY_URL", "GOVKG_SPARQL_UPDATE_URL",
       "GOVKG_SPARQL_GSP_URL", "GOVKG_SPARQL_CATALOG", "GOVKG_NEO4J_URI", "GOVKG_NEO4J_PASSWORD")


@dataclass
class Side:
    """One store, embedded or on the server, and the environment that names it."""

    name: str
    env: dict[str, str]


@dataclass
class Both:
    monkeypatch: pytest.MonkeyPatch
    embedded: Side
    remote: Side

    def run(self, side: Side, *args: str) -> CliResult:
        for name in ENV:
            self.monkeypatch.delenv(name, raising=False)
        for name, value in side.env.items():
            self.monkeypatch.setenv(name, value)
        result = run_cli(*args)
        assert result.code == 0, f"{side.name}: govkg {' '.join(args)}: {result.err}"
        return result

    def json(self, *args: str) -> tuple[Any, Any]:
        """The JSON a command prints, on the embedded store and on the server."""
        return json.loads(self.run(self.embedded, *args).out), json.loads(self.run(self.remote, *args).out)


@pytest.fixture(scope="module")
def sides(fuseki: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side]]:
    cache = str(tmp_path_factory.mktemp("vectors"))  # embeddings computed once, for both sides
    embedded = Side("embedded", {"GOVKG_STORE": str(tmp_path_factory.mktemp("embedded") / "store"),
                                 "GOVKG_SEARCH_CACHE": cache})
    remote = Side("remote", {
        "GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": fuseki["query_url"],
        "GOVKG_SPARQL_UPDATE_URL": fuseki["update_url"], "GOVKG_SPARQL_GSP_URL": fuseki["gsp_url"],
        "GOVKG_SPARQL_CATALOG": f"https://w3id.org/govkg/graph/catalog/cli-{uuid.uuid4().hex[:8]}",
        "GOVKG_STORE": str(tmp_path_factory.mktemp("unused") / "no-store"),  # must not be touched
        "GOVKG_SEARCH_DIR": str(tmp_path_factory.mktemp("remote-search")), "GOVKG_SEARCH_CACHE": cache})
    yield embedded, remote


@pytest.fixture
def both(sides: tuple[Side, Side], monkeypatch: pytest.MonkeyPatch) -> Both:
    return Both(monkeypatch, *sides)


@pytest.fixture(scope="module")
def ingested(sides: tuple[Side, Side]) -> tuple[Any, Any]:
    """Both stores ingested with the bundled data (and the search index built by the ingest), once."""
    with pytest.MonkeyPatch.context() as mp:
        out = Both(mp, *sides).json("ingest", "--json")
    return out


def test_ingest_writes_the_same_sources_on_the_server(ingested: tuple[Any, Any], both: Both) -> None:
    embedded, remote = ingested
    assert embedded["total_triples"] == remote["total_triples"] > 5000
    assert {o["key"]: o["triples"] for o in embedded["sources"]} == {o["key"]: o["triples"] for o in remote["sources"]}
    assert not Path(both.remote.env["GOVKG_STORE"]).exists()  # nothing went to a local store folder
    again = json.loads(both.run(both.remote, "ingest", "--json").out)
    assert {o["status"] for o in again["sources"]} == {"unchanged"}
    a, b = both.json("sources", "--json")
    assert {s["key"]: s["content_hash"] for s in a} == {s["key"]: s["content_hash"] for s in b}
    a, b = both.json("stats", "--json")
    assert (a["triples"], a["sources"], a["classes"]) == (b["triples"], b["sources"], b["classes"])


def test_queries_entities_validation_and_export_agree(ingested: tuple[Any, Any], both: Both) -> None:
    for name, params in (("accountable-for-scope", {"scope": "national-digital-strategy", "year": "2020"}),
                         ("body-lineage", {"body": "nhs-connecting-for-health"})):
        args = [f"{k}={v}" for k, v in params.items()]
        a, b = both.json("query", name, *(x for arg in args for x in ("--param", arg)), "--format", "json")
        assert a["head"] == b["head"] and a["results"]["bindings"]
        sparql = get_query(name).bind(params)
        assert normalised(_rows(a), sparql) == normalised(_rows(b), sparql)
    a, b = both.json("entity", "NHSX", "--json")
    assert (a["iri"], a["label"]) == (b["iri"], b["label"])
    for part in ("properties", "outgoing", "incoming", "sources"):
        assert sorted(map(repr, a[part])) == sorted(map(repr, b[part])), part
    a, b = both.json("validate", "--json")
    assert a["conforms"] and b["conforms"]
    nt = {}
    for side in (both.embedded, both.remote):
        out = Path(both.embedded.env["GOVKG_SEARCH_CACHE"]) / f"export-{side.name}.nt"
        both.run(side, "export", "--format", "nt", "-o", str(out))
        nt[side.name] = sorted(set(out.read_text(encoding="utf-8").splitlines()))
    assert nt["embedded"] == nt["remote"] and len(nt["remote"]) > 5000


def _rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v["value"] for k, v in b.items()} for b in results["results"]["bindings"]]


def test_keys_and_unknown_keys_agree(ingested: tuple[Any, Any], both: Both) -> None:
    for args in (("keys", "scopes", "--json"), ("keys", "bodies", "nhs", "--json"), ("sources", "--json")):
        a, b = both.json(*args)
        if args[0] == "sources":
            a, b = ({s["key"]: s["report"] is None for s in x} for x in (a, b))  # reports as JSON, on both
        assert a == b, args
    for side in (both.embedded, both.remote):
        for name in ENV:
            both.monkeypatch.delenv(name, raising=False)
        for name, value in side.env.items():
            both.monkeypatch.setenv(name, value)
        bad = run_cli("query", "accountable-for-scope", "--param", "scope=npfit")
        assert bad.code == 2 and "there is no scope 'npfit'" in bad.err and "npfit-delivery" in bad.err, side.name


def test_reconcile_links_the_same_records(ingested: tuple[Any, Any], both: Both) -> None:
    a, b = both.json("reconcile", "--report", "--json")
    assert a["written"].split(" (")[0] == b["written"].split(" (")[0]
    for part in ("matches", "memberships", "not_members", "ambiguous"):
        assert sorted(map(repr, a.get(part, []))) == sorted(map(repr, b.get(part, []))), part


def test_search_answers_from_the_index_kept_beside_the_server_data(ingested: tuple[Any, Any], both: Both) -> None:
    a, b = both.json("search", "clinicians were not engaged", "--json")
    assert a["hits"] and [h["iri"] for h in a["hits"]] == [h["iri"] for h in b["hits"]]
    assert [round(h["score"], 4) for h in a["hits"]] == [round(h["score"], 4) for h in b["hits"]]
    assert any(Path(both.remote.env["GOVKG_SEARCH_DIR"]).iterdir())  # the index built at ingest, kept on disk


@pytest.mark.parametrize("analysis", [("overlaps",), ("gaps",), ("coverage",), ("recurring",),
                                      ("accountable", "national-digital-strategy", "--year", "2020"),
                                      ("lineage", "nhs-connecting-for-health"), ("changes", "2018", "2023")])
def test_analyses_agree(analysis: tuple[str, ...], ingested: tuple[Any, Any], both: Both) -> None:
    a, b = both.json("analyse", *analysis, "--json")
    assert a == b
    assert a or analysis == ("gaps",)  # the bundled data has no gap; every other one has something to say


def test_neo4j_push_from_the_server_projects_the_same_graph(ingested: tuple[Any, Any], both: Both,
                                                           neo4j_uri: str) -> None:
    counts = {}
    for side in (both.embedded, both.remote):
        side.env.update({"GOVKG_NEO4J_URI": neo4j_uri, "GOVKG_NEO4J_PASSWORD": NEO4J_PASSWORD})
        both.run(side, "neo4j", "push", "--wipe")
        counts[side.name] = json.loads(both.run(side, "neo4j", "status", "--json").out)
    assert counts["embedded"]["counts"] == counts["remote"]["counts"]
    assert counts["remote"]["counts"]["nodes"] > 500


def test_serve_answers_from_the_server(ingested: tuple[Any, Any], both: Both) -> None:
    from graph.endpoint import EndpointServer
    from graph.settings import Settings

    answers = {}
    for side in (both.embedded, both.remote):
        settings = Settings.load(environ=side.env)
        with EndpointServer(settings, port=0, workers=1).start() as server:
            query = urllib.parse.urlencode({"query": "SELECT ?l WHERE { ?b a gk:Body ; rdfs:label ?l } ORDER BY ?l"})
            request = urllib.request.Request(f"{server.url}/sparql?{query}",
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=60) as response:
                labels = [b["l"]["value"] for b in json.load(response)["results"]["bindings"]]
            with urllib.request.urlopen(f"{server.url}/api/queries/body-lineage?body=nhsx", timeout=60) as response:
                rows = json.load(response)["rows"]
            with urllib.request.urlopen(f"{server.url}/api/entity?ref=NHSX", timeout=60) as response:
                label = json.load(response)["label"]
            with urllib.request.urlopen(f"{server.url}/api/search?q=suppliers+walked+away&k=5",
                                        timeout=300) as response:
                hits = [h["iri"] for h in json.load(response)["hits"]]
        answers[side.name] = (labels, sorted(map(repr, rows)), label, hits)
    assert answers["embedded"] == answers["remote"]
    assert len(answers["remote"][0]) > 40 and answers["remote"][3]


def test_remove_on_the_server(ingested: tuple[Any, Any], both: Both) -> None:
    both.run(both.remote, "remove", "curated-targets")
    keys = {s["key"] for s in json.loads(both.run(both.remote, "sources", "--json").out)}
    assert "curated-targets" not in keys and "curated-bodies" in keys
