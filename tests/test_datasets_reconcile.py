"""`govkg reconcile` on fixtures of our own: each kind of match with its reason, ambiguity left unlinked.

The store holds a small curated set (tests/fixtures/datasets/curated/), the GOV.UK fixture, an ODS file and
a GMPP year made here, and an RDF body that carries an ODS code. A second store, made here, has the curated
collective body of all NHS trusts, ODS trusts (one closed, one Welsh) and GOV.UK titles spelt the other
ways, for the org:memberOf links. The last tests reconcile the curated data with the real GOV.UK and ODS
files (../shared/datasets); the other datasets are reconciled in test_datasets_ingest.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import gmpp_file, ods_row

from conftest import CURATED, ROOT, run_cli, snapshot
from graph.backends.embedded import Store
from ingest.pipeline import ingest
from ingest.reconcile import core_name, normalise, spells, trust_name

FIXTURES = ROOT / "tests" / "fixtures" / "datasets"
ID = "https://w3id.org/govkg/id/"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reconcile")
    etr = folder / "etr.csv"
    etr.write_text("\n".join([
        ods_row("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"),
        ods_row("RT3", "ROYAL BROMPTON & HAREFIELD NHS FOUNDATION TRUST", "Y56"),
        ods_row("RJ1", "GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Y56"),
    ]) + "\n", encoding="utf-8")
    year = folder / "gmpp_2023_24.csv"
    year.write_text(gmpp_file([["DHSC_0001_2324-Q1", "Example Records", "DHSC", "ICT", "Amber", "12.5"],
                               ["DHSC_0002_2122-Q1", "First use of 0002", "DHSC", "ICT", "Red", "3"],
                               ["DHSC_0002_2324-Q1", "Second use of 0002", "DHSC", "ICT", "Green", "4"]]),
                    encoding="utf-8")
    store = folder / "store"
    with Store.open(store) as st:
        ingest(st, [FIXTURES / "curated", FIXTURES / "govuk-contradictions.json", etr, year,
                    FIXTURES / "ods-coded-trust.ttl"])
    return store


@pytest.fixture(scope="module")
def report(store_path: Path) -> dict:
    result = run_cli("reconcile", "--report", "--json", store=store_path)
    assert result.code == 0, result.err
    return json.loads(result.out)


def links(report: dict) -> dict[tuple[str, str], str]:
    return {(m["subject"]["iri"].removeprefix(ID), m["target"]["iri"].removeprefix(ID)): m["reason"]
            for m in report["matches"]}


def test_a_curated_govuk_slug_links_to_the_govuk_body(report: dict) -> None:
    assert links(report)[("body/department-of-examples", "body/govuk-department-of-examples")] == "govuk-slug"


def test_trusts_link_by_name_and_by_ods_code(report: dict) -> None:
    found = links(report)
    assert found[("body/manchester-university-nhs-ft", "body/ods-r0a")] == "name"
    assert found[("body/royal-brompton-and-harefield", "body/ods-rt3")] == "name"  # "&" read as "and"
    assert found[("body/guys-and-st-thomas", "body/ods-rj1")] == "ods-code"


def test_a_name_shared_by_two_records_is_reported_and_not_linked(report: dict) -> None:
    assert not any("example-agency" in a and "example-agency" in b for a, b in links(report))
    ambiguous = [a for a in report["ambiguous"] if a["subject"]["iri"] == f"{ID}body/example-agency"]
    assert len(ambiguous) == 1 and ambiguous[0]["reason"] == "name"
    assert {c["iri"] for c in ambiguous[0]["candidates"]} == {
        f"{ID}body/govuk-example-agency", f"{ID}body/govuk-example-agency-wales"}


def test_a_curated_gmpp_id_links_to_the_one_project_it_begins(report: dict) -> None:
    found = links(report)
    assert found[("programme/example-records-programme", "programme/gmpp-dhsc-0001-2324-q1")] == "gmpp-id"
    assert [m["link"] for m in report["matches"] if m["reason"] == "gmpp-id"] == ["gk:sameInitiativeAs"]
    reused = [a for a in report["ambiguous"] if a["subject"]["iri"].endswith("reused-number-programme")]
    assert len(reused) == 1 and len(reused[0]["candidates"]) == 2


def test_a_curated_slug_that_the_register_lacks_is_reported(report: dict) -> None:
    assert sorted((u["iri"], u["govuk-slug"]) for u in report["unmatched_identifiers"]) == [
        (f"{ID}body/gmpp-dept-dhsc", "department-of-health-and-social-care"),  # not in the GOV.UK fixture
        (f"{ID}body/lost-unit", "no-such-organisation")]


def test_records_of_one_source_are_never_linked_to_each_other(report: dict) -> None:
    for m in report["matches"]:
        assert m["subject"]["source"] != m["target"]["source"]


def test_reconcile_writes_the_links_as_one_source_and_report_lists_reasons(store_path: Path) -> None:
    dry = run_cli("reconcile", "--dry-run", store=store_path)
    assert dry.code == 0 and "dry run: nothing written" in dry.out
    written = run_cli("reconcile", store=store_path)
    assert written.code == 0 and "source reconciliation" in written.out
    again = run_cli("reconcile", store=store_path)
    assert "unchanged" in again.out
    text = run_cli("reconcile", "--report", "--dry-run", store=store_path).out
    assert "because: ods-code: same ODS code RJ1" in text
    assert "Ambiguous, not linked (2):" in text
    with Store.open(store_path, read_only=True) as store:
        rows = store.select("SELECT ?a ?b WHERE { ?a owl:sameAs ?b }")
        assert {"a": f"{ID}body/guys-and-st-thomas", "b": f"{ID}body/ods-rj1"} in rows
        assert store.select(f"SELECT ?t WHERE {{ <{ID}source/reconciliation> dcterms:title ?t }}")


def test_names_are_normalised_before_they_are_compared() -> None:
    assert normalise("The Royal Brompton & Harefield NHS Foundation Trust") == \
        "royal brompton and harefield nhs foundation trust"
    assert core_name("public health wales nhs trust") == "public health wales"
    assert core_name("nhs trust") == ""


def words(name: str) -> list[str]:
    return normalise(name).split()


def test_an_abbreviation_must_spell_a_name() -> None:
    assert spells("DHSC", words("department of health and social care"))
    assert spells("NHSE", words("nhs england"))
    assert spells("HSCIC", words("health and social care information centre"))
    assert not spells("CSC", words("computer sciences corporation limited"))
    assert not spells("DCMS", words("department for digital culture media and sport"))


def test_every_dataset_term_is_labelled_and_defined() -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    g = Graph().parse(ROOT / "ontology" / "ext-datasets.ttl")
    gk = "https://w3id.org/govkg/ontology#"
    terms = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(gk)}
    assert len(terms) >= 15
    for term in terms:
        assert g.value(term, RDFS.label) is not None and g.value(term, SKOS.definition) is not None, term


# ------------------------------------------------------------------------------------------- trusts
# The curated data has one collective body for all NHS trusts and foundation trusts in England; each
# individual trust (ODS, GOV.UK) is linked to it with org:memberOf, never owl:sameAs.
COLLECTIVE = f"{ID}body/nhs-trusts"

TRUST_CURATED = {
    "sources.yaml": """sources:
- id: trusts-fixture
  title: Test fixture for trust membership
  kind: other
  reliability: secondary
""",
    "bodies.yaml": """bodies:
- id: nhs-trusts
  label: NHS trusts and foundation trusts
  kind: trust
  description: The NHS trusts in England taken together.
  sources: [trusts-fixture]
- id: example-auditor
  label: Example Audit Office
  kind: audit-office
  sources: [trusts-fixture]
""",
    "scopes.yaml": """scopes:
- id: local-digital
  label: Local digital transformation
  definition: Digitising local services.
  sources: [trusts-fixture]
""",
    "accountabilities.yaml": """accountabilities:
- id: trusts-local-digital
  holder: nhs-trusts
  scope: local-digital
  kind: responsible
  start: "2011-09-22"
  sources: [trusts-fixture]
- id: trusts-new-funding
  holder: nhs-trusts
  scope: local-digital
  kind: funding
  start: "2022-01-01"
  sources: [trusts-fixture]
""",
    "recommendations.yaml": """recommendations:
- id: fund-local-digital
  text: Trusts should set aside money for digital services.
  made_by: example-auditor
  addressed_to: [nhs-trusts]
  date: "2020-05-15"
  sources: [trusts-fixture]
""",
}


def govuk_item(slug: str, title: str, status: str = "exempt", closed: str = "") -> dict[str, Any]:
    return {"id": f"https://www.gov.uk/api/organisations/{slug}", "title": title, "format": "Other",
            "updated_at": "2026-01-01T00:00:00Z", "web_url": f"https://www.gov.uk/government/organisations/{slug}",
            "details": {"slug": slug, "abbreviation": None, "closed_at": None, "govuk_status": status,
                        "govuk_closed_status": closed or None},
            "analytics_identifier": "OT1", "parent_organisations": [], "child_organisations": [],
            "superseded_organisations": [], "superseding_organisations": []}


@pytest.fixture(scope="module")
def trusts_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Curated collective + ODS trusts (one closed, one Welsh) + GOV.UK titles written the other ways."""
    folder = tmp_path_factory.mktemp("trusts")
    curated = folder / "curated"
    curated.mkdir()
    for name, text in TRUST_CURATED.items():
        (curated / name).write_text(text, encoding="utf-8")
    (folder / "etr.csv").write_text("\n".join([
        ods_row("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", "Y62", "20171001"),
        ods_row("RT3", "ROYAL BROMPTON & HAREFIELD NHS FOUNDATION TRUST", "Y56", "19980401", "20210131"),
        ods_row("RHU", "PORTSMOUTH HOSPITALS UNIVERSITY NATIONAL HEALTH SERVICE TRUST", "Y59"),
        ods_row("RYT", "PUBLIC HEALTH WALES NHS TRUST", "W00", "20091001"),
        ods_row("RZZ", "EXAMPLE TWIN NHS FOUNDATION TRUST", "Y60"),
    ]) + "\n", encoding="utf-8")
    (folder / "organisations.json").write_text(json.dumps([
        govuk_item("manchester-university-nhs-ft", "Manchester University NHS FT"),
        govuk_item("royal-brompton-and-harefield", "Royal Brompton and Harefield NHS Foundation Trust", "closed",
                   "merged"),
        govuk_item("portsmouth-hospitals", "Portsmouth Hospitals University NHS Trust"),
        govuk_item("public-health-wales", "Public Health Wales"),
        govuk_item("nhs-direct", "NHS Direct National Health Service Trust", "closed", "no_longer_exists"),
        govuk_item("mid-staffs-inquiry", "Mid Staffordshire NHS Foundation Trust Public Inquiry 2013", "closed",
                   "no_longer_exists"),
        govuk_item("example-twin-nhs-trust", "Example Twin NHS Trust"),
        govuk_item("example-twin", "Example Twin"),
    ]), encoding="utf-8")
    store = folder / "store"
    with Store.open(store) as st:
        ingest(st, [curated, folder / "organisations.json", folder / "etr.csv"])
    written = run_cli("reconcile", store=store)
    assert written.code == 0, written.err
    return store


@pytest.fixture(scope="module")
def trusts(trusts_path: Path) -> dict[str, Any]:
    return dry_run_report(trusts_path)


def members(report: dict[str, Any]) -> dict[str, str]:
    return {m["subject"]["iri"].removeprefix(f"{ID}body/"): m["reason"] for m in report["memberships"]}


def test_trust_names_written_differently_link_ods_and_govuk(trusts: dict[str, Any]) -> None:
    found = links(trusts)
    assert found[("body/govuk-manchester-university-nhs-ft", "body/ods-r0a")] == "name"  # NHS FT
    assert found[("body/govuk-royal-brompton-and-harefield", "body/ods-rt3")] == "name"  # & and "and"
    assert found[("body/govuk-portsmouth-hospitals", "body/ods-rhu")] == "name"  # National Health Service Trust
    assert found[("body/govuk-public-health-wales", "body/ods-ryt")] == "name-without-trust-suffix"
    details = {m["subject"]["iri"].removeprefix(f"{ID}body/"): m["detail"] for m in trusts["matches"]}
    assert details["govuk-manchester-university-nhs-ft"] == "same name 'manchester university nhs foundation trust'"
    assert not any("mid-staffs" in a or "mid-staffs" in b for a, b in found)


def test_two_govuk_records_for_one_trust_name_are_ambiguous_and_not_linked(trusts: dict[str, Any]) -> None:
    assert not any("ods-rzz" in b or "ods-rzz" in a for a, b in links(trusts))
    (twin,) = [a for a in trusts["ambiguous"] if a["subject"]["iri"].endswith("ods-rzz")]
    assert twin["reason"] == "name-without-trust-suffix"
    assert {c["iri"] for c in twin["candidates"]} == {f"{ID}body/govuk-example-twin-nhs-trust",
                                                      f"{ID}body/govuk-example-twin"}


def test_every_trust_is_a_member_of_the_collective_with_its_reason(trusts: dict[str, Any]) -> None:
    assert trusts["collective"]["iri"] == COLLECTIVE
    assert members(trusts) == {
        "ods-r0a": "ods-trust", "ods-rt3": "ods-trust", "ods-rhu": "ods-trust", "ods-rzz": "ods-trust",
        "govuk-manchester-university-nhs-ft": "same-as-member", "govuk-royal-brompton-and-harefield": "same-as-member",
        "govuk-portsmouth-hospitals": "same-as-member",
        "govuk-nhs-direct": "govuk-title", "govuk-example-twin-nhs-trust": "govuk-title"}
    assert trusts["members"] == 9 and trusts["membership_by_reason"] == {
        "govuk-title": 2, "ods-trust": 4, "same-as-member": 3}
    detail = {m["subject"]["iri"].removeprefix(f"{ID}body/"): m["detail"] for m in trusts["memberships"]}
    assert detail["ods-r0a"] == "ODS record type: NHS trust, ODS code R0A, region North West (Y62)"
    assert detail["ods-rt3"].endswith("; closed 2021-01-31, a member until then")
    assert detail["govuk-manchester-university-nhs-ft"].startswith(
        "same body (owl:sameAs) as id:body/ods-r0a “Manchester University NHS Foundation Trust”")
    assert {m["link"] for m in trusts["memberships"]} == {"org:memberOf"}
    assert not any(COLLECTIVE in (m["subject"]["iri"], m["target"]["iri"]) for m in trusts["matches"])


def test_welsh_trusts_are_listed_as_not_members(trusts: dict[str, Any]) -> None:
    outside = {n["subject"]["iri"].removeprefix(f"{ID}body/"): n for n in trusts["not_members"]}
    assert set(outside) == {"ods-ryt", "govuk-public-health-wales"}
    assert {n["reason"] for n in outside.values()} == {"outside-england"}
    assert "region Wales (W00)" in outside["ods-ryt"]["detail"]
    assert outside["govuk-public-health-wales"]["detail"].startswith("same body (owl:sameAs) as id:body/ods-ryt")


ACCOUNTABILITIES_OF = """SELECT DISTINCT ?a WHERE {{
    <{trust}> (owl:sameAs|^owl:sameAs)* ?record . ?record org:memberOf ?collective .
    ?a gk:holder ?collective ; gk:startDate ?start .
    OPTIONAL {{ ?a gk:endDate ?end }} OPTIONAL {{ <{trust}> gk:startDate ?opened }}
    OPTIONAL {{ <{trust}> gk:endDate ?closed }}
    FILTER((!BOUND(?closed) || ?start <= ?closed) && (!BOUND(?end) || !BOUND(?opened) || ?end >= ?opened)) }}"""


def accountabilities_of(store: Store, trust: str) -> set[str]:
    rows = store.select(ACCOUNTABILITIES_OF.format(trust=f"{ID}body/{trust}"))
    return {r["a"].removeprefix(f"{ID}accountability/") for r in rows}


def test_a_trust_reaches_the_collectives_accountabilities_and_recommendations(trusts_path: Path) -> None:
    with Store.open(trusts_path, read_only=True) as store:
        assert accountabilities_of(store, "ods-r0a") == {"trusts-local-digital", "trusts-new-funding"}
        assert accountabilities_of(store, "govuk-manchester-university-nhs-ft") == {
            "trusts-local-digital", "trusts-new-funding"}  # through its owl:sameAs to ODS
        assert accountabilities_of(store, "ods-rt3") == {"trusts-local-digital"}  # closed before 2022
        assert accountabilities_of(store, "ods-ryt") == set()  # Welsh
        rows = store.select(f"""SELECT ?rec WHERE {{ <{ID}body/ods-rhu> org:memberOf ?c .
            ?rec a gk:Recommendation ; gk:addressedTo ?c }}""")
        assert [r["rec"] for r in rows] == [f"{ID}recommendation/fund-local-digital"]
        assert not store.select(f"SELECT ?x WHERE {{ ?x owl:sameAs <{COLLECTIVE}> }}")


def test_report_lists_members_and_non_members_with_counts(trusts_path: Path) -> None:
    text = run_cli("reconcile", "--report", "--dry-run", store=trusts_path).out
    assert ("9 members of id:body/nhs-trusts “NHS trusts and foundation trusts” [curated-bodies] by org:memberOf "
            "(2 by govuk-title, 4 by ods-trust, 3 by same-as-member); 2 trusts not members") in text
    assert "Members of id:body/nhs-trusts “NHS trusts and foundation trusts” [curated-bodies] (9):" in text
    assert "because: ods-trust: ODS record type: NHS trust, ODS code R0A, region North West (Y62)" in text
    assert "Not members (2):" in text


def test_rerunning_is_idempotent_and_removing_a_source_removes_its_links(trusts_path: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "store"
    shutil.copytree(trusts_path, path)
    before = snapshot(path)
    assert "source reconciliation unchanged" in run_cli("reconcile", store=path).out
    assert snapshot(path) == before
    with Store.open(path, read_only=True) as store:
        first = store.sources()["reconciliation"].content_hash
    assert run_cli("remove", "dataset-ods-trusts", store=path).code == 0
    assert "source reconciliation replaced" in run_cli("reconcile", store=path).out
    with Store.open(path, read_only=True) as store:
        rows = store.select("SELECT ?t WHERE { ?t org:memberOf ?c }")
        assert sorted(r["t"].removeprefix(f"{ID}body/") for r in rows) == [
            "govuk-example-twin-nhs-trust", "govuk-manchester-university-nhs-ft", "govuk-nhs-direct",
            "govuk-portsmouth-hospitals", "govuk-royal-brompton-and-harefield"]  # by their GOV.UK titles now
        assert not store.select('SELECT ?a WHERE { ?a ?p ?b FILTER(CONTAINS(STR(?a), "/ods-") || '
                                'CONTAINS(STR(?b), "/ods-")) }')
    with Store.open(path) as store:  # the source back: the same links as before
        ingest(store, [trusts_path.parent / "etr.csv"])
    assert "source reconciliation replaced" in run_cli("reconcile", store=path).out
    with Store.open(path, read_only=True) as store:
        assert store.sources()["reconciliation"].content_hash == first


def test_bad_input_after_reconciling_is_an_error_and_changes_nothing(trusts_path: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "store"
    shutil.copytree(trusts_path, path)
    broken = tmp_path / "etr.csv"
    broken.write_text(ods_row("R0A", "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST")[:-3] + "\n", encoding="utf-8")
    before = snapshot(path)
    result = run_cli("ingest", "-q", str(broken), store=path)
    assert result.code == 2 and result.err.startswith("Error: ") and "etr.csv" in result.err, result.err
    assert snapshot(path) == before
    assert "source reconciliation unchanged" in run_cli("reconcile", store=path).out


def test_without_the_collective_no_membership_is_made(report: dict[str, Any], store_path: Path) -> None:
    assert report["collective"] is None and report["memberships"] == [] and report["members"] == 0
    assert "no membership links: the collective body id:body/nhs-trusts is not in the store" in \
        run_cli("reconcile", "--dry-run", store=store_path).out


def test_trust_names_are_read_in_their_usual_form() -> None:
    assert trust_name(normalise("Manchester University NHS FT")) == "manchester university nhs foundation trust"
    assert trust_name(normalise("Portsmouth Hospitals University National Health Service Trust")) == \
        "portsmouth hospitals university nhs trust"
    assert trust_name(normalise("Saint Helens & Knowsley NHS Trust")) == "st helens and knowsley nhs trust"
    assert trust_name("mid staffordshire nhs foundation trust public inquiry 2013") == \
        "mid staffordshire nhs foundation trust public inquiry 2013"
    assert core_name(normalise("Example NHS FT")) == ""  # one word left: too short to compare


# ------------------------------------------------------------------------------------------- real data
# The curated data with the real GOV.UK register and ODS trust file (../shared/datasets).


@pytest.fixture(scope="module")
def real_path(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = shared / "datasets"
    path = tmp_path_factory.mktemp("real-trusts") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED, data / "govuk" / "organisations.json", data / "ods" / "etr.csv"])
    written = run_cli("reconcile", store=path)
    assert written.code == 0 and "source reconciliation added" in written.out, written.err
    return path


@pytest.fixture(scope="module")
def real(real_path: Path) -> dict[str, Any]:
    return dry_run_report(real_path)


def dry_run_report(store: Path) -> dict[str, Any]:
    """What `govkg reconcile --report --json --dry-run` says of the store (nothing written)."""
    result = run_cli("reconcile", "--report", "--json", "--dry-run", store=store)
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def test_real_core_bodies_and_trusts_reconcile(real: dict[str, Any]) -> None:
    """The acceptance: DHSC, NHS England, NHS Digital, HSCIC, NHS Improvement by GOV.UK slug; the trusts as
    members of the curated collective."""
    found = links(real)
    for key in ("department-of-health-and-social-care", "nhs-england", "nhs-digital",
                "health-and-social-care-information-centre", "nhs-improvement"):
        assert found[(f"body/{key}", f"body/govuk-{key}")] == "govuk-slug", key
    assert real["collective"]["iri"] == COLLECTIVE and real["members"] == 216


def test_real_every_english_ods_trust_is_a_member_and_the_welsh_ones_are_not(real: dict[str, Any]) -> None:
    """etr.csv has 218 trusts: 215 in the seven English regions (6 of them closed in 2020-21, members until
    then) and 3 in Wales (W00). GOV.UK adds NHS Direct National Health Service Trust, by its title (it closed
    in 2014, before the ODS file). Public Health Wales is in both registers and is not a member under either."""
    assert real["membership_by_reason"] == {"govuk-title": 1, "ods-trust": 215}
    by_reason = members(real)
    assert sum(1 for k in by_reason if k.startswith("ods-")) == 215
    assert by_reason["govuk-nhs-direct-national-health-service-trust"] == "govuk-title"
    closed = [m for m in real["memberships"] if "a member until then" in m["detail"]]
    assert len(closed) == 6
    outside = {n["subject"]["iri"].removeprefix(f"{ID}body/"): n["reason"] for n in real["not_members"]}
    assert outside == {"ods-rqf": "outside-england", "ods-rt4": "outside-england", "ods-ryt": "outside-england",
                       "govuk-public-health-wales": "outside-england"}
    assert not any("mid-staffordshire" in k for k in by_reason)  # an inquiry named after a trust is not one


def test_real_ods_and_govuk_trusts_match_once(real: dict[str, Any], shared: Path) -> None:
    """Computed from the files: GOV.UK has no ODS codes, and of the 218 ODS trust names only one, in any usual
    form (NHS FT, &/and, National Health Service Trust, with or without the suffix), is a GOV.UK title:
    Public Health Wales. The only other GOV.UK title of an NHS trust, NHS Direct National Health Service Trust,
    closed in 2014, before the ODS file."""
    import csv

    data = shared / "datasets"
    titles = {normalise(o["title"]) for o in json.loads((data / "govuk" / "organisations.json").read_text())}
    forms = titles | {trust_name(t) for t in titles} | {core_name(t) for t in titles}
    rows = list(csv.reader((data / "ods" / "etr.csv").open(encoding="utf-8")))
    hits = [r[0] for r in rows
            if ({normalise(r[1]), trust_name(normalise(r[1])), core_name(normalise(r[1]))} - {""}) & forms]
    assert hits == ["RYT"]
    pairs = [(m["subject"]["iri"], m["target"]["iri"], m["reason"], m["detail"]) for m in real["matches"]
             if {m["subject"]["source"], m["target"]["source"]} == {"dataset-govuk-organisations",
                                                                    "dataset-ods-trusts"}]
    assert pairs == [(f"{ID}body/govuk-public-health-wales", f"{ID}body/ods-ryt", "name-without-trust-suffix",
                      "same name apart from the trust suffix 'public health wales'")]
    assert not [a for a in real["ambiguous"] if "/ods-" in json.dumps(a)]


def test_real_trust_reaches_the_collectives_accountabilities_and_findings(real_path: Path) -> None:
    with Store.open(real_path, read_only=True) as store:
        expected = {"trusts-local-digital-transformation", "trusts-digital-funding"}
        assert accountabilities_of(store, "ods-r0a") == expected  # Manchester University NHS Foundation Trust
        assert accountabilities_of(store, "ods-rd3") == expected  # Poole Hospital, closed 2020-09-30
        assert accountabilities_of(store, "ods-ryt") == set()  # Public Health Wales
        rows = store.select(f"""SELECT DISTINCT ?f WHERE {{ <{ID}body/ods-r0a> org:memberOf ?c .
            ?f a gk:Finding ; gk:about ?c }}""")
        assert len(rows) == 6


def test_real_reconcile_again_writes_nothing(real_path: Path) -> None:
    out = run_cli("reconcile", store=real_path).out
    assert "216 members of id:body/nhs-trusts" in out and "source reconciliation unchanged" in out
