"""The explorer, page by page, with Streamlit's AppTest on the bundled data (a store ingested once per session).

Each test opens a view by its URL (query parameters), as a shared link would, and checks what it shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import frame, open_view, texts

from conftest import CURATED, ROOT
from graph.backends.embedded import Store, catalog_stamp

APP = str(ROOT / "app.py")
TIMEOUT = 180  # seconds for one run: the first search loads the language model


@pytest.fixture(scope="session")
def app_env(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """GOVKG_STORE at the session's bundled store; the search index in a folder of its own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_STORE", str(bundled_store_path))
        mp.setenv("GOVKG_SEARCH_DIR", str(tmp_path_factory.mktemp("search")))
        for name in ("GOVKG_BACKEND", "GOVKG_QUERY_TIMEOUT", "GOVKG_RESULT_LIMIT", "GOVKG_DATA"):
            mp.delenv(name, raising=False)
        yield bundled_store_path


def charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


# ------------------------------------------------------------------------------------------------ overview
def test_overview_shows_counts_sources_with_licences_and_a_timeline(app_env: Path) -> None:
    at = open_view("overview")
    metrics = {m.label: m.value for m in at.metric}
    with Store.open(app_env, read_only=True) as store:
        bodies = store.select("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { ?b a gk:Body }")[0]["n"]
    assert metrics["Bodies"] == str(bodies)
    assert int(metrics["Lessons"]) > 30
    documents = frame(at, "source", "licence", "publisher")
    nao06 = documents[documents["source"] == "nao06"].iloc[0]
    assert nao06["date"] == "2006-06-01" and nao06["licence"] == "Open Government Licence v3.0"
    pac11 = documents[documents["source"] == "pac11"].iloc[0]
    assert pac11["licence"] == "Open Parliament Licence"
    assert charts(at) == 2  # the lifespans and the key events
    catalog = frame(at, "source", "ingester", "origin")
    assert "curated-bodies" in set(catalog["source"])


def test_overview_timeline_can_show_programmes_only_and_the_url_keeps_it(app_env: Path) -> None:
    at = open_view("overview")
    at.multiselect(key="overview.show").set_value(["programme"]).run()
    assert at.query_params["show"] == "programme"
    assert charts(at) == 2


# ------------------------------------------------------------------------------------------------ body page
def test_body_page_for_nhs_digital_shows_hscic_before_and_nhs_england_after(app_env: Path) -> None:
    at = open_view("body", body="nhs-digital")
    assert at.title[0].value == "NHS Digital"
    lineage = frame(at, "side", "from", "to")
    before = lineage[lineage["side"] == "before"]
    after = lineage[lineage["side"] == "after"]
    assert "Health and Social Care Information Centre" in set(before["from"])
    assert set(after["to"]) == {"NHS England"}
    assert "2016-08-01" in texts(at)  # its start date
    accountabilities = frame(at, "scope", "kind", "holder", "certainty")
    assert "Delivery of national digital systems" in set(accountabilities["scope"])
    recommendations = frame(at, "recommendation", "via")
    assert len(recommendations) >= 1 and "National Audit Office" in set(recommendations["made by"])
    assert charts(at) == 1  # accountabilities over time


def test_body_page_lists_recommendations_to_predecessors(app_env: Path) -> None:
    at = open_view("body", body="department-of-health-and-social-care")
    recommendations = frame(at, "recommendation", "via")
    assert {"this body", "a predecessor"} <= set(recommendations["via"])
    assert "Department of Health" in set(recommendations["addressed to"])


def test_picking_another_body_updates_the_page_and_its_url(app_env: Path) -> None:
    at = open_view("body", body="nhs-digital")
    at.selectbox(key="body.pick").set_value("body/nhsx").run()
    assert at.query_params["body"] == "nhsx"
    assert at.title[0].value == "NHSX"


def test_an_unknown_body_in_the_url_gets_a_clear_message(app_env: Path) -> None:
    at = open_view("body", body="no-such-body")
    assert "no body 'no-such-body'" in at.error[0].value


# ------------------------------------------------------------------------------------------------ accountability
def test_matrix_on_2020_06_01_shows_nhsx_responsible_for_national_digital_strategy(app_env: Path) -> None:
    at = open_view("accountability", date="2020-06-01")
    table = frame(at, "scope", "Department of Health and Social Care").set_index("scope")
    assert "responsible" in table.loc["National digital strategy for health and care", "NHSX"]
    overlaps = frame(at, "scope", "kind", "holders")
    assert "Standards and interoperability" in set(overlaps["scope"])
    assert charts(at) == 1


def test_moving_the_date_slider_shows_what_was_in_force_then(app_env: Path) -> None:
    at = open_view("accountability", date="2020-06-01")
    at.slider(key="acc.date").set_value(date(2007, 6, 1)).run()
    assert at.query_params["date"] == "2007-06-01"
    table = frame(at, "scope", "Department of Health").set_index("scope")
    assert "NHSX" not in table.columns
    assert "accountable" in table.loc["Delivery of the National Programme for IT", "Department of Health"]


def test_difference_between_two_dates_lists_the_hscic_transfer(app_env: Path) -> None:
    at = open_view("accountability", date="2020-06-01", **{"from": "2015-01-01"})
    assert len(frame(at, "scope", "holder", "kind", "start", "end")) > 0  # added, shown first
    at.segmented_control(key="acc.change").set_value("transferred").run()
    assert at.query_params["change"] == "transferred"
    transferred = frame(at, "from", "to", "path")
    row = transferred[transferred["scope"] == "Delivery of national digital systems"].iloc[0]
    assert row["from"] == "Health and Social Care Information Centre" and row["to"] == "NHS Digital"


def test_opened_on_an_early_day_the_comparison_runs_forwards_to_it(app_env: Path) -> None:
    at = open_view("accountability", date="2013-04-01")
    assert "From 2008-04-01 to 2013-04-01:" in texts(at) and not at.info
    assert at.query_params["from"] == "2008-04-01"


def test_a_reversed_period_is_swapped_with_a_note_and_counts_are_rows(app_env: Path) -> None:
    at = open_view("accountability", date="2020-06-01", **{"from": "2023-01-01"})
    assert "the dates were swapped" in at.info[0].value and "compared 2020-06-01 with 2023-01-01" in at.info[0].value
    at.segmented_control(key="acc.change").set_value("unchanged").run()
    unchanged = frame(at, "scope", "holder", "kind", "start", "end")
    assert f"{len(unchanged)} unchanged" in texts(at) and len(unchanged) > 0


def test_every_table_of_the_accountability_view_downloads_as_csv(app_env: Path) -> None:
    at = open_view("accountability", date="2020-06-01", **{"from": "2015-01-01"})
    buttons = at.get("download_button")
    tables = [d for d in [*at.dataframe, *at.table] if len(d.value)]
    assert len(buttons) >= len(tables) + 1  # and the matrix's cells
    sros = frame(at, "project", "SRO", "from", "to")
    assert "Sir David Nicholson" in set(sros["SRO"])  # the curated SROs of NPfIT
    assert "sources" in sros.columns and all(sros["sources"])


# ------------------------------------------------------------------------------------------------ lessons
def test_lesson_search_finds_lessons_and_shows_sources_similar_lessons_and_themes(app_env: Path) -> None:
    at = open_view("lessons", q="suppliers left their contracts")
    page = texts(at)
    assert "results for “suppliers left their contracts”" in page
    assert "Sources:" in page and charts(at) == 1  # the themes chart
    first = next(b for b in at.button if b.key and b.key.startswith("like."))
    first.click().run()
    assert not at.exception
    assert at.query_params["like"] == first.key.removeprefix("like.")
    page = texts(at)
    assert "Similar lessons" in page and "**Sources**" in page


def test_lesson_filters_keep_only_what_they_name(app_env: Path) -> None:
    at = open_view("lessons", q="governance", theme="governance", kind="lesson")
    results = [m.value for m in at.markdown if ":gray[" in m.value and m.value.startswith("**")]
    assert "results for “governance”" in texts(at)
    assert results and all(":gray[lesson" in r and "Governance" in r for r in results)


def test_an_empty_search_says_what_to_do(app_env: Path) -> None:
    at = open_view("lessons")
    at.text_input(key="lessons.q").set_value("   ")
    next(b for b in at.button if b.label == "Search").click().run()
    assert not at.exception
    assert any("The search is empty" in w.value for w in at.warning)


# ------------------------------------------------------------------------------------------------ SPARQL console
def test_console_runs_a_canned_query_with_its_default_parameters(app_env: Path) -> None:
    at = open_view("sparql", example="body-lineage")
    assert "nhs-digital" in at.session_state["sparql.text"]  # the text the editor (a component) shows
    at.button(key="sparql.run").click().run()
    assert not at.exception
    results = frame(at)
    assert "NHS England" in set(results["toLabel"])
    page = texts(at)
    assert " rows** in **" in page
    names = {d.proto.label for d in at.get("download_button")}
    assert {"Download CSV", "Download JSON"} <= names


def test_console_parameters_come_from_the_url_and_go_into_the_query(app_env: Path) -> None:
    at = open_view("sparql", example="accountable-for-scope", **{"p.year": "2008", "run": "1"})
    assert "2008" in at.session_state["sparql.text"]
    results = frame(at)
    assert "Department of Health" in set(results["holderLabel"])


def test_console_says_when_a_result_is_truncated(app_env: Path) -> None:
    at = open_view("sparql", query="SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limit="5", run="1")
    assert any("Truncated at 5 rows" in w.value for w in at.warning)
    assert len(frame(at)) == 5


def test_a_bad_query_gets_a_clear_message_not_a_traceback(app_env: Path) -> None:
    at = open_view("sparql", query="SELECT * WHERE { ?s ?p }", run="1")
    assert at.error and at.error[0].value.startswith("The query cannot run: SPARQL syntax error")
    message = at.error[0].value
    assert "line 1, column" in message and "[" not in message, "one readable line with the position"
    at = open_view("sparql", query="SELECT * WHERE { ?s nope:thing ?o }", run="1")
    assert "the prefix `nope:` is not declared" in at.error[0].value
    at = open_view("sparql", example="accountable-for-scope", limit="lots", timeout="soon", **{"p.year": "x"})
    assert not at.error  # malformed values in the address fall back to the defaults


def test_a_query_that_runs_too_long_is_stopped_at_the_timeout(app_env: Path) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    at = open_view("sparql", query=slow, timeout="1.0", run="1")
    assert at.error and at.error[0].value.startswith("Timeout: the query was stopped after 1 s")
    at = open_view("sparql", query="ASK { ?s ?p ?o }", run="1")  # the next query gets a fresh worker
    assert frame(at).iloc[0]["answer"] == "yes"


def test_console_results_come_as_a_chart_and_a_graph_where_they_can(app_env: Path) -> None:
    counts = "SELECT ?kind (COUNT(?b) AS ?bodies) WHERE { ?b a gk:Body ; gk:bodyKind ?kind } GROUP BY ?kind"
    at = open_view("sparql", query=counts, run="1")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1 and "Bar chart of bodies by kind" in texts(at)
    links = "SELECT ?from ?to WHERE { ?from gk:succeededBy ?to }"
    at = open_view("sparql", query=links, run="1")
    assert not at.exception and " nodes, " in texts(at)
    assert len(at.get("vega_lite_chart")) == 1, "no chart (nothing numeric), one graph"
    constructed = "CONSTRUCT { ?b gk:parent ?p } WHERE { ?b gk:parent ?p } LIMIT 20"
    at = open_view("sparql", query=constructed, run="1")
    assert not at.exception and " links; hover" in texts(at)


# ------------------------------------------------------------------------------------------------ graph view
def test_graph_view_draws_the_neighbourhood_and_expands_a_node(app_env: Path) -> None:
    at = open_view("graph", node="body/nhsx")
    assert charts(at) == 1
    assert any("nodes" in c.value and "links" in c.value for c in at.caption)
    at.selectbox(key="graph.pick").set_value("body/nhs-england-transformation-directorate").run()
    at.button(key="graph.expand").click().run()
    assert at.query_params["expand"] == "body/nhs-england-transformation-directorate"
    links = frame(at, "from", "relation", "to")
    assert "NHS England" in set(links["to"]) | set(links["from"])  # a neighbour of the expanded node


def test_graph_view_filters_by_relation_and_caps_the_nodes(app_env: Path) -> None:
    at = open_view("graph", node="body/nhsx", rel="gk:holder", cap="5")
    links = frame(at, "from", "relation", "to")
    assert set(links["relation"]) == {"gk:holder"}
    assert any("left out by the node cap" in c.value for c in at.caption)


def test_graph_view_for_an_unknown_node_says_so(app_env: Path) -> None:
    at = open_view("graph", node="no such thing at all")
    assert at.warning and "Nothing in the graph is named" in at.warning[0].value


# ------------------------------------------------------------------------------------------------ provenance
def test_provenance_leads_from_a_fact_to_its_documents(app_env: Path) -> None:
    at = open_view("provenance", fact="accountability/dh-npfit-accountable")
    page = texts(at)
    assert "certainty: **inferred**" in page
    assert "Committee of Public Accounts report HC 1070" in page and "Open Parliament Licence" in page
    assert "curated-accountabilities" in set(frame(at, "source", "origin", "ingested at")["source"])


def test_provenance_of_an_unknown_fact_says_so(app_env: Path) -> None:
    at = open_view("provenance", fact="lesson/no-such-lesson")
    assert at.error and "no entity named" in at.error[0].value


# ------------------------------------------------------------------------------------------------ data quality
def test_data_quality_shows_the_shacl_report_and_the_ingest_reports(app_env: Path) -> None:
    at = open_view("quality")
    page = texts(at)
    assert "The store conforms" in page
    assert "No problems reported by the ingesters" in page
    summary = frame(at, "source", "ingester", "report")
    assert "curated-bodies" in set(summary["source"])
    at = open_view("quality", by="source")
    assert at.query_params["by"] == "source"


# ------------------------------------------------------------------------------------------------ analytics
def test_analytics_shows_lessons_coverage_with_its_threshold(app_env: Path) -> None:
    at = open_view("analytics", tab="coverage")
    lessons = frame(at, "lesson", "status")
    assert len(lessons) >= 40
    assert set(lessons["status"]) <= {"covered", "partial", "not covered"} and "not covered" in set(lessons["status"])
    assert "threshold 0.6" in texts(at)


def test_analytics_network_and_orphans(app_env: Path) -> None:
    at = open_view("analytics", tab="network")
    bodies = frame(at, "body", "pagerank")
    assert "NHS England" in set(bodies["body"])
    assert len(at.get("download_button")) == 2
    at = open_view("analytics", tab="orphans")
    assert not at.exception


# ------------------------------------------------------------------------------------------------ the app
def test_every_view_opens_from_its_url_without_an_exception(app_env: Path) -> None:
    for view in ("overview", "body", "accountability", "lessons", "sparql", "graph", "provenance", "quality",
                 "analytics"):
        at = open_view(view)
        assert at.sidebar.radio(key="nav.view").value == view


def test_an_unknown_view_falls_back_to_the_overview(app_env: Path) -> None:
    at = open_view("nonsense")
    assert "There is no view 'nonsense'" in at.sidebar.warning[0].value
    assert at.title[0].value.startswith("GovKG")


def test_switching_views_starts_the_new_view_with_a_clean_address(app_env: Path) -> None:
    at = open_view("body", body="nhsx")
    at.sidebar.radio(key="nav.view").set_value("lessons").run()
    assert at.query_params.get("body") is None and at.query_params["view"] == "lessons"


def test_an_empty_store_is_filled_with_the_bundled_data_first(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    monkeypatch.setenv("GOVKG_STORE", str(store))
    monkeypatch.setenv("GOVKG_DATA", str(CURATED))
    monkeypatch.setenv("GOVKG_SEARCH_DIR", "")  # the index goes inside the new store
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()  # ingests, then reruns into the overview
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value.startswith("GovKG") and at.metric[0].value == "47"
    with Store.open(store, read_only=True) as opened:
        assert "curated-lessons" in opened.sources()


def _first_run_only() -> None:
    from explorer.startup import first_run
    from graph.settings import Settings

    first_run(Settings.load())


def test_the_first_run_shows_its_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = tmp_path / "data"
    small.mkdir()
    for name in ("bodies.yaml", "sources.yaml", "themes.yaml"):  # a part of the bundled data that stands alone
        (small / name).write_bytes((CURATED / name).read_bytes())
    monkeypatch.setenv("GOVKG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("GOVKG_DATA", str(small))
    monkeypatch.setenv("GOVKG_SEARCH_DIR", "")
    at = AppTest.from_function(_first_run_only, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "is empty" in at.info[0].value
    assert at.status[0].label.startswith("Ingested 4 sources")
    assert catalog_stamp(tmp_path / "store")


def test_a_store_in_use_gets_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store"
    monkeypatch.setenv("GOVKG_STORE", str(path))
    with Store.open(path):  # held open for writing, empty, by "another process"
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
    assert not at.exception
    assert any("in use by another process" in e.value for e in at.error)


def test_a_store_path_that_is_a_file_gets_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store"
    path.write_text("not a store")
    monkeypatch.setenv("GOVKG_STORE", str(path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert any("is a file, not a folder" in e.value for e in at.error)


def test_a_bad_setting_gets_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVKG_QUERY_TIMEOUT", "-1")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    assert "GOVKG_QUERY_TIMEOUT" in at.error[0].value
