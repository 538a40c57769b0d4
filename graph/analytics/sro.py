"""Senior Responsible Owners: who held each project's SRO role, for how long, and how often it changed.

The Public Accounts Committee has found, more than once, that frequent changes of SRO weaken accountability
for major projects. This reads every accountability of kind ``sro`` (the curated ones and those the GMPP data
gives: a person named as SRO in a reporting year), groups them by scope (a project is a scope) and says, per
project, who held the role, from when to when, with the sources, and how many *changes* there were: an SRO
who began after the project's first, when nobody of their line (see :mod:`graph.analytics.lines`: a post and
the person in it are one line) held it the day before. Two people of different lines holding it at once are
*joint* SROs. Per department (the bodies that lead the project, ``gk:ledBy``), the same added up.

The GMPP data names SROs only in some years (2024-25 on in the published files), so a tenure there is the run
of reporting years that name the person, not the dates of their appointment: tenures are lower bounds, and a
project's first SRO in the data is not its first SRO.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from graph.analytics.data import Accountability, GovernanceData
from graph.analytics.evidence import Evidence, evidence
from graph.analytics.lines import Lines

SRO = "sro"
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Tenure:
    """One SRO accountability: who, from when to when, whether it was a change, and on whose word."""

    holder: str
    holder_label: str
    start: date
    end: date | None
    days: int  # to the end, or to ``today`` while it lasts
    change: bool  # began after the project's first SRO, with nobody of its line in the role the day before
    joint_with: tuple[str, ...]  # others of another line in the role at the same time
    evidence: Evidence

    @property
    def years(self) -> float:
        return round(self.days / 365.25, 2)


@dataclass
class ProjectSros:
    scope: str
    project: str  # the scope's label
    departments: list[str]  # labels of the bodies leading it
    department_iris: list[str]
    tenures: list[Tenure] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for t in self.tenures if t.change)

    @property
    def people(self) -> int:
        return len({t.holder_label for t in self.tenures})

    @property
    def first(self) -> date:
        return min(t.start for t in self.tenures)

    @property
    def joint(self) -> bool:
        return any(t.joint_with for t in self.tenures)

    @property
    def mean_years(self) -> float:
        return round(sum(t.years for t in self.tenures) / len(self.tenures), 2) if self.tenures else 0.0


@dataclass(frozen=True)
class DepartmentSros:
    department: str
    label: str
    projects: int
    people: int
    tenures: int
    changes: int
    projects_with_changes: int
    joint_projects: int
    mean_years: float  # mean length of a tenure

    @property
    def changes_per_project(self) -> float:
        return round(self.changes / self.projects, 2) if self.projects else 0.0


@dataclass
class SroTurnover:
    today: date
    department: str | None  # the department asked for (its label), if any
    projects: list[ProjectSros] = field(default_factory=list)
    departments: list[DepartmentSros] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(p.changes for p in self.projects)

    @property
    def tenures(self) -> int:
        return sum(len(p.tenures) for p in self.projects)


def departments_named(data: GovernanceData, ref: str) -> tuple[str, set[str]]:
    """The label of the department ``ref`` names (key, label, abbreviation or IRI, case ignored) and every
    body it stands for: the records linked to it and the bodies it was renamed from or to (DHSC is also the
    Department of Health)."""
    wanted = ref.strip().lower()
    lines = Lines(data)
    found = {b for b in data.bodies if wanted in {b.lower(), data.key(b).lower(), data.label(b).lower(),
                                                   *data._abbreviations.get(b, ())}}
    if not found:
        from graph.keys import Key, UnknownKeyError, nearest

        near = nearest(ref, [Key(data.key(b), data.label(b), "body", b) for b in data.bodies])
        shown = "".join(f"{k.key} ({k.label}), " for k in near)
        raise UnknownKeyError(f"no department {ref!r}", suggestions=near,
                              hint=(f"nearest: {shown}" if near else "")
                              + "give the department's key, label or abbreviation (dhsc)")
    label = data.label(min({data.canonical(b) for b in found}))
    return label, {x for b in found for x in lines.same_body(b)}


def sro_turnover(data: GovernanceData, *, department: str | None = None, scope: str | None = None,
                 today: date | None = None) -> SroTurnover:
    """SRO tenures and changes per project (``scope``: one of them), and per department (``department``: the
    projects it leads)."""
    today = today or date.today()
    lines = Lines(data)
    label, wanted = departments_named(data, department) if department else ("", None)
    by_scope: dict[str, list[Accountability]] = defaultdict(list)
    for a in data.accountabilities:
        if a.kind == SRO and (scope is None or a.scope == scope):
            by_scope[a.scope].append(a)
    out = SroTurnover(today, label or None)
    for scope_iri, accs in sorted(by_scope.items(), key=lambda kv: data.label(kv[0]).lower()):
        leaders = _leaders(data, scope_iri)
        if wanted is not None and not (set(leaders) & wanted):
            continue
        project = ProjectSros(scope_iri, data.label(scope_iri), sorted({data.label(b) for b in leaders}),
                              sorted(leaders))
        project.tenures = _tenures(data, lines, accs, today)
        out.projects.append(project)
    out.departments = _departments(data, out.projects, wanted)
    return out


def _leaders(data: GovernanceData, scope: str) -> list[str]:
    """The bodies leading a scope's initiative (and every initiative linked to it as the same thing)."""
    initiatives = {data.scope_initiatives[s] for s in data.linked(scope) if s in data.scope_initiatives}
    initiatives |= {x for i in list(initiatives) for x in data.linked(i)}
    found = {data.canonical(b) for i in initiatives if i in data.initiatives for b in data.initiatives[i].led_by}
    return sorted(found)


def _tenures(data: GovernanceData, lines: Lines, accs: list[Accountability], today: date) -> list[Tenure]:
    ordered = sorted(accs, key=lambda a: (a.start, data.label(a.holder)))
    first = ordered[0].start
    out = []
    for a in ordered:
        before = a.start - _DAY
        kept_on = any(lines.same_line(a.holder, b.holder) and b.in_force(before) for b in accs if b is not a)
        joint = sorted({data.label(b.holder) for b in accs if b is not a and not lines.same_line(a.holder, b.holder)
                        and b.start <= (a.end or today) and (b.end or today) >= a.start})
        days = ((a.end or today) - a.start).days + 1
        out.append(Tenure(a.holder, data.label(a.holder), a.start, a.end, days, a.start > first and not kept_on,
                          tuple(joint), evidence(data, a)))
    return out


def _departments(data: GovernanceData, projects: list[ProjectSros], wanted: set[str] | None) -> list[DepartmentSros]:
    per: dict[str, list[ProjectSros]] = defaultdict(list)
    for p in projects:
        for b in p.department_iris or [""]:
            if wanted is None or b in wanted or not b:
                per[b].append(p)
    out = []
    for body, items in per.items():
        tenures = [t for p in items for t in p.tenures]
        out.append(DepartmentSros(
            body, data.label(body) if body else "(no department recorded)", len(items),
            len({t.holder_label for t in tenures}), len(tenures), sum(p.changes for p in items),
            sum(1 for p in items if p.changes), sum(1 for p in items if p.joint),
            round(sum(t.years for t in tenures) / len(tenures), 2) if tenures else 0.0))
    return sorted(out, key=lambda d: (-d.projects, d.label))
