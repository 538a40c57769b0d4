"""Bad input: one clear message naming what and where, exit code 2, and the store exactly as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run_cli, snapshot


@pytest.fixture
def loaded(tmp_path: Path, curated_copy: Path) -> Path:
    store = tmp_path / "s"
    assert run_cli("ingest", "-q", str(curated_copy), store=store).code == 0
    return store


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def refused(store: Path, *args: str) -> str:
    before = snapshot(store)
    result = run_cli(*args, store=store)
    assert result.code == 2, (result.out, result.err)
    errors = [line for line in result.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.err  # one message (it may run over several lines to list problems)
    assert "Traceback" not in result.err
    assert snapshot(store) == before
    return result.err[result.err.index("Error: "):]


def test_malformed_yaml_names_file_and_line(loaded: Path, curated_copy: Path) -> None:
    target = curated_copy / "bodies.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8")
    err = refused(loaded, "ingest", str(curated_copy))
    assert re.search(r"bodies\.yaml:\d+:\d+: malformed YAML", err)


def test_unknown_reference_names_file_line_and_field(loaded: Path, curated_copy: Path) -> None:
    path = curated_copy / "accountabilities.yaml"
    text = path.read_text(encoding="utf-8")
    holder = re.search(r"holder: ([a-z0-9-]+)", text)
    assert holder
    edit(path, holder.group(0), "holder: no-such-body")
    err = refused(loaded, "ingest", str(curated_copy))
    assert re.search(r"accountabilities\.yaml:\d+ \(id [a-z0-9-]+\), field 'holder': unknown body or post or "
                     r"person 'no-such-body'", err)


def test_bad_date_names_file_line_and_field(loaded: Path, curated_copy: Path) -> None:
    path = curated_copy / "lessons.yaml"
    date = re.search(r"date: \"?(\d{4}(-\d{2})?(-\d{2})?)\"?", path.read_text(encoding="utf-8"))
    assert date
    edit(path, date.group(0), 'date: "2011-02-30"')
    err = refused(loaded, "ingest", str(curated_copy))
    assert re.search(r"lessons\.yaml:\d+ .*field 'date': bad date: '2011-02-30' is not a real date", err)


def test_end_before_start_is_refused(loaded: Path, curated_copy: Path) -> None:
    path = curated_copy / "accountabilities.yaml"
    text = path.read_text(encoding="utf-8")
    match = re.search(r"end: \"?\d{4}[^\n]*", text)
    assert match
    edit(path, match.group(0), 'end: "1901"')
    err = refused(loaded, "ingest", str(curated_copy))
    assert "ends (1901) before it starts" in err


def test_unknown_field_and_missing_required_field(loaded: Path, curated_copy: Path) -> None:
    path = curated_copy / "figures.yaml"
    text = path.read_text(encoding="utf-8")
    first_unit = re.search(r"\n(\s+)unit: ", text)
    assert first_unit
    path.write_text(text.replace(first_unit.group(0), f"\n{first_unit.group(1)}units: ", 1), encoding="utf-8")
    err = refused(loaded, "ingest", str(curated_copy))
    assert "figures.yaml" in err and "field 'units': unknown field" in err
    assert "missing required field 'unit'" in err


def test_shape_violation_in_an_rdf_file_is_refused(loaded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "extra-bodies.ttl"
    bad.write_text(
        "@prefix gk: <https://w3id.org/govkg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/govkg/id/body/nameless> a gk:Body ; gk:key \"nameless\" .\n",
        encoding="utf-8",
    )
    err = refused(loaded, "ingest", str(bad))
    assert "SHACL violation" in err and "body/nameless" in err


def test_broken_sparql_is_refused_with_its_position(loaded: Path) -> None:
    err = refused(loaded, "sparql", "SELECT * WHERE { ?s ?p }")
    assert "SPARQL syntax error" in err and re.search(r"line 1, column \d+", err)
    assert err.count("\n") == 1 and "..=" not in err, "one line, not the parser's character classes"


def test_binary_junk_is_refused(loaded: Path, tmp_path: Path) -> None:
    junk = tmp_path / "bodies.yaml"
    junk.write_bytes(bytes(range(256)) * 4)
    err = refused(loaded, "ingest", str(junk))
    assert "bodies.yaml" in err and "binary" in err


def test_a_missing_path_is_refused(loaded: Path, tmp_path: Path) -> None:
    err = refused(loaded, "ingest", str(tmp_path / "nope.yaml"))
    assert "no such file" in err


def test_a_bad_canned_query_parameter_is_refused(loaded: Path) -> None:
    err = refused(loaded, "query", "accountable-for-scope", "--param", "year=twenty")
    assert "year" in err and "whole number" in err


def test_a_reference_to_the_wrong_kind_of_node_is_a_shape_violation(loaded: Path, tmp_path: Path) -> None:
    """Regression: validation must see values defined in other sources (pySHACL's focus_nodes hid them)."""
    bad = tmp_path / "bad-holder.ttl"
    bad.write_text(
        "@prefix gk: <https://w3id.org/govkg/ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<https://w3id.org/govkg/id/accountability/bad> a gk:Accountability ; gk:key \"bad\" ;\n"
        "  gk:holder <https://w3id.org/govkg/id/source/nao11> ; gk:scope <https://w3id.org/govkg/id/scope/audit> ;\n"
        "  gk:accountabilityKind <https://w3id.org/govkg/id/accountability-kind/scrutiny> ;\n"
        "  gk:startDate \"2011-01-01\"^^xsd:date ; prov:wasDerivedFrom <https://w3id.org/govkg/id/source/nao11> .\n",
        encoding="utf-8",
    )
    err = refused(loaded, "ingest", str(bad))
    assert "accountability/bad" in err and "gk:holder" in err
