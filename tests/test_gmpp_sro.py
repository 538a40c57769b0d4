"""Senior Responsible Owners from the GMPP data as people, posts, tenures and ``sro`` accountabilities, and
what the accountability views make of them: the matrix, SRO tenure and turnover, the entity of a person.

Most tests use our fixtures (tests/fixtures/gmpp-early/: Alex Morgan is SRO of Ward Records in 2013-14 and
2014-15, then Priya Nair in 2015-16; Clinic Booking has both in 2014-15; another Alex Morgan is SRO at the
Home Office). The last ones run on the published files (../shared/datasets/gmpp) with the curated data.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import CURATED, ROOT, run_cli
from graph.analytics import GovernanceData
from graph.analytics.sro import sro_turnover
from graph.backends.embedded import Store
from graph.views.body import body_profile
from graph.views.matrix import matrix
from graph.views.provenance import provenance
from ingest.gmpp.names import person_names
from ingest.pipeline import ingest
from ingest.reconcile import reconcile

EARLY = ROOT / "tests" / "fixtures" / "gmpp-early"
ID = "https://w3id.org/govkg/id/"
TITLES = ["Dr", "Air Cdre", "Major General", "Air Vice-Marshal", "Sir"]


@pytest.fixture
def early(gmpp_early_path: Path) -> Path:
    return gmpp_early_path


@pytest.fixture
def store(gmpp_early: Store) -> Store:
    return gmpp_early


def sros(store: Store) -> list[tuple[str, str, str, str]]:
    """(person, project, start, end) of every sro accountability."""
    rows = store.select("""SELECT ?who ?what ?start ?end WHERE { ?a gk:accountabilityKind/skos:notation "sro" ;
        gk:holder/rdfs:label ?who ; gk:scope/gk:initiative/rdfs:label ?what ; gk:startDate ?start ; gk:endDate ?end }""")
    return sorted((r["who"], r["what"], str(r["start"]), str(r["end"])) for r in rows)


# ------------------------------------------------------------------------------------------- names
@pytest.mark.parametrize("cell, names, kind", [
    ("Alex Morgan", ["Alex Morgan"], "named"),
    ("Dr. Sam Okafor", ["Sam Okafor"], "named"),
    ("Air Cdre Alun Roberts", ["Alun Roberts"], "named"),
    ("Air Vice-Marshal Jo Bloggs-Smith", ["Jo Bloggs-Smith"], "named"),
    ("Christopher (Ed) Cutts", ["Christopher Cutts"], "named"),
    ('Spencer "Josh" Fortune', ["Spencer Fortune"], "named"),
    ("Toby Nation, Claire Wren", ["Toby Nation", "Claire Wren"], "named"),
    ("Charlotte Spencer|Caroline Crowther", ["Charlotte Spencer", "Caroline Crowther"], "named"),
    # a line break inside the cell separates people when every line reads as names, else it only wrapped it
    ("Charlotte Spencer\nCaroline Crowther", ["Charlotte Spencer", "Caroline Crowther"], "named"),
    ("Dr Jane Smith\r\n and John Doe\n", ["Jane Smith", "John Doe"], "named"),
    ("Air Vice-Marshal\nJo Bloggs-Smith", ["Jo Bloggs-Smith"], "named"),
    ("The project is still at\nthe planning stage", [], "footnote"),
    ("Chris Shepherd, Major General Mark Totten", ["Chris Shepherd", "Mark Totten"], "named"),
    ("Louis C Roberts", ["Louis C Roberts"], "named"),
    ("Pete O'Doherty", ["Pete O'Doherty"], "named"),
    ("Exempt under Section 24 - National security", [], "exempt"),
    ("Section 43 - Commercial interests", [], "exempt"),
    ("N/A", [], "not-applicable"),
    ("", [], "empty"),
    ("The GMPP project is still at the planning stage (Pre-SOC or equivalent) and is not yet in a position to "
     "provide cost/schedule information, Section 43 - Commercial interests", [], "footnote"),
])
def test_an_sro_cell_names_people_or_says_why_not(cell: str, names: list[str], kind: str) -> None:
    found, what = person_names(cell, TITLES)
    assert ([p.name for p in found], what) == (names, kind)


def test_a_title_is_set_aside_to_compare_but_kept_as_published() -> None:
    (person,), _ = person_names("Air Cdre Alun Roberts", TITLES)
    assert (person.published, person.name, person.key) == ("Air Cdre Alun Roberts", "Alun Roberts", "alun roberts")


# ------------------------------------------------------------------------------------------- the fixtures
def test_each_named_sro_is_a_dated_accountability_consecutive_years_merged(store: Store) -> None:
    assert sros(store) == [
        ("Alex Morgan", "Border Case System", "2014-04-01", "2015-03-31"),
        ("Alex Morgan", "Clinic Booking", "2014-04-01", "2015-03-31"),
        ("Alex Morgan", "Ward Records Programme", "2013-04-01", "2015-03-31"),  # 2013-14 and 2014-15: one tenure
        ("Priya Nair", "Clinic Booking", "2014-04-01", "2016-03-31"),
        ("Priya Nair", "Ward Records Programme", "2015-04-01", "2016-03-31"),
        ("Sam Okafor", "Fleet Radios", "2013-04-01", "2016-03-31"),  # "Dr Sam Okafor", "Sam Okafor", "Dr. Sam Okafor"
    ]
    counts = json.loads(store.sources()["dataset-gmpp"].report)["counts"]
    assert counts["sro names exempt"] == 1 and counts["project-years with joint SROs"] == 1


def test_an_sro_is_a_person_in_the_post_of_the_project_sourced_to_file_and_row(store: Store) -> None:
    rows = store.select("""SELECT ?post ?body ?person ?t ?note ?src WHERE {
        ?t a gk:Tenure ; gk:post ?p ; gk:person/rdfs:label "Alex Morgan" ; gk:startDate "2013-04-01"^^xsd:date .
        ?p rdfs:label ?post ; org:postIn/gk:key ?body .
        ?a gk:holder ?who ; gk:startDate "2013-04-01"^^xsd:date ; skos:note ?note ; prov:wasDerivedFrom/gk:key ?src .
        ?who rdfs:label "Alex Morgan" }""")
    assert {(r["post"], r["body"]) for r in rows} == {("SRO of Ward Records Programme", "gmpp-dept-dhsc")}
    assert {r["src"] for r in rows} == {"dataset-gmpp-2013-14", "dataset-gmpp-2014-15"}
    assert "gmpp_2013_14.csv: column 2" in rows[0]["note"] and "mpa_annual_report_data_sept.csv" in rows[0]["note"]
    okafor = store.select(f"SELECT ?l ?alt WHERE {{ <{ID}person/gmpp-sro-sam-okafor-mod> rdfs:label ?l ; "
                          "skos:altLabel ?alt }")
    assert {(r["l"], r["alt"]) for r in okafor} == {("Sam Okafor", "Dr Sam Okafor"), ("Sam Okafor", "Dr. Sam Okafor")}


def test_one_name_in_two_departments_is_two_people_and_the_reconciliation_report_lists_them(early: Path) -> None:
    with Store.open(early, read_only=True) as st:
        people = st.select('SELECT ?p WHERE { ?p a gk:Person ; rdfs:label "Alex Morgan" }')
        listed = reconcile(st).portfolio["sro_same_name_not_merged"]
    assert sorted(r["p"].rsplit("/", 1)[1] for r in people) == ["gmpp-sro-alex-morgan-dhsc", "gmpp-sro-alex-morgan-ho"]
    assert [(e["name"], [p["departments"] for p in e["people"]]) for e in listed] == [
        ("Alex Morgan", [["DHSC"], ["HO"]])]
    out = run_cli("reconcile", "--report", "--dry-run", store=early).out
    assert "SROs with the same name in different departments: not merged" in out and "gmpp-sro-alex-morgan-ho" in out


def test_a_project_that_moved_department_keeps_its_sro_as_one_person(tmp_path: Path) -> None:
    header = ["GMPP ID", "Project Name", "Department", "Senior Responsible Owner (SRO) Name"]
    for year, dept in (("2024_25", "DfE"), ("2025_26", "DWP")):
        out = io.StringIO()
        csv.writer(out).writerows([header, ["DFE_0017_2021-Q3", "Skills Payments", dept, "Kim Lee"],
                                   ["DFE_0020_2021-Q3", "Schools Estate", "DfE", "Kim Lee"]])
        (tmp_path / f"gmpp_{year}.csv").write_text(out.getvalue(), encoding="utf-8")
    with Store.open(tmp_path / "s") as st:
        ingest(st, [tmp_path])
        people = {r["p"].rsplit("/", 1)[1] for r in st.select("SELECT ?p WHERE { ?p a gk:Person }")}
        merged = json.loads(st.sources()["dataset-gmpp"].report)["sro_people_merged"]
        spans = st.select("""SELECT ?start ?end WHERE { ?a gk:scope/rdfs:label "Skills Payments" ;
            gk:startDate ?start ; gk:endDate ?end }""")
    assert people == {"gmpp-sro-kim-lee-dfe"}
    assert merged[0]["departments"] == ["DFE", "DWP"] and "gmpp-dfe-0017-2021-q3" in merged[0]["reason"]
    assert [(str(r["start"]), str(r["end"])) for r in spans] == [("2024-04-01", "2026-03-31")]


def test_the_matrix_lists_the_sro_under_the_projects_department(store: Store) -> None:
    data = GovernanceData.load(store)
    found = matrix(data, date(2014, 6, 1))
    cell = next(c for c in found.cells if c.scope_label == "Ward Records Programme")
    assert (cell.body_label, cell.kinds, cell.via) == ("Department of Health and Social Care", ["sro"], ["Alex Morgan"])
    clinic = [o for o in found.overlaps if o["scope"] == "Clinic Booking"]
    assert clinic == [{"scope": "Clinic Booking", "kind": "sro", "holders": "Alex Morgan, Priya Nair",
                       "scope ref": "scope/portfolio-gmpp-noid-dhsc-clinic-booking"}]  # joint SROs


def test_sro_turnover_counts_changes_and_joint_sros_per_project_and_department(store: Store) -> None:
    data = GovernanceData.load(store)
    found = sro_turnover(data, department="DHSC", today=date(2020, 1, 1))  # its DoH, DH years too
    projects = {p.project: p for p in found.projects}
    assert set(projects) == {"Ward Records Programme", "Clinic Booking"}
    ward = projects["Ward Records Programme"]
    assert [(t.holder_label, t.change, t.years) for t in ward.tenures] == [("Alex Morgan", False, 2.0),
                                                                        ("Priya Nair", True, 1.0)]
    assert ward.changes == 1 and not ward.joint and projects["Clinic Booking"].joint
    assert projects["Clinic Booking"].changes == 0  # both from its first year
    (dept,) = found.departments
    assert (dept.label, dept.projects, dept.people, dept.changes, dept.projects_with_changes) == (
        "Department of Health and Social Care", 2, 2, 1, 1)
    everyone = sro_turnover(data)
    assert {d.label for d in everyone.departments} == {"Department of Health and Social Care", "Home Office",
                                                       "Ministry of Defence"}


def test_analyse_sro_turnover_answers_with_sources_and_refuses_an_unknown_department(early: Path) -> None:
    out = run_cli("analyse", "sro-turnover", "--department", "dhsc", store=early)
    assert out.code == 0, out.err
    assert "2 project(s) led by Department of Health and Social Care, 4 tenure(s), 1 change(s) of SRO" in out.out
    assert "dataset-gmpp-2013-14 dataset-gmpp-2014-15" in out.out
    data = json.loads(run_cli("analyse", "sro-turnover", "--json", store=early).out)
    assert sum(len(p["tenures"]) for p in data["projects"]) == 6 and data["changes"] == 1
    assert all(t["evidence"]["sources"] for p in data["projects"] for t in p["tenures"])
    bad = run_cli("analyse", "sro-turnover", "--department", "Ministry of Magic", store=early)
    assert bad.code == 2 and "no department 'Ministry of Magic'" in bad.err


def test_govkg_entity_of_an_sro_shows_their_projects_and_years(early: Path) -> None:
    out = run_cli("entity", "Priya Nair", store=early).out
    assert "sro          Priya Nair for Clinic Booking, 2014-04-01 to 2016-03-31" in out
    assert "sro          Priya Nair for Ward Records Programme, 2015-04-01 to 2016-03-31" in out
    assert "Clinic Booking (2014-15, 2015-16); Ward Records Programme (2015-16)" in out
    two = run_cli("entity", "Alex Morgan", store=early).out
    assert "also named so (1" in two  # the Home Office's Alex Morgan, listed, not merged


# ------------------------------------------------------------------------------------------- the published files
@pytest.fixture(scope="module")
def published(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gmpp-published") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED, shared / "datasets" / "gmpp"])
        ingest(store, [], extra=[reconcile(store).prepared()])
    return path


def test_the_published_files_give_hundreds_of_sro_accountabilities(published: Path) -> None:
    with Store.open(published, read_only=True) as st:
        rep = json.loads(st.sources()["dataset-gmpp"].report)
        n = st.select("""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a gk:accountabilityKind/skos:notation "sro" ;
            prov:wasDerivedFrom/gk:sourceKind "dataset" }""")[0]["n"]
    # 389 project-years name at least one person (2024-25 and 2025-26); consecutive years are one tenure
    assert rep["counts"]["sro names named"] >= 380 and int(n) == rep["counts"]["sro accountabilities"] >= 290
    assert rep["counts"]["sro people"] >= 230
    assert {e["name"] for e in rep["sro_same_name_not_merged"]} >= {"Dean Creamer"}  # DSIT and DfT projects
    assert "Kate Ridley-Pepper" in {e["name"] for e in rep["sro_people_merged"]}  # her project moved to DWP


def test_frontline_digitisation_is_one_entity_with_ratings_costs_and_its_sro(published: Path) -> None:
    ent = json.loads(run_cli("entity", "Frontline Digitisation", "--json", store=published).out)
    assert {r["iri"].rsplit("/", 1)[1] for r in ent["referents"]} == {"frontline-digitisation",
                                                                        "gmpp-dhsc-0071-2122-q1"}
    assert {o["iri"].rsplit("/", 2)[1] for o in ent["also_named"]} == {"scope"}
    years = {r["year"]: r for r in ent["reports"]}
    assert list(years) == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert years["2022-23"]["IPA rating"] == "Red" and years["2022-23"]["whole-life cost"] == "£1,982m"
    sro = [a for a in ent["accountabilities"] if a["kind"] == "sro"]
    assert len(sro) == 1 and sro[0]["start"] == "2024-04-01" and sro[0]["sources"] == [
        "dataset-gmpp-2024-25", "dataset-gmpp-2025-26"]
    assert years["2024-25"]["SRO"] == sro[0]["holder"]
    label = next(p for p in ent["properties"] if p["predicate"] == "rdfs:label")
    assert label["sources"] == ["curated-programmes", "dataset-gmpp"]


def test_the_matrix_of_1_june_2024_and_dhsc_turnover_take_the_portfolio(published: Path) -> None:
    with Store.open(published, read_only=True) as st:
        data = GovernanceData.load(st)
    found = matrix(data, date(2024, 6, 1))
    sro_cells = [c for c in found.cells if "sro" in c.kinds]
    assert len(sro_cells) > 150 and all(c.via for c in sro_cells)
    frontline = next(c for c in found.cells if c.scope_label == "Frontline digitisation")
    assert sorted(frontline.kinds) == ["accountable", "sro"]  # the curated scope and the GMPP one are one
    out = run_cli("analyse", "sro-turnover", "--department", "dhsc", store=published)
    assert out.code == 0 and "New Hospital Programme" in out.out and "dataset-gmpp-2025-26" in out.out


def test_the_department_page_and_the_programme_page_are_one_for_all_their_records(published: Path) -> None:
    with Store.open(published, read_only=True) as st:
        data = GovernanceData.load(st)
        dept = body_profile(st, data, "gmpp-dept-dhsc", today=date(2025, 6, 1))  # the GMPP record of DHSC
        programme = provenance(st, "programme/frontline-digitisation")  # the curated programme
    assert dept.ref == "body/department-of-health-and-social-care"
    assert {r["ref"] for r in dept.linked} == {"body/department-of-health-and-social-care", "body/gmpp-dept-dhsc"}
    assert {a["holder"] for a in dept.accountabilities if a["kind"] == "sro"} >= {"Dermot Ryan", "Vicky Gaulter"}
    assert [r["year"] for r in programme.reports] == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    assert {r["ref"] for r in programme.linked} == {"programme/frontline-digitisation",
                                                      "programme/gmpp-dhsc-0071-2122-q1"}
    assert any(a["kind"] == "sro" for a in programme.accountabilities)
