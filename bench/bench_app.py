"""How fast the explorer's pages render, cold and warm, on the full bundled graph (the curated data and the four
public datasets, reconciled, with the search index: what `govkg ingest` loads).

    python bench/bench_app.py                  # ingest the bundled data into a temp store, measure, write bench/app.md
    python bench/bench_app.py --store PATH     # measure on an existing store (opened read-only)
    python bench/bench_app.py --no-browser     # the script runs only (AppTest), no Chromium

Two measures for every view, each opened by its URL as a shared link would:

* **script** — Streamlit's AppTest runs app.py in this process: the first run of a view (cold: it fills the
  caches, loads the language model for the lessons search, starts the SPARQL query worker) and then the median
  of --reps reruns (warm: a user clicking around a page).
* **browser** — `streamlit run app.py` on a free port, headless Chromium (Playwright): from navigation until
  the view's title is drawn, Streamlit has finished the script and Vega has drawn every chart, after one
  warm-up visit (so the server's caches are warm, as for any user after the first), median of --reps visits.

The targets (issues 6 and 15): a warm page renders in under 2 s, and a first open in under 5 s, on this machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 2.0
FIRST_TARGET_SECONDS = 5.0
VIEWS: list[tuple[str, dict[str, str], str]] = [  # view, URL parameters, the title it shows
    ("overview", {}, "GovKG: NHS digital governance at a glance"),
    ("body", {"body": "nhs-digital"}, "NHS Digital"),
    ("accountability", {"date": "2020-06-01"}, "Who was accountable for what, on a given day"),
    ("lessons", {"q": "suppliers walked away from their contracts"}, "Lessons learned"),
    ("sparql", {"example": "accountable-for-scope", "run": "1"}, "SPARQL console"),
    ("graph", {"node": "body/nhsx"}, "Graph neighbourhood"),
    ("provenance", {"fact": "accountability/nhsx-national-digital-strategy"}, "Provenance"),
    ("quality", {}, "Data quality"),
    ("analytics", {"tab": "coverage"}, "Are the lessons applied?"),
    ("analytics", {"tab": "recurring"}, "Are the lessons applied?"),
]


def label(view: str, params: dict[str, str]) -> str:
    """A view's name in the tables (the analytics page once per tab)."""
    return f"{view} ({params['tab']})" if "tab" in params else view
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]


def build_store(folder: Path) -> Path:
    """The full bundled graph, as `govkg ingest` loads it (curated data, datasets, reconciliation, index)."""
    from graph.backends.embedded import Store
    from graph.settings import Settings
    from ingest.default import ingest_default, refresh_index

    path = folder / "store"
    settings = Settings.load({"store": str(path)})
    with Store.open(path) as store:
        ingest_default(store, settings)
        refresh_index(store, settings)
    return path


def script_times(reps: int) -> dict[str, tuple[float, float]]:
    """(cold, warm median) seconds of an AppTest run per view."""
    from streamlit.testing.v1 import AppTest

    out = {}
    for view, params, _title in VIEWS:
        name = label(view, params)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.query_params.update({"view": view, **params})
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{name}: {at.exception[0].value}")
        warm = []
        for _ in range(reps):
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        out[name] = (cold, statistics.median(warm))
        print(f"script  {name:<22} cold {cold:7.2f} s   warm {out[name][1]:6.3f} s", flush=True)
    return out


def browser_times(store: Path, reps: int) -> dict[str, dict[str, tuple[float, float]]]:
    """Seconds until a view is drawn, (first, warm median), three ways: opened by its URL in a new page load,
    reached from the sidebar (a rerun in the same session), and a lessons search submitted."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {**os.environ, "GOVKG_STORE": str(store)}
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
             str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        out: dict[str, dict[str, tuple[float, float]]] = {"url": {}, "sidebar": {}, "search": {}}
        try:
            _wait_healthy(url, server)
            with sync_playwright() as pw:
                context = pw.chromium.launch_persistent_context(
                    str(Path(tmp) / "profile"), executable_path="/usr/bin/chromium", headless=True,
                    args=BROWSER_ARGS, viewport={"width": 1440, "height": 1000})
                page = context.new_page()
                for view, params, title in VIEWS:
                    name = label(view, params)
                    query = "&".join(f"{k}={v}" for k, v in {"view": view, **params}.items())
                    first = _visit(page, lambda q=query: page.goto(f"{url}/?{q}"), title)
                    warm = [_visit(page, lambda q=query: page.goto(f"{url}/?{q}"), title) for _ in range(reps)]
                    out["url"][name] = (first, statistics.median(warm))
                    print(f"browser url     {name:<22} first {first:6.2f} s   warm {out['url'][name][1]:6.2f} s",
                          flush=True)
                # the sidebar opens a view on its first tab
                by_sidebar = [(v, p, t) for v, p, t in VIEWS if p.get("tab", "coverage") == "coverage"]
                rounds: dict[str, list[float]] = {label(v, p): [] for v, p, _t in by_sidebar}
                for _ in range(reps + 1):
                    for view, params, title in by_sidebar:
                        nav = NAV_LABELS[view]
                        rounds[label(view, params)].append(_visit(page, lambda lb=nav: page.locator(
                            "[data-testid=stSidebar]").get_by_text(lb, exact=True).click(), title))
                for view, times in rounds.items():
                    out["sidebar"][view] = (times[0], statistics.median(times[1:]))
                    print(f"browser sidebar {view:<15} first {times[0]:6.2f} s   warm {out['sidebar'][view][1]:6.2f} s",
                          flush=True)
                page.goto(f"{url}/?view=lessons")
                searches = []
                for n in range(reps + 1):
                    box = page.get_by_label("Search lessons, findings and recommendations")
                    box.fill(SEARCHES[n % len(SEARCHES)])
                    searches.append(_visit(page, lambda: page.get_by_role("button", name="Search").click(),
                                           f"results for “{SEARCHES[n % len(SEARCHES)]}”", heading=False))
                out["search"]["lessons search"] = (searches[0], statistics.median(searches[1:]))
                print(f"browser search  first {searches[0]:6.2f} s   warm {out['search']['lessons search'][1]:6.2f} s")
                context.close()
            return out
        finally:
            server.terminate()
            server.wait(10)


NAV_LABELS = {"overview": "Overview", "body": "Bodies", "accountability": "Accountability", "lessons": "Lessons",
              "sparql": "SPARQL console", "graph": "Graph", "provenance": "Provenance", "quality": "Data quality",
              "analytics": "Analytics"}
SEARCHES = ("suppliers walked away from their contracts", "nobody owned the national strategy",
            "local trusts were not consulted", "costs were never fully counted")


def _visit(page: Any, act: Any, marker: str, *, heading: bool = True) -> float:
    """Seconds from ``act()`` until ``marker`` (a heading, or any text) shows, the script has finished and every
    chart is drawn."""
    started = time.perf_counter()
    act()
    found = page.get_by_role("heading", name=marker) if heading else page.get_by_text(marker)
    found.first.wait_for(timeout=300_000)  # this view's script is running
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=300_000)
    page.wait_for_function(DRAWN, timeout=300_000)
    return time.perf_counter() - started


# the charts on screen (a chart in a tab not shown, such as the console's chart view behind its table, is drawn
# only when its tab is opened)
DRAWN = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')]
                 .filter(chart => chart.offsetParent !== null)
                 .every(chart => chart.querySelector('canvas, svg'))"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("streamlit did not answer /_stcore/health within 60 s")


def report(script: dict[str, tuple[float, float]], browser: dict[str, dict[str, tuple[float, float]]] | None,
           reps: int, store: str, load: str = "") -> str:
    lines = [
        "# Explorer render times", "",
        f"Measured {dt.date.today().isoformat()} by `python bench/bench_app.py` on {platform.node()} "
        f"({os.cpu_count()} CPUs, Python {platform.python_version()}), on the full bundled graph: the curated data "
        f"and the four public datasets, reconciled, with the search index (store: {store}). Seconds; warm = median "
        f"of {reps} after the first. Targets (issues 6 and 15): a warm page renders in under {TARGET_SECONDS:g} s, "
        f"a first open in under {FIRST_TARGET_SECONDS:g} s. Load average {load}.", "",
        "| view | script cold | script warm | sidebar click, first | **sidebar click, warm** | new page load, first "
        "| new page load, warm |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    nan = (float("nan"), float("nan"))
    for view, params, _title in VIEWS:
        name = label(view, params)
        cold, warm = script[name]
        side = browser["sidebar"].get(name, nan) if browser else nan
        opened = browser["url"].get(name, nan) if browser else nan
        mark = "" if side[1] != side[1] else (" ✓" if side[1] < TARGET_SECONDS else " ✗")
        first_mark = "" if opened[0] != opened[0] else (" ✓" if opened[0] < FIRST_TARGET_SECONDS else " ✗")
        lines.append(f"| {name} | {cold:.2f} | {warm:.3f} | {side[0]:.2f} | **{side[1]:.2f}**{mark} | "
                     f"{opened[0]:.2f}{first_mark} | {opened[1]:.2f} |")
    if browser:
        first, warm = browser["search"]["lessons search"]
        lines += ["", f"A lessons search submitted from the page (semantic, hybrid, 10 results), after "
                      f"the model was loaded by the visits above: first {first:.2f} s, warm {warm:.2f} s."]
    lines += ["",
              "- *script*: AppTest runs app.py in this process: cold = the first run of the view (it fills the "
              "caches: the analytics' records, the SHACL report, the language model for lessons search, the SPARQL "
              "query worker); warm = a rerun (what Streamlit does on every click).",
              "- *sidebar click*: in headless Chromium against `streamlit run`, from a click on the view in the "
              "sidebar until its title is drawn, the script has finished and Vega has drawn every chart — how a "
              "user moves around the explorer. This is the warm page render the target is about.",
              "- *new page load*: the same, from opening the view's URL in a new page load: it adds Streamlit's "
              "start-up in the browser (loading its JavaScript, opening the websocket, a new session), about 1-1.5 s "
              "here whatever the view.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="an existing store (default: ingest the bundled data into a temp folder)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--out", default=str(HERE / "app.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(args.store) if args.store else build_store(Path(tmp))
        os.environ["GOVKG_STORE"] = str(store)
        load = [os.getloadavg()[0]]
        script = script_times(args.reps)
        load.append(os.getloadavg()[0])
        browser = None if args.no_browser else browser_times(store, args.reps)
        load.append(os.getloadavg()[0])
        text = report(script, browser, args.reps, "temp folder" if not args.store else str(store),
                      "–".join(f"{x:.1f}" for x in (min(load), max(load))))
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
