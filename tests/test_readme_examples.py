"""Every ``govkg …`` example in the README's code blocks runs, as a new user would type it, against a store with
the bundled curated data, and succeeds (exit 0) with some output. The README's own ``id:…/…`` example once
failed with "expected OPTIONAL"; this keeps the manual honest. Only the examples that need a server or the
network are skipped, each named below with the reason."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

README = ROOT / "README.md"
SYNOPSIS = "govkg [--store PATH] COMMAND"  # the usage line of the command-line section, not a command
NOT_RUN = {  # an example's command (its first words) → why it is not run here, and where it is tested
    "serve": "starts the SPARQL endpoint, which runs until stopped (tests/test_endpoint*.py run it)",
    "explore": "starts the Streamlit explorer, which runs until stopped (tests/test_app*.py)",
    "neo4j": "needs a Neo4j server (tests/test_neo4j.py)",
    "cypher": "needs a Neo4j server (tests/test_neo4j.py)",
    "datasets update": "fetches the datasets' current releases over the network (tests/test_datasets_update.py)",
}


def examples(text: str) -> list[str]:
    """The ``govkg …`` commands in the README's fenced code blocks, in order; ``a && b`` gives both."""
    found = []
    for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.DOTALL | re.MULTILINE):
        for line in block.splitlines():
            for part in line.split("&&"):
                command = part.strip().removeprefix("$ ")
                if command.startswith("govkg ") and command != SYNOPSIS:
                    found.append(command)
    return found


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def _skipped(command: str) -> str | None:
    words = shlex.split(command)[1:]
    for prefix, reason in NOT_RUN.items():
        if words[:len(prefix.split())] == prefix.split():
            return reason
    return None


def test_the_readme_has_examples_to_run() -> None:
    assert len(EXAMPLES) >= 8, EXAMPLES
    assert any("id:" in e and "sparql" in e for e in EXAMPLES), "the prefixed-IRI example is among them"


@pytest.fixture(scope="module")
def readme_store(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled store: some examples write (ingest)."""
    path = tmp_path_factory.mktemp("readme") / "store"
    shutil.copytree(bundled_store_path, path)
    return path


@pytest.mark.parametrize("command", EXAMPLES)
def test_a_readme_example_runs_and_answers(command: str, readme_store: Path) -> None:
    reason = _skipped(command)
    if reason:
        pytest.skip(reason)
    result = run_cli(*shlex.split(command)[1:], store=readme_store)
    assert result.code == 0, f"{command}\n{result.err}"
    assert result.out.strip(), f"{command} printed nothing"
    assert "Error:" not in result.err


def test_the_prefixed_iri_example_finds_the_joint_units(readme_store: Path) -> None:
    example = next(e for e in EXAMPLES if "id:body-kind/joint-unit" in e)
    out = run_cli(*shlex.split(example)[1:], store=readme_store).out
    assert "NHSX" in out
