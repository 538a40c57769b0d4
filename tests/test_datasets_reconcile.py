"""`govkg reconcile` on fixtures of our own: each kind of match with its reason, ambiguity left unlinked.

The store holds a small curated set (tests/fixtures/datasets/curated/), the GOV.UK fixture, an ODS file and
a GMPP year made here, and an RDF body that carries an ODS code. The real data is reconciled in
test_datasets_ingest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_datasets_errors import gmpp_file, ods_row

from conftest import ROOT, run_cli
from graph.store import Store
from ingest.pipeline import ingest
from ingest.reconcile import core_name, normalise, spells

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
