"""Documents as people write them, read without a store: LaTeX-style macros, reStructuredText, AsciiDoc and
Markdown block quotes into structure; PDFs laid out like printed reports; transcript turns and quotations
with their speakers; people named with a role; a document's date line."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ingest.documents.classify import organisation_subject
from ingest.documents.mentions import Entity, Mention
from ingest.documents.meta import date_line
from ingest.documents.people import PeopleIndex, Person, Post, find_people
from ingest.documents.read import read
from ingest.documents.speech import find_speech, said
from ingest.documents.structure import parse
from pdf_builder import Block, Report, layout

MARKUP = re.compile(r"\\[A-Za-z]+|[{}]|\*\*|``|^\s*[=#]+\s|^\s*\.\. |^>|:ref:|\[\[|\]\]", re.M)


def heading_titles(text: str, headings: dict[int, int]) -> list[tuple[int, str]]:
    return [(level, text[o:text.find("\n", o)].strip()) for o, level in sorted(headings.items())]


# ------------------------------------------------------------------------------------------- LaTeX-style macros
LATEX_NOTE = r"""\ifndef{challenges}
\define{challenges}

\section{Why it went wrong}

\notes{The programme began in 2002 with \emph{very} high hopes.\footnote{A note.} It ended in 2011, see \cite{nao11}.

The key challenges faced by the programme included:}

\slides{* the slide copy}

\begin{itemize}
\item Contracts came before products.
\item Clinicians were engaged late.
\end{itemize}

\subsection{A \textbf{quoted} view}

\begin{quote}
It promised too much.
\end{quote}

\figure{\includediagram{../diagrams/plan}{60%}}{The plan in 2005.}{fig-plan}

\unknownmacro{Text kept}{label-dropped}
\endif
"""


def test_latex_style_macros_become_structure_or_go_keeping_their_text() -> None:
    out = read(LATEX_NOTE.encode(), "text/markdown", "note.md")
    assert heading_titles(out.text, out.headings) == [(2, "Why it went wrong"), (3, "A quoted view")]
    assert "The programme began in 2002 with very high hopes. It ended in 2011, see ." in out.text
    assert "- Contracts came before products.\n- Clinicians were engaged late." in out.text
    assert "The plan in 2005." in out.text and "Text kept" in out.text
    for gone in ("slide copy", "A note.", "diagrams", "label-dropped", "challenges}", "60%"):
        assert gone not in out.text
    assert MARKUP.search(out.text) is None
    assert [out.text[a:b] for a, b in out.quotes] == ["It promised too much."]
    s = parse(out.text, out.headings)
    items = [u for u in s.units if u.form == "item"]
    assert [out.text[u.start:u.end] for u in items] == ["Contracts came before products.",
                                                        "Clinicians were engaged late."]
    assert {u.lead_kind or u.topic for u in items} == {"finding"}  # "The key challenges … included:"


def test_a_tex_file_reads_comments_math_and_dashes_as_latex() -> None:
    tex = "\\title{A paper}\n\\begin{document}\n% a comment line\nCosts rose 10\\% in 2002--2011 ``sharply'' ~ $x$.\n"
    out = read(tex.encode(), "text/x-tex", "paper.tex")
    assert heading_titles(out.text, out.headings) == [(1, "A paper")]
    assert "Costs rose 10% in 2002–2011 “sharply”   x." in out.text and "comment" not in out.text


# ------------------------------------------------------------------------------------------- reStructuredText
RST = """=====================
The records review
=====================

:Date: 2021-03-04
:Publisher: National Audit Office

Findings
========

The board met **six** times; see `the report <https://x.org>`_ and :ref:`annex`.[1]_

#. The board did not track benefits.
#. Risks were not escalated.

.. note:: Figures are unaudited.

Quoted
------

The chair said:

   We did not see the register until 2010.

   -- Jane Holt, chair of the board

.. image:: board.png
   :alt: a picture

.. [1] A footnote.
"""


def test_restructuredtext_titles_docinfo_lists_and_block_quotes() -> None:
    out = read(RST.encode(), "text/x-rst", "review.rst")
    assert heading_titles(out.text, out.headings) == [(1, "The records review"), (2, "Findings"), (3, "Quoted")]
    assert out.metadata == {"date": "2021-03-04", "publisher": "National Audit Office"}
    assert "The board met six times; see the report and annex." in out.text
    assert "1. The board did not track benefits.\n2. Risks were not escalated." in out.text
    assert "Figures are unaudited." in out.text
    for gone in ("A footnote", "board.png", "a picture", "https://x.org"):
        assert gone not in out.text
    assert MARKUP.search(out.text) is None
    assert [out.text[a:b] for a, b in out.quotes] == ["We did not see the register until 2010."]
    speeches, _ = find_speech(out.text, out.headings, out.quotes)
    assert [(out.text[s.start:s.end], out.text[s.name[0]:s.name[1]]) for s in speeches] == [
        ("We did not see the register until 2010.", "Jane Holt")]


# ------------------------------------------------------------------------------------------- AsciiDoc
ADOC = """= Lessons from the care records programme
Jane Analyst <jane@example.org>
v1.2, 12 May 2021: second draft
:toc:
:programme: NPfIT

== What went wrong

.Key problems
* The {programme} contracts were signed *before* products existed.footnote:[PAC 2011.]
** A nested point.
* See link:https://x.org[the report] and <<annex,the annex>>.

[quote, Margaret Birch, Chair of the board]
____
The programme was a fiasco.
____

. First step
. Second step

NOTE: This is a draft.

----
code here
----
"""


def test_asciidoc_titles_header_date_lists_and_quote_blocks() -> None:
    out = read(ADOC.encode(), "text/asciidoc", "lessons.adoc")
    assert heading_titles(out.text, out.headings) == [(1, "Lessons from the care records programme"),
                                                      (2, "What went wrong")]
    assert out.metadata == {"date": "12 May 2021"}
    assert "- The NPfIT contracts were signed before products existed.\n  - A nested point." in out.text
    assert "See the report and the annex." in out.text and "1. First step\n2. Second step" in out.text
    assert "This is a draft." in out.text and "code here" not in out.text and "jane@" not in out.text
    assert MARKUP.search(out.text) is None
    assert [out.text[a:b] for a, b in out.quotes] == ["The programme was a fiasco."]
    speeches, _ = find_speech(out.text, out.headings, out.quotes)
    assert [(out.text[s.name[0]:s.name[1]], out.text[s.role[0]:s.role[1]] if s.role else None) for s in speeches] == [
        ("Margaret Birch", "Chair of the board")]


# ------------------------------------------------------------------------------------------- speech
TRANSCRIPT = """Oral evidence

Q117 Alan Marsh: Did anyone tell the Department?

Helen Crane: We told the Department in 2004. The suppliers were late.

It took years to adapt the software.

Recommendation 3: The Department should publish its costs.

Q118 Chair: Thank you.
"""


# ------------------------------------------------------------------------------------------- tables
TABLE_ADOC = """= Risk log

== Risks

[cols="1,3,1"]
|===
|ID |Risk |Owner

|R1
|Suppliers may not deliver on time.
|CIO

|R2 |Clinicians may not use the system. |CCIO
|===

The board should review the log monthly.
"""
TABLE_ADOC_NO_COLS = """= Risk log

|===
|Risk |Owner
|Suppliers may not deliver on time. |CIO
|Clinicians may not use the system.
and may keep paper notes. |CCIO
|===

The board should review the log monthly.
"""
TABLE_MD = """# Risk log

Some text before.

| ID | Risk | Owner |
|---|---|---|
| R1 | Suppliers may not deliver on time. | CIO |
| R2 | Clinicians may not use the system. | CCIO |

The board should review the log monthly.
"""
TABLE_HTML = """<html><body><h1>Risk log</h1><p>Some text before.</p><table>
<tr><th>ID</th><th>Risk</th><th>Owner</th></tr>
<tr><td>R1</td><td>Suppliers may not deliver on time.</td><td>CIO</td></tr>
<tr><td>R2</td><td>Clinicians may not use the system.</td><td>CCIO</td></tr>
</table><p>The board should review the log monthly.</p></body></html>"""


@pytest.mark.parametrize("body, media", [(TABLE_ADOC, "text/asciidoc"), (TABLE_MD, "text/markdown"),
                                         (TABLE_HTML, "text/html")])
def test_a_table_row_is_one_statement_with_its_cells_its_header_a_heading(body: str, media: str) -> None:
    doc = read(body.encode(), media, "risks")
    structure = parse(doc.text, doc.headings)
    statements = [" ".join(doc.text[u.start:u.end].split()) for u in structure.units]
    assert "R1; Suppliers may not deliver on time.; CIO" in statements
    assert "R2; Clinicians may not use the system.; CCIO" in statements
    assert statements[-1] == "The board should review the log monthly."
    titles = [section.title for section in structure.sections]
    assert "ID; Risk; Owner" in titles and "ID; Risk; Owner" not in statements  # the header row heads the rows
    assert not any("CIO" in t for t in titles), titles  # no other row taken for a heading
    assert "|" not in doc.text and "===" not in doc.text


def test_an_asciidoc_table_without_cols_takes_its_columns_from_the_first_row() -> None:
    doc = read(TABLE_ADOC_NO_COLS.encode(), "text/asciidoc", "risks")
    statements = [" ".join(doc.text[u.start:u.end].split()) for u in parse(doc.text, doc.headings).units]
    assert statements[:3] == ["Risk; Owner", "Suppliers may not deliver on time.; CIO",
                              "Clinicians may not use the system. and may keep paper notes.; CCIO"]


def test_transcript_turns_keep_their_speaker_and_question_number() -> None:
    speeches, labels = find_speech(TRANSCRIPT, {0: 1}, [])
    assert [(s.reference, TRANSCRIPT[s.name[0]:s.name[1]], TRANSCRIPT[s.start:s.end].split("\n")[0]) for s in speeches
            ] == [("Q117", "Alan Marsh", "Did anyone tell the Department?"),
                  ("", "Helen Crane", "We told the Department in 2004. The suppliers were late."),
                  ("Q118", "Chair", "Thank you.")]
    # a turn runs until the next one: the later paragraph is Helen Crane's, "Recommendation 3:" is no speaker
    assert "It took years" in TRANSCRIPT[speeches[1].start:speeches[1].end]
    s = parse(TRANSCRIPT, {0: 1}, speeches=speeches, labels=labels)
    first = s.units[0]
    assert (TRANSCRIPT[first.start:first.end], first.reference, first.speech) == (
        "Did anyone tell the Department?", "Q117", 0)


def test_a_speaker_label_may_carry_a_second_bracket() -> None:
    text = ("Westminster Hall debate\n\nJane Hale (Northvale) (Lab): The programme failed its patients.\n\n"
            "Tom Reed (Eastmoor, Con): I disagree with her.\n")
    speeches, _ = find_speech(text, {0: 1}, [])
    assert [(text[s.name[0]:s.name[1]], text[s.role[0]:s.role[1]] if s.role else None, text[s.start:s.end].strip())
            for s in speeches] == [("Jane Hale", "Northvale", "The programme failed its patients."),
                                   ("Tom Reed", "Eastmoor, Con", "I disagree with her.")]


@pytest.mark.parametrize(("sentence", "name", "role"), [
    ("“The programme has delivered,” said Sir David Nicholson, the NHS Chief Executive, in 2009.",
     "Sir David Nicholson", "the NHS Chief Executive"),
    ("Jane Holt, the chair, said: “We were not told.”", "Jane Holt", "the chair"),
])
def test_a_sentence_can_name_its_speaker(sentence: str, name: str, role: str) -> None:
    found = said(sentence, 0, len(sentence))
    assert found is not None and sentence[found.name[0]:found.name[1]] == name
    assert found.role is not None and sentence[found.role[0]:found.role[1]] == role


# ------------------------------------------------------------------------------------------- people and roles
def people_index() -> PeopleIndex:
    granger = Person("id:granger", "Richard Granger", True, ("id:dg-it",))
    nicholson = Person("id:nicholson", "Sir David Nicholson", True, ("id:nhs-ce",))
    index = PeopleIndex(people={("richard", "granger"): [granger], ("david", "nicholson"): [nicholson]},
                        surnames={"granger": [granger], "nicholson": [nicholson]})
    index.posts = [Post("id:dg-it", "Director General of NHS IT",
                        frozenset({"director", "general", "nhs", "it", "programme"}), "id:dh"),
                   Post("id:nhs-ce", "NHS Chief Executive", frozenset({"nhs", "chief", "executive"}), "id:dh")]
    return index


def test_people_named_with_a_role_resolve_to_the_curated_person_and_post() -> None:
    text = ("Richard Granger, the Director of IT, led it. Sir David Nicholson, the NHS Chief Executive, was its owner. "
            "Mr Granger left in 2008. Jane Smith, the Chief Information Officer of Acme Health, resigned.")
    acme = Entity("id:acme", "Acme Health", "body", True)
    start = text.index("Acme Health")
    found = find_people(text, people_index(), [], [Mention(start, start + 11, acme, "label", 0.95)], "doc-x")
    got = [(text[p.start:p.end], p.person.iri, p.how, text[p.role[0]:p.role[1]] if p.role else None,
            p.post.iri if p.post else None, p.post_how) for p in found]
    assert got == [
        ("Richard Granger", "id:granger", "label", "the Director of IT", "id:dg-it", "held"),
        ("Sir David Nicholson", "id:nicholson", "label", "the NHS Chief Executive", "id:nhs-ce", "held"),
        ("Mr Granger", "id:granger", "surname", None, None, ""),
        ("Jane Smith", "person/doc-x.p1", "new", "the Chief Information Officer of Acme Health",
         "post/doc-x.q1", "new")]
    assert found[-1].post is not None and found[-1].post.body == "id:acme"
    assert found[-1].post.label == "Chief Information Officer of Acme Health"


def test_an_organisation_as_the_subject_of_should_marks_a_recommendation() -> None:
    for text, expected in (("The Department should publish a plan.", True),
                           ("To meet their aims, NHS England and its arm's-length bodies must act.", True),
                           ("Systems must be designed around their users.", False),
                           ("What should the Department do now?", False)):
        assert organisation_subject(text, 0, len(text)) is expected, text


# ------------------------------------------------------------------------------------------- dates
@pytest.mark.parametrize(("text", "date"), [
    ("Title\n\n15 May 2020\n\nThe report.", "2020-05-15"),
    ("Press notice, 7 September 2016\n\nText.", "2016-09-07"),
    ("A paper\n\n*Published 10 August 2018*\n\nText.", "2018-08-10"),
    ("Board paper\nDate of paper: January 2018\n", "2018-01"),
    ("HC 317 | Session 2019–2021 | 15 May 2020\n", "2020-05-15"),
    ("The Department published its strategy in May 2019.\n", None),
    ("Key facts\n\nJuly 2019\nNHSX unit launched.\n", None),  # a key fact's value, not the document's date
])
def test_the_document_date_is_read_from_a_date_line(text: str, date: str | None) -> None:
    found = date_line(text)
    assert (found[0] if found else None) == date


# ------------------------------------------------------------------------------------------- PDF layout
def long_report() -> Report:
    blocks = [Block("heading", "Summary", 1)]
    for i in range(1, 25):
        marker = f"^{i}" if i % 4 == 0 else ""
        blocks.append(Block("para", f"The board reviewed the records programme at stage {i}{marker} and found that "
                                    "the supplier had not delivered the interface it promised, so testing slipped "
                                    "again and the trusts could not plan their training.", number=f"1.{i}"))
    blocks.append(Block("heading", "Recommendations", 1))
    blocks += [Block("bullet", "The Department should publish a realistic timetable for the remaining work."),
               Block("para", "The programme has shown that clinical engagement cannot be left until the end of a "
                             "project, and every later stage paid for that early mistake in delays and cost.",
                     number="2.14")]
    return Report("Records programme review (test fixture)", "Records programme review | page {page}",
                  "Audit office, March 2021", blocks, {str(i): f"Board minutes, meeting {i}." for i in range(1, 25)})


def test_a_two_column_pdf_is_read_column_by_column_without_furniture() -> None:
    out = read(layout(long_report()), "application/pdf", "review.pdf")
    text = out.text
    assert "Records programme review | page" not in text and "Audit office, March 2021" not in text
    assert not re.search(r"^\d+$", text, re.M)  # no lone page numbers
    assert "stage 8 and found that" in text  # the footnote marker is gone from the sentence
    paras = [p.replace("\n", " ") for p in text.split("\n\n")]
    for i in range(1, 25):  # every numbered paragraph whole, in order, across columns and pages
        expected = (f"1.{i} The board reviewed the records programme at stage {i} and found that the supplier "
                    "had not delivered the interface it promised, so testing slipped again and the trusts could "
                    "not plan their training.")
        assert expected in paras, i
    starts = [next(k for k, p in enumerate(paras) if p.startswith(f"1.{i} ")) for i in range(1, 25)]
    assert starts == sorted(starts)
    assert text.rstrip().endswith("24 Board minutes, meeting 24.")  # footnotes gathered at the end
    titles = [t for _, t in heading_titles(text, out.headings)]
    assert titles[:3] == ["Records programme review (test fixture)", "Summary", "Recommendations"]
    assert titles[-1] == "Notes" and len(out.pages) >= 2
    s = parse(text, out.headings)
    refs = {u.reference for u in s.units if u.reference}
    assert {"1.1", "1.24", "2.14"} <= refs


def test_unknown_date_words_leave_no_date() -> None:
    assert date_line("Some prose that runs on and mentions 2019 in passing.") is None
    assert dt.date(2020, 1, 1).year == 2020
