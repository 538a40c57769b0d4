"""`govkg datasets update` against a local HTTP server (Python's http.server in a thread) that serves fixture
pages written here — GOV.UK organisations API pages with their paging, an ODS zip, GMPP and lessons CSVs — never
the internet. The manifest the update follows is a copy of the bundled one with each address pointing at the
server (a manifest.yaml in the datasets folder takes the place of the bundled one).

What is checked: an update fetches every page, validates, ingests in one switch and reconciles; `datasets list`
then says where the data comes from and how old it is; an unchanged release writes nothing; and offline, a
download cut short, a changed schema or a release much smaller than the one in the store each stop with one
`Error:` line naming what and where, the store and the current release unchanged.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import free_port, run_cli, snapshot
from govkg_data import DATASETS_DIR, DATASETS_MANIFEST
from graph.backends.embedded import Store


@dataclass
class Served:
    """What the fixture server answers: path → (status, body); ``cut`` paths announce more bytes than they send."""

    pages: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    cut: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.asked.append(self.path)
            status, body = served.pages.get(self.path, (404, b"not here"))
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body) * 2 if self.path in served.cut else len(body)))
            self.end_headers()
            self.wfile.write(body)
            if self.path in served.cut:
                self.close_connection = True

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Served]]:
    served = Served()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    finally:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------------------------------- fixture data
def organisations() -> list[dict[str, Any]]:
    return list(json.loads((DATASETS_DIR / "govuk" / "organisations.json").read_text(encoding="utf-8")))


def api_pages(base: str, orgs: list[dict[str, Any]], per_page: int) -> dict[str, tuple[int, bytes]]:
    """The organisations as the GOV.UK API serves them: pages of ``results`` linked by ``next_page_url``."""
    pages: dict[str, tuple[int, bytes]] = {}
    count = (len(orgs) + per_page - 1) // per_page
    for n in range(count):
        page = {"results": orgs[n * per_page:(n + 1) * per_page], "total": len(orgs), "pages": count,
                "current_page": n + 1, "page_size": per_page, "start_index": n * per_page + 1}
        if n + 1 < count:
            page["next_page_url"] = f"{base}/api/organisations?page={n + 2}"
        path = "/api/organisations" if n == 0 else f"/api/organisations?page={n + 1}"
        pages[path] = (200, json.dumps(page).encode())
    return pages


def zipped(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, data)
    return out.getvalue()


def llis_slice(records: int) -> bytes:
    """The header and the first ``records`` lessons of the bundled NASA file, with its CR line endings."""
    from ingest.datasets import read_csv

    raw = (DATASETS_DIR / "llis" / "llis.csv").read_bytes()
    text = raw.decode("utf-8", errors="surrogateescape")
    rows = list(read_csv(text, "llis.csv"))
    last_line = rows[records].line  # the header is record 1
    lines = text.replace("\r\n", "\r").split("\r")
    return "\r".join(lines[:last_line]).encode("utf-8", errors="surrogateescape") + b"\r"


def write_manifest(folder: Path, base: str) -> None:
    """The bundled manifest with every address on the fixture server."""
    data = yaml.safe_load(DATASETS_MANIFEST.read_text(encoding="utf-8"))
    data["datasets"]["govuk"]["files"][0]["url"] = f"{base}/api/organisations"
    data["datasets"]["ods"]["files"][0]["url"] = f"{base}/ods/current/etr.zip"
    for f in data["datasets"]["gmpp"]["files"]:
        f["url"] = f"{base}/gmpp/{f['name']}"
    data["datasets"]["llis"]["files"][0]["url"] = f"{base}/llis/llis.csv"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture
def setup(server: tuple[str, Served], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Served]:
    """A store with the curated data, a datasets folder whose manifest points at the server, and the server."""
    base, served = server
    releases = tmp_path / "releases"
    write_manifest(releases, base)
    monkeypatch.setenv("GOVKG_DATASETS_DIR", str(releases))
    store = tmp_path / "store"
    assert run_cli("ingest", "-q", "--no-index", "--curated-only", store=store).code == 0
    return store, releases, served


def update(store: Path, *names: str) -> Any:
    return run_cli("datasets", "update", *names, "--no-index", "-q", store=store)


# ------------------------------------------------------------------------------------------- it works
def test_an_update_follows_the_api_paging_ingests_and_reconciles(setup: tuple[Path, Path, Served]) -> None:
    store, releases, served = setup
    orgs = organisations()
    renamed = next(o for o in orgs if o["details"]["slug"] == "nhs-england")
    renamed["title"] = "NHS England (renamed upstream)"
    first = yaml.safe_load((releases / "manifest.yaml").read_text())["datasets"]["govuk"]["files"][0]["url"]
    served.pages.update(api_pages(first.rsplit("/api/", 1)[0], orgs, per_page=400))
    etr = (DATASETS_DIR / "ods" / "etr.csv").read_bytes()
    served.pages["/ods/current/etr.zip"] = (200, zipped("etr.csv", etr))
    out = run_cli("datasets", "update", "govuk", "ods", "--no-index", "--json", store=store)
    assert out.code == 0, out.err
    result = json.loads(out.out)
    assert [d["name"] for d in result["datasets"]] == ["govuk", "ods"]
    assert {d["status"] for d in result["datasets"]} == {"updated"}  # ods: the snapshot's bytes, not yet loaded
    assert [p for p in served.asked if p.startswith("/api/")] == ["/api/organisations",
                                                                  "/api/organisations?page=2",
                                                                  "/api/organisations?page=3",
                                                                  "/api/organisations?page=4"]
    keys = {o["key"]: o["status"] for o in result["sources"]}
    assert keys["dataset-govuk-organisations"] == "added" and keys["reconciliation"] == "added"
    with Store.open(store, read_only=True) as s:
        labels = [r["l"] for r in s.select(
            "SELECT ?l WHERE { <https://w3id.org/govkg/id/body/govuk-nhs-england> rdfs:label ?l }")]
        orgs_in_store = s.select('SELECT (COUNT(*) AS ?n) WHERE { ?b gk:govukSlug ?s '
                                 'FILTER(STRSTARTS(STR(?b), "https://w3id.org/govkg/id/body/govuk-")) }')[0]["n"]
        origin = s.sources()["dataset-govuk-organisations"].origin
    assert labels == ["NHS England (renamed upstream)"] and orgs_in_store == len(orgs)
    current = (releases / "govuk" / "CURRENT").read_text()
    assert Path(origin).parent.name == current
    listing = {r["name"]: r for r in json.loads(run_cli("datasets", "list", "--json", store=store).out)}
    assert listing["govuk"]["read_from"] == "update" and listing["govuk"]["loaded"]
    assert listing["govuk"]["date"][:4] >= "2025" and listing["govuk"]["age"].endswith(("day", "days"))
    assert listing["llis"]["read_from"] == "snapshot" and not listing["llis"]["loaded"]
    assert listing["llis"]["date"] == "2018"
    text = run_cli("datasets", "list", store=store).out
    assert "the release fetched by `govkg datasets update`" in text and "licence: MIT" in text


def test_an_unchanged_release_writes_nothing(setup: tuple[Path, Path, Served]) -> None:
    store, releases, served = setup
    served.pages["/ods/current/etr.zip"] = (200, zipped("etr.csv", (DATASETS_DIR / "ods" / "etr.csv").read_bytes()))
    assert update(store, "ods").code == 0  # not in the store yet: ingested, although the snapshot has these bytes
    current = (releases / "ods" / "CURRENT").read_text()
    before = snapshot(store)
    out = run_cli("datasets", "update", "ods", "--no-index", store=store)
    assert out.code == 0, out.err
    assert "ods    unchanged (the same files as now)" in out.out
    assert snapshot(store) == before
    assert (releases / "ods" / "CURRENT").read_text() == current
    assert sorted(p.name for p in (releases / "ods").iterdir()) == ["CURRENT", current]  # the download is not kept


def test_a_smaller_release_replaces_the_last_and_a_much_smaller_one_needs_force(
        setup: tuple[Path, Path, Served]) -> None:
    store, releases, served = setup
    served.pages["/llis/llis.csv"] = (200, llis_slice(8))
    assert update(store, "llis").code == 0
    first = (releases / "llis" / "CURRENT").read_text()
    served.pages["/llis/llis.csv"] = (200, llis_slice(6))
    assert update(store, "llis").code == 0
    second = (releases / "llis" / "CURRENT").read_text()
    assert second != first and not (releases / "llis" / first).exists()  # the older release is removed
    with Store.open(store, read_only=True) as s:
        assert s.select('SELECT (COUNT(*) AS ?n) WHERE { ?l a gk:Lesson ; gk:key ?k FILTER(STRSTARTS(?k, "llis-")) }'
                        )[0]["n"] == 6
    served.pages["/llis/llis.csv"] = (200, llis_slice(2))
    before = snapshot(store)
    refused = update(store, "llis")
    assert refused.code == 2 and refused.err.startswith("Error: ")
    assert "less than half" in refused.err and "--force" in refused.err and len(refused.err.splitlines()) == 1
    assert snapshot(store) == before and (releases / "llis" / "CURRENT").read_text() == second
    assert run_cli("datasets", "update", "llis", "--force", "--no-index", "-q", store=store).code == 0


# ------------------------------------------------------------------------------------------- it fails cleanly
def failed(store: Path, releases: Path, name: str) -> str:
    before = snapshot(store)
    current = (releases / name / "CURRENT").read_text() if (releases / name / "CURRENT").exists() else None
    result = update(store, name)
    assert result.code == 2, result.out + result.err
    assert result.err.startswith("Error: ") and len(result.err.strip().splitlines()) == 1, result.err
    assert snapshot(store) == before
    now = (releases / name / "CURRENT").read_text() if (releases / name / "CURRENT").exists() else None
    assert now == current
    return result.err


def test_offline_the_store_and_the_release_are_kept(setup: tuple[Path, Path, Served], tmp_path: Path) -> None:
    store, releases, _ = setup
    dead = f"http://127.0.0.1:{free_port()}"
    write_manifest(releases, dead)
    err = failed(store, releases, "ods")
    assert "cannot fetch" in err and f"{dead}/ods/current/etr.zip" in err
    err = failed(store, releases, "govuk")
    assert "cannot fetch the organisations API" in err and f"{dead}/api/organisations" in err


def test_a_download_cut_short_is_refused(setup: tuple[Path, Path, Served]) -> None:
    store, releases, served = setup
    served.pages["/llis/llis.csv"] = (200, llis_slice(8))
    served.cut.add("/llis/llis.csv")
    err = failed(store, releases, "llis")
    assert "stopped after" in err and "/llis/llis.csv" in err
    served.pages["/api/organisations"] = api_pages("x", organisations()[:50], per_page=50)["/api/organisations"]
    served.cut.add("/api/organisations")
    err = failed(store, releases, "govuk")
    assert "stopped after" in err and "/api/organisations" in err


def test_a_changed_schema_is_refused_with_the_file_named(setup: tuple[Path, Path, Served]) -> None:
    store, releases, served = setup
    served.pages["/ods/current/etr.zip"] = (200, zipped("etr.csv", b'"R0A","MANCHESTER","Y62"\n'))
    err = failed(store, releases, "ods")
    assert "release of ods" in err and "etr.csv" in err and "fields" in err
    assert (releases / "ods" / "rejected" / "etr.csv").is_file()  # kept for a look
    served.pages["/ods/current/etr.zip"] = (200, zipped("trusts.csv", b"x"))
    assert "the zip holds no etr.csv" in failed(store, releases, "ods")
    served.pages["/api/organisations"] = (200, json.dumps({"organisations": []}).encode())
    assert "no 'results' list" in failed(store, releases, "govuk")
    header = llis_slice(3).replace(b"LessonId,", b"Id,", 1)
    served.pages["/llis/llis.csv"] = (200, header)
    err = failed(store, releases, "llis")
    assert "the header has no column for id ('LessonId')" in err and "llis.csv" in err
    served.pages["/gmpp/gmpp_2019_20.csv"] = (500, b"server error")
    assert "the server answered 500" in failed(store, releases, "gmpp")


def test_an_unknown_dataset_name_is_refused(setup: tuple[Path, Path, Served]) -> None:
    store, releases, _ = setup
    err = failed(store, releases, "nasa")
    assert "no dataset 'nasa'" in err and "govuk, ods, gmpp, llis" in err
