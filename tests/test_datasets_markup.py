"""Text read from datasets is cleaned of HTML markup at ingest (the NASA lessons carry `<br/>`, `</ul>`,
`<li style=…>`, `&amp;`), while text that only looks like markup ("<10%", "a <b and c> d") is left alone."""

from __future__ import annotations

import re
from pathlib import Path

from govkg_data import DATASETS_DIR
from graph.backends.embedded import Store
from ingest.datasets import clean, strip_markup
from ingest.pipeline import ingest

MAPPING = """format: lessons
source: {key: dataset-intranet-lessons, title: Intranet lessons export (test fixture), publisher: GovKG tests}
key_prefix: intranet
columns: {id: "No", title: Subject, lesson: Body, date: Date}
date_format: "%Y-%m-%d"
"""
ROWS = [
    ("No", "Subject", "Body", "Date"),
    ("1", "Lists <b>and</b> breaks", "Lessons:<br/>1. Test early.<BR>2. Test often.</ul>", "2019-03-01"),
    ("2", "Items &amp; tables", '<ul><li style="list-style: none">Budget &amp; staff</li></ul>'
                                "<TABLE BORDER=2><tr><th>Risk</th></tr></TABLE>", "2020-01-02"),
    ("3", "Not markup", "Costs ran <10% over; a <b and c> d stayed as written.", "2021-05-06"),
]


def test_markup_is_dropped_and_line_breaks_kept() -> None:
    assert clean("Lessons:<br/>1. Test early.<BR>2. Test often.</ul>") == "Lessons:\n1. Test early.\n2. Test often."
    assert strip_markup("<span class=\"detailImageDesc\">Figure 1</span>") == "Figure 1"
    assert strip_markup("x &lt; y &#8211; z") == "x < y – z"
    assert strip_markup("safety.\n<br/\n\nThis lesson") == "safety.\n\n\n\nThis lesson"  # a tag cut short
    for text in ("Costs ran <10% over", "a <b and c> d", "if a<b then", "R&D spend"):
        assert strip_markup(text) == text


def test_a_lessons_csv_with_markup_is_stored_without_it(tmp_path: Path) -> None:
    import csv

    path = tmp_path / "intranet.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(ROWS)
    (tmp_path / "intranet.mapping.yaml").write_text(MAPPING, encoding="utf-8")
    with Store.open(tmp_path / "store") as store:
        ingest(store, [path], as_format="lessons")
        texts = {r["k"]: (r["t"], r["x"]) for r in store.select(
            "SELECT ?k ?t ?x WHERE { ?l a gk:Lesson ; gk:key ?k ; dcterms:title ?t ; gk:lessonText ?x }")}
    assert texts["intranet-1"] == ("Lists and breaks", "Lessons:\n1. Test early.\n2. Test often.")
    assert texts["intranet-2"] == ("Items & tables", "Budget & staff\n\nRisk")
    assert texts["intranet-3"][1] == "Costs ran <10% over; a <b and c> d stayed as written."


def test_the_nasa_lessons_keep_no_html(tmp_path: Path) -> None:
    llis = DATASETS_DIR / "llis" / "llis.csv"  # the bundled snapshot of the NASA export
    from ingest import lessons_csv
    from ingest.registry import Context

    with Store.open(tmp_path / "store") as store:
        graph = lessons_csv.prepare(llis, Context(store))[0].graph
    assert graph is not None
    tag = re.compile(r"</?(br|ul|li|center|span|table|font)\b", re.IGNORECASE)
    marked = [str(o) for _, _, o in graph if tag.search(str(o))]
    assert marked == []
