"""The JSON API of ``govkg serve``, tested against its own OpenAPI document.

The document must be valid OpenAPI 3.1, must name exactly the routes the server answers, and every JSON
answer (errors included) must validate against the schema the document gives for its path and status.
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import need
from graph.backends.embedded import Store
from graph.endpoint import EndpointServer
from graph.endpoint.execute import WorkerState, run_search
from graph.endpoint.jobs import SearchJob
from graph.endpoint.server import ROUTES
from graph.queries import canned_queries
from graph.settings import Settings

try:
    import openapi_schema_validator
    import openapi_spec_validator
except ImportError:  # the tests fail in CI (need), and are skipped elsewhere
    openapi_schema_validator = openapi_spec_validator = None  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _validators_installed() -> None:
    need(openapi_spec_validator is not None, "openapi-spec-validator is not installed")


@pytest.fixture(scope="module")
def store_copy(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "store"
    shutil.copytree(bundled_store_path, path)
    return path


@pytest.fixture(scope="module")
def server(store_copy: Path) -> Iterator[EndpointServer]:
    settings = Settings.load({"store": str(store_copy), "endpoint_workers": 2}, environ={})
    with EndpointServer(settings, port=0).start() as s:
        yield s


@pytest.fixture(scope="module")
def document(server: EndpointServer) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(get(server, "/api/openapi.json")[1])
    return data


def get(server: EndpointServer, path: str, **params: str) -> tuple[int, bytes, str]:
    url = server.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            return resp.status, resp.read(), resp.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers["Content-Type"]


def check(document: dict[str, Any], template: str, status: int, body: bytes, content_type: str) -> Any:
    """Validate ``body`` against the document's schema for ``GET template`` answering ``status``."""
    responses = document["paths"][template]["get"]["responses"]
    assert str(status) in responses, f"{template} answered {status}, which the document does not describe"
    assert content_type.split(";")[0] == "application/json"
    schema = responses[str(status)]["content"]["application/json"]["schema"]
    instance = json.loads(body)
    openapi_schema_validator.validate(instance, {**schema, "components": document["components"]},
                                      cls=openapi_schema_validator.OAS31Validator)
    return instance


def test_the_openapi_document_is_valid(document: dict[str, Any]) -> None:
    openapi_spec_validator.validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_document_names_exactly_the_routes_the_server_answers(document: dict[str, Any]) -> None:
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert documented == {r for r in ROUTES if r[1] != "/"}
    run = document["paths"]["/api/queries/{name}"]["get"]["parameters"][0]
    assert run["schema"]["enum"] == sorted(canned_queries())


def test_health_sources_and_queries_match_their_schemas(server: EndpointServer, document: dict[str, Any],
                                                        bundled_store_path: Path) -> None:
    health = check(document, "/api/health", *get(server, "/api/health"))
    assert health["workers_alive"] == health["workers"] == 2 and health["update"] is False
    sources = check(document, "/api/sources", *get(server, "/api/sources"))
    with Store.open(bundled_store_path, read_only=True) as store:
        assert {s["key"]: s["graph"] for s in sources["sources"]} == {k: s.graph for k, s in store.sources().items()}
        assert health["triples"] == store.triple_count()
    listed = check(document, "/api/queries", *get(server, "/api/queries"))
    assert [q["name"] for q in listed["queries"]] == list(canned_queries())


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_answers_with_its_rows(server: EndpointServer, document: dict[str, Any],
                                                  bundled_store_path: Path, name: str) -> None:
    answer = check(document, "/api/queries/{name}", *get(server, f"/api/queries/{name}"))
    canned = canned_queries()[name]
    with Store.open(bundled_store_path, read_only=True) as store:
        assert answer["rows"] == store.select(canned.bind({}))
    assert answer["params"] == {p.name: p.default for p in canned.params}
    assert answer["count"] == len(answer["rows"]) and answer["truncated"] is False


def test_canned_query_parameters_are_bound_and_checked(server: EndpointServer, document: dict[str, Any]) -> None:
    lineage = check(document, "/api/queries/{name}",
                    *get(server, "/api/queries/body-lineage", body="nhs-connecting-for-health"))
    assert lineage["params"] == {"body": "nhs-connecting-for-health"} and lineage["rows"]
    for params, text in (({"year": "twenty"}, "not a whole number"), ({"nope": "1"}, "unknown parameter")):
        status, body, ctype = get(server, "/api/queries/accountable-for-scope", **params)
        assert status == 400 and text in check(document, "/api/queries/{name}", status, body, ctype)["error"]
    status, body, ctype = get(server, "/api/queries/no-such-query")
    assert status == 404 and "known:" in check(document, "/api/queries/{name}", status, body, ctype)["hint"]
    status, body, ctype = get(server, "/api/queries/accountable-for-scope", scope="npfit")
    unknown = check(document, "/api/queries/{name}", status, body, ctype)
    assert status == 404 and "no scope 'npfit'" in unknown["error"]
    assert "npfit-delivery" in {s["key"] for s in unknown["suggestions"]}


def test_entities_and_their_errors_match_their_schemas(server: EndpointServer, document: dict[str, Any]) -> None:
    nhsx = check(document, "/api/entity", *get(server, "/api/entity", ref="NHSX"))
    assert nhsx["iri"] == "https://w3id.org/govkg/id/body/nhsx" and "gk:Body" in nhsx["types"]
    assert nhsx["referents"] == [] and any(a["kind"] == "responsible" for a in nhsx["accountabilities"])
    assert all(p["sources"] == ["curated-bodies"] for p in nhsx["properties"] if p["predicate"] == "rdfs:label")
    status, body, ctype = get(server, "/api/entity", ref="no such body anywhere")
    assert status == 404 and check(document, "/api/entity", status, body, ctype)["ok"] is False
    status, body, ctype = get(server, "/api/entity")
    assert status == 400 and "ref" in check(document, "/api/entity", status, body, ctype)["error"]


def test_analyses_match_their_schema_and_check_their_parameters(server: EndpointServer,
                                                               document: dict[str, Any]) -> None:
    sros = check(document, "/api/analyse/{name}", *get(server, "/api/analyse/sro-turnover", department="dh"))
    assert sros["params"] == {"department": "dh"} and sros["result"]["department"] == "Department of Health"
    assert {p["project"] for p in sros["result"]["projects"]} >= {"Senior responsible ownership of NPfIT"}
    changes = check(document, "/api/analyse/{name}", *get(server, "/api/analyse/changes", **{"from": "2020",
                                                                                              "to": "2012"}))
    result = changes["result"]
    assert "latest first" in result["note"] and result["start"] == "2012-01-01" and result["end"] == "2020-12-31"
    assert result["counts"]["unchanged"] == len(result["unchanged"]) > 0
    assert result["counts"]["hand-over steps"] == len(result["steps"])
    for params, status, text in (({"dept": "dh"}, 400, "has no parameter 'dept'"),
                                 ({"department": "Ministry of Magic"}, 404, "no department"),
                                 ({"to": "2020"}, 400, "from and to are required")):
        name = "changes" if "to" in params else "sro-turnover"
        answer = check(document, "/api/analyse/{name}", *get(server, f"/api/analyse/{name}", **params))
        assert answer["status"] == status and text in answer["error"], answer
    status, body, ctype = get(server, "/api/analyse/no-such-analysis")
    assert status == 404 and "known: sro-turnover" in check(document, "/api/analyse/{name}", status, body, ctype)["hint"]


def test_search_checks_its_parameters_before_it_runs(server: EndpointServer, document: dict[str, Any]) -> None:
    for params, text in (({}, "q is required"), ({"q": "x", "k": "0"}, "k must be"),
                         ({"q": "x", "mode": "fuzzy"}, "mode must be")):
        status, body, ctype = get(server, "/api/search", **params)
        assert status == 400 and text in check(document, "/api/search", status, body, ctype)["error"]


def test_search_is_501_without_the_search_package_and_calls_it_when_present(
        bundled_store_path: Path, document: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings.load({"store": str(bundled_store_path)}, environ={})
    state = WorkerState.open(settings)
    try:
        monkeypatch.setitem(sys.modules, "graph.search", None)  # as if graph.search were not there
        missing = run_search(SearchJob("supplier left", 3, "lexical"), state)
        assert missing.status == 501 and "not available" in json.loads(missing.body)["error"]
        check(document, "/api/search", missing.status, missing.body, missing.content_type)

        class FakeResult:
            def as_dict(self) -> dict[str, Any]:
                return {"query": "supplier left", "mode": "lexical", "k": 3,
                        "hits": [{"iri": "https://w3id.org/govkg/id/lesson/x", "score": 0.5, "title": "X"}]}

        class FakeSearcher:
            def search(self, q: str, *, k: int, mode: str) -> FakeResult:
                assert (q, k, mode) == ("supplier left", 3, "lexical")
                return FakeResult()

        state.searcher = FakeSearcher()
        found = run_search(SearchJob("supplier left", 3, "lexical"), state)
        assert check(document, "/api/search", found.status, found.body, found.content_type)["hits"]
    finally:
        state.close()
