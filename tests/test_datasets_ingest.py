"""The four public datasets (../shared/datasets) ingested together with the curated data, then reconciled.

One store is built per module: the curated data, then GOV.UK organisations, ODS trusts, every GMPP year and
the LLIS lessons in one timed ingest, then `govkg reconcile`. The tests read it. Tests at the end use our
own fixtures (tests/fixtures/datasets/) and need nothing from ../shared.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import CURATED, ROOT, run_cli
from graph.backends.embedded import Store
from ingest import gmpp, govuk
from ingest.gmpp.cells import money, rating
from ingest.pipeline import Summary, ingest
from ingest.reconcile import reconcile
from ingest.registry import Context

ID = "https://w3id.org/govkg/id/"
FIXTURES = ROOT / "tests" / "fixtures" / "datasets"
YEARS = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
SAME = "(owl:sameAs|^owl:sameAs)"


@dataclass
class Loaded:
    path: Path
    seconds: float
    summary: Summary


@pytest.fixture(scope="module")
def loaded(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    data = shared / "datasets"
    path = tmp_path_factory.mktemp("datasets") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED])
        started = time.process_time()  # CPU time of all threads: a busy machine does not fail the test
        # The GMPP folder goes in as `extra` until pipeline.discover hands folders to the ingesters.
        folder = gmpp.prepare(data / "gmpp", Context(store))
        summary = ingest(store, [data / "govuk" / "organisations.json", data / "ods" / "etr.csv",
                                 data / "llis" / "llis.csv"], extra=folder)
        seconds = time.process_time() - started
        ingest(store, [], extra=[reconcile(store).prepared()])
    return Loaded(path, seconds, summary)


@pytest.fixture
def store(loaded: Loaded) -> Iterator[Store]:
    with Store.open(loaded.path, read_only=True) as st:
        yield st


def report(store: Store, key: str) -> dict:
    return json.loads(store.sources()[key].report)


def count(store: Store, where: str) -> int:
    return int(store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")[0]["n"])


def ask(store: Store, where: str) -> bool:
    return bool(store.query(f"ASK {{ {where} }}").boolean)


# ------------------------------------------------------------------------------------------- acceptance
def test_the_four_datasets_ingest_together_in_under_a_minute_with_their_counts(loaded: Loaded, store: Store) -> None:
    assert loaded.seconds < 60, f"{loaded.seconds:.1f} CPU seconds"  # about 20 s wall on an idle 2-core machine
    written = {o.key for o in loaded.summary.outcomes if o.status == "added"}
    assert {"dataset-govuk-organisations", "dataset-ods-trusts", "dataset-gmpp", "dataset-llis"} <= written
    assert report(store, "dataset-govuk-organisations")["counts"]["organisations"] == 1262
    assert report(store, "dataset-ods-trusts")["counts"]["trusts"] == 218
    assert report(store, "dataset-llis")["counts"]["lessons"] == 1637
    years = report(store, "dataset-gmpp")["years"]
    assert list(years) == YEARS and all(y["projects"] > 100 for y in years.values())
    assert count(store, f'?s a gk:Body FILTER(STRSTARTS(STR(?s), "{ID}body/govuk-"))') == 1262
    assert count(store, f'?s a gk:Body ; gk:bodyKind <{ID}body-kind/trust> ; gk:odsCode ?c') == 218
    assert count(store, f'?s a gk:Lesson FILTER(STRSTARTS(STR(?s), "{ID}lesson/llis-"))') == 1637
    assert count(store, "?s a gk:ProjectAnnualReport") == sum(y["projects"] for y in years.values())


def test_every_dataset_record_cites_its_dataset_as_a_source_document(store: Store) -> None:
    rows = store.select("""
        SELECT ?key (COUNT(?s) AS ?n) WHERE {
          ?src gk:sourceKind "dataset" ; gk:key ?key ; gk:licence ?licence ; gk:url ?url ; gk:publisherName ?p .
          ?s prov:wasDerivedFrom ?src } GROUP BY ?key""")
    cited = {r["key"]: r["n"] for r in rows}
    assert {"dataset-govuk-organisations", "dataset-ods-trusts", "dataset-llis", *(f"dataset-gmpp-{y}" for y in YEARS)} \
        <= set(cited)
    uncited = store.select("""SELECT ?s WHERE { ?s a ?t . ?s gk:key ?k
        FILTER(REGEX(?k, "^(govuk|ods|gmpp|llis)-")) FILTER NOT EXISTS { ?s prov:wasDerivedFrom ?d } }""")
    assert [r for r in uncited if "/theme/" not in r["s"]] == []


# ------------------------------------------------------------------------------------------- GOV.UK
def test_govuk_bodies_carry_kind_status_closing_date_and_reason(store: Store) -> None:
    rows = store.select(f"""SELECT ?kind ?status ?reason ?end ?parent WHERE {{
        <{ID}body/govuk-health-and-social-care-information-centre> gk:bodyKind/skos:notation ?kind ;
          gk:status ?status ; gk:closedReason ?reason ; gk:endDate ?end ; gk:parent/gk:key ?parent }}""")
    assert rows == [{"kind": "executive-ndpb", "status": "closed", "reason": "changed_name",
                     "end": rows[0]["end"], "parent": "govuk-department-of-health-and-social-care"}]
    assert str(rows[0]["end"]) == "2016-08-01"


def test_govuk_supersessions_become_lineage_with_their_kind(store: Store) -> None:
    rows = store.select("""SELECT ?from ?to ?kind ?date WHERE { ?e a gk:LineageEvent ;
        gk:predecessor/gk:key ?from ; gk:successor/gk:key ?to ; gk:lineageKind/skos:notation ?kind ;
        gk:date ?date FILTER(STRSTARTS(?from, "govuk-nhs-") || STRSTARTS(?from, "govuk-health-and")) }""")
    found = {(r["from"], r["to"], r["kind"]) for r in rows}
    assert ("govuk-health-and-social-care-information-centre", "govuk-nhs-digital", "renamed") in found
    assert ("govuk-nhs-digital", "govuk-nhs-england", "merged") in found
    assert ("govuk-nhs-improvement", "govuk-nhs-england", "merged") in found


def test_the_hscic_psa_error_and_dangling_references_are_reported_not_ingested(store: Store) -> None:
    psa = f"{ID}body/govuk-professional-standards-authority-for-health-and-social-care"
    assert not ask(store, f"<{psa}> gk:succeededBy ?s")
    rep = report(store, "dataset-govuk-organisations")
    assert [(e["from"], e["to"]) for e in rep["contradictory_edges"]] == [
        ("professional-standards-authority-for-health-and-social-care", "health-and-social-care-information-centre")]
    assert {"on": "office-of-the-secretary-of-state-for-wales", "field": "superseding_organisations",
            "missing": "wales-office"} in rep["dangling_references"]
    assert rep["closed_without_date_total"] > 100


# ------------------------------------------------------------------------------------------- ODS
def test_ods_trusts_have_code_region_and_dates(store: Store) -> None:
    rows = store.select(f"""SELECT ?label ?region ?start WHERE {{ <{ID}body/ods-r0a> rdfs:label ?label ;
        gk:region ?region ; gk:regionCode "Y62" ; gk:startDate ?start ; gk:odsCode "R0A" }}""")
    assert [(r["label"], r["region"], str(r["start"])) for r in rows] == [
        ("Manchester University NHS Foundation Trust", "North West", "2017-10-01")]
    closed = store.select(f"SELECT ?end WHERE {{ <{ID}body/ods-rd3> gk:endDate ?end ; gk:status 'closed' }}")
    assert [str(r["end"]) for r in closed] == ["2020-09-30"]
    assert report(store, "dataset-ods-trusts")["counts"]["closed trusts"] == 6


# ------------------------------------------------------------------------------------------- GMPP
def test_every_gmpp_year_is_read_with_its_encoding_layout_and_scale(store: Store) -> None:
    years = report(store, "dataset-gmpp")["years"]
    assert years["2019-20"]["transposed"] and not years["2020-21"]["transposed"]
    assert years["2019-20"]["encoding"].startswith("cp1252") and years["2020-21"]["encoding"] == "cp1252"
    assert years["2024-25"]["encoding"] == "utf-8-sig"
    assert [years[y]["scale"] for y in YEARS] == ["five-point"] * 2 + ["three-point"] * 5
    assert years["2025-26"]["columns"]["id"] == "Major Projects ID"
    assert years["2024-25"]["columns"]["whole_life_cost"] == "Whole Life Cost (£m)"


PER_YEAR = f"""SELECT ?year ?ipaText ?ipa ?sroText ?sro ?amount WHERE {{
    ?r gk:reportOf <{ID}programme/$KEY> ; gk:financialYear ?year .
    OPTIONAL {{ ?r gk:ipaRatingText ?ipaText }} OPTIONAL {{ ?r gk:ipaRating/skos:notation ?ipa }}
    OPTIONAL {{ ?r gk:sroRatingText ?sroText }} OPTIONAL {{ ?r gk:sroRating/skos:notation ?sro }}
    OPTIONAL {{ ?r gk:wholeLifeCost/gk:amount ?amount }} }} ORDER BY ?year"""


def per_year(store: Store, key: str) -> dict[str, dict]:
    return {r["year"]: r for r in store.select(PER_YEAR.replace("$KEY", key))}


def test_dhsc_digital_projects_have_per_year_confidence_and_whole_life_cost(store: Store) -> None:
    fdp = per_year(store, "gmpp-dhsc-0252-2324-q1")
    assert list(fdp) == ["2023-24", "2024-25", "2025-26"]
    assert fdp["2024-25"]["sro"] == "green" and int(fdp["2024-25"]["amount"]) == 1_042_000_000
    frontline = per_year(store, "gmpp-dhsc-0071-2122-q1")
    assert frontline["2022-23"]["ipa"] == "red" and int(frontline["2022-23"]["amount"]) == 1_982_000_000
    assert int(frontline["2024-25"]["amount"]) == 2_035_200_000


def test_one_project_across_years_even_when_its_id_prefix_changed(store: Store) -> None:
    gp_it = per_year(store, "gmpp-doh-0063-1819-q3")  # 2019-20 writes DH_0063_1819-Q3
    assert list(gp_it) == ["2019-20", "2020-21", "2021-22", "2022-23"]
    assert (gp_it["2019-20"]["ipaText"], gp_it["2019-20"]["ipa"]) == ("Amber/Red", "amber-red")
    assert gp_it["2022-23"]["ipa"] == "red"
    assert ask(store, f"<{ID}delivery-confidence/amber-red> skos:broader <{ID}delivery-confidence/amber>")
    labels = store.select(f"SELECT ?l WHERE {{ <{ID}programme/gmpp-dhsc-0071-2122-q1> rdfs:label ?l }}")
    assert [r["l"] for r in labels] == ["Frontline Digitisation"]  # not the later "FRONTLINE DIGITISATION"


def test_exempt_and_footnote_cells_keep_their_text_and_give_no_value(store: Store) -> None:
    rows = store.select("""SELECT ?r ?text WHERE { ?r a gk:ProjectAnnualReport ; gk:wholeLifeCostText ?text
        FILTER NOT EXISTS { ?r gk:wholeLifeCost ?f } FILTER(CONTAINS(?text, "Exempt")) } LIMIT 3""")
    assert len(rows) == 3
    counts = report(store, "dataset-gmpp")["counts"]
    assert counts["whole-life cost exempt"] > 100 and counts["ipa ratings exempt"] > 10


def test_govkg_entity_shows_a_projects_years(loaded: Loaded) -> None:
    out = run_cli("entity", "gmpp-dhsc-0252-2324-q1", store=loaded.path).out
    assert "Federated Data Platform, GMPP 2024-25: SRO Green, whole-life cost £1,042m" in out
    assert "source: Government Major Projects Portfolio data 2023-24" in out
    # the curated programme linked to it (gk:sameInitiativeAs) is merged in, not shown as a link
    assert "one entity of 2 linked records" in out and "via gk:sameInitiativeAs" in out
    assert "← gk:sameInitiativeAs" not in out


def test_figures_about_a_gmpp_project_list_each_years_cost(loaded: Loaded) -> None:
    out = run_cli("query", "figures-about-programme", "--param", "programme=gmpp-dhsc-0071-2122-q1",
                  "--format", "csv", store=loaded.path).out
    assert out.count("Frontline Digitisation whole-life cost, GMPP") == 5 and "1982000000" in out


# ------------------------------------------------------------------------------------------- lessons
def test_llis_lessons_have_text_organisation_date_and_themes(store: Store) -> None:
    rows = store.select(f"""SELECT ?title ?context ?text ?org ?date WHERE {{ <{ID}lesson/llis-9501>
        dcterms:title ?title ; gk:context ?context ; gk:lessonText ?text ; gk:raisedBy/rdfs:label ?org ;
        dcterms:date ?date }}""")
    (row,) = rows
    assert row["title"] == "Manhole Arc-Flash Risk Reduction" and row["org"] == "Kennedy Space Center"
    assert str(row["date"]) == "2014-06-06"
    assert "KSC’s unreduced" in row["text"]  # a stray 0x90 byte read as an apostrophe
    assert "5000 splices.\n\nSplice failures" in row["context"]  # "_" as a paragraph break
    themes = store.select(f"""SELECT ?label ?match WHERE {{ <{ID}lesson/llis-9501> gk:theme ?t .
        ?t skos:prefLabel ?label ; skos:broadMatch/gk:key ?match }}""")
    assert {"label": "Risk Management / Assessment", "match": "governance"} in themes


def test_llis_quirks_are_counted_in_the_report(store: Store) -> None:
    rep = report(store, "dataset-llis")
    assert rep["bytes"]["repaired"] > 100 and len(rep["untitled"]) == 15
    assert ask(store, f"<{ID}theme/llis-parts-materials-processes> a gk:Theme")  # a name with commas


def test_nasa_lessons_appear_under_curated_themes_through_broad_match(store: Store) -> None:
    n = count(store, f"?s a gk:Lesson ; gk:theme/skos:broadMatch <{ID}theme/contracting-suppliers>")
    assert n > 50


# ------------------------------------------------------------------------------------------- reconciliation
def test_the_core_bodies_reconcile_across_curated_govuk_and_gmpp(store: Store) -> None:
    for key in ("department-of-health-and-social-care", "nhs-england", "nhs-digital",
                "health-and-social-care-information-centre", "nhs-improvement"):
        assert ask(store, f"<{ID}body/{key}> owl:sameAs <{ID}body/govuk-{key}>"), key
    assert ask(store, f"<{ID}body/gmpp-dept-dhsc> {SAME}* <{ID}body/department-of-health-and-social-care>")
    assert not ask(store, f"<{ID}body/csc> {SAME} ?x")  # the supplier is not the Civil Service Commission
    result = reconcile(store)
    assert [u for u in result.unmatched if "/gmpp-dept-" in u["iri"]] == []  # data/mappings/gmpp.yaml slugs


def test_an_ods_trust_reconciles_with_govuk(store: Store) -> None:
    assert ask(store, f"<{ID}body/govuk-public-health-wales> owl:sameAs <{ID}body/ods-ryt>")


def test_lineage_runs_from_connecting_for_health_to_nhs_england_across_curated_and_govuk(store: Store) -> None:
    """The body-lineage walk with owl:sameAs steps (the change proposed for ontology/queries/body-lineage.rq)."""
    rows = store.select(f"""SELECT DISTINCT ?from ?to ?src WHERE {{
        <{ID}body/nhs-connecting-for-health> (gk:succeededBy|{SAME})* ?from .
        ?e a gk:LineageEvent ; gk:predecessor ?from ; gk:successor ?to ; prov:wasDerivedFrom ?s .
        ?s gk:key ?src }}""")
    steps = {(r["from"].removeprefix(f"{ID}body/"), r["to"].removeprefix(f"{ID}body/")) for r in rows}
    assert ("nhs-connecting-for-health", "health-and-social-care-information-centre") in steps
    assert ("govuk-health-and-social-care-information-centre", "govuk-nhs-digital") in steps
    assert ("govuk-nhs-digital", "govuk-nhs-england") in steps
    assert "dataset-govuk-organisations" in {r["src"] for r in rows}


def test_recommendations_to_a_govuk_body_follow_the_curated_lineage(store: Store) -> None:
    """The recommendations-to-body walk with owl:sameAs steps (the change proposed for its .rq file)."""
    rows = store.select(f"""SELECT DISTINCT ?rec WHERE {{
        <{ID}body/govuk-health-and-social-care-information-centre> (gk:succeededBy|{SAME})* ?today .
        FILTER NOT EXISTS {{ ?today {SAME}*/gk:succeededBy ?later }}
        ?addressee (gk:succeededBy|{SAME})* ?today .
        ?rec a gk:Recommendation ; gk:addressedTo ?addressee }}""")
    assert len(rows) >= 5


def test_dhsc_projects_are_found_from_the_curated_department(store: Store) -> None:
    rows = store.select(f"""SELECT DISTINCT ?label WHERE {{
        ?dept {SAME}* <{ID}body/department-of-health-and-social-care> .
        ?r a gk:ProjectAnnualReport ; gk:department ?dept ; gk:reportOf/rdfs:label ?label }}""")
    labels = {r["label"] for r in rows}
    assert {"Federated Data Platform", "Frontline Digitisation", "GP IT Futures Programme"} <= labels


def test_reingesting_unchanged_datasets_writes_nothing(loaded: Loaded, shared: Path) -> None:
    data = shared / "datasets"
    with Store.open(loaded.path) as st:
        summary = ingest(st, [data / "ods" / "etr.csv", data / "llis" / "llis.csv"])
    assert {o.status for o in summary.outcomes} == {"unchanged"}


# ------------------------------------------------------------------------------------------- fixtures
def test_govuk_contradictions_and_dangling_references_are_reported_not_fatal(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s") as st:
        ingest(st, [FIXTURES / "govuk-contradictions.json"])
        rep = report(st, "dataset-govuk-organisations")
        problems = {(e["from"], e["to"]): e["problem"] for e in rep["contradictory_edges"]}
        assert "loop-one supersedes loop-two and loop-two supersedes loop-one" in problems[("loop-one", "loop-two")]
        assert "still exempt but its supposed successor closed-centre closed" in \
            problems[("still-standing", "closed-centre")]
        assert rep["dangling_references"] == [{"on": "orphan-office", "field": "superseding_organisations",
                                               "missing": "ghost-office"}]
        assert rep["closed_without_date"] == ["forgotten-board"]
        assert rep["unknown_formats"] == [{"slug": "odd-quango", "format": "Quasi-autonomous body"}]
        assert count(st, "?s a gk:LineageEvent") == 1  # example-agency merged into successor-body
        assert ask(st, f"<{ID}body/govuk-example-agency> gk:parent <{ID}body/govuk-department-of-examples>")


def test_a_lessons_csv_with_other_columns_needs_only_a_mapping_file(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s") as st:
        ingest(st, [FIXTURES / "lessons" / "ward-lessons.csv"])  # found by its mapping file; no code
        rows = st.select(f"""SELECT ?title ?org ?date ?match WHERE {{ <{ID}lesson/ward-l-002> dcterms:title ?title ;
            gk:raisedBy/rdfs:label ?org ; dcterms:date ?date ; gk:theme/skos:broadMatch ?match }}""")
        assert {r["match"] for r in rows} == {f"{ID}theme/data-sharing", f"{ID}theme/governance"}
        assert rows[0]["title"] == "Agree data sharing before the go-live date"
        assert rows[0]["org"] == "Records Governance Board" and str(rows[0]["date"]) == "2022-11-15"
        assert not ask(st, f"<{ID}lesson/ward-l-002> gk:context ?c")  # empty background
        assert ask(st, f"<{ID}lesson/ward-l-003> gk:theme <{ID}theme/ward-untagged>")
        assert report(st, "dataset-ward-lessons")["counts"]["lessons"] == 3


class _Pages(BaseHTTPRequestHandler):
    """Two pages of the organisations API, served locally."""

    def do_GET(self) -> None:
        orgs = json.loads((FIXTURES / "govuk-contradictions.json").read_text(encoding="utf-8"))
        base = f"http://127.0.0.1:{self.server.server_address[1]}/api/organisations"
        page = 2 if "page=2" in self.path else 1
        body = {"results": orgs[:5] if page == 1 else orgs[5:], "current_page": page, "pages": 2,
                "next_page_url": f"{base}?page=2" if page == 1 else None}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def test_the_organisations_api_is_read_page_by_page(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api/organisations"
        assert len(json.loads(govuk.fetch(url))) == 11
        with Store.open(None) as st:
            (prepared,) = govuk.prepare(url, Context(st))
        assert prepared.report["counts"]["organisations"] == 11
    finally:
        server.shutdown()
        server.server_close()


def test_gmpp_cells_are_read_whatever_their_form() -> None:
    assert rating("Amber/red") == ("amber-red", "rated") and rating("AMBER") == ("amber", "rated")
    assert rating("Exempt under Section 43 - Commercial interests") == (None, "exempt")
    assert rating("NA") == (None, "not-applicable")
    cost, kind = money("£12,743.00")
    assert cost is not None and cost.lexical() == "12743000000" and kind == "number"
    mid, kind = money("Low: 304.64, Mid: 331.47, High: 331.47")
    assert mid is not None and (mid.lexical(), mid.qualifier, kind) == ("331470000", "approximate", "range")
    assert money("The GMPP project is still at the planning stage") == (None, "footnote")
