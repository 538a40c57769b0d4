"""An ingest killed with SIGKILL at any point leaves the store as it was before that ingest (or, if the kill
came after the switch, exactly as the finished ingest left it) — never in between."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CURATED, ROOT, run_cli, snapshot


def write_big_ntriples(path: Path, n: int, attempt: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(f"<https://example.org/x/{i}> <https://example.org/p> \"value {i} of attempt {attempt}\" .\n")


@pytest.mark.slow
def test_an_ingest_killed_halfway_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli("ingest", "-q", str(CURATED), store=store).code == 0
    big = tmp_path / "big.nt"
    killed_midway = 0
    for attempt, delay in enumerate((0.8, 1.4, 2.0, 2.6, 3.2, 4.0)):
        write_big_ntriples(big, 400_000, attempt)  # new content each time, so every run rewrites the source
        before = snapshot(store)
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "--store", str(store), "ingest", "-q", str(big)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            finished = False
        after = snapshot(store)
        if finished:
            assert proc.returncode == 0
            continue
        if after == before:
            killed_midway += 1
            continue
        # killed after the switch: the new state must be complete
        big_quads = [q for q in after if q[3].startswith("<https://w3id.org/govkg/graph/rdf-big/")]
        assert len(big_quads) == 400_000
        assert {q for q in after if "rdf-big" not in q[3] and q[0] != "catalog"} == {
            q for q in before if "rdf-big" not in q[3] and q[0] != "catalog"}
    assert killed_midway >= 1, "no kill landed before the switch: raise the data size"
