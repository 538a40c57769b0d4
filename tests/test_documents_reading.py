"""The parts of the document ingester on their own: figures and periods, structure, classification, the
Markdown and HTML readers, name matching, and the vocabulary it adds. No store needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from conftest import ROOT
from ingest.documents.classify import classify, topic_of_heading
from ingest.documents.figures import find_figures, find_periods
from ingest.documents.mentions import Entity, Name, NameIndex, find_mentions
from ingest.documents.read import read
from ingest.documents.structure import parse, split_sentences

GK = "https://w3id.org/govkg/ontology#"


# ------------------------------------------------------------------------------------------- figures
@pytest.mark.parametrize(("text", "amount", "unit", "qualifier"), [
    ("£4.7 billion", "4700000000", "GBP", "exact"),
    ("£539 million", "539000000", "GBP", "exact"),
    ("up to £8.1 billion", "8100000000", "GBP", "up-to"),
    ("£5m", "5000000", "GBP", "exact"),
    ("£250k", "250000", "GBP", "exact"),
    ("£1,250,000", "1250000", "GBP", "exact"),
    ("around £2bn", "2000000000", "GBP", "approximate"),
    ("more than £300 million", "300000000", "GBP", "at-least"),
    ("54%", "54", "percent", "exact"),
    ("less than 2%", "2", "percent", "up-to"),
    ("12.5 per cent", "12.5", "percent", "exact"),
    ("over 220 NHS trusts", "220", "count", "at-least"),
    ("five years", "5", "year", "exact"),
    ("18 months", "1.5", "year", "exact"),
])
def test_figures_are_normalised(text: str, amount: str, unit: str, qualifier: str) -> None:
    found = find_figures(text, find_periods(text))
    assert [(f.amount, f.unit, f.qualifier) for f in found] == [(Decimal(amount), unit, qualifier)]
    assert str(found[0].amount) == amount  # plain, no exponent


@pytest.mark.parametrize(("text", "low", "high"), [
    ("£1 billion to £2 billion", "1000000000", "2000000000"),
    ("£1-2 billion", "1000000000", "2000000000"),
    ("between £9.8 billion and £12.7 billion", "9800000000", "12700000000"),
    ("between 10% and 20%", "10", "20"),
])
def test_ranges_give_a_low_and_a_high_figure(text: str, low: str, high: str) -> None:
    found = find_figures(text, [])
    assert [(str(f.amount), f.qualifier) for f in found] == [(low, "range-low"), (high, "range-high")]
    assert {(f.start, f.end) for f in found} == {(0, len(text))}


@pytest.mark.parametrize(("text", "first", "last", "precision"), [
    ("2014", "2014-01-01", "2014-12-31", "year"),
    ("2016-17", "2016-04-01", "2017-03-31", "month"),
    ("2016-17 to 2020-21", "2016-04-01", "2021-03-31", "month"),
    ("between 2019-20 and 2023-24", "2019-04-01", "2024-03-31", "month"),
    ("between 2002 and 2011", "2002-01-01", "2011-12-31", "year"),
    ("2002 to 2011", "2002-01-01", "2011-12-31", "year"),
    ("July 2019", "2019-07-01", "2019-07-31", "month"),
    ("15 May 2020", "2020-05-15", "2020-05-15", "day"),
    ("autumn 2020", "2020-09-01", "2020-11-30", "month"),
    ("winter 2020", "2020-12-01", "2021-02-28", "month"),
    ("late 2021", "2021-09-01", "2021-12-31", "month"),
    ("April to June 2020", "2020-04-01", "2020-06-30", "month"),
])
def test_periods_are_normalised(text: str, first: str, last: str, precision: str) -> None:
    found = find_periods(f"It happened in {text}.")
    assert [(p.first.isoformat(), p.last.isoformat(), p.precision) for p in found] == [(first, last, precision)]


def test_numbers_that_are_not_figures() -> None:
    text = "See paragraph 12 trusts, HC 317 reports, 2019 plans, the 2016-17 accounts and £3bn."
    found = find_figures(text, find_periods(text))
    assert [(text[f.start:f.end], f.unit) for f in found] == [("£3bn", "GBP")]


# ------------------------------------------------------------------------------------------- structure
PLAIN = """Report on things

The Department reviewed the service. It found problems, e.g. delays in 2019.

Key findings:

  • The service is late.
  • Costs are
    uncertain.

Money
£4.7 billion
budget for the service.

Read more
"""


def test_plain_text_structure() -> None:
    s = parse(PLAIN)
    assert [(x.title, x.level, x.topic) for x in s.sections] == [
        ("Report on things", 1, None), ("Key findings", 2, "finding"), ("Money", 2, None)]
    units = [(PLAIN[u.start:u.end], u.form, u.topic) for u in s.units]
    assert units == [
        ("The Department reviewed the service.", "sentence", None),
        ("It found problems, e.g. delays in 2019.", "sentence", None),
        ("The service is late.", "item", "finding"),
        ("Costs are\n    uncertain.", "item", "finding"),
        ("£4.7 billion\nbudget for the service.", "key-fact", None),
        ("Read more", "sentence", None),
    ]
    assert s.title == "Report on things"


def test_a_list_takes_the_topic_of_its_lead_in_sentence() -> None:
    text = "We looked at the plans. We recommend that the Department should:\n- publish them\n- fund them\n"
    s = parse(text)
    assert [(text[u.start:u.end], u.lead_kind) for u in s.units] == [
        ("We looked at the plans.", None), ("We recommend that the Department should:", None),
        ("publish them", "recommendation"), ("fund them", "recommendation")]
    lead = s.units[2].lead
    assert lead is not None and text[lead[0]:lead[1]] == "We recommend that the Department should:"


@pytest.mark.parametrize(("lead", "kind"), [
    ("The key challenges faced by the National Programme included:", "finding"),
    ("What went wrong:", "finding"), ("Some of the problems we saw were:", "finding"),
    ("The risks are:", "finding"), ("Failures of the programme:", "finding"), ("Issues raised by members:", "finding"),
    ("What worked:", "finding"), ("What we would do differently:", "lesson"), ("Five lessons stand out:", "lesson"),
    ("The board is asked to:", "recommendation"), ("Next steps:", "recommendation"), ("Key points:", "finding"),
    ("Key figures:", "figure"), ("The programme had four parts:", None),
])
def test_a_list_takes_its_kind_from_its_lead_in_whatever_the_wording(lead: str, kind: str | None) -> None:
    # the lead-in as the last sentence of a paragraph, and as a line of its own (then read as a heading)
    for text in (f"Some prose first. {lead}\n1. The first point, with two sentences. Its second sentence.\n"
                 f"2. The second.\n",
                 f"Some prose first.\n\n{lead}\n\n1. The first point, with two sentences. Its second sentence.\n"
                 f"2. The second.\n"):
        s = parse(text)
        items = [u for u in s.units if u.number is not None]
        assert {u.lead_kind or u.topic for u in items} == {kind}, text
    items = items if kind in ("finding", "recommendation", "lesson") else []
    if items:  # each item one statement, its sentences its parts
        assert [text[u.start:u.end] for u in items] == [
            "The first point, with two sentences. Its second sentence.", "The second."]
        assert [text[a:b] for a, b in items[0].parts] == ["The first point, with two sentences.",
                                                          "Its second sentence."]


def test_numbered_paragraphs_keep_their_number_as_reference() -> None:
    text = "Summary\n\n2.14 The Department did not track benefits. It had no plan.\n\n2.15 Costs rose.\n"
    s = parse(text)
    assert [(text[u.start:u.end], u.reference) for u in s.units] == [
        ("The Department did not track benefits.", "2.14"), ("It had no plan.", "2.14"), ("Costs rose.", "2.15")]


def test_a_numbered_line_alone_between_paragraphs_is_a_heading() -> None:
    text = "Minutes\n\n1. Programme status\n\nTesting has slipped.\n\n2. Actions\n\n- The Director to agree a plan.\n"
    s = parse(text)
    assert [x.title for x in s.sections] == ["Minutes", "1. Programme status", "2. Actions"]


def test_sentences_do_not_split_at_abbreviations() -> None:
    text = "Mr. Smith met NHSX, i.e. the unit, and Dr. Jones (see para. 4). It ended “well”. Then: nothing."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "Mr. Smith met NHSX, i.e. the unit, and Dr. Jones (see para. 4).", "It ended “well”.", "Then: nothing."]


def test_a_possessive_before_a_full_stop_ends_the_sentence() -> None:
    text = "The fault was the supplier's. The trust paid. It was the suppliers’. J. Bloggs agreed."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "The fault was the supplier's.", "The trust paid.", "It was the suppliers’.", "J. Bloggs agreed."]


@pytest.mark.parametrize(("heading", "topic"), [
    ("Key findings", "finding"), ("The report's key findings are:", "finding"), ("Our conclusions", "finding"),
    ("Recommendations", "recommendation"), ("The recommendations from the report are that X should:", "recommendation"),
    ("Lessons learned", "lesson"), ("Lessons from NPfIT", "lesson"), ("Key facts", "figure"),
    ("Applying the lessons from the previous national programme", None), ("Strategic challenges", None),
    ("Conclusions and recommendations", None), ("What went wrong", "finding"), ("Things we would do differently",
                                                                                "lesson"),
])
def test_heading_topics(heading: str, topic: str | None) -> None:
    assert topic_of_heading(heading) == topic


@pytest.mark.parametrize(("text", "kind"), [
    ("We recommend that NHSX publishes a plan.", "recommendation"),
    ("Governance should be simplified.", "recommendation"),
    ("The lesson from NPfIT is that local ownership matters.", "lesson"),
    ("Arrangements remain confused.", "finding"),
    ("The NAO has found that funding is inadequate.", "finding"),
    ("Government committed £4.7 billion.", "figure"),
    ("This report was prepared before the pandemic.", "other"),
    ("Should the plan be published?", "other"),
])
def test_cue_phrases_classify_statements(text: str, kind: str) -> None:
    has_figure = "£" in text
    got = classify(text, topic=None, form="sentence", has_figure=has_figure, subject_names_body=False,
                   first_in_paragraph=True)
    assert got.kind == kind
    assert 0 < got.confidence <= 1


# ------------------------------------------------------------------------------------------- readers
def test_markdown_keeps_line_numbers_and_drops_markup() -> None:
    src = "---\ntitle: T\n---\n# Title\n\nSome **bold** and [a link](http://x) and `code`.\n\nSub\n---\n\n```\ncode\n```\n"
    out = read(src.encode(), "text/markdown", "t.md")
    assert out.metadata == {"title": "T"} and out.skipped_lines == 3
    assert out.text.split("\n")[:3] == ["Title", "", "Some bold and a link and code."]
    assert "code\n" not in out.text.replace("code.", "")
    assert sorted(out.headings.values()) == [1, 2]


def test_html_lists_headings_and_breaks() -> None:
    page = b"<html><body><h2>Findings</h2><ol><li>One</li><li>Two<br>lines</li></ol><p>A\n  paragraph.</p></body></html>"
    out = read(page, "text/html", "p.html")
    assert out.text == "Findings\n\n1. One\n2. Two lines\n\nA paragraph.\n"
    assert out.headings == {0: 2}


# ------------------------------------------------------------------------------------------- names
def test_names_match_longest_with_possessives_ampersands_and_defined_aliases() -> None:
    index = NameIndex()
    nhse = Entity("id:nhse", "NHS England", "body", True)
    joint = Entity("id:nhsei", "NHS England and NHS Improvement", "body", True)
    trusts = Entity("id:trusts", "NHS trusts and foundation trusts", "body", True)
    dh = Entity("id:dh", "Department of Health", "body", True, dt.date(2017, 12, 31), "id:dhsc")
    dhsc = Entity("id:dhsc", "Department of Health and Social Care", "body", True)
    for e in (nhse, joint, trusts, dh, dhsc):
        index.entities[e.iri] = e
        index.add(Name(e, "label", e.label))
    text = ("NHS England & NHS Improvement (NHSE&I) met NHS England. NHS trusts’ and foundation trusts’ (trusts’) "
            "spend varies; Trusts’ plans differ. The Department of Health should act.")
    mentions, definitions, _ = find_mentions(text, index, dt.date(2020, 5, 15))
    got = [(text[m.start:m.end], m.entity.iri, m.how) for m in mentions]
    assert got == [
        ("NHS England & NHS Improvement", "id:nhsei", "label"), ("NHSE&I", "id:nhsei", "document-alias"),
        ("NHS England", "id:nhse", "label"), ("NHS trusts’ and foundation trusts", "id:trusts", "label"),
        ("trusts", "id:trusts", "document-alias"), ("Trusts", "id:trusts", "document-alias"),
        ("Department of Health", "id:dhsc", "renamed")]
    assert [(d.alias, d.entity.iri if d.entity else None) for d in definitions] == [
        ("NHSE&I", "id:nhsei"), ("trusts", "id:trusts")]


# ------------------------------------------------------------------------------------------- vocabulary
def test_added_terms_are_documented_and_shaped() -> None:
    vocab = Graph().parse(ROOT / "ontology" / "ext-documents.ttl")
    shapes = Graph().parse(ROOT / "ontology" / "shapes-documents.ttl")
    terms = {s for s in vocab.subjects(RDF.type, None) if str(s).startswith(GK)}
    assert len(terms) > 15
    for term in terms:
        assert vocab.value(term, RDFS.label) and vocab.value(term, SKOS.definition), term
        assert (term, RDFS.isDefinedBy, URIRef("https://w3id.org/govkg/ontology")) in vocab, term
    classes = set(vocab.subjects(RDF.type, OWL.Class))
    assert classes <= set(shapes.objects(None, SH.targetClass))
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, SH.description) is not None, shape
    for prop in [p for p in shapes.objects(None, SH.property) if (p, SH.path, None) in shapes]:
        assert shapes.value(prop, SH.name) is not None and shapes.value(prop, SH.message) is not None, prop
