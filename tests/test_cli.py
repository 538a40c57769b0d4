"""The govkg command: each command on the bundled data, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli


def test_sparql_formats(bundled_store_path: Path) -> None:
    q = "SELECT ?k WHERE { ?b a gk:Body ; gk:key ?k } ORDER BY ?k LIMIT 3"
    table = run_cli("sparql", q, store=bundled_store_path)
    assert table.code == 0 and "3 rows in" in table.out
    data = json.loads(run_cli("sparql", q, "--format", "json", store=bundled_store_path).out)
    assert data["head"]["vars"] == ["k"] and len(data["results"]["bindings"]) == 3
    assert data["results"]["bindings"][0]["k"]["type"] == "literal"
    rows = list(csv.reader(io.StringIO(run_cli("sparql", q, "--format", "csv", store=bundled_store_path).out)))
    assert rows[0] == ["k"] and len(rows) == 4


def test_sparql_reads_a_query_file_and_reports_truncation(bundled_store_path: Path, tmp_path: Path) -> None:
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?s WHERE { ?s a gk:Lesson }", encoding="utf-8")
    result = run_cli("sparql", str(f), "--limit", "5", store=bundled_store_path)
    assert result.code == 0 and "(truncated at 5 rows)" in result.out


def test_construct_gives_rdf(bundled_store_path: Path) -> None:
    q = "CONSTRUCT { ?b rdfs:label ?l } WHERE { ?b gk:key \"nhsx\" ; rdfs:label ?l }"
    result = run_cli("sparql", q, "--format", "nt", store=bundled_store_path)
    assert result.code == 0 and '<https://w3id.org/govkg/id/body/nhsx>' in result.out and '"NHSX"' in result.out


def test_entity_by_abbreviation_shows_links_and_sources(bundled_store_path: Path) -> None:
    result = run_cli("entity", "NHSX", "--json", store=bundled_store_path)
    assert result.code == 0, result.err
    ent = json.loads(result.out)
    assert ent["iri"] == "https://w3id.org/govkg/id/body/nhsx"
    assert "gk:Body" in ent["types"]
    assert any(i["predicate"] == "gk:holder" for i in ent["incoming"])
    assert ent["sources"] and all(s["title"] for s in ent["sources"])


def test_entity_unknown_and_ambiguous_names_are_clear_errors(bundled_store_path: Path) -> None:
    missing = run_cli("entity", "no such body at all", store=bundled_store_path)
    assert missing.code == 2 and "no entity named" in missing.err


def test_stats_counts_classes(bundled_store_path: Path) -> None:
    data = json.loads(run_cli("stats", "--json", store=bundled_store_path).out)
    assert data["classes"]["Body"] >= 30 and data["triples"] > 5000


def test_export_round_trips_every_triple(bundled_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.trig"
    assert run_cli("export", "--format", "trig", "-o", str(out), store=bundled_store_path).code == 0
    import pyoxigraph as ox

    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.TRIG))
    stats = json.loads(run_cli("stats", "--json", store=bundled_store_path).out)
    assert len(quads) == stats["triples"]
    for fmt in ("ttl", "nt", "jsonld"):
        assert run_cli("export", "--format", fmt, "-o", str(tmp_path / f"x.{fmt}"), store=bundled_store_path).code == 0


def test_remove_a_source(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert run_cli("ingest", "-q", store=store).code == 0
    result = run_cli("remove", "curated-targets", store=store)
    assert result.code == 0 and "removed curated-targets" in result.out
    assert "curated-targets" not in run_cli("sources", store=store).out
    assert run_cli("remove", "no-such-source", store=store).code == 2


def test_console_script_is_installed_and_reports_exit_codes(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(tmp_path / "s"), "sparql", "SELECT"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("Error: SPARQL syntax error")


def test_a_path_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = run_cli("stats", store=tmp_path)
    assert result.code == 3 and "not a GovKG store" in result.err
