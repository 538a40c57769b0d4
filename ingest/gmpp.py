"""Government Major Projects Portfolio annual CSVs (one file, or a folder of gmpp_YYYY_YY.csv) → projects.

One ``gk:Project`` per GMPP identifier across all years (keyed ``gmpp-<id>``), with its department(s),
category, description and dates; per year a ``gk:ProjectAnnualReport`` with the IPA and SRO delivery
confidence ratings (the published text and a normalised concept) and the whole-life cost as a ``gk:Figure``
in pounds. Departments are bodies keyed ``gmpp-dept-<abbreviation>`` carrying their GOV.UK slug, for
``govkg reconcile``.

The files differ from year to year: the encoding (UTF-8 with or without BOM, Windows-1252), the column
names (matched by the patterns in data/mappings/gmpp.yaml), the layout (2019-20 is transposed: one project
per column), the rating scale (five points until 2020-21, three after) and the cells that hold exemptions or
footnotes instead of values. All of that is counted in the report. A file that cannot be read (cut off,
binary, a row of the wrong length, no identifier column) stops the ingest with an error naming the row.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import InputError
from ingest import _gmpp_cells as cells
from ingest._datasets import (
    TYPE,
    DatasetSource,
    Report,
    adder,
    bundled_mapping,
    clean,
    decode,
    digest,
    display,
    gk,
    iri,
    key_part,
    need,
    prepared,
    read_csv,
)
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "gmpp"
VERSION = b"gmpp:1"
MAPPING = "data/mappings/gmpp.yaml"
_YEAR = re.compile(r"((?:19|20)\d{2})[_-](\d{2})(?!\d)")
_MARKERS = (b"gmpp id", b"major projects id")


def detect(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return bool(_year_files(path))
    return path.suffix.lower() == ".csv" and any(m in head[:16384].lower() for m in _MARKERS)


def _year_files(folder: Path) -> list[Path]:
    found = []
    for item in sorted(folder.glob("*.csv")):
        with item.open("rb") as fh:
            if detect(item, fh.read(16384)):
                found.append(item)
    return found


# ------------------------------------------------------------------------------------------- one year
@dataclass
class Row:
    """One project in one year's file."""

    year: str
    where: str
    values: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")


@dataclass
class Year:
    year: str
    path: Path
    source: DatasetSource
    rows: list[Row]
    scale: str
    info: dict[str, Any] = field(default_factory=dict)


def year_of(path: Path) -> str:
    match = _YEAR.search(path.stem)
    if not match:
        raise InputError("cannot tell the year of this GMPP file from its name", where=display(path),
                         hint="name it like gmpp_2023_24.csv")
    return f"{match.group(1)}-{match.group(2)}"


def read_year(path: Path, mapping: dict[str, Any], base: DatasetSource) -> Year:
    where = display(path)
    year = year_of(path)
    raw = path.read_bytes()
    text, encoding = decode(raw, where)
    records = list(read_csv(text, where))
    if not records:
        raise InputError("empty file", where=where)
    patterns: dict[str, list[str]] = need(mapping, "columns", dict, MAPPING)
    required: list[str] = mapping.get("required") or ["id", "name"]
    header = [r for r in records[0].cells]
    columns = _match(header, patterns)
    transposed = False
    if not all(name in columns for name in required):
        side = [r.cells[0] for r in records]
        columns = _match(side, patterns)
        if not all(name in columns for name in required):
            missing = ", ".join(n for n in required if n not in columns)
            raise InputError(f"no column for {missing} in the header (nor in the first column)", where=where,
                             hint=f"known names are in {MAPPING}")
        transposed, header = True, side
    rows = _transposed_rows(records, columns, year, where) if transposed else _rows(records, columns, year, where)
    source = DatasetSource(f"{base.key}-{year}", f"{base.title} {year} ({path.name})", base.publisher, base.url,
                           base.licence, base.identifier.format(file=path.name))
    ratings = [cells.rating(r[n])[0] for r in rows for n in ("ipa", "sro")]
    five = any(r in cells.FIVE_POINT_ONLY for r in ratings) or any(
        "five-point" in header[columns[n]].lower() for n in ("ipa", "sro") if n in columns)
    used = {header[i].split("\n")[0].strip() for i in columns.values()}
    info = {"file": path.name, "encoding": encoding, "transposed": transposed,
            "columns": {name: header[i].split("\n")[0].strip() for name, i in sorted(columns.items())},
            "unused_columns": [h.split("\n")[0].strip()[:80] for h in header if h.split("\n")[0].strip() not in used]}
    return Year(year, path, source, rows, "five-point" if five else "three-point", info)


def _norm_header(text: str) -> str:
    return " ".join(text.split("\n")[0].split()).strip().lower()


def _match(header: list[str], patterns: dict[str, list[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    normalised = [_norm_header(h) for h in header]
    for name, options in patterns.items():
        for option in options:
            rx = re.compile(option, re.IGNORECASE)
            hits = [i for i, h in enumerate(normalised) if rx.search(h)]
            if hits:
                found[name] = hits[0]
                break
    return found


def _rows(records: list[Any], columns: dict[str, int], year: str, where: str) -> list[Row]:
    width = len(records[0].cells)
    rows = []
    for rec in records[1:]:
        if len(rec.cells) != width:
            raise InputError(f"record {rec.number} has {len(rec.cells)} fields, expected {width} (as the header)",
                             where=f"{where}:{rec.line}", hint="the file may be truncated or damaged")
        values = {name: clean(rec.cells[i]) for name, i in columns.items()}
        rows.append(Row(year, f"{where}:{rec.line}", values))
    return rows


def _transposed_rows(records: list[Any], columns: dict[str, int], year: str, where: str) -> list[Row]:
    width = len(records[0].cells)
    for rec in records:
        if len(rec.cells) != width:
            raise InputError(f"record {rec.number} ({rec.cells[0][:40]!r}) has {len(rec.cells)} fields, expected "
                             f"{width}", where=f"{where}:{rec.line}", hint="the file may be truncated or damaged")
    rows = []
    for col in range(1, width):
        values = {name: clean(records[i].cells[col]) for name, i in columns.items()}
        rows.append(Row(year, f"{where}: column {col + 1}", values))
    return rows


# ------------------------------------------------------------------------------------------- projects
@dataclass
class Project:
    gmpp_id: str
    key: str
    rows: list[Row] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return iri("programme", self.key)


def gmpp_id(text: str, aliases: dict[str, str] | None = None) -> str:
    """``DfT_0022_1415-Q4`` → ``DFT_0022_1415-Q4``; a department prefix in ``aliases`` is replaced
    (2019-20 writes DH_ for the DOH_ of later years)."""
    ident = re.sub(r"\s+", "", text).upper()
    prefix, sep, rest = ident.partition("_")
    if sep and aliases and prefix in aliases:
        return f"{aliases[prefix]}_{rest}"
    return ident


def group_projects(years: list[Year], report: Report, aliases: dict[str, str] | None = None) -> dict[str, Project]:
    """One project per GMPP id across the years; rows without an id are matched by name and department."""
    projects: dict[str, Project] = {}
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    unidentified: list[Row] = []
    for year in years:
        seen: set[str] = set()
        for row in year.rows:
            if not any(row.values.values()):
                continue
            ident = gmpp_id(row["id"], aliases)
            if ident != gmpp_id(row["id"]):
                report.count("ids with an aliased prefix")
            if not ident:
                unidentified.append(row)
                continue
            if ident in seen:
                report.add("duplicate_ids", {"year": year.year, "id": ident, "at": row.where})
                continue
            seen.add(ident)
            project = projects.setdefault(ident, Project(ident, "gmpp-" + key_part(ident)))
            project.rows.append(row)
            by_name[(_name_key(row["name"]), row["department"].upper())].add(ident)
    for row in unidentified:
        if not row["name"]:
            report.add("skipped_rows", {"at": row.where, "problem": "no GMPP id and no project name"})
            continue
        ids = by_name.get((_name_key(row["name"]), row["department"].upper()), set())
        if len(ids) == 1:
            ident = next(iter(ids))
            report.add("id_from_name", {"at": row.where, "name": row["name"], "id": ident})
            projects[ident].rows.append(row)
            continue
        key = f"gmpp-noid-{key_part(row['department'] or 'x')}-{key_part(row['name'])[:60].strip('-')}"
        report.add("no_id", {"at": row.where, "name": row["name"], "key": key})
        projects.setdefault(key, Project("", key)).rows.append(row)
    for project in projects.values():
        project.rows.sort(key=lambda r: r.year)
    return projects


def _name_key(name: str) -> str:
    return key_part(name)


# ------------------------------------------------------------------------------------------- prepare
def prepare(path: Path, ctx: Context) -> list[Prepared]:
    """A folder of yearly files (all years, source ``dataset-gmpp``) or one file (``dataset-gmpp-YYYY-YY``)."""
    mapping = bundled_mapping("gmpp")
    base = DatasetSource.from_mapping(mapping, MAPPING)
    files = _year_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError("no GMPP files (gmpp_YYYY_YY.csv with a GMPP ID column) in this folder",
                         where=display(path))
    years = [read_year(f, mapping, base) for f in files]
    seen: dict[str, Path] = {}
    for y in years:
        if y.year in seen:
            raise InputError(f"two files for {y.year}: {seen[y.year].name} and {y.path.name}", where=display(path))
        seen[y.year] = y.path
    key = base.key if path.is_dir() else f"{base.key}-{years[0].year}"
    _check_not_both(ctx, key, base.key)
    report = Report()
    content_hash = digest(VERSION, json.dumps(mapping, sort_keys=True).encode(),
                          *[f.name.encode() + b"\0" + f.read_bytes() for f in files])
    g = Graph()
    for y in years:
        y.source.add_to(g, digest(y.path.read_bytes()))
    projects = group_projects(years, report, {str(k).upper(): str(v).upper()
                                              for k, v in (mapping.get("id_prefix_aliases") or {}).items()})
    builder = _Builder(g, mapping, {y.year: y for y in years}, report)
    for project in sorted(projects.values(), key=lambda p: p.key):
        builder.project(project)
    report.info["years"] = {y.year: {**y.info, "scale": y.scale, "projects": builder.per_year.get(y.year, 0)}
                            for y in years}
    report.count("projects", len(projects))
    report.count("annual reports", sum(builder.per_year.values()))
    report.count("departments", len(builder.departments))
    source = DatasetSource(key, base.title + ("" if path.is_dir() else f" {years[0].year}"), base.publisher,
                           base.url, base.licence, base.identifier)
    return [prepared(source, NAME, path, content_hash, g, report, builder.where)]


def _check_not_both(ctx: Context, key: str, folder_key: str) -> None:
    """A folder and a single year would describe the same projects twice: refuse to mix them."""
    current = set(ctx.store.sources())
    if key == folder_key:
        clash = sorted(k for k in current if k.startswith(folder_key + "-"))
    else:
        clash = [folder_key] if folder_key in current else []
    if clash:
        raise InputError(f"the store already holds GMPP data as {', '.join(clash)}",
                         hint=f"ingest either the folder or single years; `govkg remove {' '.join(clash)}` first")


class _Builder:
    def __init__(self, g: Graph, mapping: dict[str, Any], years: dict[str, Year], report: Report) -> None:
        self.g = g
        self.add = adder(g)
        self.mapping = mapping
        self.years = years
        self.report = report
        self.departments: dict[str, set[str]] = {}
        self.per_year: dict[str, int] = defaultdict(int)
        self.where: dict[str, str] = {}

    def project(self, project: Project) -> None:
        p, add = project.iri, self.add
        latest = project.rows[-1]
        label = _label(project)
        self.where[str(p)] = f"{latest.where} (GMPP id {project.gmpp_id or project.key})"
        self.g.add((p, TYPE, gk("Project")))
        add(p, "gk:key", project.key)
        add(p, "rdfs:label", label)
        add(p, "gk:initiativeKind", "project")
        add(p, "gk:gmppId", project.gmpp_id)
        for name in sorted({r["name"] for r in project.rows if r["name"].lower() != label.lower()}):
            add(p, "skos:altLabel", name)
        add(p, "dcterms:description", next((r["description"] for r in reversed(project.rows) if r["description"]), ""))
        add(p, "gk:gmppCategory", self._category(project))
        self._dates(project)
        for row in project.rows:
            departments = self.department_iris(row)
            for dept in departments:
                add(p, "gk:ledBy", dept)
            add(p, "prov:wasDerivedFrom", self.years[row.year].source.iri)
            self.annual_report(project, label, row, departments)
        add(p, "gk:certainty", "sourced")

    def _category(self, project: Project) -> str:
        known: dict[str, str] = self.mapping.get("categories") or {}
        raw = next((r["category"] for r in reversed(project.rows) if r["category"]), "")
        if raw and raw not in known:
            self.report.add("unknown_categories", {"id": project.gmpp_id, "category": raw})
        return known.get(raw, raw)

    def _dates(self, project: Project) -> None:
        start = end = None
        for row in reversed(project.rows):
            s, s_kind = cells.date(row["start"])
            e, e_kind = cells.date(row["end"])
            for kind in (s_kind, e_kind):
                self.report.count(f"dates {kind}")
            if s or e:
                start, end = s, e
                break
        if start and end and end < start:
            self.report.add("end_before_start", {"id": project.gmpp_id, "start": str(start), "end": str(end)})
            end = None
        if start:
            self.add(project.iri, "gk:startDate", Literal(start, datatype=XSD.date))
        if end:
            self.add(project.iri, "gk:endDate", Literal(end, datatype=XSD.date))

    def department_iris(self, row: Row) -> list[URIRef]:
        known: dict[str, dict[str, str]] = need(self.mapping, "departments", dict, MAPPING)
        out = []
        for part in re.split(r"\s*(?:&|/|\band\b)\s*", row["department"]):
            abbr = part.strip().upper()
            if not abbr:
                continue
            b = iri("body", f"gmpp-dept-{key_part(abbr)}")
            if abbr not in self.departments:
                self.departments[abbr] = set()
                info = known.get(abbr)
                if info is None:
                    self.report.add("unknown_departments", {"department": part.strip(), "at": row.where})
                    info = {"label": part.strip(), "kind": "department"}
                self._department(b, abbr, info)
            if row.year not in self.departments[abbr]:
                self.departments[abbr].add(row.year)
                self.add(b, "prov:wasDerivedFrom", self.years[row.year].source.iri)
            out.append(b)
        if not out:
            self.report.add("no_department", {"at": row.where, "id": row["id"]})
        return out

    def _department(self, b: URIRef, abbr: str, info: dict[str, str]) -> None:
        add = self.add
        self.g.add((b, TYPE, gk("Body")))
        add(b, "gk:key", f"gmpp-dept-{key_part(abbr)}")
        add(b, "rdfs:label", info.get("label") or abbr)
        if abbr != info.get("label"):
            add(b, "gk:abbreviation", abbr)
        add(b, "gk:bodyKind", iri("body-kind", info.get("kind") or "department"))
        add(b, "gk:govukSlug", info.get("govuk_slug", ""))
        add(b, "gk:certainty", "sourced")
        self.where[str(b)] = f"{MAPPING}: departments {abbr}"

    def annual_report(self, project: Project, label: str, row: Row, departments: list[URIRef]) -> None:
        year = self.years[row.year]
        key = f"{project.key}--{row.year}"
        r, add = iri("project-report", key), self.add
        self.where[str(r)] = f"{row.where} (GMPP id {project.gmpp_id}, {row.year})"
        self.g.add((r, TYPE, gk("ProjectAnnualReport")))
        add(r, "gk:key", key)
        add(r, "gk:reportOf", project.iri)
        add(r, "gk:financialYear", row.year)
        for dept in departments:
            add(r, "gk:department", dept)
        parts = []
        for who in ("ipa", "sro"):
            text = row[who]
            concept, kind = cells.rating(text)
            self.report.count(f"{who} ratings {kind}")
            add(r, f"gk:{who}Rating", iri("delivery-confidence", concept) if concept else None)
            add(r, f"gk:{who}RatingText", text)
            if concept:
                parts.append(f"{who.upper()} {text.title() if text.isupper() else text}")
        add(r, "gk:ratingScale", year.scale)
        cost, cost_kind = cells.money(row["whole_life_cost"])
        self.report.count(f"whole-life cost {cost_kind}")
        if cost is not None:
            add(r, "gk:wholeLifeCost", self._figure(project, label, row, key, cost))
            parts.append(f"whole-life cost {cost.text()}")
        if cost_kind != "number":
            add(r, "gk:wholeLifeCostText", row["whole_life_cost"])
        add(r, "gk:sroName", row["sro_name"])
        add(r, "rdfs:label", f"{label}, GMPP {row.year}" + (": " + ", ".join(parts) if parts else ""))
        add(r, "prov:wasDerivedFrom", year.source.iri)
        add(r, "gk:certainty", "sourced")
        self.per_year[row.year] += 1

    def _figure(self, project: Project, label: str, row: Row, key: str, cost: cells.Money) -> URIRef:
        f, add = iri("figure", f"{key}-wlc"), self.add
        self.where[str(f)] = f"{row.where} (whole-life cost {row.year})"
        self.g.add((f, TYPE, gk("Figure")))
        add(f, "gk:key", f"{key}-wlc")
        add(f, "rdfs:label", f"{label} whole-life cost, GMPP {row.year}")
        add(f, "gk:amount", Literal(cost.lexical(), datatype=XSD.decimal))
        add(f, "gk:unit", iri("unit", "GBP"))
        add(f, "gk:measures", f"Baseline whole-life cost of the project as reported in the GMPP data for {row.year}")
        add(f, "gk:about", project.iri)
        add(f, "gk:qualifier", cost.qualifier)
        add(f, "prov:wasDerivedFrom", self.years[row.year].source.iri)
        add(f, "gk:certainty", "sourced")
        return f


def _label(project: Project) -> str:
    """The latest name, preferring one not written all in capitals."""
    names = [r["name"] for r in reversed(project.rows) if r["name"]]
    if not names:
        return project.gmpp_id or project.key
    return next((n for n in names if not n.isupper()), names[0])
