"""Data quality: the SHACL results for the whole store and the problems the ingesters reported (dangling
references, ambiguous matches, rows they could not parse), grouped by shape and by source.

The SHACL results come in as records with ``focus``, ``path``, ``message``, ``shape``, ``severity`` and
``value`` (graph/validation.py's ``Violation``); this module does not import ingest (imports point down).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from graph.backends import Backend
from graph.validation import Violation
from graph.views.refs import ref_of, short

CATEGORIES = ("dangling reference", "ambiguous match", "unparsed row", "other problem")
_CATEGORY_OF = (
    (re.compile(r"dangling|unresolved|unknown_ref|missing_ref"), "dangling reference"),
    (re.compile(r"ambiguous"), "ambiguous match"),
    (re.compile(r"unparsed|bad_|untitled|unknown_|no_|end_before|not_in|invalid|skipped|malformed|ignored"),
     "unparsed row"),
)
# list-valued members of a report that are information, not problems (the others are problems)
_INFORMATION = {"metadata_from", "aliases", "same_content_as", "matches", "records", "shacl"}


class ShaclResult(Protocol):
    @property
    def focus(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def shape(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def value(self) -> str: ...


def focus_sources(store: Backend, focuses: set[str]) -> dict[str, str]:
    """The catalog source (key) whose graph holds each focus node."""
    by_graph = {s.graph: s.key for s in store.sources().values()}
    out: dict[str, str] = {}
    items = sorted(f for f in focuses if f.startswith(("http://", "https://", "urn:")))
    for start in range(0, len(items), 400):
        values = " ".join(f"<{i}>" for i in items[start:start + 400])
        for r in store.select(f"SELECT DISTINCT ?f ?g WHERE {{ VALUES ?f {{ {values} }} GRAPH ?g {{ ?f ?p ?o }} }}"
                              " LIMIT 100000"):
            out.setdefault(r["f"], by_graph.get(r["g"], short(r["g"])))
    return out


def recorded_shacl(store: Backend) -> tuple[list[Violation], dict[str, str]]:
    """The SHACL warnings and notes found when each source was ingested (violations stop an ingest), as the
    validator's own results, with the
    source of each focus node: the whole store's report without validating it again."""
    results: list[Violation] = []
    sources: dict[str, str] = {}
    for key, record in store.sources().items():
        try:
            report = json.loads(record.report) if record.report else {}
        except ValueError:
            continue
        for entry in report.get("shacl", []) if isinstance(report, dict) else []:
            if isinstance(entry, dict):
                results.append(Violation(**{k: str(entry.get(k, "")) for k in (
                    "focus", "path", "message", "shape", "severity", "value")}))
                sources[str(entry.get("focus", ""))] = key
    return results, sources


def shacl_rows(results: Sequence[ShaclResult], sources: dict[str, str]) -> list[dict[str, Any]]:
    return [{"severity": v.severity, "shape": short(v.shape) if v.shape.startswith("http") else "(anonymous shape)",
             "source": sources.get(v.focus, "?"), "focus": ref_of(v.focus),
             "property": short(v.path) if v.path else "", "message": v.message, "value": v.value}
            for v in results]


def group(rows: list[dict[str, Any]], by: str) -> dict[str, list[dict[str, Any]]]:
    """Rows grouped by one of their columns, biggest group first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[str(r.get(by, ""))].append(r)
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def category_of(name: str) -> str:
    for pattern, category in _CATEGORY_OF:
        if pattern.search(name):
            return category
    return "other problem"


def report_rows(store: Backend) -> list[dict[str, Any]]:
    """Every problem listed in the ingest reports of the catalog, one row per entry. A report is a JSON object;
    its list-valued members are problems (except a few that are information), named for what they list, e.g.
    ``dangling_references``, ``ambiguous_names``, ``bad_dates``. Reports cut long lists; ``<name>_total``
    says how many there were, kept as ``of``."""
    rows = []
    for key, record in store.sources().items():
        if not record.report:
            continue
        try:
            report = json.loads(record.report)
        except ValueError:
            rows.append({"source": key, "category": "other problem", "problem": "report",
                         "detail": "the ingest report is not valid JSON", "of": 1})
            continue
        if not isinstance(report, dict):
            continue
        for name, value in report.items():
            if not isinstance(value, list) or not value or name in _INFORMATION:
                continue
            total = report.get(f"{name}_total", len(value))
            for entry in value:
                rows.append({"source": key, "category": category_of(name), "problem": name.replace("_", " "),
                             "detail": _describe(entry), "of": total})
    return rows


def _describe(entry: Any) -> str:
    if isinstance(entry, dict):
        return "; ".join(f"{k}: {_describe(v)}" for k, v in entry.items())
    if isinstance(entry, list):
        return ", ".join(_describe(v) for v in entry)
    return str(entry)


def report_summary(store: Backend) -> list[dict[str, Any]]:
    """Per source: its ingester and the number of problems in each category."""
    rows = report_rows(store)
    out = []
    for key, record in store.sources().items():
        mine = [r for r in rows if r["source"] == key]
        counts = {c: 0 for c in CATEGORIES}
        for r in mine:
            counts[r["category"]] += 1
        out.append({"source": key, "ingester": record.ingester, **counts, "report": bool(record.report)})
    return out
