"""Government Major Projects Portfolio annual CSVs (one file, or a folder of yearly files) → projects and
their Senior Responsible Owners.

One ``gk:Project`` per GMPP identifier across all years (keyed ``gmpp-<id>``), with its department(s),
category, description and dates; per year a ``gk:ProjectAnnualReport`` with the IPA (earlier: MPA) and SRO
delivery confidence ratings (the published text and a normalised concept) and the whole-life cost as a
``gk:Figure`` in pounds. Departments are bodies keyed ``gmpp-dept-<code>`` carrying their GOV.UK slug, for
``govkg reconcile``; codes of earlier years resolve to today's department (ingest/gmpp/departments.py).
Each project-year that names its SRO gives people, posts, tenures and ``sro`` accountabilities
(ingest/gmpp/people.py).

The files differ from year to year: the encoding (UTF-8 with or without BOM, Windows-1252, Latin-1), the
column names (matched by the patterns in data/mappings/gmpp.yaml), the layout (2019-20 and the files before
it are transposed: one project per column), the year (from the file name, or from a field like "2015/16
Budget"), the rating scale (five points until 2020-21, three after), identifiers (none before 2019-20: rows
are matched across years by name and department, ingest/gmpp/matching.py) and the cells that hold
exemptions or footnotes instead of values. All of that is counted in the report. A file that cannot be read
(cut off, binary, a row of the wrong length, no identifier column in a year that has them) stops the ingest
with an error naming the row.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from graph.errors import InputError
from ingest.datasets import DatasetSource, Report, adder, bundled_mapping, digest, display, prepared
from ingest.gmpp.build import ProjectBuilder
from ingest.gmpp.departments import Departments
from ingest.gmpp.files import MAPPING, read_year
from ingest.gmpp.matching import group_projects
from ingest.gmpp.people import SroBuilder, namings
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "gmpp"
VERSION = b"gmpp:2"
# what a GMPP file says in its first 16 KiB: an id column, or (before ids) the rating of the MPA or IPA
_MARKERS = (b"gmpp id", b"major projects id", b"mpa rag rating", b"ipa rag rating")


def detect(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return bool(_year_files(path))
    return path.suffix.lower() == ".csv" and any(m in head[:16384].lower() for m in _MARKERS)


def _year_files(folder: Path) -> list[Path]:
    return [f for f in sorted(folder.glob("*.csv")) if _is_gmpp(f)]


def _is_gmpp(item: Path) -> bool:
    with item.open("rb") as fh:
        return detect(item, fh.read(16384))


def _not_read(folder: Path, files: list[Path], ctx: Context) -> None:
    """The other files of a folder read as GMPP data are reported, not passed over in silence."""
    for item in sorted(folder.iterdir()):
        if item not in files and not item.name.startswith("."):
            why = "a folder (folders are not searched)" if item.is_dir() else (
                "not a GMPP year file (a CSV with a GMPP ID column, or an MPA/IPA RAG rating field)")
            ctx.not_read.append((display(item), why))


# ------------------------------------------------------------------------------------------- prepare
def prepare(path: Path, ctx: Context) -> list[Prepared]:
    """A folder of yearly files (all years, source ``dataset-gmpp``) or one file (``dataset-gmpp-YYYY-YY``)."""
    mapping = bundled_mapping("gmpp")
    base = DatasetSource.from_mapping(mapping, MAPPING)
    files = _year_files(path) if path.is_dir() else [path]
    if not files:
        raise InputError("no GMPP files (a CSV with a GMPP ID column, or an MPA/IPA RAG rating field) in this "
                         "folder", where=display(path))
    if path.is_dir():
        _not_read(path, files, ctx)
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
    departments = Departments(mapping, MAPPING)
    aliases = {str(k).upper(): str(v).upper() for k, v in (mapping.get("id_prefix_aliases") or {}).items()}
    projects = group_projects(years, report, departments, aliases)
    by_year = {y.year: y for y in years}
    builder = ProjectBuilder(g, mapping, by_year, report, departments)
    for project in sorted(projects.values(), key=lambda p: p.key):
        builder.project(project)
    titles = [str(t) for t in mapping.get("sro_titles") or []]
    named = namings(sorted(projects.values(), key=lambda p: p.key), departments, titles, report)
    SroBuilder(g, adder(g), by_year, report, builder.where).build(named, builder.labels, builder.home)
    report.info["years"] = {y.year: {**y.info, "scale": y.scale, "projects": builder.per_year.get(y.year, 0)}
                            for y in years}
    report.count("projects", len(projects))
    report.count("annual reports", sum(builder.per_year.values()))
    report.count("departments", len(builder.departments))
    source = DatasetSource(key, base.title + ("" if path.is_dir() else f" {years[0].year}"), base.publisher,
                           base.url, base.licence, base.identifier)
    span = years[0].year if len(years) == 1 else f"{len(years)} years, {years[0].year} to {years[-1].year}"
    sros = report.counts.get("sro accountabilities", 0)
    headline = (f"{len(projects):,} projects, {sum(builder.per_year.values()):,} annual reports ({span}), "
                f"{sros:,} SRO accountabilities")
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
