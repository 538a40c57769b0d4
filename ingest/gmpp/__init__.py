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
from ingest.datasets import (
    TYPE,
    DatasetSource,
    Report,
    adder,
    bundled_mapping,
    digest,
    display,
    gk,
    iri,
    key_part,
    need,
    prepared,
)
from ingest.gmpp import cells
from ingest.gmpp.files import MAPPING, Row, Year, read_year
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "gmpp"
VERSION = b"gmpp:1"
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
    years = sorted((read_year(f, mapping, base) for f in files), key=lambda y: y.year)
    seen: dict[str, Path] = {}
    for y in years:
        if y.year in seen:
            raise InputError(f"two files for {y.year}: {seen[y.year].name} and {y.path.name}", where=display(path))
        seen[y.year] = y.path
    key = base.key if path.is_dir() else f"{base.key}-{years[0].year}"
    _check_not_both(ctx, key, base.key, display(path))
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
    span = years[0].year if len(years) == 1 else f"{len(years)} years, {years[0].year} to {years[-1].year}"
    headline = f"{len(projects):,} projects, {sum(builder.per_year.values()):,} annual reports ({span})"
    return [prepared(source, NAME, path, content_hash, g, report, builder.where, headline=headline)]


def _check_not_both(ctx: Context, key: str, folder_key: str, where: str) -> None:
    """The folder and single years, or two single years, would describe the same projects in two sources
    (with different labels and dates): refuse to mix them, in the store or in one run."""
    clash = sorted(k for k in ctx.store.sources() if k != key and (k == folder_key or k.startswith(folder_key + "-")))
    if clash:
        raise InputError(f"the store already holds GMPP data as {', '.join(clash)}", where=where,
                         hint=f"ingest either the folder or one year; `govkg remove {' '.join(clash)}` first")
    in_run = ctx.options.setdefault("_gmpp_sources", [])  # the run's context is shared by its ingesters
    if in_run:
        raise InputError(f"this run already reads GMPP data ({in_run[0]})", where=where,
                         hint="give the folder of all years instead of several files")
    in_run.append(key)


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
