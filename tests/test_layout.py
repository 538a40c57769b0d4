"""Imports point down only (front doors → ingest → graph → ontology files), and settings are documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT
from graph.settings import SETTINGS, Settings

LAYERS = {"cli": 3, "app": 3, "explorer": 3, "ingest": 2, "graph": 1, "ontology": 0}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imports_point_down_only() -> None:
    wrong = []
    for package, level in LAYERS.items():
        files = [ROOT / "app.py"] if package == "app" else sorted((ROOT / package).rglob("*.py"))
        for path in files:
            if not path.exists():
                continue
            for name in imported_packages(path) & set(LAYERS):
                if LAYERS[name] > level:
                    wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_graph_knows_nothing_of_streamlit() -> None:
    for path in (ROOT / "graph").rglob("*.py"):
        assert "streamlit" not in imported_packages(path), path


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings-table")[1].split("\n\n")[0]
    documented = set(re.findall(r"^\| (\w+) \| `(\w+)` \|", table, flags=re.M))
    assert documented == {(s.name, s.env) for s in SETTINGS}


def test_environment_overrides_defaults_and_flags_override_environment(tmp_path: Path) -> None:
    env = {"GOVKG_STORE": str(tmp_path / "from-env"), "GOVKG_RESULT_LIMIT": "5"}
    settings = Settings.load(environ=env)
    assert settings.store == str(tmp_path / "from-env") and settings.result_limit == 5
    flagged = Settings.load({"store": str(tmp_path / "from-flag")}, environ=env)
    assert flagged.store == str(tmp_path / "from-flag")


def test_a_bad_setting_names_its_variable() -> None:
    import pytest

    from graph.errors import SettingsError

    with pytest.raises(SettingsError, match="GOVKG_QUERY_TIMEOUT"):
        Settings.load(environ={"GOVKG_QUERY_TIMEOUT": "-1"})


def test_curated_format_doc_names_every_field() -> None:
    from ingest.curated_schema import KINDS

    doc = (ROOT / "docs" / "curated-format.md").read_text(encoding="utf-8")
    for kind in KINDS:
        section = doc.split(f"## {kind.file}")[1].split("\n## ")[0]
        for field in kind.fields:
            assert f"`{field.name}`" in section, f"{kind.file}: {field.name} undocumented"
