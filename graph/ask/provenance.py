"""Each answer row's sources: the source documents its record was derived from (``prov:wasDerivedFrom``, with
their titles, dates and addresses) and the quoted passages that support it (``gk:evidence``/``gk:quote``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.backends import Backend

BATCH = 400


def row_sources(store: Backend, records: Iterable[str]) -> dict[str, dict[str, list[Any]]]:
    """For each record IRI: ``sources`` (key, title, date, url) and ``evidence`` (quotes)."""
    iris = sorted({r for r in records if r.startswith(("http://", "https://"))})
    out: dict[str, dict[str, list[Any]]] = {}
    for i in range(0, len(iris), BATCH):
        values = " ".join(f"<{iri}>" for iri in iris[i:i + BATCH])
        rows = store.select(f"""
            SELECT ?r ?key ?title ?issued ?url ?quote WHERE {{
              VALUES ?r {{ {values} }}
              {{ ?r prov:wasDerivedFrom ?s . ?s gk:key ?key
                 OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dcterms:issued ?issued }}
                 OPTIONAL {{ ?s gk:url ?url }} }}
              UNION {{ ?r gk:evidence ?e . ?e gk:quote ?quote }}
            }} ORDER BY ?r ?issued ?key""")
        for row in rows:
            entry = out.setdefault(str(row["r"]), {"sources": [], "evidence": []})
            if row.get("key"):
                source = {"key": str(row["key"]), "title": str(row.get("title") or row["key"]),
                          "date": str(row.get("issued") or ""), "url": str(row.get("url") or "")}
                if source not in entry["sources"]:
                    entry["sources"].append(source)
            if row.get("quote") and str(row["quote"]) not in entry["evidence"]:
                entry["evidence"].append(str(row["quote"]))
    return out


def records_by_pattern(store: Backend, rows: list[dict[str, Any]], pattern: str) -> list[str | None]:
    """Each row's record, found by a graph pattern over the row's IRI columns (a kind's ``ask-record-pattern``,
    for queries that name the things a record links rather than the record itself)."""
    names = [c for c in (rows[0] if rows else {}) if f"?{c}" in pattern
             and all(str(r.get(c, "")).startswith(("http://", "https://")) for r in rows)]
    if not rows or not names:
        return [None] * len(rows)
    values = " ".join("(" + " ".join(f"<{r[c]}>" for c in names) + ")" for r in rows)
    found: dict[tuple[str, ...], str] = {}
    for hit in store.select(f"SELECT {' '.join('?' + c for c in names)} ?record WHERE {{ "
                            f"VALUES ({' '.join('?' + c for c in names)}) {{ {values} }} {pattern} }}"):
        found.setdefault(tuple(str(hit[c]) for c in names), str(hit["record"]))
    return [found.get(tuple(str(r[c]) for c in names)) for r in rows]
