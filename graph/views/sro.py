"""SRO tenure and turnover as tables for the explorer (graph/analytics/sro.py): per department, per project,
and every tenure with its sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.analytics import GovernanceData
from graph.analytics.sro import sro_turnover
from graph.views.refs import iso, ref_of


def sro_tables(data: GovernanceData, department: str | None = None, *, today: date | None = None) -> dict[str, Any]:
    """``departments``, ``projects`` and ``tenures`` rows (``department``: a body ref or name; None: all),
    with the totals."""
    found = sro_turnover(data, department=department or None, today=today)
    departments = [{"department": d.label, "projects": d.projects, "SROs": d.people, "tenures": d.tenures,
                    "changes": d.changes, "changes per project": d.changes_per_project,
                    "projects with changes": d.projects_with_changes, "projects with joint SROs": d.joint_projects,
                    "mean years in post": d.mean_years, "ref": ref_of(d.department) if d.department else ""}
                   for d in found.departments]
    projects = [{"project": p.project, "department": ", ".join(p.departments), "SROs": p.people,
                 "tenures": len(p.tenures), "changes": p.changes, "mean years in post": p.mean_years,
                 "joint SROs": "yes" if p.joint else "", "first SRO from": iso(p.first),
                 "scope ref": ref_of(p.scope)} for p in found.projects]
    tenures = [{"project": p.project, "SRO": t.holder_label, "from": iso(t.start), "to": iso(t.end, "today"),
                "years": t.years, "change": "yes" if t.change else "", "joint with": ", ".join(t.joint_with),
                "certainty": t.evidence.certainty, "sources": ", ".join(s.key for s in t.evidence.sources),
                "fact": ref_of(t.evidence.iri)} for p in found.projects for t in p.tenures]
    return {"department": found.department, "projects": projects, "departments": departments, "tenures": tenures,
            "changes": found.changes, "tenure count": found.tenures}


def sro_departments(data: GovernanceData) -> list[str]:
    """The departments that lead a project with an SRO, for a picker (labels)."""
    return [d.label for d in sro_turnover(data).departments if d.department]
