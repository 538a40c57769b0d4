"""End to end: `streamlit run app.py` on the bundled data, driven in headless Chromium with Playwright —
search a lesson, open a body, run a canned query. Screenshots go to tests/artifacts/.

Needs /usr/bin/chromium and the `playwright` package (its driver; `playwright install` is not used): without
them the test is skipped, and fails in CI (CI=true)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, need

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = pytest.mark.external


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def app_url(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "GOVKG_STORE": str(bundled_store_path),
           "GOVKG_SEARCH_DIR": str(tmp_path_factory.mktemp("e2e-search")), "HF_HUB_OFFLINE": "1"}
    env.pop("GOVKG_BACKEND", None)
    log = (tmp_path_factory.mktemp("e2e-log") / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            assert server.poll() is None, f"streamlit exited with {server.returncode}"
            assert time.monotonic() < deadline, "streamlit did not answer /_stcore/health within 60 s"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    need(Path(CHROMIUM).exists() and shutil.which("chromium") is not None, f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "the playwright package is not installed (pip install playwright)")
        raise
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=BROWSER_ARGS, viewport={"width": 1440, "height": 1300})
        yield context
        context.close()


SETTLED = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const shown = (e) => e.offsetParent !== null;  // charts in a tab not chosen are not drawn
  const drawn = (sel, inner) => [...document.querySelectorAll(sel)].filter(shown).every(e => e.querySelector(inner));
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && drawn('[data-testid=stVegaLiteChart]', 'canvas, svg')
    && drawn('[data-testid=stDataFrame]', '[data-testid=data-grid-canvas]');
}"""


def _shot(page: object, name: str) -> None:
    """A screenshot once the script has finished and every chart and table is drawn."""
    page.wait_for_function(SETTLED, timeout=60_000)  # type: ignore[attr-defined]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_search_a_lesson_open_a_body_and_run_a_canned_query(app_url: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # search a lesson
    page.goto(f"{app_url}/?view=lessons")
    box = page.get_by_label("Search lessons, findings and recommendations")
    box.fill("suppliers walked away from their contracts")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("results for “suppliers walked away from their contracts”").wait_for(timeout=180_000)
    page.get_by_role("button", name="Similar lessons").first.click()
    page.get_by_text("Similar lessons", exact=True).first.wait_for(timeout=60_000)
    page.get_by_text("Sources", exact=True).first.wait_for(timeout=60_000)
    assert "like=lesson" in page.url
    _shot(page, "lessons")

    # open a body: from the navigation, then pick one; its address restores it
    page.get_by_text("Bodies", exact=True).click()
    page.get_by_role("heading", name="NHS Digital").wait_for(timeout=60_000)
    page.get_by_label("Body").click()
    page.keyboard.type("NHSX")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="NHSX", exact=True).wait_for(timeout=60_000)
    assert "body=nhsx" in page.url
    _shot(page, "body")
    shared = page.url
    page.goto(shared)
    page.get_by_role("heading", name="NHSX", exact=True).wait_for(timeout=60_000)

    # run a canned query
    page.get_by_text("SPARQL console", exact=True).click()
    page.get_by_role("button", name="Run").click()
    page.locator("text=/\\d+ rows? in [0-9.]+ ms/").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Download CSV").wait_for(timeout=10_000)
    assert "run=1" in page.url and "example=accountable-for-scope" in page.url
    _shot(page, "sparql")

    page.goto(f"{app_url}/?view=accountability&date=2020-06-01")
    page.get_by_text("Overlaps on 2020-06-01").wait_for(timeout=60_000)
    _shot(page, "accountability")

    assert not errors, errors
    outside = {u for u in requested if not u.startswith(app_url) and not u.startswith(("data:", "blob:"))}
    assert not outside, f"the page fetched from outside the app (no CDN allowed): {sorted(outside)[:5]}"


# --------------------------------------------------------------------------------------------- the SPARQL console
CONSOLE_COUNTS = ("SELECT ?kind (COUNT(?b) AS ?bodies) WHERE {\n  ?b a gk:Body ; gk:bodyKind ?kind .\n}\n"
                  "GROUP BY ?kind ORDER BY DESC(?bodies)")
CONSOLE_LINKS = "SELECT ?body ?successor WHERE { ?body gk:succeededBy ?successor }"


def _editor(page: object) -> object:
    """The frame of the console's editor (YASQE in a Streamlit component)."""
    page.locator("iframe[src*='govkg_sparql_editor']").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    frame = page.frame_locator("iframe[src*='govkg_sparql_editor']")  # type: ignore[attr-defined]
    frame.locator(".CodeMirror").wait_for(timeout=60_000)
    return frame


def test_the_console_editor_completes_terms_and_shows_a_chart_and_a_graph(app_url: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{app_url}/?view=sparql&example=")
    editor = _editor(page)
    # type the start of a class name and ask for completion: the graph's own classes are offered
    editor.locator(".CodeMirror").click()  # type: ignore[attr-defined]
    page.keyboard.press("Control+a")
    page.keyboard.type("SELECT ?b WHERE { ?b a gk:Bo")
    page.keyboard.press("Control+Space")
    hints = editor.locator(".CodeMirror-hints li")  # type: ignore[attr-defined]
    hints.first.wait_for(timeout=30_000)
    offered = hints.all_inner_texts()
    assert "gk:Body" in offered, offered
    assert editor.locator(".cm-keyword").count() >= 2, "SPARQL keywords are coloured"  # type: ignore[attr-defined]
    page.keyboard.press("Escape")
    # a counting query runs with Ctrl-Enter; its chart and its table come back
    page.frame_locator("iframe[src*='govkg_sparql_editor']").locator(".CodeMirror").evaluate(
        "(el, text) => el.CodeMirror.setValue(text)", CONSOLE_COUNTS)
    editor.locator(".CodeMirror textarea").focus()  # type: ignore[attr-defined]
    page.keyboard.press("Control+Enter")
    page.locator("text=/\\d+ rows? in [0-9.]+ ms/").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Chart").click()
    page.get_by_text("Bar chart of bodies by kind").wait_for(timeout=30_000)
    page.locator("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg").first.wait_for(
        timeout=30_000)
    _shot(page, "sparql-chart")
    # two IRI columns come back as a graph
    page.frame_locator("iframe[src*='govkg_sparql_editor']").locator(".CodeMirror").evaluate(
        "(el, text) => el.CodeMirror.setValue(text)", CONSOLE_LINKS)
    editor.locator(".CodeMirror textarea").focus()  # type: ignore[attr-defined]
    page.keyboard.press("Control+Enter")
    page.get_by_role("tab", name="Graph").click()
    page.locator("text=/\\d+ nodes, \\d+ links/").first.wait_for(timeout=60_000)
    _shot(page, "sparql-graph")
    assert not errors, errors
    outside = {u for u in requested if not u.startswith(app_url) and not u.startswith(("data:", "blob:"))}
    assert not outside, f"the console fetched from outside the app: {sorted(outside)[:5]}"


# --------------------------------------------------------------------------------------------- YASGUI at /
@pytest.fixture(scope="module")
def endpoint_url(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from graph.endpoint import EndpointServer
    from graph.settings import Settings

    path = tmp_path_factory.mktemp("e2e-serve") / "store"
    shutil.copytree(bundled_store_path, path)
    settings = Settings.load({"store": str(path), "endpoint_workers": 2}, environ={})
    with EndpointServer(settings, port=0).start() as server:
        yield server.url


def test_yasgui_runs_a_canned_query_from_its_tab_and_shows_rows(endpoint_url: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{endpoint_url}/")
    page.locator(".yasgui .tabsList").wait_for(timeout=60_000)
    page.locator(".yasgui .tabsList a", has_text="Lineage of a body").first.click()
    page.locator(".yasqe_queryButton:visible").first.click()
    rows = page.locator(".yasr:visible table tbody tr")
    rows.first.wait_for(timeout=60_000)
    assert rows.count() >= 1
    assert page.locator(".yasr:visible").first.inner_text().count("NHS") >= 1
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "yasgui.png"), full_page=True)
    names = page.locator(".yasgui .tabsList a").all_inner_texts()
    assert sum(1 for n in names if n.strip()) >= 9, names  # the canned queries as tabs, and the first
    assert not errors, errors
    outside = {u for u in requested if not u.startswith(endpoint_url) and not u.startswith(("data:", "blob:"))}
    assert not outside, f"YASGUI fetched from outside the server: {sorted(outside)[:5]}"
