"""Shared fixtures. Stores are built from code or from the bundled data, each test in its own folder."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import main
from graph.backends.embedded import Store
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent
CURATED = ROOT / "data" / "curated"
# the bundled ingest: one source per curated file, the ontology, and the derived accountability views
BUNDLED_SOURCES = len(list(CURATED.glob("*.yaml"))) + 2
SHARED = ROOT.parent / "shared"


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def need(condition: bool, reason: str) -> None:
    """Skip when a needed part is missing — but fail in CI, where every part must be present."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared() -> Path:
    need(SHARED.is_dir(), f"../shared not found at {SHARED}")
    return SHARED


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, store: Path | None = None) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    argv = (["--store", str(store)] if store else []) + list(args)
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture(scope="session")
def bundled_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the bundled data, ingested once per session. Tests must not write to it."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    with Store.open(path) as store:
        ingest(store, [CURATED])
    return path


@pytest.fixture
def bundled(bundled_store_path: Path) -> Iterator[Store]:
    with Store.open(bundled_store_path) as store:
        yield store


@pytest.fixture
def curated_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled curated data, to break or change in a test."""
    dest = tmp_path / "curated"
    shutil.copytree(CURATED, dest)
    return dest


def snapshot(path: Path) -> set[tuple[str, str, str, str]]:
    """Every quad of the live graphs, plus one row per catalog entry, as strings."""
    with Store.open(path) as store:
        quads = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store.quads()}
        catalog = {("catalog", s.key, s.graph, f"{s.content_hash} {s.ingested_at} {s.triples}")
                   for s in store.sources().values()}
    return quads | catalog
