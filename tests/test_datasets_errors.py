"""Broken dataset files: a clear error naming the row, line or byte, exit code 2, and nothing written.

The broken files are made here from small fixtures of our own (tests/fixtures/datasets/), so these tests
need nothing from ../shared.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import gmpp_file, ods_row

from conftest import ROOT, run_cli, snapshot
from graph.backends.embedded import Store
from ingest.pipeline import ingest

FIXTURES = ROOT / "tests" / "fixtures" / "datasets"
GOVUK = FIXTURES / "govuk-contradictions.json"
LESSONS = FIXTURES / "lessons" / "ward-lessons.csv"
LESSONS_MAPPING = FIXTURES / "lessons" / "ward-lessons.mapping.yaml"


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    """A store that already holds a small ODS file, so that 'nothing written' is tested against data."""
    store = tmp_path / "store"
    etr = tmp_path / "etr.csv"
    etr.write_text(ods_row("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST") + "\n", encoding="utf-8")
    with Store.open(store) as st:
        ingest(st, [etr])
    return store


def fails_cleanly(store: Path, *args: str) -> str:
    before = snapshot(store)
    result = run_cli("ingest", "-q", *args, store=store)
    assert result.code == 2, result.err
    assert result.err.startswith("Error: ") and result.err.count("\n") == 1, result.err
    assert snapshot(store) == before
    return result.err


def test_truncated_json_names_line_and_column(seeded: Path, tmp_path: Path) -> None:
    cut = tmp_path / "organisations.json"
    cut.write_bytes(GOVUK.read_bytes()[:700])
    err = fails_cleanly(seeded, str(cut))
    assert "organisations.json" in err and "malformed JSON at line" in err and "column" in err
    assert "truncated" in err


def test_ods_row_with_the_wrong_number_of_fields_names_the_record(seeded: Path, tmp_path: Path) -> None:
    etr = tmp_path / "etr.csv"
    short = ods_row("R0B", "SOUTH TYNESIDE AND SUNDERLAND NHS FOUNDATION TRUST").rsplit(",", 1)[0]
    etr.write_text(ods_row("R0D", "UNIVERSITY HOSPITALS DORSET NHS FOUNDATION TRUST") + "\n" + short + "\n",
                   encoding="utf-8")
    err = fails_cleanly(seeded, "--as", "ods", str(etr))
    assert "etr.csv:2: record 2 has 26 fields, expected 27" in err


@pytest.mark.parametrize("fmt", ["ods", "gmpp", "lessons", "govuk"])
def test_binary_junk_is_refused_naming_the_byte(seeded: Path, tmp_path: Path, fmt: str) -> None:
    junk = tmp_path / ("organisations.json" if fmt == "govuk" else "gmpp_2023_24.csv")
    junk.write_bytes(b"GMPP ID,LessonId\n" + bytes(range(256)) * 4)
    if fmt == "lessons":
        junk = tmp_path / "ward-lessons.csv"
        junk.write_bytes(b"Ref,What we learned\n\x00\x01\x02junk")
        shutil.copy(LESSONS_MAPPING, tmp_path / "ward-lessons.mapping.yaml")
    err = fails_cleanly(seeded, "--as", fmt, str(junk))
    assert "binary data, not text" in err and "at byte" in err


def test_lessons_csv_cut_inside_a_quoted_field_names_the_record(seeded: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "ward-lessons.csv"
    text = LESSONS.read_text(encoding="utf-8")
    csv_path.write_text(text[: text.index("Local costs") + 5], encoding="utf-8")
    shutil.copy(LESSONS_MAPPING, tmp_path / "ward-lessons.mapping.yaml")
    err = fails_cleanly(seeded, str(csv_path))
    assert "malformed CSV in record 4" in err and "unexpected end of data" in err


def test_lessons_csv_without_a_mapped_column_says_which(seeded: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "ward-lessons.csv"
    csv_path.write_text(LESSONS.read_text(encoding="utf-8").replace("What we learned", "Learning"),
                        encoding="utf-8")
    shutil.copy(LESSONS_MAPPING, tmp_path / "ward-lessons.mapping.yaml")
    err = fails_cleanly(seeded, "--as", "lessons", str(csv_path))
    assert "no column for lesson ('What we learned')" in err


def test_gmpp_row_with_the_wrong_number_of_fields_names_the_record(seeded: Path, tmp_path: Path) -> None:
    year = tmp_path / "gmpp_2023_24.csv"
    year.write_text(gmpp_file([["DHSC_0001_2324-Q1", "A project", "DHSC", "ICT", "Amber", "12.5"],
                               ["DHSC_0002_2324-Q1", "Another", "DHSC", "ICT", "Red"]]), encoding="utf-8")
    err = fails_cleanly(seeded, str(year))
    assert "gmpp_2023_24.csv:3: record 3 has 5 fields, expected 6 (as the header)" in err


def test_gmpp_file_without_an_id_column_says_so(seeded: Path, tmp_path: Path) -> None:
    year = tmp_path / "gmpp_2023_24.csv"
    year.write_text(gmpp_file([["X", "A project", "DHSC", "ICT", "Amber", "1"]]).replace("GMPP ID Number", "Ref"),
                    encoding="utf-8")
    err = fails_cleanly(seeded, "--as", "gmpp", str(year))
    assert "no column for id" in err


def test_gmpp_file_needs_its_year_in_the_name(seeded: Path, tmp_path: Path) -> None:
    year = tmp_path / "projects.csv"
    year.write_text(gmpp_file([["DHSC_0001_2324-Q1", "A project", "DHSC", "ICT", "Amber", "12.5"]]),
                    encoding="utf-8")
    err = fails_cleanly(seeded, str(year))
    assert "cannot tell the year" in err and "gmpp_2023_24.csv" in err


def test_a_lessons_csv_with_no_mapping_asks_for_one(seeded: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "notes.csv"
    shutil.copy(LESSONS, csv_path)
    err = fails_cleanly(seeded, "--as", "lessons", str(csv_path))
    assert "no mapping for this lessons CSV" in err and "notes.mapping.yaml" in err
