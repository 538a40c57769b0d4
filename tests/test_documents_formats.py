"""Documents in the styles and formats governance teams bring, each a fixture written for these tests with the
records it must give: a blog analysis in Markdown with LaTeX-style macros, a transcript, a review note in
reStructuredText, a board paper in AsciiDoc, a press notice, a committee report in HTML and a long two-column
PDF built from code. All are ingested once into a copy of the bundled store and read back with SPARQL."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from graph.backends.embedded import Store
from ingest.pipeline import ingest
from pdf_builder import Block, Report, layout

FIXTURES = ROOT / "tests" / "fixtures" / "documents"
ID = "https://w3id.org/govkg/id/"
NAO, PAC, NHSD = (f"{ID}body/{k}" for k in ("national-audit-office", "public-accounts-committee", "nhs-digital"))
DHSC, NHSE, NHSX = (f"{ID}body/{k}" for k in ("department-of-health-and-social-care", "nhs-england", "nhsx"))
FILES = ("blog-analysis.md", "transcript.txt", "review-note.rst", "board-paper.adoc", "press-notice.txt",
         "committee-report.html")
MARKUP = re.compile(r"\\[A-Za-z]+|[{}]|\*\*|``|`|^\s*[=#]+\s|^\s*\.\. |^\s*>|:ref:|\[\[|\]\]|</?[a-z]+>|"
                    r"\bfootnote:|link:|<<", re.M)


PARAGRAPHS = 60  # three pages of two columns


def long_pdf() -> bytes:
    blocks = [Block("heading", "Summary", 1)]
    for i in range(1, PARAGRAPHS + 1):
        marker = f"^{i}" if i % 5 == 0 else ""
        blocks.append(Block("para", f"At stage {i}{marker} the supplier had not delivered the interface it promised, "
                                    "so testing slipped again and trusts could not plan the training their staff "
                                    "needed.", number=f"2.{i}"))
    blocks.append(Block("heading", "Recommendations", 1))
    blocks.append(Block("bullet", "The Department should publish a realistic timetable for the remaining work."))
    return layout(Report("Records programme review (test fixture)", "Records programme review | page {page}",
                         "Audit office, March 2021", blocks,
                         {str(i): f"Board minutes, meeting {i}." for i in range(5, PARAGRAPHS + 1, 5)}))


@pytest.fixture(scope="module")
def formats(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    paths = []
    for name in FILES:
        shutil.copy(FIXTURES / name, folder / name)
        paths.append(folder / name)
    (folder / "records-programme.pdf").write_bytes(long_pdf())
    (folder / "records-programme.pdf.meta.yaml").write_text("made_by: National Audit Office\n", encoding="utf-8")
    paths.append(folder / "records-programme.pdf")
    path = Path(shutil.copytree(bundled_store_path, folder / "store"))
    with Store.open(path) as store:
        ingest(store, paths)
    return path


@pytest.fixture
def store(formats: Path) -> Any:
    with Store.open(formats, read_only=True) as s:
        yield s


def rows(store: Store, sparql: str) -> list[dict[str, Any]]:
    return store.select(sparql)


def records(store: Store, key: str, cls: str) -> dict[str, dict[str, Any]]:
    """Records of one class from one document: text → madeBy, saidBy, reference and evidence count."""
    found = rows(store, f"""SELECT ?t ?by ?said ?ref (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?x a gk:{cls} ;
        prov:wasDerivedFrom <{ID}source/{key}> ; gk:evidence ?e . {{ ?x gk:text ?t }} UNION {{ ?x gk:lessonText ?t }}
        OPTIONAL {{ ?x gk:madeBy ?by }} OPTIONAL {{ ?x gk:raisedBy ?by }} OPTIONAL {{ ?x gk:saidBy ?said }}
        OPTIONAL {{ ?x gk:reference ?ref }} }} GROUP BY ?t ?by ?said ?ref""")
    return {r["t"]: {"by": r["by"], "said": r["said"], "ref": r["ref"], "evidence": r["n"]} for r in found}


def document(store: Store, key: str) -> dict[str, Any]:
    found = rows(store, f"""SELECT ?title ?date ?format WHERE {{ <{ID}source/{key}> dcterms:title ?title ;
        dcterms:format ?format . OPTIONAL {{ <{ID}source/{key}> dcterms:issued ?date }} }}""")
    assert len(found) == 1, key
    return found[0]


def test_every_quote_is_cleaned_text_at_its_offsets_without_markup(store: Store) -> None:
    docs = {r["d"]: r["t"] for r in rows(store, "SELECT ?d ?t WHERE { ?d gk:documentText ?t ; gk:key ?k "
                                                "FILTER(STRSTARTS(?k, 'doc-')) }")}
    assert len(docs) >= len(FILES) + 1
    checked = 0
    for r in rows(store, "SELECT ?d ?q ?s ?e WHERE { ?x gk:quote ?q ; gk:startOffset ?s ; gk:endOffset ?e ; "
                         "prov:wasQuotedFrom ?d }"):
        if r["d"] not in docs:
            continue
        assert docs[r["d"]][r["s"]:r["e"]] == r["q"]
        assert MARKUP.search(r["q"]) is None, r["q"]
        checked += 1
    assert checked > 100
    for text in docs.values():
        assert "\\notes" not in text and "\\subsection" not in text and "[quote" not in text


def test_blog_analysis_with_latex_style_macros(store: Store) -> None:
    key = "doc-blog-analysis"
    doc = document(store, key)
    assert doc["title"] == "What went wrong with the National Programme for IT (test fixture)"  # \section{…}
    findings = records(store, key, "Finding")
    challenges = ["Contracts were signed before the suppliers had software that worked in English hospitals.",
                  "Clinicians were consulted too late to shape the systems they would use. Many of them stayed "
                  "sceptical throughout.",
                  "Trusts had systems chosen for them and did not feel they owned them."]
    for text in challenges:  # "The key challenges faced by the National Programme included:" — each item a finding
        assert findings[text]["by"] == NAO
    assert findings[challenges[1]]["evidence"] == 3  # the item and each of its two sentences
    lessons = records(store, key, "Lesson")  # "What we would do differently"
    assert set(lessons) == {"Test the software with clinicians before any contract is signed.",
                            "Keep the same senior responsible owner for the life of the programme."}
    said = findings["The software was years behind, and the timetable was never achievable."]
    assert said["by"] is None and said["said"] is not None  # the witness's claim, not the author's finding
    speaker = rows(store, f"SELECT ?l WHERE {{ <{said['said']}> a gk:Person ; rdfs:label ?l ; skos:note ?n }}")
    assert [r["l"] for r in speaker] == ["Helen Crane"]
    question = rows(store, f"""SELECT ?q WHERE {{ ?s a gk:Statement ; gk:reference "Q117" ; gk:evidence/gk:quote ?q ;
        prov:wasDerivedFrom <{ID}source/{key}> }}""")
    assert [r["q"] for r in question] == ["Did anyone tell the Department that the software did not exist?"]


def test_people_named_with_a_role_add_to_who_held_what(store: Store) -> None:
    held = rows(store, f"""SELECT ?person ?post ?q WHERE {{ ?t a gk:Tenure ; gk:person ?person ; gk:post ?post ;
        gk:evidence/gk:quote ?q ; prov:wasDerivedFrom <{ID}source/doc-blog-analysis> }}""")
    assert {(r["person"], r["post"], r["q"]) for r in held} == {
        (f"{ID}person/richard-granger", f"{ID}post/director-general-of-nhs-it", "Richard Granger, the Director of IT"),
        (f"{ID}person/david-nicholson", f"{ID}post/nhs-chief-executive",
         "Sir David Nicholson, the NHS Chief Executive")}
    mentions = {(r["k"], r["to"]) for r in rows(store, f"""SELECT ?k ?to WHERE {{ ?m a gk:Mention ; gk:mentionKind ?k ;
        gk:refersTo ?to ; prov:wasDerivedFrom <{ID}source/doc-blog-analysis> FILTER(?k IN ("person", "post")) }}""")}
    assert ("person", f"{ID}person/richard-granger") in mentions and ("post", f"{ID}post/nhs-chief-executive") in mentions
    new = rows(store, f"""SELECT ?post ?l ?body WHERE {{ ?t a gk:Tenure ; gk:post ?post ;
        prov:wasDerivedFrom <{ID}source/doc-review-note> . ?post rdfs:label ?l ; skos:note ?n .
        OPTIONAL {{ ?post org:postIn ?body }} }}""")
    assert [r["l"] for r in new] == ["Head of the audit team"]  # a post the store did not know, read from the text
    dated = rows(store, f"""SELECT ?d WHERE {{ ?t a gk:Tenure ; dcterms:date ?d ;
        prov:wasDerivedFrom <{ID}source/doc-review-note> }}""")
    assert {r["d"] for r in dated} == {"2011-06-20"}  # the document's date dates the claim


def test_transcript_turns_are_said_by_their_speakers(store: Store) -> None:
    key = "doc-transcript"
    assert document(store, key)["date"] == "2021-03-04"  # "Committee on Regional Records, 4 March 2021"
    findings = records(store, key, "Finding")
    assert "The supplier did not have a product ready." in findings
    speakers = {f["said"] for f in findings.values()}
    assert len(speakers) == 1 and None not in speakers
    lessons = records(store, key, "Lesson")
    assert list(lessons) == ["With hindsight, we should have tested the software before we signed anything."]
    refs = {r["r"] for r in rows(store, f"""SELECT ?r WHERE {{ ?s a gk:Statement ; gk:reference ?r ;
        prov:wasDerivedFrom <{ID}source/{key}> }}""")}
    assert {"Q101", "Q102", "Q103", "Q104"} <= refs
    # the recommendation a witness makes is theirs, so it is no recommendation made by the document
    assert records(store, key, "Recommendation") == {}


def test_review_note_in_restructuredtext(store: Store) -> None:
    key = "doc-review-note"
    doc = document(store, key)
    assert (doc["title"], doc["date"], doc["format"]) == (
        "Review note: the care records contracts (test fixture)", "2011-06-20", "text/x-rst")
    findings = records(store, key, "Finding")
    assert {"The care records systems are years behind the original timetable.",
            "The Department cannot show that the remaining £4.3 billion will give value for money."} <= set(findings)
    recs = records(store, key, "Recommendation")
    assert recs["The Department should review the remaining care records spending before it commits more money."][
        "by"] == NAO
    quote = findings["The programme promised too much and delivered too little."]
    assert quote["said"] is not None and quote["by"] is None  # said by the head of the audit team, a new person


def test_board_paper_in_asciidoc(store: Store) -> None:
    key = "doc-board-paper"
    doc = document(store, key)
    assert (doc["title"], doc["date"]) == ("Board paper: the shared care record (test fixture)", "2020-11-05")
    recs = rows(store, f"""SELECT ?t ?n ?by WHERE {{ ?r a gk:Recommendation ; gk:text ?t ; gk:number ?n ; gk:madeBy ?by ;
        prov:wasDerivedFrom <{ID}source/{key}> }} ORDER BY ?n""")
    assert [(r["t"], r["n"], r["by"]) for r in recs] == [
        ("agree that the trust joins the shared care record from April 2021;", 1, NHSD),
        ("approve the first year's cost of £180,000.", 2, NHSD)]
    findings = records(store, key, "Finding")
    assert {"Clinicians used the shared record once it held GP data.",
            "Patients accepted sharing when it was explained to them at the start."} <= set(findings)


def test_press_notice_dated_by_its_date_line_and_addressed_to_all_it_names(store: Store) -> None:
    key = "doc-press-notice"
    doc = document(store, key)
    assert (doc["title"], doc["date"]) == ("Press notice (test fixture): digital funding has not kept pace",
                                           "2021-03-12")
    recs = rows(store, f"""SELECT ?by (GROUP_CONCAT(STR(?to); separator=" ") AS ?tos) WHERE {{ ?r a gk:Recommendation ;
        gk:madeBy ?by ; gk:addressedTo ?to ; prov:wasDerivedFrom <{ID}source/{key}> }} GROUP BY ?by""")
    assert [(r["by"], set(r["tos"].split())) for r in recs] == [(NAO, {DHSC, NHSE, NHSX})]
    findings = records(store, key, "Finding")
    assert "Investment in digital transformation has not been enough to meet the government's ambitions." in findings


def test_committee_report_paragraphs_of_conclusions_and_recommendations_are_split(store: Store) -> None:
    key = "doc-committee-report"
    findings = records(store, key, "Finding")
    recs = records(store, key, "Recommendation")
    assert {"The Department's timetable for care records was never achievable.",
            "The loss of two suppliers has left the programme dependent on the remaining two."} <= set(findings)
    assert set(recs) == {"The Department should publish a timetable that trusts and suppliers both accept.",
                         "The Department must plan for another supplier failing."}
    assert {r["by"] for r in recs.values()} == {PAC}


def test_long_two_column_pdf_keeps_numbered_paragraphs_as_references(store: Store) -> None:
    key = "doc-records-programme"
    text = rows(store, f"SELECT ?t WHERE {{ <{ID}source/{key}> gk:documentText ?t }}")[0]["t"]
    assert "Records programme review | page" not in text and "Audit office, March 2021" not in text
    refs = {r["r"]: " ".join(r["q"].split()) for r in rows(store, f"""SELECT ?r ?q WHERE {{ ?s a gk:Statement ;
        gk:reference ?r ;
        gk:evidence/gk:quote ?q ; prov:wasDerivedFrom <{ID}source/{key}> }}""")}
    assert set(refs) == {f"2.{i}" for i in range(1, PARAGRAPHS + 1)}
    assert refs["2.10"] == ("At stage 10 the supplier had not delivered the interface it promised, so testing "
                            "slipped again and trusts could not plan the training their staff needed.")
    recs = rows(store, f"""SELECT ?t ?page WHERE {{ ?r a gk:Recommendation ; gk:text ?t ; gk:madeBy <{NAO}> ;
        gk:evidence/gk:page ?page ; prov:wasDerivedFrom <{ID}source/{key}> }}""")
    assert [r["t"] for r in recs] == ["The Department should publish a realistic timetable for the remaining work."]
    assert recs[0]["page"] >= 3


def test_ingested_formats_pass_the_shapes(formats: Path) -> None:
    from graph.validation import store_graph, validate, violations_only

    with Store.open(formats, read_only=True) as s:
        assert violations_only(validate(store_graph(s))) == []
