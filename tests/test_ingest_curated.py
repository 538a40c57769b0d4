"""Ingesting the bundled curated data: counts, idempotence, per-file graphs, provenance, validation."""

from __future__ import annotations

from pathlib import Path

from conftest import CURATED, run_cli, snapshot
from graph.backends.embedded import Store

MINIMUMS = {"Body": 30, "Accountability": 40, "Lesson": 40, "Figure": 30, "SourceDocument": 10}


def count(store: Store, rdf_class: str) -> int:
    rows = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a gk:{rdf_class} }}")
    return int(rows[0]["n"])


def test_bundled_data_meets_the_minimum_counts(bundled: Store) -> None:
    for rdf_class, minimum in MINIMUMS.items():
        assert count(bundled, rdf_class) >= minimum, rdf_class
    assert count(bundled, "Programme") + count(bundled, "Project") >= 15


def test_each_curated_file_is_its_own_source(bundled: Store) -> None:
    keys = set(bundled.sources())
    for path in CURATED.glob("*.yaml"):
        assert f"curated-{path.stem}" in keys
    assert "ontology" in keys


def test_every_record_is_traced_to_a_source_document(bundled: Store) -> None:
    rows = bundled.select("""
        SELECT ?s ?t WHERE {
          VALUES ?t { gk:Body gk:Programme gk:Project gk:Accountability gk:Lesson gk:Recommendation gk:Figure
                      gk:Finding gk:Target gk:LineageEvent gk:Tenure gk:Post gk:Person }
          ?s a ?t .
          FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?d . ?d a gk:SourceDocument }
        }""")
    assert rows == []


def test_ingesting_twice_leaves_the_same_triples(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert run_cli("ingest", "-q", str(CURATED), store=store).code == 0
    first = snapshot(store)
    second_run = run_cli("ingest", "-q", str(CURATED), store=store)
    assert second_run.code == 0 and "0 source(s) written" in second_run.out
    assert snapshot(store) == first
    forced = run_cli("ingest", "-q", "--force", str(CURATED), store=store)
    assert forced.code == 0
    data = {q[:3] for q in snapshot(store) if q[0] != "catalog"}
    assert data == {q[:3] for q in first if q[0] != "catalog"}


def test_ingesting_one_changed_file_changes_only_its_graph(tmp_path: Path, curated_copy: Path) -> None:
    store = tmp_path / "s"
    assert run_cli("ingest", "-q", str(curated_copy), store=store).code == 0
    with Store.open(store) as st:
        before = st.sources()
    lessons = curated_copy / "lessons.yaml"
    lessons.write_text(lessons.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    result = run_cli("ingest", "-q", str(curated_copy), store=store)
    assert result.code == 0, result.err
    with Store.open(store) as st:
        after = st.sources()
    changed = {k for k in after if after[k] != before.get(k)}
    assert changed == {"curated-lessons"}
    assert after["curated-lessons"].graph != before["curated-lessons"].graph


def test_validate_reports_that_the_bundled_data_conforms(bundled_store_path: Path) -> None:
    result = run_cli("validate", store=bundled_store_path)
    assert result.code == 0, result.out
    assert "conforms" in result.out


def test_sources_lists_graph_count_hash_and_time(bundled_store_path: Path) -> None:
    result = run_cli("sources", "--json", store=bundled_store_path)
    assert result.code == 0
    import json

    rows = {r["key"]: r for r in json.loads(result.out)}
    bodies = rows["curated-bodies"]
    assert bodies["triples"] > 100 and len(bodies["content_hash"]) == 64
    assert bodies["graph"].startswith("https://w3id.org/govkg/graph/curated-bodies/")
    assert bodies["ingested_at"].startswith("20")
