"""Imports point down only (front doors → ingest → graph → ontology files), and settings are documented."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from conftest import ROOT
from graph.settings import SETTINGS, Settings

LAYERS = {"cli": 3, "app": 3, "explorer": 3, "ingest": 2, "graph": 1, "ontology": 0, "govkg_data": 0}


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
        folder = "data" if package == "govkg_data" else package
        files = [ROOT / "app.py"] if package == "app" else sorted((ROOT / folder).rglob("*.py"))
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


def _packages() -> set[str]:
    """Every package in the checkout, by its import name (data/ installs as govkg_data)."""
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("cli", "explorer", "graph", "ingest", "ontology")
             for p in (ROOT / top).rglob("__init__.py")}
    return found | {"govkg_data"}


def test_every_package_is_installed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert set(config["packages"]) == _packages()
    assert config["package-dir"]["govkg_data"] == "data"


def test_the_readme_layout_lists_every_package_and_nothing_that_is_not_there() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- layout:")[1].split("```")[1]
    listed = {line.split()[0].rstrip("/") for line in block.strip().splitlines()}
    for name in listed:
        assert (ROOT / name).exists(), f"the README's layout lists {name}, which is not there"
    wanted = {"app.py", "bench", "scripts", "tests", "data", "ontology", "cli", "explorer", "ingest", "graph"}
    wanted |= {f"{top}/{p.parent.name}" for top in ("graph", "ingest") for p in (ROOT / top).glob("*/__init__.py")}
    assert wanted - listed == set(), "missing from the README's layout"


def _code_below_the_backends() -> list[Path]:
    return [p for top in ("cli", "explorer", "graph", "ingest") for p in sorted((ROOT / top).rglob("*.py"))
            if "backends" not in p.relative_to(ROOT).parts] + [ROOT / "app.py"]


def test_stores_are_opened_only_through_the_backends_package() -> None:
    asks = re.compile(r"Store\.open|settings\.backend\b|isinstance\([^)]*(Store|RemoteBackend)\)|"
                      r"from graph\.backends\.(embedded|remote|remote_staging) import|\.oxigraph\b")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _code_below_the_backends()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if asks.search(line)]
    assert found == []
