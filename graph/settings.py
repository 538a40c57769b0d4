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


def _default_data() -> str:
    from govkg_data import CURATED_DIR

    return str(CURATED_DIR)


def _default_datasets_dir() -> str:
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("govkg")) / "datasets")


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


def _yes_no(value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError("expected true or false")


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


def _unit_float(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError("must be between 0 and 1")
    return value


def _backend(text: str) -> str:
    if text not in ("embedded", "remote"):
        raise ValueError("must be embedded or remote")
    return text


def _query_runtime(text: str) -> str:
    if text not in ("auto", "onnx", "torch"):
        raise ValueError("must be auto, onnx or torch")
    return text


def _embed_runtime(text: str) -> str:
    if text not in ("auto", "onnx-int8", "onnx", "torch"):
        raise ValueError("must be auto, onnx-int8, onnx or torch")
    return text


def _dataset_names(text: str) -> str:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError("must be all, none, or dataset names separated by commas")
    if len(names) > 1 and ({"all", "none"} & set(names)):
        raise ValueError("all and none stand alone")
    return ",".join(names)


def _http_url(text: str) -> str:
    if text and not text.startswith(("http://", "https://")):
        raise ValueError("must be an http:// or https:// URL")
    return text


def _iri(text: str) -> str:
    if not text.startswith(("http://", "https://", "urn:")) or any(c in text for c in ' <>"{}|\\^`'):
        raise ValueError("must be an absolute IRI")
    return text


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "GOVKG_STORE", _default_store, str,
            "Folder of the embedded Oxigraph store (created on first use)."),
    Setting("data_dir", "GOVKG_DATA", _default_data, str,
            "Folder of the bundled curated YAML data that `govkg ingest` loads when given no path."),
    Setting("datasets", "GOVKG_DATASETS", lambda: "all", _dataset_names,
            "Public datasets that `govkg ingest` loads with no path, beside the curated data: `all`, `none`, or "
            "names separated by commas (govuk, ods, gmpp, llis; `govkg datasets list` shows them)."),
    Setting("datasets_dir", "GOVKG_DATASETS_DIR", _default_datasets_dir, str,
            "Folder of the releases that `govkg datasets update` fetched (used instead of the bundled snapshot) "
            "and of an optional manifest.yaml that takes the place of the bundled one for updates."),
    Setting("query_timeout", "GOVKG_QUERY_TIMEOUT", lambda: 30.0, _positive_float,
            "Seconds a SPARQL query may run before it is stopped."),
    Setting("result_limit", "GOVKG_RESULT_LIMIT", lambda: 10000, _positive_int,
            "Most rows a query returns; a longer result is cut and says so."),
    Setting("model", "GOVKG_MODEL", lambda: "all-MiniLM-L6-v2", str,
            "Sentence-transformers model for semantic search."),
    Setting("search_dir", "GOVKG_SEARCH_DIR", lambda: "", str,
            "Folder of the search index and embedding cache; empty: `search/` inside the store folder, or for a "
            "SPARQL server's data in a folder per server and catalog under the user data folder."),
    Setting("search_cache", "GOVKG_SEARCH_CACHE", lambda: "", str,
            "Folder of the embedding cache (vectors by model and text); empty: `embeddings/` in the search folder."),
    Setting("search_exact_limit", "GOVKG_SEARCH_EXACT_LIMIT", lambda: 50000, _positive_int,
            "Most vectors searched exactly (numpy); above it an HNSW index (faiss) answers."),
    Setting("search_threads", "GOVKG_SEARCH_THREADS", lambda: 1, _positive_int,
            "Threads for embedding and vector arithmetic; 1 suits a shared machine (more threads contend)."),
    Setting("query_runtime", "GOVKG_QUERY_RUNTIME", lambda: "auto", _query_runtime,
            "What embeds search queries: `onnx` (ONNX Runtime, the model exported once and checked against torch), "
            "`torch`, or `auto` (onnx when onnxruntime is installed)."),
    Setting("embed_runtime", "GOVKG_EMBED_RUNTIME", lambda: "auto", _embed_runtime,
            "What embeds texts in bulk (the search index, the analytics): `onnx` (the ONNX export, fp32), "
            "`onnx-int8` (quantised to int8: 2.2 times faster, but recall@5 fell from 0.856 to 0.847, so it is not "
            "the default), `torch`, or `auto` (fp32 ONNX when onnxruntime is installed, else torch)."),
    Setting("embed_threads", "GOVKG_EMBED_THREADS", lambda: os.cpu_count() or 1, _positive_int,
            "Threads for embedding texts in bulk (the search index at ingest); default: every core."),
    Setting("vector_seed", "GOVKG_VECTOR_SEED", lambda: True, _yes_no,
            "Take the vectors of the bundled data's texts from the package (data/vectors/) instead of embedding "
            "them, when the installed model's files are the ones that made them; `false` embeds everything."),
    Setting("coverage_threshold", "GOVKG_COVERAGE_THRESHOLD", lambda: 0.6, _unit_float,
            "Cosine similarity above which a recommendation, target or programme counts as addressing a lesson."),
    Setting("recurring_threshold", "GOVKG_RECURRING_THRESHOLD", lambda: 0.5, _unit_float,
            "Cosine similarity above which two lessons count as saying the same thing."),
    Setting("neo4j_uri", "GOVKG_NEO4J_URI", lambda: "bolt://127.0.0.1:7687", str, "Neo4j Bolt URI."),
    Setting("neo4j_user", "GOVKG_NEO4J_USER", lambda: "neo4j", str, "Neo4j user."),
    Setting("neo4j_password", "GOVKG_NEO4J_PASSWORD", lambda: "", str, "Neo4j password."),
    Setting("neo4j_database", "GOVKG_NEO4J_DATABASE", lambda: "neo4j", str, "Neo4j database name."),
    Setting("neo4j_timeout", "GOVKG_NEO4J_TIMEOUT", lambda: 5.0, _positive_float,
            "Seconds to wait for Neo4j to connect (and to retry a failed transaction) before giving up."),
    Setting("neo4j_batch_size", "GOVKG_NEO4J_BATCH_SIZE", lambda: 2000, _positive_int,
            "Rows per transaction (one UNWIND … MERGE) when `govkg neo4j push` writes."),
    Setting("backend", "GOVKG_BACKEND", lambda: "embedded", _backend,
            "Where the graph lives: `embedded` (the Oxigraph store folder) or `remote` (a SPARQL 1.1 server)."),
    Setting("sparql_query_url", "GOVKG_SPARQL_QUERY_URL", lambda: "", _http_url,
            "Backend remote: the server's SPARQL query endpoint (e.g. http://127.0.0.1:3030/govkg/query)."),
    Setting("sparql_update_url", "GOVKG_SPARQL_UPDATE_URL", lambda: "", _http_url,
            "Backend remote: its SPARQL Update endpoint; empty: the query URL."),
    Setting("sparql_gsp_url", "GOVKG_SPARQL_GSP_URL", lambda: "", _http_url,
            "Backend remote: its Graph Store Protocol endpoint, used to upload graphs; empty: SPARQL Update only."),
    Setting("sparql_catalog", "GOVKG_SPARQL_CATALOG", lambda: "https://w3id.org/govkg/graph/catalog", _iri,
            "Backend remote: the named graph holding the catalog of sources (datasets can share a server)."),
    Setting("sparql_user", "GOVKG_SPARQL_USER", lambda: "", str, "Backend remote: HTTP Basic user; empty: none."),
    Setting("sparql_password", "GOVKG_SPARQL_PASSWORD", lambda: "", str,
            "Backend remote: HTTP Basic password, or a Bearer token when no user is set."),
    Setting("update_password", "GOVKG_UPDATE_PASSWORD", lambda: "", str,
            "Token that `govkg serve` requires (`Authorization: Bearer …`) to accept SPARQL Update; empty: read-only."),
    Setting("endpoint_workers", "GOVKG_ENDPOINT_WORKERS", lambda: max(2, os.cpu_count() or 2), _positive_int,
            "Query worker processes of `govkg serve`; each opens the store read-only, a timed-out one is replaced."),
)


@dataclass(frozen=True)
class Settings:
    store: str
    data_dir: str
    datasets: str
    datasets_dir: str
    query_timeout: float
    result_limit: int
    model: str
    search_dir: str
    search_cache: str
    search_exact_limit: int
    search_threads: int
    query_runtime: str
    embed_runtime: str
    embed_threads: int
    vector_seed: bool
    coverage_threshold: float
    recurring_threshold: float
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    neo4j_database: str
    neo4j_timeout: float
    neo4j_batch_size: int
    backend: str
    sparql_query_url: str
    sparql_update_url: str
    sparql_gsp_url: str
    sparql_catalog: str
    sparql_user: str
    sparql_password: str
    update_password: str
    endpoint_workers: int

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
