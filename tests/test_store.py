"""The embedded store: named graph per source, atomic switch, invisible staging, garbage collection."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.backends.embedded import Store
from graph.errors import QueryError, StoreError


def nt(*triples: tuple[str, str, str]) -> bytes:
    return "".join(f"<urn:{s}> <urn:{p}> \"{o}\" .\n" for s, p, o in triples).encode()


def put(store: Store, key: str, data: bytes, digest: str = "h") -> None:
    with store.staging() as stage:
        stage.put(key, data, content_hash=digest, origin="test", ingester="test")


def test_each_source_lands_in_its_own_named_graph(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "1")))
        put(store, "b", nt(("y", "p", "2"), ("z", "p", "3")))
        sources = store.sources()
        assert {k: s.triples for k, s in sources.items()} == {"a": 1, "b": 2}
        assert sources["a"].graph != sources["b"].graph
        rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows
        counts = {r[0].value: int(r[1].value) for r in rows}
        assert counts[sources["b"].graph] == 2


def test_reingest_replaces_the_sources_graph_and_leaves_others(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "old")))
        put(store, "b", nt(("y", "p", "keep")))
        before_b = store.sources()["b"]
        put(store, "a", nt(("x", "p", "new")), digest="h2")
        values = sorted(r[0].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows)
        assert values == ["keep", "new"]
        assert store.sources()["b"] == before_b
        assert store.sources()["a"].content_hash == "h2"
        # the old physical graph is gone, not just hidden
        assert len(store.oxigraph) == len(list(store.quads()))


def test_staged_graph_is_invisible_until_commit(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "1")))
        stage = store.staging()
        stage.put("a", nt(("x", "p", "2")), content_hash="h2", origin="t", ingester="t")
        assert [r[0].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows] == ["1"]
        stage.abort()
        assert [r[0].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows] == ["1"]
        assert len(store.oxigraph) == len(list(store.quads()))


def test_an_error_inside_staging_writes_nothing(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "1")))
        before = set(store.quads())
        with pytest.raises(RuntimeError), store.staging() as stage:
            stage.put("a", nt(("x", "p", "2")), content_hash="h2", origin="t", ingester="t")
            stage.put("c", nt(("q", "p", "3")), content_hash="h3", origin="t", ingester="t")
            raise RuntimeError("boom")
        assert set(store.quads()) == before
        assert set(store.sources()) == {"a"}


def test_graphs_left_by_a_dead_ingest_are_dropped_on_open(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "1")))
        # what a killed process leaves: a written but uncatalogued graph
        store.oxigraph.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("orphan"),
                                   ox.NamedNode("https://w3id.org/govkg/graph/a/g2")))
    with Store.open(store_path) as store:
        assert len(store.oxigraph) == len(list(store.quads()))
        assert [r[0].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows] == ["1"]


def test_big_ntriples_take_the_parallel_bulk_path_and_count_right(store_path: Path) -> None:
    lines = [f"<urn:s{i}> <urn:p> \"v{i}\" .\n" for i in range(150_000)]
    data = "".join(lines).encode()
    assert len(data) > 4 * 1024 * 1024
    with Store.open(store_path) as store:
        put(store, "big", data)
        assert store.sources()["big"].triples == 150_000
        rows = store.query("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }").rows
        assert int(rows[0][0].value) == 150_000


def test_remove_source_drops_it(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(("x", "p", "1")))
        put(store, "b", nt(("y", "p", "2")))
        store.remove_sources(["a"])
        assert list(store.sources()) == ["b"]
        assert [r[0].value for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows] == ["2"]


def test_broken_sparql_is_a_query_error_with_position(store_path: Path) -> None:
    with Store.open(store_path) as store, pytest.raises(QueryError, match=r"line 1, column \d+"):
        store.query("SELECT * WHERE { ?s ?p }")


def test_result_limit_is_reported_not_silent(store_path: Path) -> None:
    with Store.open(store_path) as store:
        put(store, "a", nt(*[(f"s{i}", "p", str(i)) for i in range(10)]))
        res = store.query("SELECT ?s WHERE { ?s ?p ?o }", limit=3)
        assert len(res.rows) == 3 and res.truncated and res.limit == 3


def test_a_locked_store_gives_a_clear_error(store_path: Path) -> None:
    with Store.open(store_path), pytest.raises(StoreError, match="in use by another process"):
        Store.open(store_path)
