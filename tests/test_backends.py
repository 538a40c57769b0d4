"""The backend contract: the embedded store and the remote SPARQL backend pass the same tests.

Every test taking ``backend`` runs on the embedded Oxigraph store and on RemoteBackend against Apache Jena
Fuseki and OpenLink Virtuoso, each started once per session with scripts/servers/*.sh on a free port and in
a temporary folder. Each remote test uses its own catalog graph, so tests share a server without seeing each
other. A server that cannot start skips its tests, except in CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import BUNDLED_SOURCES, CURATED, ROOT, need
from graph.backends import Backend, BackendStaging, describe, open_backend
from graph.backends.embedded import Store
from graph.backends.remote import CAT, RemoteBackend
from graph.backends.remote_staging import RemoteStaging
from graph.backends.sparql import query_form, with_prefixes
from graph.backends.types import py_value
from graph.errors import QueryError, SettingsError, StoreError
from graph.queries import canned_queries
from graph.settings import Settings

EX = "https://example.org/govkg-test/"
REMOTES = ("fuseki", "virtuoso")
SERVER = [pytest.mark.external, pytest.mark.slow]
BACKENDS = ["embedded", *(pytest.param(name, marks=SERVER) for name in REMOTES)]
# Virtuoso 7.2 drops rows from zero-or-more property paths (gk:partOf*, skos:broader*) when the dataset has
# several default graphs: figures-about-programme gave 1 row of 42 over the 14 live graphs, 42 over 4, 6 over
# all of them. Reproduced with plain SPARQL over HTTP; no dataset form avoids it, so on Virtuoso the canned
# queries with such paths are expected to fail (not strictly: some happen to come out right).
PROPERTY_PATH = re.compile(r"\^?[A-Za-z][\w-]*:[\w-]+[*+]")


# --------------------------------------------------------------------------------------------- servers
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(name: str, env: dict[str, str]) -> Iterator[None]:
    """Start scripts/servers/<name>.sh with ``env`` added; stop it at the end."""
    script = ROOT / "scripts" / "servers" / f"{name}.sh"
    full_env = {**os.environ, **env}

    def run(command: str, timeout: float) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(["bash", str(script), command], env=full_env, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return subprocess.CompletedProcess([], 1, "", f"{name}.sh {command} did not finish in {timeout:g} s")

    started = run("start", 600)
    if started.returncode != 0:
        run("stop", 120)
    need(started.returncode == 0, f"{name}.sh start failed: {(started.stdout + started.stderr).strip()[-800:]}")
    try:
        yield
    finally:
        run("stop", 120)


@pytest.fixture(scope="session")
def fuseki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/govkg"
    with _server("fuseki", {"FUSEKI_PORT": str(port), "FUSEKI_DATASET": "mem", "FUSEKI_HEAP": "512m",
                            "FUSEKI_DATA_DIR": str(tmp_path_factory.mktemp("fuseki"))}):
        yield {"query_url": f"{base}/query", "update_url": f"{base}/update", "gsp_url": f"{base}/data"}


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    http_port, isql_port = _free_port(), _free_port()
    base = f"http://127.0.0.1:{http_port}"
    with _server("virtuoso", {"VIRTUOSO_HTTP_PORT": str(http_port), "VIRTUOSO_ISQL_PORT": str(isql_port),
                              "VIRTUOSO_DATA_DIR": str(tmp_path_factory.mktemp("virtuoso"))}):
        yield {"query_url": f"{base}/sparql", "gsp_url": f"{base}/sparql-graph-crud"}


def _remote(request: pytest.FixtureRequest, name: str, **options: Any) -> RemoteBackend:
    urls: dict[str, str] = request.getfixturevalue(name)
    catalog = f"https://w3id.org/govkg/graph/catalog/test-{uuid.uuid4().hex[:12]}"
    return RemoteBackend(**{**urls, **options}, catalog=catalog, timeout=60).open()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    opened: Backend = Store.open(tmp_path / "store") if request.param == "embedded" else _remote(request,
                                                                                                 request.param)
    yield opened
    if not getattr(opened, "closed_by_test", False):
        opened.close()


def _reopen(backend: Backend) -> Backend:
    """The same store opened afresh (the catalog as a new process reads it); call it last in a test."""
    if isinstance(backend, RemoteBackend):
        return RemoteBackend(backend.query_url, update_url=backend.update_url, gsp_url=backend.gsp_url,
                             catalog=backend.catalog).open()
    assert isinstance(backend, Store) and backend.path is not None
    backend.close()  # Oxigraph forbids opening a store that another instance writes: close the writer first
    backend.closed_by_test = True  # type: ignore[attr-defined]
    return Store.open(backend.path, read_only=True)


# --------------------------------------------------------------------------------------------- helpers
def nt(*triples: tuple[str, str, str]) -> bytes:
    """N-Triples from (subject, predicate, object) with EX-relative names; objects in quotes are literals."""
    lines = []
    for s, p, o in triples:
        obj = o if o.startswith(('"', "<", "_:")) else f"<{EX}{o}>"
        subj = s if s.startswith("_:") else f"<{EX}{s}>"
        lines.append(f"{subj} <{EX}{p}> {obj} .")
    return ("\n".join(lines) + "\n").encode()


def put(stage: BackendStaging, key: str, data: bytes, **kwargs: Any) -> Any:
    return stage.put(key, data, content_hash=f"hash-{key}-{len(data)}", origin=f"test:{key}", ingester="test",
                     **kwargs)


def labels(backend: Backend) -> set[str]:
    return {r["o"] for r in backend.select(f"SELECT ?o WHERE {{ ?s <{EX}label> ?o }}")}


# --------------------------------------------------------------------------------------------- contract
def test_both_stores_satisfy_the_backend_interface(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s") as store:
        assert isinstance(store, Backend) and isinstance(store.staging(), BackendStaging)
    remote = RemoteBackend("http://127.0.0.1:9/sparql")  # not opened: nothing is sent
    assert isinstance(remote, Backend) and isinstance(object.__new__(RemoteStaging), BackendStaging)


def test_a_new_backend_is_empty(backend: Backend) -> None:
    assert backend.sources() == {}
    assert backend.triple_count() == 0
    assert backend.query("SELECT * WHERE { ?s ?p ?o }").rows == []
    assert backend.query("ASK { ?s ?p ?o }").boolean is False


def test_a_committed_source_is_live_with_its_catalog_record(backend: Backend) -> None:
    with backend.staging() as stage:
        staged = put(stage, "alpha", nt(("a", "label", '"Alpha"'), ("a", "next", "b")), title="Alpha source",
                     report='{"n": 1}')
    assert staged.triples == 2
    record = backend.sources()["alpha"]
    assert (record.key, record.generation, record.triples, record.title) == ("alpha", 1, 2, "Alpha source")
    assert (record.origin, record.ingester, record.report) == ("test:alpha", "test", '{"n": 1}')
    assert record.content_hash == staged.content_hash and record.graph == staged.graph.value
    assert record.ingested_at[:4].isdigit()
    assert labels(backend) == {"Alpha"}
    assert backend.triple_count() == 2


def test_staged_graphs_are_invisible_until_the_commit(backend: Backend) -> None:
    with backend.staging() as stage:
        put(stage, "alpha", nt(("a", "label", '"Alpha"')))
        assert labels(backend) == set()
        assert "alpha" not in backend.sources()
        graphs = backend.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert graphs == []
    assert labels(backend) == {"Alpha"}


def test_an_error_inside_staging_leaves_the_store_as_it_was(backend: Backend) -> None:
    with backend.staging() as stage:
        put(stage, "alpha", nt(("a", "label", '"Alpha"')))
    before = backend.sources()
    with pytest.raises(RuntimeError), backend.staging() as stage:
        put(stage, "alpha", nt(("a", "label", '"Alpha two"')))
        put(stage, "beta", nt(("b", "label", '"Beta"')))
        raise RuntimeError("the ingest failed half way")
    assert labels(backend) == {"Alpha"}
    assert _reopen(backend).sources() == before  # last: the embedded store is closed by it


def test_malformed_data_raises_a_store_error_and_changes_nothing(backend: Backend) -> None:
    with pytest.raises(StoreError, match="cannot load source broken"), backend.staging() as stage:
        put(stage, "fine", nt(("a", "label", '"Fine"')))
        put(stage, "broken", b"<not a triple\n")
    assert backend.sources() == {} and labels(backend) == set()


def test_reingest_replaces_the_sources_graph(backend: Backend) -> None:
    with backend.staging() as stage:
        first = put(stage, "alpha", nt(("a", "label", '"Alpha"')))
    with backend.staging() as stage:
        second = put(stage, "alpha", nt(("a", "label", '"Alpha two"'), ("a", "label", '"Second label"')))
    record = backend.sources()["alpha"]
    assert record.generation == 2 and record.graph == second.graph.value != first.graph.value
    assert labels(backend) == {"Alpha two", "Second label"}
    physical = backend.query(f"ASK FROM NAMED <{first.graph.value}> {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert physical.boolean is False, "the old graph must be dropped after the switch"


def test_several_sources_switch_together_and_removal_is_a_switch_too(backend: Backend) -> None:
    with backend.staging() as stage:
        put(stage, "alpha", nt(("a", "label", '"Alpha"')))
        put(stage, "beta", nt(("b", "label", '"Beta"')))
    with backend.staging() as stage:
        put(stage, "gamma", nt(("c", "label", '"Gamma"')))
        stage.remove("alpha")
    assert set(backend.sources()) == {"beta", "gamma"} and labels(backend) == {"Beta", "Gamma"}
    removed = backend.remove_sources(["beta"])
    assert [r.key for r in removed] == ["beta"]
    assert set(backend.sources()) == {"gamma"} and labels(backend) == {"Gamma"}
    assert set(_reopen(backend).sources()) == {"gamma"}


def test_the_default_graph_is_the_union_and_each_source_a_named_graph(backend: Backend) -> None:
    with backend.staging() as stage:
        a = put(stage, "alpha", nt(("a", "next", "b")))
        b = put(stage, "beta", nt(("b", "next", "c")))
    two_hops = backend.select(f"SELECT ?z WHERE {{ <{EX}a> <{EX}next>/<{EX}next> ?z }}")
    assert two_hops == [{"z": f"{EX}c"}]
    graphs = backend.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s <{EX}next> ?o }} }} ORDER BY ?g")
    assert {r["g"] for r in graphs} == {a.graph.value, b.graph.value}


def test_terms_round_trip_with_their_types(backend: Backend) -> None:
    text = 'quote \\" backslash \\\\ newline \\n unicode é £ \\u2014'
    data = (f'<{EX}x> <{EX}text> "{text}" .\n'
            f'<{EX}x> <{EX}lang> "colour"@en-gb .\n'
            f'<{EX}x> <{EX}int> "4700000000"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            f'<{EX}x> <{EX}date> "2020-05-15"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
            f'<{EX}x> <{EX}dec> "2.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n').encode()
    with backend.staging() as stage:
        put(stage, "terms", data)
    row = backend.query(f"SELECT ?t ?l ?i ?d ?n WHERE {{ <{EX}x> <{EX}text> ?t ; <{EX}lang> ?l ; <{EX}int> ?i ; "
                        f"<{EX}date> ?d ; <{EX}dec> ?n }}").rows[0]
    assert row[0].value == 'quote " backslash \\ newline \n unicode é £ \u2014'
    assert (row[1].value, row[1].language) == ("colour", "en-gb")
    assert py_value(row[2]) == 4700000000 and py_value(row[4]) == 2.5
    assert row[3].datatype.value.endswith("#date") and row[3].value == "2020-05-15"


def test_turtle_sources_and_blank_nodes_are_loaded(backend: Backend) -> None:
    ttl = f"@prefix ex: <{EX}> .\nex:a ex:label \"A\" ; ex:has [ ex:label \"inner\" ] .\n".encode()
    with backend.staging() as stage:
        staged = put(stage, "turtle", ttl, rdf_format=ox.RdfFormat.TURTLE)
    assert staged.triples == 3
    assert labels(backend) == {"A", "inner"}
    assert backend.select(f"SELECT ?l WHERE {{ <{EX}a> <{EX}has>/<{EX}label> ?l }}") == [{"l": "inner"}]


def test_a_limit_cuts_the_result_and_says_so(backend: Backend) -> None:
    with backend.staging() as stage:
        put(stage, "many", nt(*((f"s{i}", "label", f'"L{i}"') for i in range(5))))
    cut = backend.query(f"SELECT ?s WHERE {{ ?s <{EX}label> ?l }}", limit=3)
    assert (len(cut.rows), cut.truncated, cut.limit) == (3, True, 3)
    whole = backend.query(f"SELECT ?s WHERE {{ ?s <{EX}label> ?l }}", limit=5)
    assert (len(whole.rows), whole.truncated) == (5, False)
    graph = backend.query(f"CONSTRUCT WHERE {{ ?s <{EX}label> ?l }}", limit=2)
    assert (graph.kind, len(graph.triples), graph.truncated) == ("graph", 2, True)


def test_query_forms_and_errors(backend: Backend) -> None:
    with backend.staging() as stage:
        put(stage, "alpha", nt(("a", "label", '"Alpha"')))
    assert backend.query("ASK { ?s ?p ?o }").kind == "ask"
    described = backend.query(f"DESCRIBE <{EX}a>")
    assert described.kind == "graph" and len(described.triples) == 1
    with pytest.raises(QueryError):
        backend.query("SELECT ?s WHERE { ?s ?p }")


def test_source_quads_and_dump_give_back_the_live_data(backend: Backend) -> None:
    data = nt(("a", "label", '"Alpha"'), ("a", "next", "b"))
    with backend.staging() as stage:
        staged = put(stage, "alpha", data)
        put(stage, "beta", nt(("b", "label", '"Beta"')))
    quads = set(backend.source_quads("alpha"))
    assert quads == {ox.Quad(q.subject, q.predicate, q.object, staged.graph) for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)}
    out = io.BytesIO()
    backend.dump(out, "nq")
    dumped = set(ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS))
    assert dumped == set(backend.quads()) and len(dumped) == 3


# --------------------------------------------------------------------------------------------- remote only
@pytest.mark.parametrize("name", [pytest.param(n, marks=SERVER) for n in REMOTES])
def test_a_writer_that_died_leaves_a_pending_graph_that_a_later_writer_drops(
        name: str, request: pytest.FixtureRequest) -> None:
    backend = _remote(request, name)
    stage = backend.staging()
    staged = put(stage, "alpha", nt(("a", "label", '"Alpha"')))  # then the process "dies": no commit, no abort
    assert labels(backend) == set() and backend.sources() == {}
    pending = backend._rows(f"SELECT ?g WHERE {{ GRAPH <{backend.catalog}> {{ ?g <{CAT}pendingSince> ?t }} }}")
    assert [r["g"].value for r in pending] == [staged.graph.value]
    assert _reopen(backend).sources() == {}  # a fresh writer within the grace period leaves it alone
    assert backend.collect_garbage(older_than=0) == [staged.graph.value]
    left = backend._raw(f"ASK {{ GRAPH <{staged.graph.value}> {{ ?s ?p ?o }} }}")
    assert left.boolean is False


@pytest.mark.parametrize("name", [pytest.param(n, marks=SERVER) for n in REMOTES])
def test_a_commit_that_lost_a_race_with_another_writer_switches_nothing(
        name: str, request: pytest.FixtureRequest) -> None:
    first = _remote(request, name)
    second = RemoteBackend(first.query_url, update_url=first.update_url, gsp_url=first.gsp_url,
                           catalog=first.catalog).open()
    stage = first.staging()
    late = put(stage, "alpha", nt(("a", "label", '"First"')))
    with second.staging() as other:
        put(other, "alpha", nt(("a", "label", '"Second"')))
    with pytest.raises(StoreError, match="changed while this command ran"):
        stage.commit()
    assert labels(first) == {"Second"} and first.sources()["alpha"].graph != late.graph.value
    assert first._raw(f"ASK {{ GRAPH <{late.graph.value}> {{ ?s ?p ?o }} }}").boolean is False


@pytest.mark.parametrize("name", [pytest.param(n, marks=SERVER) for n in REMOTES])
def test_without_a_graph_store_url_graphs_are_uploaded_with_sparql_update(
        name: str, request: pytest.FixtureRequest) -> None:
    backend = _remote(request, name, gsp_url="")
    data = nt(*((f"s{i}", "label", f'"L{i}"') for i in range(12)), ("_:b", "label", '"blank"'))
    with backend.staging() as stage:
        assert put(stage, "alpha", data).triples == 13
    assert len(labels(backend)) == 13 and len(list(backend.source_quads("alpha"))) == 13


@pytest.mark.parametrize("name", [pytest.param(n, marks=SERVER) for n in REMOTES])
def test_the_settings_choose_the_remote_backend(name: str, request: pytest.FixtureRequest) -> None:
    urls: dict[str, str] = request.getfixturevalue(name)
    env = {"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": urls["query_url"],
           "GOVKG_SPARQL_UPDATE_URL": urls.get("update_url", ""), "GOVKG_SPARQL_GSP_URL": urls["gsp_url"],
           "GOVKG_SPARQL_CATALOG": f"https://w3id.org/govkg/graph/catalog/test-{uuid.uuid4().hex[:8]}"}
    with open_backend(Settings.load(environ=env)) as opened:
        assert isinstance(opened, RemoteBackend) and describe(opened) == urls["query_url"]
        assert opened.sources() == {}


def test_remote_settings_need_a_url_and_a_server_that_answers() -> None:
    with pytest.raises(SettingsError, match="GOVKG_SPARQL_QUERY_URL"):
        open_backend(Settings.load(environ={"GOVKG_BACKEND": "remote"}))
    with pytest.raises(SettingsError, match="GOVKG_BACKEND"):
        Settings.load(environ={"GOVKG_BACKEND": "neo4j"})
    env = {"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": f"http://127.0.0.1:{_free_port()}/sparql"}
    with pytest.raises(StoreError, match="does not answer"):
        open_backend(Settings.load(environ=env))


def test_query_text_helpers() -> None:
    assert query_form("PREFIX a: <x:>\n# c\nBASE <y:> select * {}") == "select"
    assert query_form("  construct { ?s ?p ?o } where { ?s ?p ?o }") == "construct"
    assert query_form("INSERT DATA { <a:b> <a:b> <a:b> }") is None
    text = with_prefixes("PREFIX gk: <urn:other#> SELECT * {}")
    assert text.count("PREFIX gk:") == 1 and "PREFIX skos:" in text


# --------------------------------------------------------------------------------------------- bundled data
@pytest.fixture(scope="session", params=BACKENDS)
def bundled_backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The bundled curated data ingested through the pipeline, once per backend and session."""
    from ingest.pipeline import ingest

    if request.param == "embedded":
        opened: Backend = Store.open(tmp_path_factory.mktemp("bundled-embedded") / "store")
    else:
        opened = _remote(request, request.param)
    with opened:
        summary = ingest(opened, [CURATED])  # type: ignore[arg-type]  # until ingest() takes a Backend
        assert summary.total_triples > 5000
        yield opened


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from ingest.pipeline import ingest

    with Store.open(tmp_path_factory.mktemp("reference") / "store") as store:
        ingest(store, [CURATED])
        yield store


def _normalised(rows: list[dict[str, Any]], sparql: str) -> list[str]:
    """Rows as comparable text: numbers as floats, GROUP_CONCAT lists sorted (their order is not defined)."""
    concat = set(re.findall(r"GROUP_CONCAT\(.*?\)\s+AS\s+\?(\w+)", sparql, flags=re.I | re.S))
    out = []
    for row in rows:
        items: list[tuple[str, Any]] = []
        for k, v in sorted(row.items()):
            if isinstance(v, bool) or v is None:
                items.append((k, v))
            elif isinstance(v, int | float):
                items.append((k, float(v)))
            elif k in concat:
                items.append((k, " ".join(sorted(str(v).split()))))
            else:
                items.append((k, v))
        out.append(repr(items))
    return sorted(out)


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_gives_the_same_answer_on_every_backend(
        name: str, bundled_backend: Backend, reference: Store, request: pytest.FixtureRequest) -> None:
    sparql = canned_queries()[name].bind({})
    if isinstance(bundled_backend, RemoteBackend) and "virtuoso" in bundled_backend.server.lower() \
            and PROPERTY_PATH.search(sparql):
        request.applymarker(pytest.mark.xfail(reason="Virtuoso 7.2: property paths over a multi-graph dataset"))
    expected = _normalised(reference.select(sparql), sparql)
    assert _normalised(bundled_backend.select(sparql), sparql) == expected


def test_the_bundled_sources_and_entities_agree_with_the_embedded_store(
        bundled_backend: Backend, reference: Store) -> None:
    from graph.entity import entity

    got, want = bundled_backend.sources(), reference.sources()
    assert {k: (s.triples, s.content_hash) for k, s in got.items()} == \
        {k: (s.triples, s.content_hash) for k, s in want.items()}
    a, b = entity(bundled_backend, "NHSX").as_dict(), entity(reference, "NHSX").as_dict()  # type: ignore[arg-type]
    assert (a["iri"], a["label"], a["types"]) == (b["iri"], b["label"], b["types"])
    for part in ("properties", "outgoing", "incoming", "sources"):
        assert sorted(map(repr, a[part])) == sorted(map(repr, b[part])), part


@pytest.mark.external
@pytest.mark.slow
def test_the_cli_runs_on_a_remote_backend_through_open_backend(
        fuseki: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The wiring proposed for cli/main.py's ``_open()`` (open_backend), exercised on the real commands."""
    import cli.main
    from conftest import run_cli

    monkeypatch.setattr(cli.main, "_open", lambda settings, read_only=False: open_backend(
        settings, read_only=read_only))
    monkeypatch.setattr(cli.main, "PLUGINS", ())  # no after-ingest hooks (the search index) in this test
    env = {"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": fuseki["query_url"],
           "GOVKG_SPARQL_UPDATE_URL": fuseki["update_url"], "GOVKG_SPARQL_GSP_URL": fuseki["gsp_url"],
           "GOVKG_SPARQL_CATALOG": f"https://w3id.org/govkg/graph/catalog/cli-{uuid.uuid4().hex[:8]}"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    ingested = run_cli("ingest", "--json")
    assert ingested.code == 0, ingested.err
    assert json.loads(ingested.out)["total_triples"] > 5000
    again = run_cli("ingest", "--json")
    assert {s["status"] for s in json.loads(again.out)["sources"]} == {"unchanged"}
    sources = json.loads(run_cli("sources", "--json").out)
    assert len(sources) == BUNDLED_SOURCES and all(s["graph"].startswith("https://w3id.org/govkg/graph/") for s in sources)
    lineage = run_cli("query", "body-lineage", "--param", "body=nhs-connecting-for-health", "--format", "json")
    assert lineage.code == 0 and json.loads(lineage.out)["results"]["bindings"]
    assert "NHSX" in run_cli("entity", "NHSX").out
    assert json.loads(run_cli("stats", "--json").out)["triples"] == sum(s["triples"] for s in sources)
    assert run_cli("remove", "curated-targets").code == 0
    assert len(json.loads(run_cli("sources", "--json").out)) == BUNDLED_SOURCES - 1
