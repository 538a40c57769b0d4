"""The explorer on a remote backend: every view through Streamlit's AppTest against Apache Jena Fuseki (started by
scripts/servers/fuseki.sh, as in tests/test_backends.py) holding the bundled data in a catalog of its own.

Each view is opened on the SPARQL server and on the embedded store with the same bundled data, and shows the same
numbers: sources and triples, a body's accountabilities, the accountability matrix, a canned query's rows, the
neighbourhood, the provenance, the data-quality report, the analytics. The console stops a runaway query at its
timeout; a change made by another writer is seen; an empty catalog is filled on the first run; a server that
refuses writes or does not answer gets a clear message. Without Fuseki the tests skip, except in CI (``CI`` set),
where they fail.
"""

from __future__ import annotations

import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support import frame, open_view, texts

import graph.backends.remote
from conftest import CURATED, ROOT
from graph.backends.remote import RemoteBackend
from ingest.pipeline import ingest

pytestmark = [pytest.mark.external, pytest.mark.slow]

APP = str(ROOT / "app.py")
TIMEOUT = 300  # seconds for one run: the first search loads the language model and builds the index
VIEWS = ("overview", "body", "accountability", "lessons", "sparql", "graph", "provenance", "quality", "analytics")
SETTINGS_ENV = ("GOVKG_BACKEND", "GOVKG_STORE", "GOVKG_DATA", "GOVKG_SEARCH_DIR", "GOVKG_SEARCH_CACHE",
                "GOVKG_QUERY_TIMEOUT", "GOVKG_RESULT_LIMIT", "GOVKG_SPARQL_QUERY_URL", "GOVKG_SPARQL_UPDATE_URL",
                "GOVKG_SPARQL_GSP_URL", "GOVKG_SPARQL_CATALOG", "GOVKG_SPARQL_USER", "GOVKG_SPARQL_PASSWORD",
                "XDG_DATA_HOME")
SMALL = ("bodies.yaml", "sources.yaml", "themes.yaml")  # a part of the bundled data that stands alone
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _catalog(name: str) -> str:
    return f"https://w3id.org/govkg/graph/catalog/{name}-{uuid.uuid4().hex[:10]}"


def remote_env(urls: dict[str, str], catalog: str, **more: str) -> dict[str, str]:
    return {"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": urls["query_url"],
            "GOVKG_SPARQL_UPDATE_URL": urls["update_url"], "GOVKG_SPARQL_GSP_URL": urls["gsp_url"],
            "GOVKG_SPARQL_CATALOG": catalog, **more}


@pytest.fixture(scope="session")
def on_fuseki(fuseki: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The settings of a catalog on Fuseki holding the bundled data (ingested once per session); no embedded
    store (GOVKG_STORE names a folder that does not exist) and no search folder (the index is kept in the user
    data folder, XDG_DATA_HOME here)."""
    catalog = _catalog("app")
    with RemoteBackend(**fuseki, catalog=catalog, timeout=120).open() as backend:
        assert ingest(backend, [CURATED]).total_triples > 5000
    yield remote_env(fuseki, catalog, GOVKG_STORE=str(tmp_path_factory.mktemp("unused") / "no-store"),
                     XDG_DATA_HOME=str(tmp_path_factory.mktemp("user-data")))


@pytest.fixture(scope="session")
def on_embedded(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {"GOVKG_STORE": str(bundled_store_path), "GOVKG_SEARCH_DIR": str(tmp_path_factory.mktemp("search"))}


@dataclass
class Apps:
    """Opens a view by its URL with the settings of one backend in the environment (AppTest reads them there)."""

    monkeypatch: pytest.MonkeyPatch
    remote_settings: dict[str, str]
    embedded_settings: dict[str, str]

    def run(self, env: dict[str, str], view: str | None, **params: str) -> AppTest:
        self.use(env)
        return open_view(view, run_timeout=TIMEOUT, **params)

    def use(self, env: dict[str, str]) -> None:
        for name in SETTINGS_ENV:
            self.monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)

    def remote(self, view: str, **params: str) -> AppTest:
        return self.run(self.remote_settings, view, **params)

    def embedded(self, view: str, **params: str) -> AppTest:
        return self.run(self.embedded_settings, view, **params)

    def both(self, view: str, **params: str) -> tuple[AppTest, AppTest]:
        """(on the SPARQL server, on the embedded store)."""
        return self.remote(view, **params), self.embedded(view, **params)


@pytest.fixture
def apps(monkeypatch: pytest.MonkeyPatch, on_fuseki: dict[str, str], on_embedded: dict[str, str]) -> Apps:
    return Apps(monkeypatch, on_fuseki, on_embedded)


def rows(table: pd.DataFrame, concat: tuple[str, ...] = ()) -> list[str]:
    """A table's rows as sorted text, to compare tables whose row order the backends may not share; the
    ``concat`` columns hold GROUP_CONCAT lists, whose order SPARQL leaves open."""
    records = table.astype(str).to_dict("records")
    for record in records:
        for column in concat:
            record[column] = " ".join(sorted(record[column].split()))
    return sorted(repr(sorted(r.items())) for r in records)


def counts(at: AppTest) -> tuple[int, int]:
    """(sources, triples) from the sidebar."""
    for caption in at.sidebar.caption:
        found = re.match(r"(\d+) sources, ([\d,]+) triples", caption.value)
        if found:
            return int(found.group(1)), int(found.group(2).replace(",", ""))
    raise AssertionError("no counts in the sidebar")


def sidebar_help(at: AppTest) -> str:
    return next(c.proto.help for c in at.sidebar.caption if " triples " in c.value)


# ------------------------------------------------------------------------------------------------ every view
def test_every_view_renders_on_the_sparql_server_with_the_same_counts(apps: Apps) -> None:
    for view in VIEWS:
        remote, embedded = apps.both(view)
        assert remote.sidebar.radio(key="nav.view").value == view
        assert not remote.error, (view, [e.value for e in remote.error])
        assert counts(remote) == counts(embedded), view
    sources, triples = counts(remote)
    assert sources >= 14 and triples > 5000  # the bundled data: 13 curated files and the ontology
    assert f"triples (read-only) from {apps.remote_settings['GOVKG_SPARQL_QUERY_URL']}" in remote.sidebar.caption[1].value
    assert "The SPARQL server at " in sidebar_help(remote) and "Apache Jena Fuseki" in sidebar_help(remote)


def test_overview_shows_the_same_records_and_sources(apps: Apps) -> None:
    remote, embedded = apps.both("overview")
    assert {m.label: m.value for m in remote.metric} == {m.label: m.value for m in embedded.metric}
    assert {m.label: m.value for m in remote.metric}["Bodies"] == "47"
    for columns in (("source", "licence", "publisher"), ("source", "ingester", "origin")):
        left, right = frame(remote, *columns), frame(embedded, *columns)
        assert sorted(left["source"]) == sorted(right["source"]), columns
    assert len(remote.get("vega_lite_chart")) == 2


def test_body_page_shows_the_same_lineage_and_accountabilities(apps: Apps) -> None:
    remote, embedded = apps.both("body", body="nhs-digital")
    assert remote.title[0].value == "NHS Digital"
    for columns in (("scope", "kind", "holder", "certainty"), ("side", "from", "to"), ("recommendation", "via")):
        assert rows(frame(remote, *columns)) == rows(frame(embedded, *columns)), columns
    accountabilities = frame(remote, "scope", "kind", "holder", "certainty")
    assert "Delivery of national digital systems" in set(accountabilities["scope"])


def test_accountability_matrix_and_changes_are_the_same(apps: Apps) -> None:
    remote, embedded = apps.both("accountability", date="2020-06-01", **{"from": "2015-01-01"})
    matrix = frame(remote, "scope", "Department of Health and Social Care").set_index("scope")
    assert "responsible" in matrix.loc["National digital strategy for health and care", "NHSX"]
    assert rows(frame(remote, "scope", "Department of Health and Social Care")) == rows(
        frame(embedded, "scope", "Department of Health and Social Care"))
    assert rows(frame(remote, "scope", "kind", "holders")) == rows(frame(embedded, "scope", "kind", "holders"))


# ------------------------------------------------------------------------------------------------ console
def test_console_gives_a_canned_querys_rows(apps: Apps) -> None:
    remote, embedded = apps.both("sparql", example="body-lineage", run="1")
    assert "NHS England" in set(frame(remote)["toLabel"])
    assert rows(frame(remote)) == rows(frame(embedded))
    assert " rows** in **" in texts(remote)
    assert {"Download CSV", "Download JSON"} <= {d.proto.label for d in remote.get("download_button")}
    remote, embedded = apps.both("sparql", example="accountable-for-scope", run="1", **{"p.year": "2008"})
    assert "Department of Health" in set(frame(remote)["holderLabel"])
    assert rows(frame(remote), ("sources",)) == rows(frame(embedded), ("sources",))
    choices = remote.selectbox(key="sparql.accountable-for-scope.scope").options
    assert choices == embedded.selectbox(key="sparql.accountable-for-scope.scope").options and len(choices) > 5


def test_console_says_when_a_result_is_truncated(apps: Apps) -> None:
    at = apps.remote("sparql", query="SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limit="5", run="1")
    assert any("Truncated at 5 rows" in w.value for w in at.warning)
    assert len(frame(at)) == 5
    at = apps.remote("sparql", query="SELECT ?s WHERE { ?s a gk:Body } LIMIT 3", limit="5", run="1")
    assert not at.warning and len(frame(at)) == 3


def test_console_stops_a_runaway_query_at_its_timeout(apps: Apps) -> None:
    started = time.perf_counter()
    at = apps.remote("sparql", query=CROSS_PRODUCT, timeout="1.0", run="1")
    assert at.error and at.error[0].value.startswith("Timeout: the query was stopped after 1 s"), \
        [e.value for e in at.error]
    assert time.perf_counter() - started < 15
    at = apps.remote("sparql", query="ASK { ?s ?p ?o }", run="1")  # the server answers the next query at once
    assert frame(at).iloc[0]["answer"] == "yes"
    # not still busy with the stopped query, which would run for minutes: a bound on behaviour, not on speed
    assert float(re.search(r"in \*\*([\d.]+) ms", texts(at)).group(1)) < 10_000  # type: ignore[union-attr]


def test_console_reports_a_bad_query_clearly(apps: Apps) -> None:
    at = apps.remote("sparql", query="SELECT * WHERE { ?s ?p }", run="1")
    assert at.error and at.error[0].value.startswith("The query cannot run: the SPARQL server refused the query")


# ------------------------------------------------------------------------------------------------ other views
def test_graph_view_draws_the_same_neighbourhood(apps: Apps) -> None:
    remote, embedded = apps.both("graph", node="body/nhsx")
    assert rows(frame(remote, "from", "relation", "to")) == rows(frame(embedded, "from", "relation", "to"))
    assert len(remote.get("vega_lite_chart")) == 1
    at = apps.remote("graph", node="body/nhsx", rel="gk:holder", cap="5")
    assert set(frame(at, "from", "relation", "to")["relation"]) == {"gk:holder"}


def test_provenance_leads_to_the_same_documents(apps: Apps) -> None:
    remote, embedded = apps.both("provenance", fact="accountability/dh-npfit-accountable")
    assert "certainty: **inferred**" in texts(remote)
    assert "Committee of Public Accounts report HC 1070" in texts(remote)
    assert [m.value for m in remote.markdown] == [m.value for m in embedded.markdown]
    ingested = frame(remote, "source", "origin", "ingested at")
    assert set(ingested["source"]) == {"curated-accountabilities"}


def test_data_quality_gives_the_same_reports(apps: Apps) -> None:
    remote, embedded = apps.both("quality")
    assert "The store conforms" in texts(remote) and "No problems reported by the ingesters" in texts(remote)
    assert rows(frame(remote, "source", "ingester", "report")) == rows(frame(embedded, "source", "ingester", "report"))


def test_analytics_give_the_same_results(apps: Apps) -> None:
    remote, embedded = apps.both("analytics", tab="network")
    assert rows(frame(remote, "body", "pagerank")) == rows(frame(embedded, "body", "pagerank"))
    remote, embedded = apps.both("analytics", tab="orphans")
    assert rows(frame(remote, "body", "closed")) == rows(frame(embedded, "body", "closed"))
    remote, embedded = apps.both("analytics", tab="coverage")
    assert rows(frame(remote, "lesson", "status")) == rows(frame(embedded, "lesson", "status"))


def test_lesson_search_runs_on_the_servers_data_with_its_index_kept_here(apps: Apps) -> None:
    remote, embedded = apps.both("lessons", q="suppliers left their contracts")
    assert "results for “suppliers left their contracts”" in texts(remote)
    kept = Path(apps.remote_settings["XDG_DATA_HOME"]) / "govkg" / "servers"
    assert [p.name for p in kept.glob("*/search")] == ["search"]  # the index of the server's data, on disk here

    def hits(at: AppTest) -> list[str]:
        return [m.value.split("  \n")[0] for m in at.markdown if ":gray[" in m.value and m.value.startswith("**")]

    assert hits(remote) and hits(remote) == hits(embedded)
    first = next(b for b in remote.button if b.key and b.key.startswith("like."))
    first.click().run()
    assert not remote.exception
    assert "Similar lessons" in texts(remote) and "**Sources**" in texts(remote)


# ------------------------------------------------------------------------------------------------ versions
def _small(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for name in SMALL:
        (folder / name).write_bytes((CURATED / name).read_bytes())
    return folder


def test_a_change_made_by_another_writer_is_seen(apps: Apps, fuseki: dict[str, str],
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = _catalog("changes")
    env = remote_env(fuseki, catalog, GOVKG_STORE=str(tmp_path / "no-store"))
    with RemoteBackend(**fuseki, catalog=catalog).open() as writer:  # e.g. `govkg ingest` on another machine
        ingest(writer, [_small(tmp_path)])
        monkeypatch.setattr(graph.backends.remote, "STAMP_SECONDS", 60.0)
        assert counts(apps.run(env, "overview"))[0] == 4
        writer.remove_sources(["curated-themes"])
        at = apps.run(env, "overview")
        assert counts(at)[0] == 4  # the catalog is read again at most every STAMP_SECONDS
        monkeypatch.setattr(graph.backends.remote, "STAMP_SECONDS", 0.0)
        at.run()
        assert not at.exception and counts(at)[0] == 3
        ingest(writer, [tmp_path / "data"])
        at.run()
        assert counts(at)[0] == 4


# ------------------------------------------------------------------------------------------------ first run
def _first_run_only() -> None:
    from explorer.startup import first_run
    from graph.settings import Settings

    first_run(Settings.load())


def test_an_empty_catalog_on_the_server_is_filled_with_the_bundled_data_first(
        apps: Apps, fuseki: dict[str, str], tmp_path: Path) -> None:
    env = remote_env(fuseki, _catalog("first"), GOVKG_DATA=str(_small(tmp_path)),
                     GOVKG_STORE=str(tmp_path / "no-store"))
    apps.use(env)
    at = AppTest.from_function(_first_run_only, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "is empty" in at.info[0].value and "on the SPARQL server" in at.info[0].value
    assert at.status[0].label.startswith("Ingested 4 sources")
    at = apps.run(env, None)  # the catalog has sources now: the overview opens at once
    assert at.title[0].value.startswith("GovKG") and counts(at)[0] == 4
    assert not (tmp_path / "no-store").exists()  # nothing was written to an embedded store


def test_the_whole_first_run_goes_from_ingest_to_the_overview(apps: Apps, fuseki: dict[str, str],
                                                              tmp_path: Path) -> None:
    env = remote_env(fuseki, _catalog("app-first"), GOVKG_DATA=str(_small(tmp_path)),
                     GOVKG_STORE=str(tmp_path / "no-store"))
    at = apps.run(env, None)  # ingests, then reruns into the overview
    assert at.title[0].value.startswith("GovKG") and at.metric[0].value == "47"


def test_a_server_that_refuses_writes_gets_the_command_that_loads_it(
        apps: Apps, fuseki: dict[str, str], tmp_path: Path) -> None:
    refusing = {**fuseki, "update_url": fuseki["query_url"]}  # Fuseki's query service takes no updates
    env = remote_env(refusing, _catalog("refused"), GOVKG_DATA=str(_small(tmp_path)),
                     GOVKG_STORE=str(tmp_path / "no-store"))
    at = apps.run(env, None)
    assert any("refused an update" in e.value for e in at.error), [e.value for e in at.error]
    commands = [c.value for c in at.code]
    assert commands and "GOVKG_BACKEND=remote" in commands[0] and "govkg ingest" in commands[0]
    assert f"GOVKG_SPARQL_QUERY_URL={fuseki['query_url']}" in commands[0]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_does_not_answer_or_missing_settings_get_a_clear_message(apps: Apps) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/govkg/query"
    at = apps.run({"GOVKG_BACKEND": "remote", "GOVKG_SPARQL_QUERY_URL": url}, None)
    assert at.error and at.error[0].value.startswith("The store cannot be read: the SPARQL server at")
    assert "does not answer" in at.error[0].value
    at = apps.run({"GOVKG_BACKEND": "remote"}, None)
    assert at.error and "GOVKG_SPARQL_QUERY_URL" in " ".join([e.value for e in at.error] + [c.value for c in at.caption])

