"""``govkg ask`` where people meet it: the command line (text and --json), ``govkg eval-ask``, ``/api/ask`` on a
running ``govkg serve`` (checked against its OpenAPI document), and the ask box of the explorer's overview."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import get_json, model_available, open_view, texts

from conftest import need, run_cli
from graph.endpoint import EndpointServer

QUESTION = "who was accountable for the national digital strategy in June 2020?"


@pytest.fixture(autouse=True)
def _model() -> None:
    need(model_available(), "the embedding model is not installed")


@pytest.fixture(scope="module", autouse=True)
def _search_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The commands' search index in a folder of their own: the bundled store is shared by the session."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_SEARCH_DIR", str(tmp_path_factory.mktemp("ask-cli-search")))
        yield


# ------------------------------------------------------------------------------------------------ CLI
def test_ask_prints_the_summary_how_it_was_read_the_rows_with_sources_and_the_query(
        bundled_store_path: Path) -> None:
    result = run_cli("ask", QUESTION, store=bundled_store_path)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    summary = " ".join(result.out.split("\nkind:")[0].split())
    assert "NHSX" in summary and "June 2020" in summary
    assert any(line.startswith("kind: accountable") for line in lines)
    assert any("subject = National digital strategy for health and care" in line for line in lines)
    assert any("source:" in line for line in lines) and "SELECT" in result.out


def test_ask_json_is_the_whole_answer(bundled_store_path: Path) -> None:
    result = run_cli("ask", "what", "replaced", "NHS", "Connecting", "for", "Health?", "--json",
                     store=bundled_store_path)
    answer = json.loads(result.out)
    assert answer["status"] == "answered" and answer["kind"] == "body-lineage"
    assert answer["console"].startswith("?view=sparql&query=")
    assert all({"values", "sources", "evidence"} <= set(r) for r in answer["rows"])


def test_ask_says_when_it_cannot_answer_and_offers_a_search(bundled_store_path: Path) -> None:
    result = run_cli("ask", "what replaced the Department of Silly Walks?", store=bundled_store_path)
    assert result.code == 0
    assert "does not name a body that the graph holds" in result.out and "govkg search" in result.out
    empty = run_cli("ask", "who ran things", "--json", store=bundled_store_path)
    assert json.loads(empty.out)["status"] in ("clarify", "not-understood", "not-found")


def test_eval_ask_prints_accuracy_per_part(bundled_store_path: Path) -> None:
    result = run_cli("eval-ask", "--split", "held-out", store=bundled_store_path)
    assert result.code == 0, result.err
    assert "held-out" in result.out and "kind" in result.out and "refused" in result.out
    row = next(line for line in result.out.splitlines() if line.startswith("held-out"))
    assert float(row.split()[4]) >= 0.9  # answer accuracy (the floor of tests/test_ask.py)


# ------------------------------------------------------------------------------------------------ HTTP
@pytest.fixture(scope="module")
def server(bundled_server: Any) -> Any:
    return bundled_server


def test_api_ask_answers_as_its_openapi_document_says(server: EndpointServer) -> None:
    try:
        import openapi_schema_validator
    except ImportError:
        need(False, "openapi-schema-validator is not installed")
    status, document = get_json(server, "/api/openapi.json")
    assert status == 200 and "/api/ask" in document["paths"]
    responses = document["paths"]["/api/ask"]["get"]["responses"]
    status, answer = get_json(server, "/api/ask", q=QUESTION)
    assert status == 200 and answer["status"] == "answered" and answer["kind"] == "accountable"
    assert "NHSX" in answer["summary"] and all(r["sources"] for r in answer["rows"])
    schema = responses["200"]["content"]["application/json"]["schema"]
    openapi_schema_validator.validate(answer, {**schema, "components": document["components"]},
                                      cls=openapi_schema_validator.OAS31Validator)
    status, refused = get_json(server, "/api/ask", q="what is the capital of France?")
    assert status == 200 and refused["status"] in ("not-understood", "clarify", "not-found") and not refused["rows"]
    status, error = get_json(server, "/api/ask")
    assert status == 400 and "q is required" in error["error"]


# ------------------------------------------------------------------------------------------------ explorer
@pytest.fixture
def app_env(bundled_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GOVKG_STORE", str(bundled_store_path))
    monkeypatch.setenv("GOVKG_SEARCH_DIR", str(tmp_path / "search"))
    for name in ("GOVKG_BACKEND", "GOVKG_QUERY_TIMEOUT", "GOVKG_RESULT_LIMIT", "GOVKG_DATA"):
        monkeypatch.delenv(name, raising=False)
    return bundled_store_path


def test_the_overview_ask_box_answers_with_links_to_pages_and_the_console(app_env: Path) -> None:
    at = open_view("overview")
    at.text_input(key="overview.ask").set_value("what replaced NHS Connecting for Health?").run()
    assert not at.exception
    assert at.query_params["ask"] == "what replaced NHS Connecting for Health?"
    shown = texts(at)
    assert "NHS England" in shown and "Read as" in shown
    assert "view=sparql&query=" in shown and "view=body&body=nhs-connecting-for-health" in shown
    frames = [d.value for d in at.dataframe if "sources" in d.value.columns]
    assert frames and frames[0]["sources"].str.len().min() > 0


def test_the_ask_box_reads_its_question_from_the_url_and_explains_a_refusal(app_env: Path) -> None:
    at = open_view("overview", ask="who held the post of Chief Wizard in 2005?")
    assert at.text_input(key="overview.ask").value == "who held the post of Chief Wizard in 2005?"
    assert "does not name" in texts(at)
