"""The GMPP files before 2019-20, in fixtures of our own (tests/fixtures/gmpp-early/, and variants made here):
one column per project, no GMPP id, the MPA's or the IPA's "RAG rating" on five points, money as text in
Latin-1 (£ as byte 0xA3), department codes that vary by year, and the year from the file name or from a
field like "2015/16 Budget (£m)".

The fixture folder holds five years: 2013-14 (year in the name), a file whose name has no year (2014-15 from
its "2014/15 Budget" field), 2015-16 (LF line ends), 2016-17 (IPA RAG rating, money in £bn, no SRO row) and a
2020-21 file in the later layout, with ids. Ward Records Programme and Fleet Radios are in every year.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, run_cli, snapshot
from graph.backends.embedded import Store
from ingest.gmpp.cells import money, rating
from ingest.gmpp.names import project_name_key
from ingest.pipeline import ingest

EARLY = ROOT / "tests" / "fixtures" / "gmpp-early"
ID = "https://w3id.org/govkg/id/"


def transposed(rows: list[list[str]], encoding: str = "latin-1") -> bytes:
    """A file with one column per project: ``rows`` are given one project per row, the first the field names."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(zip(*rows, strict=True))
    return out.getvalue().encode(encoding)


def by_rows(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def early(gmpp_early_path: Path) -> Path:
    return gmpp_early_path


@pytest.fixture
def store(gmpp_early: Store) -> Store:
    return gmpp_early


def report(store: Store) -> dict:
    return json.loads(store.sources()["dataset-gmpp"].report)


def years_of(store: Store, key: str) -> dict[str, dict]:
    rows = store.select(f"""SELECT ?year ?text ?ipa ?amount ?dept ?note WHERE {{
        ?r gk:reportOf <{ID}programme/{key}> ; gk:financialYear ?year ; gk:department/gk:key ?dept .
        OPTIONAL {{ ?r gk:ipaRatingText ?text }} OPTIONAL {{ ?r gk:ipaRating/skos:notation ?ipa }}
        OPTIONAL {{ ?r gk:wholeLifeCost/gk:amount ?amount }} OPTIONAL {{ ?r skos:note ?note }} }}""")
    return {r["year"]: r for r in rows}


# ------------------------------------------------------------------------------------------- the fixtures
def test_each_early_file_is_read_with_its_year_layout_encoding_and_scale(store: Store) -> None:
    years = report(store)["years"]
    assert list(years) == ["2013-14", "2014-15", "2015-16", "2016-17", "2020-21"]
    assert years["2014-15"]["file"] == "mpa_annual_report_data_sept.csv"
    assert years["2014-15"]["year_from"] == "fields" and years["2013-14"]["year_from"] == "file name"
    assert all(years[y]["transposed"] for y in ("2013-14", "2014-15", "2015-16", "2016-17"))
    assert not years["2020-21"]["transposed"]
    assert years["2013-14"]["columns"]["ipa"] == "MPA RAG rating"
    assert years["2016-17"]["columns"]["ipa"] == "IPA RAG rating"
    assert {years[y]["scale"] for y in years} == {"five-point"}
    assert years["2013-14"]["encoding"].startswith("cp1252")  # Latin-1: £ is 0xA3 in both


def test_a_project_in_years_without_and_with_ids_is_one_project(store: Store) -> None:
    ward = years_of(store, "gmpp-dhsc-0901-2021-q1")
    assert list(sorted(ward)) == ["2013-14", "2014-15", "2015-16", "2016-17", "2020-21"]
    assert {r["dept"] for r in ward.values()} == {"gmpp-dept-dhsc"}
    assert int(ward["2013-14"]["amount"]) == 1_234_500_000  # "£1,234.5m" in Latin-1
    assert int(ward["2016-17"]["amount"]) == 1_400_000_000  # "£1.4bn"
    assert (ward["2013-14"]["text"], ward["2013-14"]["ipa"]) == ("Amber/Red", "amber-red")
    assert ward["2016-17"]["ipa"] == "amber-green"  # written Amber-Green
    projects = store.select("SELECT ?p WHERE { ?p a gk:Project }")
    assert len(projects) == 4  # Ward Records, Fleet Radios, Border Case System, Clinic Booking


def test_department_codes_of_every_year_resolve_to_todays_department(store: Store) -> None:
    ward = years_of(store, "gmpp-dhsc-0901-2021-q1")
    assert "DoH Non Capital (Department of Health and Social Care, qualified)" in ward["2014-15"]["note"]
    assert "DH (Department of Health and Social Care, renamed)" in ward["2016-17"]["note"]
    assert ward["2020-21"]["note"] is None  # DHSC as published
    codes = report(store)["department_codes"]
    assert {c: v["how"] for c, v in codes.items()} == {"DoH": "renamed", "DoH Non Capital": "qualified",
                                                       "DOH": "renamed", "DH": "renamed"}
    assert {v["department"] for v in codes.values()} == {"DHSC"}
    assert "unknown_departments" not in report(store)


def test_each_match_by_name_is_reported_with_its_reason(store: Store) -> None:
    matched = report(store)["matched_by_name"]
    border = [m for m in matched if m["name"] == "Border Case System"]
    assert len(border) == 1 and border[0]["project"] == "gmpp-noid-ho-border-case-system"
    assert "same name ('border case system') and department (HO) as 2013-14" in border[0]["reason"]
    shouting = next(m for m in matched if m["name"] == "WARD RECORDS PROGRAMME")
    assert shouting["gmpp_id"] == "DHSC_0901_2021-Q1" and "department (DHSC)" in shouting["reason"]
    assert len(matched) == 11 and "ambiguous_names" not in report(store)


def test_ratings_that_are_not_colours_are_counted_not_read(store: Store) -> None:
    assert report(store)["counts"]["ipa ratings reset"] == 1  # Fleet Radios, 2014-15
    assert rating("Reset") == (None, "reset")


def test_govkg_entity_shows_every_year_of_the_project(early: Path) -> None:
    out = run_cli("entity", "Ward Records Programme", store=early).out
    for year, cost in (("2013-14", "£1,234.5m"), ("2014-15", "£1,301m"), ("2016-17", "£1,400m"),
                       ("2020-21", "£1,452m")):
        assert f"{year}  IPA" in out and cost in out, (year, out)


# ------------------------------------------------------------------------------------------- variants
def test_a_row_per_project_early_file_in_utf8_is_read_too(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gmpp_2017_18.csv").write_bytes(by_rows([
        ["Project Name", "Department", "IPA RAG rating", "Whole Life Cost (£m)"],
        ["Court Listings", "MoJ", "Amber", "£ 42.5 million"],
        ["Benefit Payments", "DWP", "Green", "£1.1bn"]], "utf-8-sig"))
    with Store.open(tmp_path / "s") as st:
        ingest(st, [folder])
        rep = report(st)
        assert not rep["years"]["2017-18"]["transposed"] and rep["years"]["2017-18"]["encoding"] == "utf-8-sig"
        rows = st.select("""SELECT ?l ?amount ?d WHERE { ?r gk:reportOf/rdfs:label ?l ;
            gk:wholeLifeCost/gk:amount ?amount ; gk:department/gk:key ?d }""")
        assert {(r["l"], int(r["amount"]), r["d"]) for r in rows} == {
            ("Court Listings", 42_500_000, "gmpp-dept-moj"), ("Benefit Payments", 1_100_000_000, "gmpp-dept-dwp")}


def test_a_name_shared_by_two_projects_is_listed_not_merged(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "gmpp_2014_15.csv").write_bytes(transposed([
        ["Project Name", "Department", "MPA RAG rating"], ["Patient Records", "DoH", "Amber"]]))
    (folder / "gmpp_2020_21.csv").write_bytes(by_rows([
        ["GMPP ID Number", "Project Name", "Department", "IPA Delivery Confidence Assessment"],
        ["DHSC_0010_2021-Q1", "Patient Records", "DHSC", "Red"],
        ["DHSC_0011_2021-Q1", "Patient Records Programme", "DHSC", "Green"]], "cp1252"))
    with Store.open(tmp_path / "s") as st:
        ingest(st, [folder])
        rep = report(st)
        (ambiguous,) = rep["ambiguous_names"]
        assert ambiguous["year"] == "2014-15" and ambiguous["name"] == "Patient Records"
        assert {c["gmpp_id"] for c in ambiguous["candidates"]} == {"DHSC_0010_2021-Q1", "DHSC_0011_2021-Q1"}
        assert rep["counts"]["projects"] == 3  # the 2014-15 row stays a project of its own
    assert "GMPP rows without an id that could be more than one project: not merged (1)" in \
        run_cli("reconcile", "--report", store=tmp_path / "s").out


def test_the_year_comes_from_the_name_when_the_fields_name_another(tmp_path: Path) -> None:
    """The name wins (data published for 2016-17 may budget for 2015/16); the field's year is reported."""
    year = tmp_path / "gmpp_2016_17.csv"
    year.write_bytes(transposed([["Project Name", "Department", "MPA RAG rating", "2015/16 Budget (£m)"],
                                 ["Fleet Radios", "MOD", "Amber", "£40m"]]))
    with Store.open(tmp_path / "s") as st:
        ingest(st, [year])
        info = json.loads(st.sources()["dataset-gmpp-2016-17"].report)["years"]["2016-17"]
        assert info["year_from"] == "file name" and info["year_in_fields"] == "2015-16"


@pytest.mark.parametrize("name, fields, problem", [
    ("projects.csv", ["Project Name", "Department", "MPA RAG rating"], "cannot tell the year"),
    ("gmpp_2014_15.csv", ["Project Name", "Agency", "MPA RAG rating"], "no column for department"),
])
def test_an_early_file_missing_its_year_or_a_field_is_refused_and_nothing_written(
        tmp_path: Path, name: str, fields: list[str], problem: str) -> None:
    store = tmp_path / "s"
    with Store.open(store) as st:
        ingest(st, [EARLY / "gmpp_2016_17.csv"])
    before = snapshot(store)
    bad = tmp_path / name
    bad.write_bytes(transposed([fields, ["Fleet Radios", "MoD", "Amber"]]))
    result = run_cli("ingest", "-q", "--as", "gmpp", str(bad), store=store)
    assert result.code == 2 and result.err.startswith("Error: ") and problem in result.err, result.err
    assert snapshot(store) == before


@pytest.mark.parametrize("text, millions", [("£1,234.5m", "1234.5"), ("£ 12 million", "12"), ("£1.2bn", "1200"),
                                            ("850k", "0.850"), ("1,982.00", "1982.00")])
def test_money_as_text_in_several_forms(text: str, millions: str) -> None:
    found, kind = money(text)
    assert kind == "number" and found is not None and found.millions == Decimal(millions)


@pytest.mark.parametrize("one, other", [("FRONTLINE DIGITISATION", "Frontline Digitisation Programme"),
                                        ("The Ward Records Project", "Ward Records"),
                                        ("Digital & Data (D&D)", "Digital and Data")])
def test_project_names_compare_across_years(one: str, other: str) -> None:
    assert project_name_key(one) == project_name_key(other)
    assert project_name_key("Ward Records") != project_name_key("Ward Rotas")
