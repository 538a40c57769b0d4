"""A lessons-learned CSV (such as NASA's LLIS export) → ``gk:Lesson`` records, driven by a mapping file.

The mapping (YAML; data/mappings/llis.yaml is the worked example) names the columns, the date format, the
stray bytes to repair, how categories are split, and which GovKG theme each category falls under. It is
found next to the CSV as ``<name>.mapping.yaml``, or in data/mappings/ as ``<name>.yaml``, so another
lessons CSV with other column names is ingested without code.

Each row becomes a lesson with title, context (the abstract), lesson text, the organisation that raised it
(a body keyed ``<prefix>-<organisation>``), date and themes. Each category becomes a ``gk:Theme`` keyed
``<prefix>-<category>`` that points to the GovKG theme it falls under with ``skos:broadMatch`` — a link that
needs no curated data in the store, so the dataset can be ingested on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from govkg_data import MAPPINGS_DIR
from graph.errors import InputError
from graph.namespaces import GK
from ingest.datasets import (
    FOAF,
    SKOS,
    TYPE,
    DatasetSource,
    Report,
    adder,
    clean,
    decode_repairing,
    digest,
    display,
    gk,
    iri,
    key_part,
    load_mapping,
    need,
    prepared,
    read_csv,
    short,
)
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "lessons"
VERSION = b"lessons:1"
FORMAT = "lessons"


def mapping_path(path: Path, options: dict[str, Any] | None = None) -> Path | None:
    """The mapping for a lessons CSV: given in the options, next to it, or in data/mappings/."""
    given = (options or {}).get("mapping")
    if given:
        return Path(given)
    for candidate in (path.with_name(f"{path.stem}.mapping.yaml"), MAPPINGS_DIR / f"{path.stem}.yaml"):
        if candidate.is_file():
            try:
                if load_mapping(candidate).get("format") == FORMAT:
                    return candidate
            except InputError:
                continue
    return None


def detect(path: Path, head: bytes) -> bool:
    if path.is_dir() or path.suffix.lower() != ".csv":
        return False
    found = mapping_path(path)
    if found is None:
        return False
    columns = load_mapping(found).get("columns") or {}
    first = re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0].decode("utf-8", errors="replace")
    return all(str(columns.get(name, "")) in first for name in ("id", "lesson"))


class _Mapping:
    """A lessons mapping file, checked."""

    def __init__(self, path: Path) -> None:
        self.where = display(path)
        data = load_mapping(path)
        if data.get("format") != FORMAT:
            raise InputError(f"not a lessons mapping (it needs 'format: {FORMAT}')", where=self.where)
        self.data = data
        self.source = DatasetSource.from_mapping(data, self.where)
        self.columns: dict[str, str] = {k: str(v) for k, v in need(data, "columns", dict, self.where).items()}
        for name in ("id", "lesson"):
            if name not in self.columns:
                raise InputError(f"mapping needs columns.{name}", where=self.where)
        self.prefix = key_part(str(data.get("key_prefix") or self.source.key))
        self.date_format = str(data.get("date_format") or "%Y-%m-%d")
        self.repairs = {int(k): str(v) for k, v in (data.get("bytes") or {}).items()}
        self.paragraph = str(data.get("paragraph_break") or "")
        cats = data.get("categories") or {}
        self.separator = str(cats.get("separator") or ",")
        self.compound = [str(c) for c in cats.get("compound") or []]
        self.ignore = {str(c) for c in cats.get("ignore") or []}
        self.default_category = str(cats.get("default") or "Uncategorised")
        self.themes: dict[str, str] = {str(k): str(v) for k, v in (data.get("themes") or {}).items()}
        self.unmapped_theme = str(data.get("unmapped_theme") or "")
        self.organisations: dict[str, str] = {str(k): str(v) for k, v in (data.get("organisations") or {}).items()}


def prepare(path: Path, ctx: Context) -> list[Prepared]:
    found = mapping_path(path, ctx.options)
    if found is None:
        raise InputError("no mapping for this lessons CSV", where=display(path),
                         hint=f"write {path.stem}.mapping.yaml next to it (see data/mappings/llis.yaml)")
    m = _Mapping(found)
    where = display(path)
    raw = path.read_bytes()
    text, repair, repaired = decode_repairing(raw, m.repairs, where)
    report = Report(info={"mapping": m.where, "bytes": repaired})
    records = iter(read_csv(text, where))
    header_row = next(records, None)
    if header_row is None:
        raise InputError("empty file", where=where)
    header = [h.strip() for h in header_row.cells]
    missing = [f"{name} ({col!r})" for name, col in m.columns.items() if col not in header]
    if missing:
        raise InputError(f"the header has no column for {', '.join(missing)}", where=f"{where}:{header_row.line}",
                         hint=f"the header is: {', '.join(header)[:300]}; fix the columns in {m.where}")
    index = {name: header.index(col) for name, col in m.columns.items()}
    content_hash = digest(VERSION, raw, json.dumps(m.data, sort_keys=True, default=str).encode())
    g = Graph()
    src = m.source.add_to(g, content_hash)
    builder = _Builder(g, m, src, report, repair)
    seen: dict[str, int] = {}
    for row in records:
        if len(row.cells) != len(header):
            raise InputError(f"record {row.number} has {len(row.cells)} fields, expected {len(header)} (as the "
                             "header)", where=f"{where}:{row.line}", hint="the file may be truncated or damaged")
        cell = {name: builder.text(row.cells[i]) for name, i in index.items()}
        ident = cell["id"]
        if not ident or not cell["lesson"]:
            report.add("skipped_rows", {"record": row.number, "line": row.line,
                                        "problem": "no id" if not ident else "no lesson text"})
            continue
        if ident in seen:
            report.add("duplicate_ids", {"id": ident, "records": [seen[ident], row.number]})
            continue
        seen[ident] = row.number
        builder.lesson(cell, f"{where}:{row.line} (record {row.number}, id {ident})")
    report.count("lessons", len(seen))
    report.count("themes", len(builder.themes))
    report.count("organisations", len(builder.bodies))
    headline = f"{len(seen):,} lessons, {len(builder.themes):,} themes"
    return [prepared(m.source, NAME, path, content_hash, g, report, builder.where, headline=headline)]


class _Builder:
    def __init__(self, g: Graph, m: _Mapping, src: URIRef, report: Report, repair: Callable[[str], str]) -> None:
        self.g, self.m, self.src, self.report, self.repair = g, m, src, report, repair
        self.add = adder(g)
        self.themes: dict[str, URIRef] = {}
        self.bodies: dict[str, URIRef] = {}
        self.where: dict[str, str] = {}
        pattern = re.escape(m.paragraph) + "+" if m.paragraph else ""
        self._paragraph = re.compile(r"(?<=[.!?:;)\"'”’])" + pattern + r"(?=\s|$)") if pattern else None

    def text(self, raw: str) -> str:
        raw = self.repair(raw)
        if self._paragraph is not None:
            raw = self._paragraph.sub("\n\n", raw)
        return clean(raw)

    def lesson(self, cell: dict[str, str], where: str) -> None:
        m, add = self.m, self.add
        key = f"{m.prefix}-{key_part(cell['id'])}"
        lesson = iri("lesson", key)
        self.where[str(lesson)] = where
        title = cell.get("title", "")
        if not title:
            title = short(cell["lesson"], 80)
            self.report.add("untitled", cell["id"])
        self.g.add((lesson, TYPE, gk("Lesson")))
        add(lesson, "gk:key", key)
        add(lesson, "dcterms:title", title)
        add(lesson, "rdfs:label", short(title))
        abstract = cell.get("abstract", "")
        if abstract and abstract.rstrip(".").lower() != "unavailable":
            add(lesson, "gk:context", abstract)
        add(lesson, "gk:lessonText", cell["lesson"])
        add(lesson, "gk:recommendationText", cell.get("recommendation", ""))
        add(lesson, "dcterms:identifier", cell["id"])
        add(lesson, "gk:raisedBy", self.body(cell.get("organisation", "")))
        add(lesson, "dcterms:date", self.date(cell.get("date", ""), cell["id"]))
        for category in self.categories(cell.get("categories", "")):
            add(lesson, "gk:theme", self.theme(category))
        url = cell.get("url", "")
        if url.startswith(("http://", "https://")) and not re.search(r"[\s<>\"{}|\\^`]", url):
            self.g.add((lesson, URIRef(FOAF + "page"), URIRef(url)))
        add(lesson, "prov:wasDerivedFrom", self.src)
        add(lesson, "gk:certainty", "sourced")

    def date(self, text: str, ident: str) -> Literal | None:
        if not text:
            return None
        try:
            return Literal(dt.datetime.strptime(text, self.m.date_format).date(), datatype=XSD.date)
        except ValueError:
            self.report.add("bad_dates", {"id": ident, "date": text, "format": self.m.date_format})
            return None

    def categories(self, text: str) -> list[str]:
        protected = text
        for i, compound in enumerate(self.m.compound):
            protected = protected.replace(compound, f"\0{i}\0")
        out = []
        for part in protected.split(self.m.separator):
            name = re.sub(r"\0(\d+)\0", lambda mt: self.m.compound[int(mt.group(1))], part).strip()
            if name and name not in self.m.ignore and name not in out:
                out.append(name)
        return out or [self.m.default_category]

    def theme(self, category: str) -> URIRef:
        if category in self.themes:
            return self.themes[category]
        m, add = self.m, self.add
        key = f"{m.prefix}-{key_part(category)}"
        t = iri("theme", key)
        self.themes[category] = t
        self.where[str(t)] = f"{m.where}: category {category!r}"
        self.g.add((t, TYPE, gk("Theme")))
        self.g.add((t, TYPE, URIRef(SKOS + "Concept")))
        add(t, "gk:key", key)
        add(t, "skos:prefLabel", category)
        add(t, "rdfs:label", category)
        add(t, "skos:definition", f"Lessons filed under the category “{category}” in {m.source.title}.")
        add(t, "skos:inScheme", URIRef(GK + "ThemeScheme"))
        target = m.themes.get(category) or m.unmapped_theme
        if target:
            add(t, "skos:broadMatch", iri("theme", key_part(target)))
        if category not in m.themes:
            self.report.add("categories_not_in_theme_map", category)
        add(t, "prov:wasDerivedFrom", self.src)
        return t

    def body(self, name: str) -> URIRef | None:
        if not name:
            return None
        if name in self.bodies:
            return self.bodies[name]
        key = f"{self.m.prefix}-{key_part(name)}"
        b = iri("body", key)
        self.bodies[name] = b
        self.where[str(b)] = f"{self.m.where}: organisation {name!r}"
        label = self.m.organisations.get(name, name)
        add = self.add
        self.g.add((b, TYPE, gk("Body")))
        add(b, "gk:key", key)
        add(b, "rdfs:label", label)
        if label != name:
            add(b, "gk:abbreviation", name)
        add(b, "gk:bodyKind", iri("body-kind", "other"))
        add(b, "prov:wasDerivedFrom", self.src)
        add(b, "gk:certainty", "sourced")
        return b
