"""Checks an installed GovKG from an empty folder (run by scripts/check_install.sh with the venv's python).

Argument: the venv's bin folder. Environment: GOVKG_STORE (a new folder), HF_HUB_OFFLINE=1.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BIN = Path(sys.argv[1])
GOVKG = str(BIN / "govkg")


def run(*args: str) -> str:
    done = subprocess.run([GOVKG, *args], capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        sys.exit(f"FAIL govkg {' '.join(args)} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"FAIL {what}")
    print(f"ok   {what}")


def main() -> None:
    import graph

    check("site-packages" in graph.__file__ and Path.cwd() not in Path(graph.__file__).parents,
          f"the package is imported from the install ({graph.__file__})")
    check(not any(Path.cwd().iterdir()), f"the working folder {Path.cwd()} is empty")

    from govkg_data import DATASETS_DIR
    from ingest.snapshot import bundled_manifest, verify

    problems = [p for d in bundled_manifest().datasets.values() for p in verify(d, d.bundled())]
    check(str(DATASETS_DIR).find("site-packages") >= 0 and not problems,
          f"the public datasets are installed with the package, each file as the manifest records it {problems}")

    started = time.perf_counter()
    summary = json.loads(run("ingest", "--json"))
    seconds = time.perf_counter() - started
    keys = {o["key"] for o in summary["sources"]}
    check({"curated-bodies", "curated-lessons", "curated-accountabilities", "ontology", "dataset-govuk-organisations",
           "dataset-ods-trusts", "dataset-gmpp", "dataset-llis", "reconciliation"} <= keys,
          f"govkg ingest loads the bundled data and datasets, reconciled ({len(keys)} sources, "
          f"{summary['total_triples']:,} triples, {seconds:.0f} s with the index)")
    counts = json.loads(run("stats", "--json"))["classes"]
    check(counts.get("Body", 0) >= 1400 and counts.get("Lesson", 0) >= 1600 and counts.get("Project", 0) >= 400,
          f"the graph holds {counts.get('Body', 0):,} bodies, {counts.get('Lesson', 0):,} lessons and "
          f"{counts.get('Project', 0):,} major projects")
    links = json.loads(run("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?a owl:sameAs ?b }", "--format", "json"))
    n_links = int(links["results"]["bindings"][0]["n"]["value"])
    check(n_links >= 40, f"the reconciliation links are there ({n_links} owl:sameAs)")
    index = summary.get("index", {})
    check(index.get("status") == "built" and index.get("items", 0) > 2500,
          f"the ingest built the search index ({index.get('items', 0):,} items, "
          f"{index.get('embedded', 0):,} texts embedded on {index.get('runtime')} in {index.get('seconds')} s)")

    folder = Path(os.environ["GOVKG_STORE"]) / "search" / "index"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    started = time.perf_counter()
    done = subprocess.run([GOVKG, "search", "clinicians were not engaged", "--json"], capture_output=True,
                          text=True, timeout=300, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"FAIL govkg search exited {done.returncode}:\n{done.stderr[-2000:]}")
    hits = json.loads(done.stdout)["hits"]
    check(bool(hits) and any(h["kind"] == "lesson" for h in hits[:5]),
          f"govkg search answers ({len(hits)} hits; first: {hits[0]['title'][:60] if hits else '-'}; {seconds:.1f} s)")
    check({p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before and "embedding" not in done.stderr,
          "the search used the index the ingest built: it built nothing")
    answer = json.loads(run("ask", "what replaced NHS Connecting for Health?", "--json"))
    check(answer["status"] == "answered" and answer["kind"] == "body-lineage" and answer["rows"],
          f"govkg ask answers from the installed kinds of question ({answer['summary'][:70]})")


    serve = subprocess.Popen([GOVKG, "serve", "--port", "0", "--workers", "1", "-q"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    try:
        assert serve.stdout is not None
        first = serve.stdout.readline()
        found = re.search(r"(http://[\d.]+:\d+)/sparql", first)
        check(found is not None, f"govkg serve starts ({first.strip()})")
        assert found is not None
        base = found.group(1)
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?l a gk:Lesson }"})
        request = urllib.request.Request(f"{base}/sparql?{query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            n = int(json.load(response)["results"]["bindings"][0]["n"]["value"])
        check(n > 0, f"govkg serve answers SPARQL ({n} lessons)")
        with urllib.request.urlopen(f"{base}/api/search?q=suppliers+walked+away&k=3", timeout=300) as response:
            found_hits = json.load(response)["hits"]
        check(len(found_hits) == 3, "govkg serve answers the JSON API's search")
        with urllib.request.urlopen(f"{base}/api/ask?q=who+held+the+post+of+Chief+Executive+of+NHSX",
                                    timeout=300) as response:
            check(json.load(response)["status"] == "answered", "govkg serve answers questions at /api/ask")
        # each page and the script it loads, by what it must hold (a page's size says nothing)
        wanted = {"/": b"yasgui", "/static/yasgui/yasgui.min.js": b"Yasgui", "/api/docs": b"swagger-ui",
                  "/static/swagger-ui/swagger-ui-bundle.js": b"SwaggerUIBundle"}
        missing = []
        for path, marker in wanted.items():
            with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
                if response.status != 200 or marker.lower() not in response.read().lower():
                    missing.append(path)
        check(not missing, f"govkg serve shows YASGUI at / and Swagger UI at /api/docs from the installed package "
                           f"{missing or ''}")
    finally:
        serve.terminate()
        serve.wait(30)

    from streamlit.testing.v1 import AppTest

    from explorer import app

    started = time.perf_counter()
    at = AppTest.from_file(app.__file__, default_timeout=300).run()
    check(not at.exception and any("GovKG" in t.value for t in at.title),
          f"the installed explorer renders its overview ({time.perf_counter() - started:.1f} s)")
    os.environ.pop("GOVKG_STORE", None)


if __name__ == "__main__":
    main()
