"""One settings object, read once at the front door (CLI, app, tests) and passed in.

Every setting has a name, a default, an environment variable and a help text, in one table. ``govkg settings``
prints it, the README documents it, and a test fails when the two disagree.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from graph.errors import SettingsError


def _default_store() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("govkg")) / "store")


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: Callable[[], Any]
    parse: Callable[[str], Any]
    help: str


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "GOVKG_STORE", _default_store, str,
            "Folder of the embedded Oxigraph store (created on first use)."),
    Setting("data_dir", "GOVKG_DATA", lambda: str(Path(__file__).resolve().parent.parent / "data" / "curated"), str,
            "Folder of the bundled curated YAML data that `govkg ingest` loads when given no path."),
    Setting("query_timeout", "GOVKG_QUERY_TIMEOUT", lambda: 30.0, _positive_float,
            "Seconds a SPARQL query may run before it is stopped."),
    Setting("result_limit", "GOVKG_RESULT_LIMIT", lambda: 10000, _positive_int,
            "Most rows a query returns; a longer result is cut and says so."),
    Setting("model", "GOVKG_MODEL", lambda: "all-MiniLM-L6-v2", str,
            "Sentence-transformers model for semantic search."),
    Setting("neo4j_uri", "GOVKG_NEO4J_URI", lambda: "bolt://127.0.0.1:7687", str, "Neo4j Bolt URI."),
    Setting("neo4j_user", "GOVKG_NEO4J_USER", lambda: "neo4j", str, "Neo4j user."),
    Setting("neo4j_password", "GOVKG_NEO4J_PASSWORD", lambda: "", str, "Neo4j password."),
    Setting("neo4j_database", "GOVKG_NEO4J_DATABASE", lambda: "neo4j", str, "Neo4j database name."),
)


@dataclass(frozen=True)
class Settings:
    store: str
    data_dir: str
    query_timeout: float
    result_limit: int
    model: str
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults, then environment variables, then explicit overrides (CLI flags, test fixtures)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = env.get(setting.env)
            if raw is None or raw == "":
                values[setting.name] = setting.default()
                continue
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as exc:
                raise SettingsError(f"{setting.env}={raw!r} is not valid: {exc}", hint=setting.help) from exc
        for name, value in (overrides or {}).items():
            if value is None:
                continue
            if name not in values:
                raise SettingsError(f"unknown setting {name!r}")
            values[name] = value
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def describe(self) -> list[tuple[str, str, str, str]]:
        """(name, environment variable, value, help) for each setting; the password is masked."""
        rows = []
        for setting in SETTINGS:
            value = getattr(self, setting.name)
            shown = "***" if "password" in setting.name and value else str(value)
            rows.append((setting.name, setting.env, shown, setting.help))
        return rows


assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)], "settings table and dataclass disagree"
