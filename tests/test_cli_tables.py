"""CLI tables keep every character: a long value wraps within its column, or with ``--wide`` stays on one line;
nothing is cut at 60 characters with an ellipsis."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli
from graph.backends.embedded import Store
from graph.results import WRAP_WIDTH, table_lines


def _words(text: str) -> list[str]:
    return text.split()


def test_a_long_value_wraps_within_its_column_with_every_word_kept() -> None:
    text = "Uncertainty at the top of a programme weakens it; continuity of leadership needs planning and more."
    lines = table_lines(["key", "text"], [["k1", text], ["k2", "short"]])
    assert lines[0].split() == ["key", "text"]
    body = lines[2:]
    assert len(body) == 3, "the long value takes two lines, the short one one"
    column = lines[1].split("  ")[0]
    start = len(column) + 2
    assert all(len(line) <= start + WRAP_WIDTH for line in body)
    assert _words(" ".join(line[start:] for line in body[:2])) == _words(text)
    assert body[1][:start].strip() == "", "a continuation line leaves the other columns empty"
    assert "…" not in "\n".join(lines)


def test_wide_keeps_each_value_on_one_line() -> None:
    text = "x" * 30 + " " + "y" * 50
    lines = table_lines(["a", "b"], [["1", text]], wide=True)
    assert len(lines) == 3 and lines[2].endswith(text)


def test_a_word_longer_than_the_column_is_split_not_cut() -> None:
    iri = "https://w3id.org/govkg/id/" + "a" * 80
    lines = table_lines(["iri"], [[iri]])
    assert "".join(line.strip() for line in lines[2:]) == iri


def test_query_tables_on_the_command_line_wrap_or_go_wide(bundled_store_path: Path) -> None:
    with Store.open(bundled_store_path, read_only=True) as store:
        texts = [str(r["t"]) for r in store.select(
            'SELECT ?t WHERE { ?l a gk:Lesson ; gk:lessonText ?t FILTER(STRLEN(?t) > 90) } LIMIT 3')]
    assert texts, "the bundled lessons have long texts"
    q = 'SELECT ?t WHERE { ?l a gk:Lesson ; gk:lessonText ?t FILTER(STRLEN(?t) > 90) } LIMIT 3'
    wrapped = run_cli("sparql", q, store=bundled_store_path)
    assert wrapped.code == 0 and "…" not in wrapped.out
    assert max(len(line) for line in wrapped.out.splitlines()[:-1]) <= WRAP_WIDTH
    assert _words(" ".join(wrapped.out.splitlines()[2:-1])) == _words(" ".join(texts))
    wide = run_cli("sparql", q, "--wide", store=bundled_store_path)
    assert [line.rstrip() for line in wide.out.splitlines()[2:-1]] == texts
    canned = run_cli("query", "lessons-on-theme", "--wide", store=bundled_store_path)
    assert canned.code == 0 and "…" not in canned.out
