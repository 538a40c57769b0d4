"""Which rows of which years are one project.

A GMPP id names one project across the years (a department prefix that changed is aliased: DH_ → DOH_).
The files before 2019-20 carry no id: such a row joins the project of another year with the same name (in
the normal form of :func:`ingest.gmpp.names.project_name_key`) and department (after resolving its code:
DoH, DH and DHSC are one department). Each match is recorded with its reason. When a row could join more than
one project, or two rows of one year would join the same one, the candidates are listed and nothing is
merged: the row becomes a project of its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ingest.datasets import Report, iri, key_part
from ingest.gmpp.departments import Departments
from ingest.gmpp.files import Row, Year
from ingest.gmpp.names import project_name_key


@dataclass
class Project:
    gmpp_id: str
    key: str
    rows: list[Row] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return str(iri("programme", self.key))

    def years(self) -> list[str]:
        return [r.year for r in self.rows]


def gmpp_id(text: str, aliases: dict[str, str] | None = None) -> str:
    """``DfT_0022_1415-Q4`` → ``DFT_0022_1415-Q4``; a department prefix in ``aliases`` is replaced
    (2019-20 writes DH_ for the DOH_ of later years)."""
    ident = re.sub(r"\s+", "", text).upper()
    prefix, sep, rest = ident.partition("_")
    if sep and aliases and prefix in aliases:
        return f"{aliases[prefix]}_{rest}"
    return ident


def _codes(row: Row, departments: Departments) -> list[str]:
    return [d.code for d in departments.cell(row["department"])]


def group_projects(years: list[Year], report: Report, departments: Departments,
                   aliases: dict[str, str] | None = None) -> dict[str, Project]:
    """One project per GMPP id across the years; rows without an id are matched by name and department."""
    projects: dict[str, Project] = {}
    index: dict[tuple[str, str], set[str]] = defaultdict(set)  # (name key, department) → project keys
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
            for code in _codes(row, departments):
                index[(project_name_key(row["name"]), code)].add(ident)
    for row in sorted(unidentified, key=lambda r: r.year):
        _place(row, projects, index, report, departments)
    for project in projects.values():
        project.rows.sort(key=lambda r: r.year)
    return projects


def _place(row: Row, projects: dict[str, Project], index: dict[tuple[str, str], set[str]], report: Report,
           departments: Departments) -> None:
    if not row["name"]:
        report.add("skipped_rows", {"at": row.where, "problem": "no GMPP id and no project name"})
        return
    name = project_name_key(row["name"])
    codes = _codes(row, departments) or [""]
    found = sorted(set().union(*(index.get((name, c), set()) for c in codes)))
    free = [k for k in found if row.year not in projects[k].years()]
    if len(found) == 1 and free:
        project = projects[found[0]]
        earlier = project.rows[0]
        report.add("matched_by_name", {
            "at": row.where, "year": row.year, "name": row["name"], "department": row["department"],
            "project": project.key, "gmpp_id": project.gmpp_id,
            "reason": f"same name ({name!r}) and department ({', '.join(codes)}) as {earlier.year} "
                      f"({earlier['name']!r}, {earlier['department']!r}, {earlier.where})"})
        project.rows.append(row)
        return
    key = f"gmpp-noid-{key_part(codes[0] or 'x')}-{key_part(name or row['name'])[:60].strip('-')}"
    if found:  # several projects, or one that already has a row of this year: list them, merge nothing
        report.add("ambiguous_names", {
            "at": row.where, "year": row.year, "name": row["name"], "department": row["department"],
            "candidates": [{"project": k, "gmpp_id": projects[k].gmpp_id,
                            "years": projects[k].years()} for k in found],
            "reason": f"{len(found)} project(s) with the name {name!r} and department {', '.join(codes)}"
                      + ("" if len(found) > 1 else f", already with a row for {row.year}")})
        key = f"{key}-{row.year}"
    else:
        report.add("no_id", {"at": row.where, "year": row.year, "name": row["name"], "key": key})
    project = projects.setdefault(key, Project("", key))
    project.rows.append(row)
    for code in codes:
        index[(name, code)].add(key)
