"""Ingesting a document again: one source per document, its graph replaced, and new versions recorded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from graph.backends.embedded import Store
from ingest import documents
from ingest.pipeline import ingest
from ingest.registry import Context

ID = "https://w3id.org/govkg/id/"
REPORT = ROOT / "tests" / "fixtures" / "documents" / "lessons-report.md"
KEY = "doc-lessons-from-national-health-it-programmes-test-fixture"
DOC = f"{ID}source/{KEY}"


@pytest.fixture
def store_copy(bundled_store_path: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_store_path, tmp_path / "store"))


def count(store: Store, cls: str) -> int:
    rows = store.select(f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a gk:{cls} ; prov:wasDerivedFrom <{DOC}> }}")
    return int(rows[0]["n"])


def test_reingest_replaces_the_documents_graph_and_records_the_old_version(store_copy: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    shutil.copy(REPORT, report)
    with Store.open(store_copy) as store:
        first = ingest(store, [report])
        assert [(o.key, o.status) for o in first.outcomes if o.key.startswith("doc-")] == [(KEY, "added")]
        assert count(store, "Recommendation") == 3
        old_hash = store.select(f"SELECT ?h WHERE {{ <{DOC}> gk:contentHash ?h }}")[0]["h"]

        again = ingest(store, [report])  # the same bytes: nothing to do
        assert [o.status for o in again.outcomes if o.key == KEY] == ["unchanged"]

        text = report.read_text(encoding="utf-8").replace(
            "3. We recommend", "3. The Department should fund local digital teams.\n4. We recommend")
        report.write_text(text, encoding="utf-8")
        second = ingest(store, [report])
        assert [o.status for o in second.outcomes if o.key == KEY] == ["replaced"]
        assert [k for k in store.sources() if k.startswith("doc-")] == [KEY]  # one source per document
        assert count(store, "Recommendation") == 4  # the new graph only, not 3 + 4
        assert count(store, "Finding") == 4  # three key findings and the summary's "never delivered"
        assert len(store.select(f"SELECT ?d WHERE {{ ?d a gk:SourceDocument ; gk:key \"{KEY}\" }}")) == 1
        versions = store.select(f"""SELECT ?v ?h ?old ?oh ?at WHERE {{ <{DOC}> gk:version ?v ; gk:contentHash ?h ;
            gk:previousVersion ?old . ?old gk:version 1 ; gk:contentHash ?oh ; gk:ingestedAt ?at }}""")
        assert len(versions) == 1
        assert versions[0]["v"] == 2 and versions[0]["oh"] == old_hash and versions[0]["h"] != old_hash
        assert store.sources()[KEY].report and f'"previous_hash": "{old_hash}"' in store.sources()[KEY].report

        report.write_text(text.replace("ten-year", "twelve-year"), encoding="utf-8")
        ingest(store, [report])
        chain = store.select(f"""SELECT ?v1 ?v2 WHERE {{ <{DOC}> gk:version 3 ; gk:previousVersion ?b .
            ?b gk:version ?v2 ; gk:previousVersion ?a . ?a gk:version ?v1 }}""")
        assert [(r["v2"], r["v1"]) for r in chain] == [(2, 1)]


def test_the_same_content_under_another_name_is_reported(bundled_store_path: Path, tmp_path: Path,
                                                          store_copy: Path) -> None:
    twin = tmp_path / "twin.md"
    shutil.copy(REPORT, twin)
    with Store.open(store_copy) as store:
        ingest(store, [REPORT])
        prepared = documents.prepare(twin, Context(store, {"title": "A twin of the lessons report"}))[0]
    assert prepared.key == "doc-a-twin-of-the-lessons-report"  # --title names the source key
    assert prepared.report["same_content_as"] == [KEY]
    assert prepared.report["metadata_from"]["title"] == "command line"  # type: ignore[index]
    assert prepared.report["metadata_from"]["publisher"].endswith("(front matter)")  # type: ignore[index]


def test_metadata_change_rewrites_without_a_new_version(store_copy: Path) -> None:
    with Store.open(store_copy) as store:
        ingest(store, [REPORT])
        result = ingest(store, [REPORT], options={"date": "2021-04", "url": "https://example.org/v2"})
        assert [o.status for o in result.outcomes if o.key == KEY] == ["replaced"]
        row = store.select(f"SELECT ?d ?v WHERE {{ <{DOC}> dcterms:issued ?d ; gk:version ?v }}")[0]
        assert (row["d"], row["v"]) == ("2021-04-01", 1)
