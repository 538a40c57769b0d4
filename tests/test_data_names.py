"""``id:kind/key``, the way tables show a record's IRI, works in a query typed on the command line or in the
console (SPARQL's prefixed names allow no ``/``: the README's own example once failed with "expected
OPTIONAL"); strings, IRIs, comments and property paths are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from graph.backends.sparql import expand_data_names

ID = "https://w3id.org/govkg/id/"


def test_a_data_name_with_a_slash_becomes_its_full_iri() -> None:
    assert expand_data_names("SELECT * { ?b gk:bodyKind id:body-kind/joint-unit ; rdfs:label ?l }") == (
        f"SELECT * {{ ?b gk:bodyKind <{ID}body-kind/joint-unit> ; rdfs:label ?l }}")
    assert expand_data_names("SELECT * { ?s ?p id:body/nhsx. }") == f"SELECT * {{ ?s ?p <{ID}body/nhsx>. }}"


def test_strings_iris_comments_and_paths_are_left_alone() -> None:
    for text in ('SELECT * { ?s ?p "id:body/nhsx" }', "SELECT * { <https://x.org/id:body/nhsx> ?p ?o }",
                 "SELECT * { ?s ?p ?o } # id:body/nhsx", "SELECT * { ?s gk:holder/rdfs:label ?o }",
                 "SELECT * { ?s id:x/gk:y ?o }", "PREFIX id: <urn:other:> SELECT * { id:body/nhsx ?p ?o }",
                 "SELECT * { ?s ?p id:plain }"):
        assert expand_data_names(text) == text, text


def test_govkg_sparql_answers_a_query_written_with_a_data_name(bundled_store_path: Path) -> None:
    r = run_cli("sparql", "SELECT ?l WHERE { id:body/nhsx rdfs:label ?l }", store=bundled_store_path)
    assert r.code == 0 and "NHSX" in r.out and "1 row" in r.out


def test_the_console_answers_a_query_written_with_a_data_name(bundled_store_path: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from support import frame, open_view

    monkeypatch.setenv("GOVKG_STORE", str(bundled_store_path))
    monkeypatch.setenv("GOVKG_SEARCH_DIR", str(tmp_path / "search"))
    for name in ("GOVKG_BACKEND", "GOVKG_QUERY_TIMEOUT", "GOVKG_RESULT_LIMIT", "GOVKG_DATA"):
        monkeypatch.delenv(name, raising=False)
    at = open_view("sparql", query="SELECT ?l WHERE { id:body/nhsx rdfs:label ?l }", run="1")
    assert not at.error and list(frame(at)["l"]) == ["NHSX"]
