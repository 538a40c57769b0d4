"""No silent empty answers: a canned query given a key that is not in the graph says so and names the nearest
keys (on the command line, the JSON API and the explorer's console, on every backend), and `govkg keys` lists
what can be asked about. Tried as a new user would: ``--param scope=npfit`` used to give 0 rows and no word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support import get_json

from conftest import run_cli
from graph.backends import Backend
from graph.errors import QueryError
from graph.keys import KINDS, UnknownKeyError, list_keys, nearest, require
from graph.queries import get_query, parse_query_file


# ------------------------------------------------------------------------------------------- the command line
def test_a_scope_that_is_not_in_the_graph_is_an_error_naming_the_nearest_scopes(bundled_store_path: Path) -> None:
    r = run_cli("query", "accountable-for-scope", "--param", "scope=npfit", store=bundled_store_path)
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("Error: parameter scope: there is no scope 'npfit' in the graph")
    assert "npfit is a programme" in r.err, "the key names a record of another kind: say which"
    assert "npfit-delivery" in r.err and "npfit-sro" in r.err, "the nearest scopes are offered"
    assert "govkg keys scopes" in r.err


def test_a_misspelt_theme_suggests_the_theme_meant(bundled_store_path: Path) -> None:
    r = run_cli("query", "lessons-on-theme", "--param", "theme=governence", store=bundled_store_path)
    assert r.code == 2
    assert "no theme 'governence'" in r.err and "nearest themes: governance (Governance)" in r.err


def test_an_iri_that_is_not_in_the_graph_is_refused_too(bundled_store_path: Path) -> None:
    r = run_cli("query", "body-lineage", "--param", "body=https://w3id.org/govkg/id/body/nhs-digitl",
                store=bundled_store_path)
    assert r.code == 2 and "no body 'nhs-digitl'" in r.err and "nhs-digital" in r.err


def test_a_key_that_is_there_still_gives_its_rows(bundled_store_path: Path) -> None:
    r = run_cli("query", "accountable-for-scope", "--param", "scope=npfit-delivery", "--param", "year=2005",
                "--format", "json", store=bundled_store_path)
    assert r.code == 0, r.err
    assert json.loads(r.out)["results"]["bindings"], "NPfIT delivery had holders in 2005"


def test_an_empty_answer_for_a_key_that_is_there_says_what_was_asked(bundled_store_path: Path) -> None:
    r = run_cli("query", "accountable-for-scope", "--param", "scope=npfit-delivery", "--param", "year=2030",
                store=bundled_store_path)
    assert r.code == 0 and "0 rows" in r.out
    assert "note: no rows for scope=npfit-delivery, year=2030 (the scope npfit-delivery is in the graph" in r.err


def test_show_prints_the_query_without_looking_the_key_up(bundled_store_path: Path) -> None:
    r = run_cli("query", "body-lineage", "--param", "body=not-yet-ingested", "--show", store=bundled_store_path)
    assert r.code == 0 and "id/body/not-yet-ingested" in r.out


# ------------------------------------------------------------------------------------------- every backend
def test_the_key_check_gives_the_same_answer_on_every_backend(bundled_backend: Backend) -> None:
    get_query("body-lineage").check(bundled_backend, {"body": "nhs-digital"})
    with pytest.raises(UnknownKeyError) as caught:
        get_query("body-lineage").check(bundled_backend, {"body": "nhs-digitl"})
    assert caught.value.exit_code == 2
    assert caught.value.suggestions[0].key == "nhs-digital"
    with pytest.raises(UnknownKeyError):
        require(bundled_backend, "programme", "programme", "national-programme")
    with pytest.raises(UnknownKeyError):  # not an IRI at all: nothing is spliced into the ASK
        require(bundled_backend, "body", "body", "https://w3id.org/govkg/id/body/nhsx> ?p ?o } #")
    assert [k.key for k in list_keys(bundled_backend, KINDS["scope"], "npfit")][:2] == ["npfit-sro", "npfit-delivery"]


def test_every_kind_of_key_has_records_in_the_bundled_data(bundled_backend: Backend) -> None:
    for kind in KINDS.values():
        keys = list_keys(bundled_backend, kind)
        assert keys, f"no {kind.plural}"
        assert all(k.kind == kind.name and k.iri == kind.iri(k.key) for k in keys)


def test_every_canned_key_parameter_names_a_known_kind_and_its_default_is_in_the_graph(
        bundled_backend: Backend) -> None:
    from graph.queries import canned_queries

    for language in ("sparql", "cypher"):
        for q in canned_queries(language=language).values():
            q.check(bundled_backend)  # every default is a key of the bundled data


def test_a_parameter_naming_an_unknown_kind_is_refused_when_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text("# title: Q\n# param: x iri:widget = a -- a widget\nSELECT * { $x ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        parse_query_file(path)
    assert "no kind of key 'widget'" in caught.value.render() and "q.rq:2" in caught.value.render()


def test_nearest_prefers_keys_and_labels_that_contain_the_text() -> None:
    from graph.keys import Key

    keys = [Key("bt", "BT", "body", ""), Key("nhs-digital", "NHS Digital", "body", ""),
            Key("nhsx", "NHSX", "body", ""), Key("dhsc", "Department of Health and Social Care", "body", "")]
    assert [k.key for k in nearest("nhs digitl", keys)][:1] == ["nhs-digital"]
    assert [k.key for k in nearest("social care", keys)] == ["dhsc"]
    assert nearest("zzzz", keys) == []


# ------------------------------------------------------------------------------------------- analyses
def test_an_analysis_given_an_unknown_scope_or_programme_names_the_nearest(bundled_store_path: Path) -> None:
    r = run_cli("analyse", "overlaps", "--scope", "npfit", store=bundled_store_path)
    assert r.code == 2 and "no scope 'npfit'" in r.err and "nearest: npfit-sro" in r.err
    from graph.analytics.data import GovernanceData
    from graph.analytics.narrow import LessonFilter
    from graph.backends.embedded import Store

    with Store.open(bundled_store_path, read_only=True) as store:
        data = GovernanceData.load(store)
    with pytest.raises(UnknownKeyError, match=r"nearest: npfit \(National Programme for IT in the NHS\)"):
        LessonFilter.of({"programme": "npfitt"}).lessons(data)  # what coverage and recurring narrow by
    r = run_cli("analyse", "sro-turnover", "--department", "departmnt of health", store=bundled_store_path)
    assert r.code == 2 and "nearest: department-of-health (Department of Health)" in r.err


def test_an_entity_that_is_not_in_the_graph_names_the_nearest_records(bundled_store_path: Path) -> None:
    r = run_cli("entity", "conecting for helth", store=bundled_store_path)
    assert r.code == 2 and "nearest: body/nhs-connecting-for-health (NHS Connecting for Health)" in r.err
    r = run_cli("entity", "https://w3id.org/govkg/id/scope/npfit", store=bundled_store_path)
    assert r.code == 2 and "nearest: scope/npfit-sro" in r.err, "an IRI's kind narrows the suggestions"
    r = run_cli("entity", "zzzzqqq", store=bundled_store_path)
    assert r.code == 2 and "try a key like nhs-digital" in r.err


# ------------------------------------------------------------------------------------------- govkg keys
def test_keys_lists_the_scopes_with_their_labels(bundled_store_path: Path) -> None:
    r = run_cli("keys", "scopes", store=bundled_store_path)
    assert r.code == 0
    assert any(line.split()[:1] == ["national-digital-strategy"] and "National digital strategy" in line
               for line in r.out.splitlines())
    assert r.out.rstrip().endswith("scopes")


def test_keys_filters_by_text_and_prints_plain_json(bundled_store_path: Path) -> None:
    r = run_cli("keys", "programmes", "npfit", "--json", store=bundled_store_path)
    assert r.code == 0
    found = json.loads(r.out)
    assert found[0] == {"key": "npfit", "label": found[0]["label"], "kind": "programme",
                        "iri": "https://w3id.org/govkg/id/programme/npfit"}
    r = run_cli("keys", "bodies", "connecting for helth", store=bundled_store_path)
    assert r.out.splitlines()[0].startswith("nhs-connecting-for-health"), "a misspelling still finds it"
    for kind in ("themes", "people", "posts", "sources", "body"):
        assert run_cli("keys", kind, store=bundled_store_path).code == 0


def test_the_list_of_canned_queries_says_where_the_keys_are(bundled_store_path: Path) -> None:
    r = run_cli("query", store=bundled_store_path)
    assert r.code == 0 and "accountable-for-scope" in r.out and "`govkg keys scopes|" in r.out


def test_keys_says_when_nothing_matches(bundled_store_path: Path) -> None:
    r = run_cli("keys", "people", "qqqqzz", store=bundled_store_path)
    assert r.code == 0 and "no people match 'qqqqzz'" in r.out
    r = run_cli("keys", "people", "qqqqzz", "--json", store=bundled_store_path)
    assert json.loads(r.out) == [] and "no people match" in r.err


# ------------------------------------------------------------------------------------------- the JSON API
@pytest.fixture(scope="module")
def server(bundled_server: Any) -> Any:
    return bundled_server


def test_the_json_api_answers_an_unknown_key_with_404_and_the_nearest_keys(server: Any) -> None:
    status, body = get_json(server, "/api/queries/accountable-for-scope", scope="npfit")
    assert status == 404 and body["ok"] is False
    assert "no scope 'npfit'" in body["error"]
    assert {"npfit-delivery", "npfit-sro"} <= {s["key"] for s in body["suggestions"]}
    status, body = get_json(server, "/api/queries/accountable-for-scope", scope="npfit-delivery", year="2005")
    assert status == 200 and body["count"] > 0


def test_the_json_api_lists_the_kind_each_parameter_names(server: Any) -> None:
    status, body = get_json(server, "/api/queries")
    assert status == 200
    params = {q["name"]: {p["name"]: p["kind"] for p in q["params"]} for q in body["queries"]}
    assert params["accountable-for-scope"] == {"scope": "scope", "year": None}
    assert params["figures-about-programme"]["programme"] == "programme"


def test_the_json_api_sources_carry_their_report_as_json(server: Any) -> None:
    status, body = get_json(server, "/api/sources")
    assert status == 200
    reports = {s["key"]: s["report"] for s in body["sources"]}
    assert all(r is None or isinstance(r, dict) for r in reports.values())
    assert isinstance(reports["derived-accountability"], dict), "the derived view reports its counts"


# ------------------------------------------------------------------------------------------- govkg sources --json
def test_sources_json_is_plain_json_not_json_in_a_string(bundled_store_path: Path) -> None:
    r = run_cli("sources", "--json", store=bundled_store_path)
    assert r.code == 0
    sources = {s["key"]: s for s in json.loads(r.out)}
    assert all(not isinstance(s["report"], str) for s in sources.values())
    report = sources["derived-accountability"]["report"]
    assert isinstance(report, dict) and all(isinstance(v, int) for v in report.values())


# ------------------------------------------------------------------------------------------- the explorer
def test_the_console_says_when_an_example_names_a_key_not_in_the_graph(bundled_store_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    from support import open_view

    monkeypatch.setenv("GOVKG_STORE", str(bundled_store_path))
    monkeypatch.setenv("GOVKG_SEARCH_DIR", str(tmp_path / "search"))
    for name in ("GOVKG_BACKEND", "GOVKG_QUERY_TIMEOUT", "GOVKG_RESULT_LIMIT", "GOVKG_DATA"):
        monkeypatch.delenv(name, raising=False)
    at = open_view("sparql", example="accountable-for-scope", run="1", **{"p.scope": "npfit"})
    errors = " ".join(e.value for e in at.error)
    assert "there is no scope 'npfit' in the graph" in errors
    assert any("npfit-delivery" in c.value for c in at.caption)
    assert any(w.value.startswith("Not run") for w in at.warning), "the example is not run with the bad key"
