"""The explorer on a graph with public datasets beside the curated data (the curated data, the NHS ODS trusts of
the bundled snapshot and a small lessons log written for the tests, reconciled): the overview tells the curated
story and summarises the datasets, each browsable by kind, department or region and status; the analytics
narrow the lessons; the data-quality view reads the SHACL results recorded at ingest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import frame, open_view, texts

from conftest import CURATED, ROOT
from govkg_data import DATASETS_DIR
from graph.analytics import GovernanceData
from graph.backends.embedded import Store
from graph.views import overview as views
from ingest.default import reconcile_store
from ingest.pipeline import ingest

LESSONS = ROOT / "tests" / "fixtures" / "datasets" / "lessons" / "ward-lessons.csv"


@pytest.fixture(scope="module")
def with_datasets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("with-datasets") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED, DATASETS_DIR / "ods" / "etr.csv", LESSONS])
        reconcile_store(store)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GOVKG_STORE", str(path))
        mp.setenv("GOVKG_SEARCH_DIR", str(tmp_path_factory.mktemp("search-datasets")))
        for name in ("GOVKG_BACKEND", "GOVKG_DATA"):
            mp.delenv(name, raising=False)
        yield path


def test_the_timeline_and_the_counts_tell_the_curated_story(with_datasets: Path) -> None:
    with Store.open(with_datasets, read_only=True) as store:
        data = GovernanceData.load(store)
        records = views.dataset_record_iris(store)
    trusts = {b for b in data.bodies if "/body/ods-" in b}
    assert len(trusts) == 218 and trusts <= records
    lanes = views.timeline(data, leave_out=records)
    assert lanes and not any(lane.ref.startswith("body/ods-") for lane in lanes)
    assert any(lane.ref == "body/nhs-digital" for lane in lanes)
    story = views.story_counts(data, records)
    assert story["bodies"] == len(data.bodies) - len(trusts) - len({b for b in records if b in data.bodies} - trusts)
    at = open_view("overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Bodies"] == str(story["bodies"]) and int(metrics["Lessons"]) == story["lessons"]
    assert "From the curated data" in texts(at)


def test_the_datasets_are_summarised_and_browsable_by_status_and_region(with_datasets: Path) -> None:
    at = open_view("overview")
    summary = frame(at, "dataset", "records", "triples")
    assert set(summary["source"]) == {"dataset-ods-trusts", "dataset-ward-lessons"}
    ods = summary[summary["source"] == "dataset-ods-trusts"].iloc[0]
    assert ods["records"] == "218 bodies"
    at = open_view("overview", dataset="dataset-ods-trusts", status="closed")
    closed = frame(at, "record", "kind", "department", "status")
    assert len(closed) > 0 and set(closed["status"]) == {"closed"} and set(closed["kind"]) == {"trust"}
    assert f"{len(closed)} of 218 records" in texts(at)
    london = open_view("overview", dataset="dataset-ods-trusts", department="London", name="hospital")
    rows = frame(london, "record", "department")
    assert len(rows) > 0 and all("London" in d for d in rows["department"])
    assert all("hospital" in r.lower() for r in rows["record"])
    ward = summary[summary["source"] == "dataset-ward-lessons"].iloc[0]["records"]  # "2 bodies, 3 lessons"
    total = sum(int(part.split()[0]) for part in ward.split(", "))
    lessons = frame(open_view("overview", dataset="dataset-ward-lessons"), "record", "department", "status")
    assert len(lessons) == total and "Ward Informatics Team" in set(lessons["department"])


def test_the_analytics_narrow_the_lessons_by_source(with_datasets: Path) -> None:
    everything = frame(open_view("analytics", tab="coverage"), "lesson", "status")
    ward = open_view("analytics", tab="coverage", source="dataset-ward-lessons")
    narrowed = frame(ward, "lesson", "status")
    with Store.open(with_datasets, read_only=True) as store:
        logged = store.select('SELECT (COUNT(*) AS ?n) WHERE { ?l a gk:Lesson ; prov:wasDerivedFrom ?s . '
                              '?s gk:key "dataset-ward-lessons" }')[0]["n"]
    assert len(narrowed) == logged < len(everything)
    assert ward.query_params["source"] == "dataset-ward-lessons"
    groups = open_view("analytics", tab="recurring", programme="npfit")
    assert not groups.exception


def test_the_data_quality_view_reads_what_the_ingest_recorded(with_datasets: Path) -> None:
    at = open_view("quality")
    page = texts(at)
    assert "As checked when each source was ingested" in page and "The store conforms" in page
    again = open_view("quality", validate="1")
    assert "Validated now, all sources together." in texts(again) and not again.exception
