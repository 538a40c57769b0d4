"""Report documents: the two seed documents, a Markdown report, an HTML page, a PDF and an unstructured note,
ingested into copies of the bundled store, then read back with SPARQL.

The expected findings, recommendations, £ figures and mentions of the seeds were written by hand from
reading ../shared/seeds/*.txt, not from the ingester's output. The seeds must give all of them; the
classifier may find more findings in their prose (it is a model, judged in bench/documents.md), but never
the statements listed as not findings.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, need
from graph.backends.embedded import Store
from ingest.pipeline import ingest
from pdf_builder import PDF_PAGES, make_pdf

FIXTURES = ROOT / "tests" / "fixtures" / "documents"
ID = "https://w3id.org/govkg/id/"
SUMMARY = "000_9ef03104b57a1c18.txt"  # third-party summary of the NAO report (key findings, recommendations)
PRESS = "002_69c5c486eb952cae.txt"  # the NAO press release
S000, S002 = "doc-000-9ef03104b57a1c18", "doc-002-69c5c486eb952cae"
DHSC, NHSEI, NHSD, NHSX, TRUSTS = (f"{ID}body/{k}" for k in (
    "department-of-health-and-social-care", "nhs-england-and-nhs-improvement", "nhs-digital", "nhsx", "nhs-trusts"))
NAO = f"{ID}body/national-audit-office"


def copy_store(bundled: Path, dest: Path) -> Path:
    shutil.copytree(bundled, dest)
    return dest


def rows(store: Store, sparql: str) -> list[dict[str, Any]]:
    return store.select(sparql)


def texts(store: Store, cls: str, key: str) -> list[str]:
    return [r["t"] for r in rows(store, f"""SELECT ?t ?pos WHERE {{ ?x a gk:{cls} ; gk:text ?t ;
        prov:wasDerivedFrom <{ID}source/{key}> ; gk:extractedFrom/gk:position ?pos }} ORDER BY ?pos""")]


def quoted(store: Store, key: str, iri: str) -> list[str]:
    return [r["q"] for r in rows(store, f"SELECT ?q WHERE {{ <{iri}> gk:evidence/gk:quote ?q }}")]


# ----------------------------------------------------------------------------------------------- stores
@pytest.fixture(scope="module")
def seeds(shared: Path, bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two seed documents as they are, with no metadata: no flags, no sidecar."""
    folder = shared / "seeds"
    need((folder / SUMMARY).is_file() and (folder / PRESS).is_file(), f"seed documents not found in {folder}")
    path = copy_store(bundled_store_path, tmp_path_factory.mktemp("seeds") / "store")
    with Store.open(path) as store:
        ingest(store, [folder / SUMMARY, folder / PRESS])
    return path


@pytest.fixture(scope="module")
def fixtures(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "records-review.pdf").write_bytes(make_pdf(PDF_PAGES, "Digital records review"))
    (folder / "records-review.pdf.meta.yaml").write_text("made_by: National Audit Office\n", encoding="utf-8")
    path = copy_store(bundled_store_path, folder / "store")
    with Store.open(path) as store:
        ingest(store, [FIXTURES / "lessons-report.md", FIXTURES / "press-release.html", FIXTURES / "meeting-notes.txt",
                       folder / "records-review.pdf"])
    return path


@pytest.fixture
def seed_store(seeds: Path) -> Any:
    with Store.open(seeds, read_only=True) as store:
        yield store


@pytest.fixture
def fixture_store(fixtures: Path) -> Any:
    with Store.open(fixtures, read_only=True) as store:
        yield store


# ----------------------------------------------------------------------------------------------- seed 000
KEY_FINDINGS_000 = [
    # Digital services in the NHS
    "Digital transformation of the NHS is a huge challenge.",
    "The NHS has not made the expected progress since 2014, including against a headline target to achieve a "
    "‘paperless’ NHS.",
    "Recent investment in digital transformation has not been sufficient to deliver the national ambitions.",
    "Current plans are based on very limited cost data and it is uncertain that planned funding will be sufficient.",
    "The Global Digital Exemplar (GDE) programme is helping a small number of trusts.",
    "Trusts’ digital maturity has improved, although significant challenges remain.",
    # Strategic challenges
    "Changing national strategies have contributed to a fragmented environment, which makes achieving current "
    "ambitions more challenging.",
    "Digital transformation is essential to the NHS’s Long-Term Plan to improve services and will need a "
    "high-quality implementation plan.",
    # Uncertainty over accountability and local costs
    "National governance arrangements for digital transformation remain confused, despite attempts to clarify them.",
    "Arrangements for national oversight of digital transformation at a local level are not in place.",
    "NHSX is unclear about the whole-life costs and benefits of the different approaches to digital transformation "
    "at a local level.",
    # Interoperability of IT systems and data
    "Achieving interoperability of data and IT systems is a longstanding aim and essential to current plans for "
    "digital transformation, but it will be very challenging to fully achieve.",
    "NHSX does not have a timeframe for achieving interoperability and its plans are under-developed, which risks "
    "making interoperability harder to achieve in the future.",
    "There could be a tension between the ambitions to achieve interoperability and the aim to increase the number "
    "of technology suppliers to the NHS.",
    # Developing workforce skills and public trust
    "Specialist skills are in short supply and national bodies have not finalised plans to improve the workforce’s "
    "digital skills.",
    "Maintaining public trust about the use of data is essential to achieving national ambitions.",
    # Applying the lessons from the previous national programme
    "The previous attempt at digital transformation in health was expensive and largely unsuccessful, but we are "
    "not convinced that all the lessons are being applied now.",
]
RECOMMENDATIONS_000 = [
    "Maintain a comprehensive set of lessons for digital transformation from NHS and wider government experience.",
    "Ensure that the expected technology plan for health and care includes an implementation plan with specific "
    "objectives and measurable actions that are required.",
    "Collect more data to enable a better understanding of the full cost of delivering digital transformation and "
    "prioritise the work programme.",
    "Alongside the implementation plan, develop specific resources and plans for high-risk issues.",
    "Simplify and strengthen national governance arrangements.",
    "Use digital maturity assessments of local organisations to gather additional information.",
]


def test_summary_yields_every_key_finding(seed_store: Store) -> None:
    found = rows(seed_store, f"""SELECT ?t WHERE {{ ?f a gk:Finding ; gk:text ?t ; gk:extractedFrom/gk:section ?s .
        ?s (dcterms:isPartOf)* ?top . ?top gk:sectionTopic "finding" ;
        prov:wasDerivedFrom <{ID}source/{S000}> }}""")
    assert sorted(r["t"] for r in found) == sorted(KEY_FINDINGS_000)
    # and the finding in the introduction's prose
    findings = texts(seed_store, "Finding", S000)
    assert {"However, the previous attempt to achieve this, between 2002 and 2011, was both expensive and largely "
            "unsuccessful.", *KEY_FINDINGS_000} <= set(findings)
    assert not set(findings) & set(NOT_FINDINGS_000)


NOT_FINDINGS_000 = [
    "The UK's National Audit Office have just released their report on digital transformation in the NHS.",
    "In other words, the NHS will need to undergo a digital transformation.",
    "Get the latest news, updates and more delivered directly to your email inbox",
]


def test_summary_yields_the_six_recommendations_addressed_to_the_department(seed_store: Store) -> None:
    assert texts(seed_store, "Recommendation", S000) == RECOMMENDATIONS_000
    found = rows(seed_store, f"""SELECT ?r ?to ?by ?c WHERE {{ ?r a gk:Recommendation ; gk:madeBy ?by ;
        gk:addressedTo ?to ; gk:confidence ?c ; prov:wasDerivedFrom <{ID}source/{S000}> }}""")
    assert len(found) == 6
    # "the Department of Health should:" — the Department of Health was renamed before the summary was written,
    # and the summary itself names the Department of Health & Social Care
    assert {r["to"] for r in found} == {DHSC}
    assert {r["by"] for r in found} == {NAO}  # "NAO Report: …", "the National Audit Office have just released"
    assert all(r["c"] >= 0.9 for r in found)


# ----------------------------------------------------------------------------------------------- seed 002
FINDINGS_002 = [
    "Progress in transforming digital services in the NHS has been slower than expected.",
    "Today’s report by the National Audit Office has found that recent investment in digital transformation has "
    "been inadequate, and it is uncertain whether current funding will be sufficient to meet the government’s "
    "ambitions because plans are based on very limited cost data.",
    "Improving digital services in the NHS and implementing new ways of working is a huge challenge, and the previous "
    "attempt to do this, between 2002 and 2011, was both expensive and largely unsuccessful.",
    "There has not been enough investment in digital transformation to meet the government’s ambitions.",
    "NHS England & NHS Improvement (NHSE&I) acknowledged that this funding was not enough to deliver everything, but "
    "felt it was enough to make a good start and thereby make the case for additional funding.",
    "Current digital transformation plans are based on very limited cost data, and it is uncertain that planned "
    "funding will be sufficient.",
    "However, its plans are based on very limited data, it is uncertain that planned funding will be sufficient, and "
    "there is a significant risk that trusts will be unwilling or unable to fund the £3 billion.",
    "Arrangements for managing digital transformation at a national level remain confused, despite attempts to "
    "clarify them, and national oversight of local bodies is still being developed.",
    "The Department of Health and Social Care (the Department) set up NHSX in July 2019 to lead digital "
    "transformation, but governance arrangements have still not been finalised and NHSX does not have a statutory "
    "basis.",
    "Digital transformation is essential to the NHS’s Long-Term Plan to improve services and roll out "
    "digitally-enabled care, but there is no plan setting out how this will be achieved in clear detail.",
    "Trusts’ digital maturity has improved, although significant challenges remain.",
    "However, digital capability (the use of technology to deliver care) remains a major challenge.",
    "There are several technical challenges for NHSX to resolve, particularly in terms of enabling digital "
    "information to be shared seamlessly across the NHS so that users understand it in the same way.",
    "There has been some progress towards ‘interoperability’ of data, but NHSX does not have a timeframe for "
    "achieving it and plans are under-developed.",
    "There could also be a tension between achieving interoperability and the aim to increase the number of "
    "technology suppliers to the NHS.",
    # the head of the NAO, quoted
    "\"The track record for digital transformation in the NHS has been poor, with key targets such as a ‘paperless’ "
    "NHS by 2018 not being achieved.",
    "Local NHS organisations in particular face significant challenges, including outdated IT systems and competing "
    "demands on their resources.",
    "If they don’t, they are unlikely to meet their ambitions for digital transformation and achieve value for "
    "taxpayers.\"",
]
RECOMMENDATIONS_002 = [  # "its arm's-length bodies": those the document names whose parent is the Department
    ("To meet their aims, the Department and its arms-length bodies should resolve the governance and "
     "accountability issues and major technical challenges that have hampered progress in improving digital "
     "services in the NHS.", {DHSC, NHSD}),
    ("The NAO recommends that these organisations need to have a better understanding of the funding required to "
     "meet their ambitions.", {DHSC, NHSD}),  # "these organisations": the Department and its arm's-length bodies
    ("National governance arrangements should be simplified and strengthened, and digital maturity assessments of "
     "local organisations should be used to gather important information.", set()),  # no addressee named
    ("To meet this challenge, the Department and its arm’s-length bodies need to develop a better understanding of "
     "the investment required, set a clear direction for local organisations, and manage the risks ahead.",
     {DHSC, NHSD}),
]
NOT_FINDINGS_002 = [
    "This report was prepared before the Coronavirus pandemic.",
    "The Digital Transformation Portfolio (the Portfolio) was launched to deliver the NHS’s 2014 digital strategy.",
    "NHSX intends to publish a comprehensive technology plan for health and care in autumn 2020.",
    "Press notices and reports are available from the date of publication on the NAO website.",
    "It is independent of government and the civil service.",
]


def test_press_release_yields_its_findings_and_recommendations(seed_store: Store) -> None:
    findings = texts(seed_store, "Finding", S002)
    assert set(FINDINGS_002) <= set(findings)
    assert not set(findings) & set(NOT_FINDINGS_002)
    found = rows(seed_store, f"""SELECT ?t (GROUP_CONCAT(STR(?to); separator=" ") AS ?tos) WHERE {{
        ?r a gk:Recommendation ; gk:text ?t ; gk:madeBy <{NAO}> ; prov:wasDerivedFrom <{ID}source/{S002}> .
        OPTIONAL {{ ?r gk:addressedTo ?to }} }} GROUP BY ?t""")
    got = {r["t"]: set((r["tos"] or "").split()) for r in found}
    assert {t: got.get(t) for t, _ in RECOMMENDATIONS_002} == dict(RECOMMENDATIONS_002)
    kinds = {r["q"]: r["k"] for r in rows(seed_store, f"""SELECT ?q ?k WHERE {{ ?s a gk:Statement ;
        gk:statementKind ?k ; gk:evidence/gk:quote ?q ; prov:wasDerivedFrom <{ID}source/{S002}> }}""")}
    assert all(kinds[q] == "other" for q in NOT_FINDINGS_002)


def test_press_release_gives_no_recommendation_but_its_own(seed_store: Store) -> None:
    # the notes for editors after the key facts ("The C&AG certifies the accounts …") are background
    found = rows(seed_store, f"""SELECT ?t WHERE {{ ?r a gk:Recommendation ; gk:text ?t ;
        prov:wasDerivedFrom <{ID}source/{S002}> }}""")
    assert {r["t"] for r in found} == {t for t, _ in RECOMMENDATIONS_002}


CHANGING_STRATEGIES = ("Changing digital transformation strategies for the NHS have made achieving current "
                       "objectives more challenging.")


def test_press_release_key_finding_on_changing_strategies(seed_store: Store) -> None:
    # a judgement on a topic the document also describes neutrally: the embedding alone read it as background
    assert CHANGING_STRATEGIES in texts(seed_store, "Finding", S002)


MONEY_002 = [  # (quote of the figure, amount in pounds, qualifier), in the order of the text
    ("£4.7 billion", 4_700_000_000, "exact"),  # committed to the Portfolio from 2016-17 to 2020-21
    ("up to £8.1 billion", 8_100_000_000, "up-to"),
    ("£5.1 billion", 5_100_000_000, "exact"),  # from national bodies
    ("£3 billion", 3_000_000_000, "exact"),  # from trusts
    ("£3 billion", 3_000_000_000, "exact"),  # "unable to fund the £3 billion"
    ("£1.6 billion", 1_600_000_000, "exact"),  # key facts: live services, excluded
    ("£4.7 billion", 4_700_000_000, "exact"),  # key fact: budget 2016-17 to 2020-21
    ("£3 billion", 3_000_000_000, "exact"),  # key fact: what trusts are expected to contribute
    ("£8.1 billion", 8_100_000_000, "exact"),  # … to the £8.1 billion cost
    ("£539 million", 539_000_000, "exact"),  # the NAO's financial impact in 2018
]


def money(store: Store, key: str) -> list[dict[str, Any]]:
    return rows(store, f"""SELECT ?f ?q ?a ?ql ?start ?ps ?pe ?m WHERE {{ ?f a gk:Figure ; gk:unit <{ID}unit/GBP> ;
        gk:amount ?a ; gk:qualifier ?ql ; gk:measures ?m ; prov:wasDerivedFrom <{ID}source/{key}> ;
        gk:evidence ?e . ?e gk:quote ?q ; gk:startOffset ?start . FILTER(CONTAINS(?q, "£") && STRLEN(?q) < 25)
        OPTIONAL {{ ?f gk:periodStart ?ps ; gk:periodEnd ?pe }} }} ORDER BY ?start""")


def test_every_pound_figure_is_extracted_with_its_amount(seed_store: Store) -> None:
    found = money(seed_store, S002)
    assert [(r["q"], Decimal(str(r["a"])), r["ql"]) for r in found] == [
        (q, Decimal(a), ql) for q, a, ql in MONEY_002]
    assert money(seed_store, S000) == []  # the summary states no money
    committed, estimate = found[0], found[1]
    assert (committed["ps"], committed["pe"]) == ("2016-04-01", "2021-03-31")  # 2016-17 to 2020-21
    assert (estimate["ps"], estimate["pe"]) == ("2019-04-01", "2024-03-31")  # between 2019-20 and 2023-24
    about = rows(seed_store, f"SELECT ?a WHERE {{ <{committed['f']}> gk:about ?a }}")
    assert [r["a"] for r in about] == [f"{ID}programme/digital-transformation-portfolio"]  # "to deliver the Portfolio"
    key_fact = found[6]
    assert key_fact["m"].startswith("budget for the digital transformation strategy between 2016-17 and 2020-21")
    amounts = amounts_stored_as_decimals(seed_store)
    assert amounts == {"http://www.w3.org/2001/XMLSchema#decimal"}


def amounts_stored_as_decimals(store: Store) -> set[str]:
    return {r["d"] for r in rows(store, "SELECT DISTINCT (DATATYPE(?a) AS ?d) WHERE { ?f a gk:Figure ; gk:amount ?a }")}


def test_other_figures_and_periods_are_normalised(seed_store: Store) -> None:
    percents = rows(seed_store, f"""SELECT ?q ?a ?ql ?ps WHERE {{ ?f a gk:Figure ; gk:unit <{ID}unit/percent> ;
        gk:amount ?a ; gk:qualifier ?ql ; prov:wasDerivedFrom <{ID}source/{S002}> ; gk:evidence ?e .
        ?e gk:quote ?q ; gk:startOffset ?s FILTER(STRLEN(?q) < 20) OPTIONAL {{ ?f gk:periodStart ?ps }} }}
        ORDER BY ?s""")
    assert [(r["q"], r["a"], r["ql"], r["ps"]) for r in percents] == [
        ("less than 2%", 2, "up-to", None), ("5%", 5, "exact", None), ("83%", 83, "exact", "2017-01-01"),
        ("65%", 65, "exact", "2016-01-01"), ("54%", 54, "exact", None)]
    count = rows(seed_store, f"""SELECT ?a ?ql ?about WHERE {{ ?f a gk:Figure ; gk:unit <{ID}unit/count> ;
        gk:amount ?a ; gk:qualifier ?ql ; gk:about ?about ; prov:wasDerivedFrom <{ID}source/{S000}> }}""")
    assert [(r["a"], r["ql"], r["about"]) for r in count] == [(220, "at-least", TRUSTS)]  # "over 220 NHS trusts"
    periods = {(r["q"], r["s"], r["e"]) for r in rows(seed_store, f"""SELECT ?q ?s ?e WHERE {{ ?m a gk:Mention ;
        gk:mentionKind "period" ; gk:startDate ?s ; gk:endDate ?e ; gk:evidence/gk:quote ?q ;
        prov:wasDerivedFrom <{ID}source/{S002}> }}""")}
    assert {("2016-17 to 2020-21", "2016-04-01", "2021-03-31"), ("July 2019", "2019-07-01", "2019-07-31"),
            ("autumn 2020", "2020-09-01", "2020-11-30"), ("between 2002 and 2011", "2002-01-01", "2011-12-31"),
            ("2019-20 to 2028-29", "2019-04-01", "2029-03-31")} <= periods
    launched = rows(seed_store, f"""SELECT ?a ?ps ?about WHERE {{ ?f a gk:Figure ; gk:unit <{ID}unit/year> ;
        gk:amount ?a ; gk:periodStart ?ps ; gk:about ?about ; prov:wasDerivedFrom <{ID}source/{S002}> }}""")
    assert [(r["a"], r["ps"], r["about"]) for r in launched] == [(2019, "2019-07-01", NHSX)]  # key fact "July 2019"


MENTIONED = {  # body → how each seed names it
    S000: {DHSC: {"Department of Health & Social Care", "the Department", "The Department", "Department of Health"},
           NHSEI: {"NHS England & NHS Improvement", "NHSE&I"}, NHSD: {"NHS Digital"}, NHSX: {"NHSX"},
           TRUSTS: {"NHS trusts and foundation trusts", "trusts", "Trusts"}},
    S002: {DHSC: {"Department of Health and Social Care", "the Department"},
           NHSEI: {"NHS England & NHS Improvement", "NHSE&I"}, NHSD: {"NHS Digital"}, NHSX: {"NHSX"},
           TRUSTS: {"NHS trusts’ and foundation trusts", "trusts", "Trusts"}},
}


@pytest.mark.parametrize("key", [S000, S002])
def test_mentions_of_the_bodies_are_resolved_with_evidence(seed_store: Store, key: str) -> None:
    found: dict[str, set[str]] = {}
    for r in rows(seed_store, f"""SELECT ?to ?q WHERE {{ ?m a gk:Mention ; gk:refersTo ?to ; gk:evidence/gk:quote ?q ;
            prov:wasDerivedFrom <{ID}source/{key}> }}"""):
        found.setdefault(r["to"], set()).add(r["q"])
    for body, names in MENTIONED[key].items():
        assert names <= found.get(body, set()), body
    shortcut = {r["b"] for r in rows(seed_store, f"SELECT ?b WHERE {{ <{ID}source/{key}> gk:mentions ?b }}")}
    assert set(MENTIONED[key]) <= shortcut
    defined = rows(seed_store, f"""SELECT ?to WHERE {{ ?m a gk:Mention ; gk:matchedBy "document-alias" ;
        gk:refersTo ?to ; gk:evidence/gk:quote "NHSE&I" ; prov:wasDerivedFrom <{ID}source/{key}> }}""")
    assert {r["to"] for r in defined} == {NHSEI}  # "NHS England & NHS Improvement (NHSE&I)"


def test_every_quote_is_its_documents_text_at_its_offsets(seed_store: Store, fixture_store: Store) -> None:
    checked = 0
    for store in (seed_store, fixture_store):
        docs = {r["d"]: r["t"] for r in rows(store, "SELECT ?d ?t WHERE { ?d gk:documentText ?t }")}
        assert docs
        for r in rows(store, "SELECT ?d ?q ?s ?e WHERE { ?x gk:quote ?q ; gk:startOffset ?s ; gk:endOffset ?e ; "
                             "prov:wasQuotedFrom ?d }"):
            assert docs[r["d"]][r["s"]:r["e"]] == r["q"]
            checked += 1
    assert checked > 300


def test_every_extracted_node_keeps_its_passage(seed_store: Store, fixture_store: Store) -> None:
    for store in (seed_store, fixture_store):
        missing = rows(store, """SELECT ?x WHERE { VALUES ?c { gk:Finding gk:Recommendation gk:Lesson gk:Figure
            gk:Mention gk:Statement gk:Section } ?x a ?c ; prov:wasDerivedFrom ?d . ?d gk:documentText ?t .
            FILTER NOT EXISTS { ?x gk:evidence ?e } }""")
        assert missing == []


def test_statements_carry_a_kind_and_a_confidence(seed_store: Store) -> None:
    found = rows(seed_store, f"""SELECT ?k (COUNT(?s) AS ?n) (MIN(?c) AS ?low) WHERE {{ ?s a gk:Statement ;
        gk:statementKind ?k ; gk:confidence ?c ; prov:wasDerivedFrom <{ID}source/{S000}> }} GROUP BY ?k""")
    counts = {r["k"]: r["n"] for r in found}
    assert set(counts) <= {"finding", "recommendation", "lesson", "figure", "other"}
    assert counts["recommendation"] == 6 and counts["finding"] >= 18 and counts["other"] >= 3
    assert all(0 < r["low"] <= 1 for r in found)
    reasons = {r["r"] for r in rows(seed_store, f"""SELECT ?r WHERE {{ ?s a gk:Statement ; gk:classificationReason ?r ;
        prov:wasDerivedFrom <{ID}source/{S000}> }}""")}
    assert any(r.startswith("model: ") for r in reasons)  # the trained classifier, not cue phrases
    assert "list item after a finding lead-in (model: finding" in " ".join(reasons) or any(
        "list item under a finding heading" in r for r in reasons)
    sections = [r["l"] for r in rows(seed_store, f"""SELECT ?l WHERE {{ ?s a gk:Section ; rdfs:label ?l ;
        gk:position ?p ; prov:wasDerivedFrom <{ID}source/{S000}> }} ORDER BY ?p""")]
    assert sections[:4] == ["NAO Report: Digital transformation in the NHS",
                            "Digital transformation in the NHS, Report by the Comptroller and Auditor General",
                            "The report's key findings are", "Digital services in the NHS"]
    assert "Uncertainty over accountability and local costs" in sections  # a heading with no colon, before a list


# ----------------------------------------------------------------------------------------------- fixtures
MD = "doc-lessons-from-national-health-it-programmes-test-fixture"


def test_markdown_report_with_front_matter(fixture_store: Store) -> None:
    doc = rows(fixture_store, f"""SELECT ?t ?p ?pub ?d ?u ?i ?text ?f WHERE {{ <{ID}source/{MD}> dcterms:title ?t ;
        gk:publisherName ?p ; dcterms:publisher ?pub ; dcterms:issued ?d ; gk:url ?u ; dcterms:identifier ?i ;
        gk:documentText ?text ; dcterms:format ?f }}""")[0]
    assert (doc["t"], doc["p"], doc["pub"], doc["d"], doc["u"], doc["i"], doc["f"]) == (
        "Lessons from national health IT programmes (test fixture)", "National Audit Office", NAO, "2021-03-10",
        "https://example.org/reports/lessons-health-it", "HC 999", "text/markdown")
    assert "**" not in doc["text"] and "](" not in doc["text"] and "`" not in doc["text"] and "---" not in doc["text"]
    assert "It looks\nback at the National Programme for IT (NPfIT)" in doc["text"]
    findings = texts(fixture_store, "Finding", MD)
    assert "Governance of the programme was fragmented across three national bodies." in findings
    # a share that carries a judgement ("never delivered") is a finding (data/documents/labelled/README.md)
    assert any(f.startswith("Around 60% of the planned systems were never delivered") for f in findings)
    recs = rows(fixture_store, f"""SELECT ?n (GROUP_CONCAT(STR(?to); separator=" ") AS ?tos) WHERE {{
        ?r a gk:Recommendation ; gk:number ?n ; gk:madeBy <{NAO}> ; prov:wasDerivedFrom <{ID}source/{MD}> .
        OPTIONAL {{ ?r gk:addressedTo ?to }} }} GROUP BY ?n ORDER BY ?n""")
    assert [(r["n"], set((r["tos"] or "").split())) for r in recs] == [
        (1, {DHSC}), (2, {f"{ID}body/nhs-england", NHSX}), (3, {f"{ID}body/hm-treasury"})]
    lessons = rows(fixture_store, f"""SELECT ?text (GROUP_CONCAT(STR(?th); separator=" ") AS ?ths) WHERE {{
        ?l a gk:Lesson ; gk:lessonText ?text ; gk:theme ?th ; gk:raisedBy <{NAO}> ;
        prov:wasDerivedFrom <{ID}source/{MD}> }} GROUP BY ?text ORDER BY ?text""")
    assert [r["text"][:20] for r in lessons] == ["Funding must match t", "Strong local ownersh"]
    assert f"{ID}theme/funding" in lessons[0]["ths"].split()
    assert f"{ID}theme/local-ownership" in lessons[1]["ths"].split()
    learned = rows(fixture_store, f"SELECT ?p WHERE {{ ?l a gk:Lesson ; gk:learnedFrom ?p ; "
                                  f"prov:wasDerivedFrom <{ID}source/{MD}> }}")
    assert {r["p"] for r in learned} == {f"{ID}programme/npfit"}
    ranges = rows(fixture_store, f"""SELECT ?a ?ql ?pe WHERE {{ ?f a gk:Figure ; gk:amount ?a ; gk:qualifier ?ql ;
        gk:periodEnd ?pe ; prov:wasDerivedFrom <{ID}source/{MD}> FILTER(?ql IN ("range-low", "range-high")) }}
        ORDER BY ?a""")
    assert [(r["a"], r["ql"], r["pe"]) for r in ranges] == [
        (9_800_000_000, "range-low", "2011-11-30"), (12_700_000_000, "range-high", "2011-11-30")]


def test_html_page_reads_its_head_and_main_text_only(fixture_store: Store) -> None:
    key = "doc-press-release"
    doc = rows(fixture_store, f"""SELECT ?t ?d ?u ?text WHERE {{ <{ID}source/{key}> dcterms:title ?t ;
        dcterms:issued ?d ; gk:url ?u ; gk:documentText ?text }}""")[0]
    assert (doc["t"], doc["d"], doc["u"]) == ("NHS digital funding (GovKG test fixture)", "2020-05-15",
                                              "https://example.org/press/nhs-digital-funding")
    assert "£999" not in doc["text"] and "Home" not in doc["text"] and "Copyright" not in doc["text"]
    assert "up to £8.1 billion" in doc["text"]  # &pound; and &nbsp; decoded
    assert texts(fixture_store, "Finding", key) == ["Funding has not kept pace with the ambition.",
                                                    "NHSX does not have a timeframe for interoperability."]
    recs = rows(fixture_store, f"""SELECT ?t ?to WHERE {{ ?r a gk:Recommendation ; gk:text ?t ;
        prov:wasDerivedFrom <{ID}source/{key}> OPTIONAL {{ ?r gk:addressedTo ?to }} }} ORDER BY ?t""")
    assert [(r["t"], r["to"]) for r in recs] == [
        ("NHSE&I should publish its cost model by autumn 2020.", NHSEI),
        ("Simplify national governance arrangements.", None)]


def test_pdf_is_read_page_by_page(fixture_store: Store) -> None:
    key = "doc-records-review"
    doc = rows(fixture_store, f"""SELECT ?t ?d WHERE {{ <{ID}source/{key}> dcterms:title ?t ; dcterms:issued ?d ;
        dcterms:format "application/pdf" }}""")
    assert [(r["t"], r["d"]) for r in doc] == [("Digital records review", "2021-06-01")]  # the PDF information
    assert texts(fixture_store, "Finding", key) == ["Only 54% of trusts can rely on digital records.",
                                                    "NHSX does not have a plan for interoperability."]
    recs = rows(fixture_store, f"""SELECT ?t ?to ?page WHERE {{ ?r a gk:Recommendation ; gk:text ?t ;
        gk:addressedTo ?to ; gk:evidence/gk:page ?page ; prov:wasDerivedFrom <{ID}source/{key}> }}""")
    assert [(r["t"], r["to"], r["page"]) for r in recs] == [
        ("NHS Digital should publish standards by July 2021.", NHSD, 2)]
    found = rows(fixture_store, f"""SELECT ?a ?ps WHERE {{ ?f a gk:Figure ; gk:unit <{ID}unit/GBP> ; gk:amount ?a ;
        gk:periodStart ?ps ; prov:wasDerivedFrom <{ID}source/{key}> }}""")
    assert [(r["a"], r["ps"]) for r in found] == [(4_700_000_000, "2016-04-01")]


def test_a_document_without_structure_still_gives_figures_and_mentions(fixture_store: Store) -> None:
    key = "doc-meeting-notes-on-nhs-digital-funding-test-fixture"  # title from the sidecar .meta.yaml
    doc = rows(fixture_store, f"""SELECT ?d ?r WHERE {{ <{ID}source/{key}> a gk:SourceDocument ;
        dcterms:issued ?d ; gk:reliability ?r }}""")
    assert [(r["d"], r["r"]) for r in doc] == [("2021-04-01", "secondary")]
    assert rows(fixture_store, f"SELECT ?s WHERE {{ ?s a gk:Section ; prov:wasDerivedFrom <{ID}source/{key}> }}") == []
    figures = rows(fixture_store, f"""SELECT ?a ?u ?c WHERE {{ ?f a gk:Figure ; gk:amount ?a ; gk:unit ?u ;
        gk:certainty ?c ; prov:wasDerivedFrom <{ID}source/{key}> }} ORDER BY ?a""")
    assert [(r["a"], r["u"].rsplit("/", 1)[1], r["c"]) for r in figures] == [
        (35, "percent", "secondary"), (12_000_000, "GBP", "secondary"), (40_000_000, "GBP", "secondary")]
    mentioned = {r["b"] for r in rows(fixture_store, f"SELECT ?b WHERE {{ <{ID}source/{key}> gk:mentions ?b }}")}
    assert mentioned == {NHSX, NHSD, DHSC}


def test_ingested_documents_pass_the_shapes(fixtures: Path) -> None:
    from graph.validation import store_graph, validate, violations_only

    with Store.open(fixtures, read_only=True) as store:
        assert violations_only(validate(store_graph(store))) == []


# ----------------------------------------------------------------------------------------------- joining the graph
def test_seed_documents_take_the_date_and_title_of_the_curated_source_they_copy(seed_store: Store) -> None:
    """Neither seed states its date; each is recognised as the curated source it copies, whose date and title it
    takes (the summary keeps the title its first line gives), saying where they came from."""
    docs = {r["k"]: r for r in rows(seed_store, """SELECT ?k ?t ?d ?alt ?note WHERE { ?s a gk:SourceDocument ;
        gk:key ?k ; dcterms:title ?t ; dcterms:issued ?d ; prov:alternateOf ?alt ; skos:note ?note }""")}
    assert {k: (r["t"], r["d"], r["alt"]) for k, r in docs.items()} == {
        S000: ("NAO Report: Digital transformation in the NHS", "2020-05-01", f"{ID}source/seed-nao20-summary"),
        S002: ("NAO press release on its report Digital transformation in the NHS", "2020-05-15",
               f"{ID}source/seed-nao20-press")}
    assert "say the same as" in docs[S000]["note"]
    # so a year filter finds their findings
    found = rows(seed_store, f"""SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a gk:Finding ; dcterms:date ?d ;
        prov:wasDerivedFrom <{ID}source/{S000}> FILTER(YEAR(?d) = 2020) }}""")
    assert found[0]["n"] >= len(KEY_FINDINGS_000)


def test_the_press_release_quotes_the_head_of_the_nao(seed_store: Store) -> None:
    """"Gareth Davies, head of the NAO" under the quotation: its claims are his, and the NAO's, since he heads it;
    the document adds that he held the post of Comptroller and Auditor General on its date."""
    said = rows(seed_store, f"""SELECT ?t ?by WHERE {{ ?f a gk:Finding ; gk:text ?t ; gk:madeBy ?by ;
        gk:saidBy <{ID}person/gareth-davies> ; prov:wasDerivedFrom <{ID}source/{S002}> }}""")
    assert {r["by"] for r in said} == {NAO} and any(r["t"].startswith('"The track record') for r in said)
    held = rows(seed_store, f"""SELECT ?d WHERE {{ ?x a gk:Tenure ; gk:person <{ID}person/gareth-davies> ;
        gk:post <{ID}post/comptroller-and-auditor-general> ; dcterms:date ?d ; prov:wasDerivedFrom <{ID}source/{S002}> }}""")
    assert {r["d"] for r in held} == {"2020-05-15"}


def test_reconciliation_links_seed_records_to_their_curated_twins(seeds: Path, tmp_path: Path) -> None:
    from ingest.reconcile import reconcile
    from ingest.reconcile_report import render

    with Store.open(copy_store(seeds, tmp_path / "store")) as store:
        result = reconcile(store)
    links = {(m.subject["iri"].rsplit("/", 1)[1], m.target["iri"].rsplit("/", 1)[1])
             for m in result.matches if m.reason == "same-statement"}
    assert {(f"{S000}.r1", "nao20-rec-1-lessons"), (f"{S000}.r6", "nao20-rec-6-maturity-assessments")} <= links
    by_text = {m.subject["label"]: m.target["iri"].rsplit("/", 1)[1] for m in result.matches
               if m.reason == "same-statement" and m.subject["source"] == S002}
    assert by_text["Progress in transforming digital services in the NHS has been slower than expected."] == \
        "nao20-slower-than-expected"
    assert len(links) >= 15
    assert all(s.startswith((S000, S002)) for s, _ in links)
    assert len({s for s, _ in links}) == len(links) and len({t for s, t in links if s.startswith(S000)}) == len(
        [1 for s, _ in links if s.startswith(S000)])  # one to one within a document
    text = "\n".join(render(result, full=True))
    assert "because: same-statement: cosine" in text and "the document is a copy of seed-nao20-summary" in text
