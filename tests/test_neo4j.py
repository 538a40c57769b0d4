"""The Neo4j projection against a real Neo4j 5.26, started once per session by scripts/servers/neo4j.sh.

The server starts in the background while the bundled data's search index is built. When it cannot start
the tests skip, except under CI, where they fail (conftest.need). Tests run in file order: the first ones
share the full push of the bundled data; later ones push subsets, kill a push, wipe, and push a synthetic
graph.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import NEO4J_PASSWORD, ROOT, Launch, run_cli
from govkg_data import SEARCH_EVAL
from graph.backends.embedded import Store
from graph.errors import StoreError
from graph.neo4j.connection import Neo4jConnection, connect
from graph.neo4j.cypher import get_cypher, run_cypher
from graph.neo4j.push import PushReport, counts, push, read_meta, wipe
from graph.queries import canned_queries, get_query
from graph.settings import Settings

pytestmark = [pytest.mark.external, pytest.mark.slow]

ID = "https://w3id.org/govkg/id/"
GK = "https://w3id.org/govkg/ontology#"


@pytest.fixture(scope="session")
def search_settings(bundled_store_path: Path, neo4j_launch: Launch,
                    tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the bundled store, with its search index built in a folder of its own."""
    from graph.search import Searcher

    settings = Settings.load({"store": str(bundled_store_path)}, environ={}).with_(
        search_dir=str(tmp_path_factory.mktemp("search")))
    with Store.open(bundled_store_path, read_only=True) as store:
        Searcher(store, settings).refresh()
    return settings


@pytest.fixture(scope="session")
def settings(neo4j_uri: str, search_settings: Settings) -> Settings:
    """Settings pointing at the started server."""
    return search_settings.with_(neo4j_uri=neo4j_uri, neo4j_password=NEO4J_PASSWORD, neo4j_timeout=10.0)


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The same settings for the command line (read from the environment)."""
    for name, value in (("GOVKG_NEO4J_URI", settings.neo4j_uri), ("GOVKG_NEO4J_PASSWORD", NEO4J_PASSWORD),
                        ("GOVKG_SEARCH_DIR", settings.search_dir)):
        monkeypatch.setenv(name, value)
    return settings


@pytest.fixture
def conn(settings: Settings) -> Iterator[Neo4jConnection]:
    with connect(settings) as c:
        yield c


def embeddings(store: Store, settings: Settings) -> Any:
    from graph.neo4j.search import embeddings_for

    return embeddings_for(store, settings)


def full_push(settings: Settings, **options: Any) -> PushReport:
    with Store.open(settings.store, read_only=True) as store, connect(settings) as c:
        return push(store, c, embeddings=embeddings(store, settings), **options)


@pytest.fixture(scope="session")
def pushed(settings: Settings) -> PushReport:
    """The bundled data pushed once, with embeddings."""
    with connect(settings) as c:
        wipe(c)
    return full_push(settings)


# ------------------------------------------------------------------------------------------------ arithmetic
def expected(store: Store, keys: list[str] | None = None) -> dict[str, int]:
    """What Neo4j must hold for some source graphs, computed from the RDF with SPARQL (not the mapping):

    nodes          = distinct IRIs that are a subject, or the object of a triple other than rdf:type
    relationships  = triples (per source graph) with an IRI object, other than rdf:type
                   + one ACCOUNTABILITY_FOR per accountability × holder × scope
                   + one LINEAGE per lineage event × predecessor × successor
    values         = distinct (subject, predicate, literal) triples (each one property value)
    """
    live = store.sources()
    graphs = " ".join(f"<{live[k].graph}>" for k in (keys or list(live)))

    def count(where: str) -> int:
        return int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])

    def shortcuts(cls: str, start: str, end: str) -> int:
        return count(f"""SELECT DISTINCT ?x ?a ?g ?b WHERE {{
            VALUES ?g {{ {graphs} }} VALUES ?g2 {{ {graphs} }} VALUES ?g3 {{ {graphs} }}
            GRAPH ?g {{ ?x gk:{start} ?a }} GRAPH ?g2 {{ ?x gk:{end} ?b }} GRAPH ?g3 {{ ?x a gk:{cls} }} }}""")

    return {
        "nodes": count(f"""SELECT DISTINCT ?x WHERE {{ VALUES ?g {{ {graphs} }}
            GRAPH ?g {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x FILTER(!isLiteral(?x) && ?p != rdf:type) }} }} }}"""),
        "relationships": count(f"""VALUES ?g {{ {graphs} }}
            GRAPH ?g {{ ?s ?p ?o FILTER(!isLiteral(?o) && ?p != rdf:type) }}""")
        + shortcuts("Accountability", "holder", "scope") + shortcuts("LineageEvent", "predecessor", "successor"),
        "values": count(f"""SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs} }}
            GRAPH ?g {{ ?s ?p ?o FILTER(isLiteral(?o)) }} }}"""),
    }


def held(conn: Neo4jConnection) -> dict[str, int]:
    now = counts(conn)
    values = conn.run("""MATCH (n:GovKG) UNWIND [k IN keys(n) WHERE NOT k IN ['uri', 'graphs', 'embedding']] AS k
                         RETURN sum(CASE WHEN valueType(n[k]) STARTS WITH 'LIST' THEN size(n[k]) ELSE 1 END) AS v""",
                      read=True)[0]["v"]
    return {"nodes": now["nodes"], "relationships": now["relationships"], "values": int(values or 0)}


def test_counts_in_neo4j_follow_the_mapping_arithmetic(pushed: PushReport, settings: Settings,
                                                       conn: Neo4jConnection) -> None:
    with Store.open(settings.store, read_only=True) as store:
        want = expected(store)
        by_class = {r["c"]: r["n"] for r in store.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(STRSTARTS(STR(?c), STR(gk:))) } GROUP BY ?c")}
        accountabilities = by_class[GK + "Accountability"]
    assert held(conn) == want
    assert pushed.counts["nodes"] == want["nodes"] and pushed.counts["relationships"] == want["relationships"]
    for cls, n in by_class.items():
        label = cls.rsplit("#", 1)[1]
        assert conn.run(f"MATCH (n:`{label}`) RETURN count(n) AS n", read=True)[0]["n"] == n, label
    shortcuts = conn.run("MATCH ()-[r:ACCOUNTABILITY_FOR]->() RETURN count(r) AS n, count(r.kind) AS kinds, "
                         "count(r.startDate) AS starts", read=True)[0]
    assert shortcuts == {"n": accountabilities, "kinds": accountabilities, "starts": accountabilities}


def test_text_nodes_carry_the_search_index_vectors(pushed: PushReport, settings: Settings,
                                                   conn: Neo4jConnection) -> None:
    from graph.search import Searcher

    with Store.open(settings.store, read_only=True) as store:
        index = Searcher(store, settings).index
    now = counts(conn)
    assert now["embeddings"] == len(index.dense.vectors)  # one per unit: text nodes and their sentences
    assert now["sentences"] == len(index.dense.vectors) - len(index.items)
    item = index.items[0]
    vector = conn.run("MATCH (n:GovKG {uri: $u}) RETURN n.embedding AS v", {"u": item.iri}, read=True)[0]["v"]
    assert vector == pytest.approx(index.dense.vectors[index.dense.item_units(0).start].tolist(), abs=1e-7)
    config = conn.run("SHOW VECTOR INDEXES YIELD name, options WHERE name = 'govkg_embedding' RETURN options",
                      read=True)[0]["options"]["indexConfig"]
    assert config["vector.dimensions"] == 384 and config["vector.similarity_function"] == "COSINE"


def test_pushing_again_changes_nothing_and_forcing_gives_the_same_counts(pushed: PushReport, settings: Settings,
                                                                          conn: Neo4jConnection) -> None:
    before = held(conn)
    again = full_push(settings)
    assert again.written == [] and again.removed == [] and held(conn) == before
    forced = full_push(settings, force=True)
    assert forced.written == pushed.written and forced.relationships_deleted == 0 and forced.nodes_deleted == 0
    assert held(conn) == before


# ------------------------------------------------------------------------------------------------ queries
LISTS = {"sources": None, "kinds": None, "includes": None, "includedIn": None, "sourceDetails": " | "}


def _normal(value: Any, column: str) -> Any:
    """GROUP_CONCAT and collect() list the same values in different orders: compare them as sorted tuples."""
    if column in LISTS and value:
        return tuple(sorted(value.split(LISTS[column])))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows(rows: list[dict[str, Any]], columns: list[str]) -> set[tuple[Any, ...]]:
    return {tuple(_normal(r.get(c), c) for c in columns) for r in rows}


def _cases(store: Store) -> dict[str, list[dict[str, str]]]:
    def keys(cls: str) -> list[str]:
        return [r["k"] for r in store.select(f"SELECT ?k WHERE {{ ?x a gk:{cls} ; gk:key ?k }} ORDER BY ?k")]

    return {
        "accountable-for-scope": [{"scope": s, "year": str(y)} for s in keys("Scope") for y in (2006, 2020)],
        "body-lineage": [{"body": b} for b in keys("Body")],
        "lessons-on-theme": [{"theme": t} for t in keys("Theme")],
        "recommendations-to-body": [{"body": b} for b in keys("Body")],
        "figures-about-programme": [{"programme": p} for p in keys("Programme") + keys("Project")],
        "accountability-overlaps": [{"include_shared": "true"}, {"include_shared": "false"}],
        "accountability-gaps": [{"year": str(y)} for y in range(2000, 2025, 3)],
        "source-supports": [{"source": s} for s in keys("SourceDocument")],
    }


def compare_canned_queries(store: Store, conn: Neo4jConnection, cases: dict[str, list[dict[str, str]]]) -> int:
    """Run every canned query both ways for each parameter set; the rows must agree. Returns SPARQL rows."""
    assert set(cases) == set(canned_queries())
    total = 0
    for name, variants in cases.items():
        sparql, cypher = get_query(name), get_cypher(name)
        for params in variants:
            want = store.select(sparql.bind(params))
            got = run_cypher(conn, cypher.text, cypher.parameters(params))
            assert got.columns == list(store.query(sparql.bind(params), limit=1).variables), name
            assert _rows(got.records(), got.columns) == _rows(want, got.columns), f"{name} {params}"
            total += len(want)
    return total


def test_canned_cypher_queries_answer_as_the_sparql_ones(pushed: PushReport, settings: Settings,
                                                          conn: Neo4jConnection) -> None:
    with Store.open(settings.store, read_only=True) as store:
        rows = compare_canned_queries(store, conn, _cases(store))
    assert rows > 1000


def test_cypher_command_runs_canned_and_typed_queries(pushed: PushReport, env: Settings) -> None:
    result = run_cli("cypher", "accountable-for-scope", "--param", "scope=national-digital-strategy",
                     "--param", "year=2020", store=Path(env.store))
    assert result.code == 0, result.err
    assert "Who was accountable" in result.out and "nhsx" in result.out and "responsible" in result.out
    typed = run_cli("cypher", "MATCH (b:Body {key: $key}) RETURN b.label AS label", "--param", "key=nhsx",
                    "--format", "csv")
    assert typed.code == 0 and typed.out.splitlines() == ["label", "NHSX"]
    bad = run_cli("cypher", "MATCH (b:Body RETURN b")
    assert bad.code == 2 and bad.err.startswith("Error: Cypher syntax error")
    write = run_cli("cypher", "CREATE (:Intruder)")
    assert write.code == 2 and "read-only" in write.err
    unknown = run_cli("cypher", "accountable-for-scope", "--param", "scope=npfit")
    assert unknown.code == 2 and "there is no scope 'npfit'" in unknown.err and "npfit-delivery" in unknown.err


# ------------------------------------------------------------------------------------------------ search
def eval_queries() -> list[str]:
    data = yaml.safe_load((SEARCH_EVAL).read_text(encoding="utf-8"))
    curated = [q["query"] for q in data["queries"] if not any(r.startswith("lesson/llis") for r in q["relevant"])]
    return curated[::3]


def test_neo4j_vector_search_returns_the_embedded_search_hits(pushed: PushReport, settings: Settings) -> None:
    from graph.neo4j.search import neo4j_searcher
    from graph.search import Searcher

    with Store.open(settings.store, read_only=True) as store:
        local = Searcher(store, settings)
        with neo4j_searcher(store, settings) as remote:
            for query in eval_queries():
                for mode, filters in (("dense", None), ("hybrid", None), ("dense", {"kind": "lesson"})):
                    a = local.search(query, k=10, mode=mode, filters=filters)
                    b = remote.search(query, k=10, mode=mode, filters=filters)
                    assert [h.iri for h in b.hits] == [h.iri for h in a.hits], (query, mode, filters)
                    assert [h.scores for h in b.hits] == [h.scores for h in a.hits], (query, mode, filters)
            assert remote.index.dense.queries > 0  # the dense ranking really came from Neo4j


def test_neo4j_search_refuses_vectors_of_another_index(pushed: PushReport, settings: Settings,
                                                       conn: Neo4jConnection) -> None:
    from graph.neo4j.search import check_vectors
    from graph.search import Searcher

    with Store.open(settings.store, read_only=True) as store:
        index = Searcher(store, settings).index
    check_vectors(conn, index)
    with pytest.raises(StoreError, match="govkg neo4j push"):
        check_vectors(conn, replace(index, fingerprint="something-else"))


def test_search_command_with_the_neo4j_backend(pushed: PushReport, env: Settings) -> None:
    from cli.main import build_parser

    _, unknown = build_parser().parse_known_args(["search", "x", "--backend", "neo4j"])
    if unknown:
        pytest.skip("cli/search.py has no --backend option yet (the change is in docs/neo4j.md)")
    query = "Suppliers walked away before delivering"
    local = run_cli("search", query, "--mode", "dense", "--json", store=Path(env.store))
    remote = run_cli("search", query, "--mode", "dense", "--json", "--backend", "neo4j", store=Path(env.store))
    assert remote.code == 0, remote.err
    hits = [line for line in remote.out.splitlines() if '"iri"' in line]
    assert hits and hits == [line for line in local.out.splitlines() if '"iri"' in line]


# ------------------------------------------------------------------------------------------------ changes
def test_a_source_removed_from_the_store_is_removed_from_neo4j(pushed: PushReport, settings: Settings,
                                                               conn: Neo4jConnection, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(settings.store, copy)
    with Store.open(copy) as store:
        store.remove_sources(["curated-targets"])
    smaller = settings.with_(store=str(copy))
    report = full_push(smaller)
    assert report.removed == ["curated-targets"] and report.written == []
    with Store.open(copy, read_only=True) as store:
        assert held(conn) == expected(store)
    assert conn.run("MATCH (t:Target) RETURN count(t) AS n", read=True)[0]["n"] == 0
    back = full_push(settings)
    assert back.written == ["curated-targets"] and back.removed == []
    with Store.open(settings.store, read_only=True) as store:
        assert held(conn) == expected(store)


def test_push_of_chosen_graphs_holds_only_those(pushed: PushReport, env: Settings, conn: Neo4jConnection) -> None:
    keys = ["curated-bodies", "curated-accountabilities", "ontology"]
    result = run_cli("neo4j", "push", "--wipe", "--no-embeddings", "--graph", *keys, store=Path(env.store))
    assert result.code == 0, result.err
    with Store.open(env.store, read_only=True) as store:
        assert held(conn) == expected(store, keys)
    assert conn.run("MATCH (l:Lesson) RETURN count(l) AS n", read=True)[0]["n"] == 0
    assert sorted(read_meta(conn)["graphs"]) == sorted(keys)
    status = run_cli("neo4j", "status", store=Path(env.store))
    assert status.code == 0 and "(matches the store)" in status.out and "curated-lessons" in status.out


def test_a_push_killed_halfway_ends_with_the_right_counts_when_run_again(env: Settings,
                                                                         conn: Neo4jConnection) -> None:
    command = [sys.executable, "-m", "cli.main", "--store", env.store, "neo4j", "push", "--wipe", "-q",
               "--batch-size", "20"]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            meta = read_meta(conn)
            if meta.get("state") == "pushing" and counts(conn)["relationships"] > 200:
                break
            time.sleep(0.05)
        assert process.poll() is None, f"the push ended before it could be killed: {process.communicate()}"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert read_meta(conn)["state"] == "pushing"  # cut halfway: the projection is marked unfinished
    with Store.open(env.store, read_only=True) as store:
        want = expected(store)
    result = run_cli("neo4j", "push", "-q", store=Path(env.store))
    assert result.code == 0, result.err
    assert held(conn) == want and read_meta(conn)["state"] == "done"
    again = full_push(env)
    assert again.written == [] and held(conn) == want


# ------------------------------------------------------------------------------------------------ errors
def test_a_wrong_password_is_one_error_line_and_exit_3_within_ten_seconds(env: Settings) -> None:
    started = time.monotonic()
    result = run_cli("cypher", "RETURN 1", "--password", "not-the-password")
    assert time.monotonic() - started < 10
    assert result.code == 3
    assert result.err == (f"Error: Neo4j at {env.neo4j_uri} refused user 'neo4j': wrong user or password "
                          "(check GOVKG_NEO4J_USER and GOVKG_NEO4J_PASSWORD, or --user and --password)\n")


def test_wipe_removes_only_what_govkg_wrote(env: Settings, conn: Neo4jConnection) -> None:
    conn.run("CREATE (:Other {name: 'kept'})-[:NOTES]->(:Other {name: 'also kept'})")
    try:
        result = run_cli("neo4j", "wipe")
        assert result.code == 0, result.err
        assert counts(conn) == {"nodes": 0, "relationships": 0, "sentences": 0, "embeddings": 0}
        assert read_meta(conn) == {}
        assert conn.run("MATCH (:Other)-[r:NOTES]->(:Other) RETURN count(r) AS n", read=True)[0]["n"] == 1
        assert not conn.run("SHOW INDEXES YIELD name WHERE name STARTS WITH 'govkg' RETURN name", read=True)
    finally:
        conn.run("MATCH (o:Other) DETACH DELETE o")


# ------------------------------------------------------------------------------------------------ synthetic
def test_canned_cypher_queries_answer_as_the_sparql_ones_on_a_synthetic_graph(settings: Settings,
                                                                              tmp_path: Path) -> None:
    """bench/generate.py's graph has the gaps and long lineages the bundled data lacks."""
    import json

    from ingest.pipeline import ingest

    data = tmp_path / "synthetic.nt"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--triples", "8000", "-o", str(data)],
                   check=True, capture_output=True, timeout=120)
    chosen = json.loads(data.with_suffix(".params.json").read_text(encoding="utf-8"))["params"]
    with Store.open(tmp_path / "store") as store:
        ingest(store, [data])
        with connect(settings) as c:
            report = push(store, c, wipe_first=True)
            assert held(c) == expected(store) and report.counts["nodes"] > 500

            def keys(cls: str) -> list[str]:
                return [r["k"] for r in store.select(f"SELECT ?k WHERE {{ ?x a gk:{cls} ; gk:key ?k }} ORDER BY ?k")]

            cases = {name: [chosen.get(name, {})] for name in canned_queries()}
            cases["accountability-gaps"] += [{"year": str(y)} for y in range(1990, 2026, 2)]
            cases["accountability-overlaps"].append({"include_shared": "true"})
            cases["body-lineage"] += [{"body": b} for b in keys("Body")[::4]]
            cases["recommendations-to-body"] += [{"body": b} for b in keys("Body")[::4]]
            cases["accountable-for-scope"] += [{"scope": s, "year": "2010"} for s in keys("Scope")[::3]]
            compare_canned_queries(store, c, cases)
            gaps = run_cypher(c, get_cypher("accountability-gaps").text,
                              get_cypher("accountability-gaps").parameters(chosen["accountability-gaps"]))
            assert gaps.rows  # the generator plants gaps
            wipe(c)
