"""A folder given to `govkg ingest`: each file is read by what recognises it, or named as not read with why;
a run that can read nothing at all is refused (exit 2), naming every file, and writes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import CURATED, ROOT, run_cli, snapshot
from graph.backends.embedded import Store
from ingest.pipeline import ingest

DOCUMENTS = ROOT / "tests" / "fixtures" / "documents"
EARLY = ROOT / "tests" / "fixtures" / "gmpp-early"


def junk(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.csv").write_text("what,when\nmeeting,today\n", encoding="utf-8")
    (folder / "scan.bin").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "older").mkdir()
    return folder


def test_a_folder_of_files_nothing_reads_is_refused_file_by_file(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with Store.open(store) as st:
        ingest(st, [CURATED / "sources.yaml", CURATED / "bodies.yaml"])
    before = snapshot(store)
    folder = junk(tmp_path / "drop")
    result = run_cli("ingest", "-q", str(folder), store=store)
    assert result.code == 2 and result.err.startswith("Error: nothing could be read:")
    for name in ("notes.csv: no ingester recognises it", "scan.bin: no ingester recognises it",
                 "older: a folder (folders inside a folder are not searched)"):
        assert name in result.err, result.err
    assert snapshot(store) == before


def test_an_empty_folder_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("ingest", "-q", str(tmp_path / "empty"), store=tmp_path / "store")
    assert result.code == 2 and "the folder is empty" in result.err


def test_what_can_be_read_is_read_and_the_rest_named(tmp_path: Path) -> None:
    folder = junk(tmp_path / "drop")
    shutil.copy(DOCUMENTS / "meeting-notes.txt", folder)
    shutil.copy(DOCUMENTS / "meeting-notes.txt.meta.yaml", folder)  # its sidecar: not curated YAML
    result = run_cli("ingest", "-q", str(folder), store=tmp_path / "store")
    assert result.code == 0, result.err
    assert "doc-meeting-notes" in result.out and "3 file(s) not read (each named above)" in result.out
    assert result.err.count("not read: ") == 3 and "meeting-notes" not in result.err
    data = json.loads(run_cli("ingest", "--json", "--force", str(folder), store=tmp_path / "store").out)
    assert sorted(Path(n["path"]).name for n in data["not_read"]) == ["notes.csv", "older", "scan.bin"]


def test_files_beside_gmpp_years_are_named_not_passed_over(tmp_path: Path) -> None:
    folder = tmp_path / "gmpp"
    shutil.copytree(EARLY, folder)
    (folder / "README.txt").write_text("where these came from", encoding="utf-8")
    result = run_cli("ingest", "-q", str(folder), store=tmp_path / "store")
    assert result.code == 0, result.err
    assert "not read: " in result.err and "README.txt: not a GMPP year file" in result.err
