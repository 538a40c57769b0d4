"""Senior Responsible Owners as people, posts, tenures and accountabilities.

Each project-year that names an SRO gives, for each person it names:

* a ``gk:Person`` (``id/person/gmpp-sro-<name>-<department>``), the same for every year and project that
  names them in that department; a person named in two departments is one person only when one project
  names them in both (it moved between them), otherwise two, listed in the report as not merged;
* the post "SRO of <project>" (``gk:Post``, in the project's latest department), one per project;
* a ``gk:Tenure`` of the person in the post and a ``gk:Accountability`` of kind ``sro`` for the project's
  scope (``gk:Scope`` with ``gk:initiative`` the project), from 1 April of the first reporting year that
  names them to 31 March after the last, consecutive years merged into one; a year that does not name them
  (or a file with no SRO column) ends the run. The span is the years that name them, not the appointment,
  so the accountability is ``inferred`` and says so; each cites the year files and names the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ingest.datasets import TYPE, Adder, Report, gk, iri, key_part
from ingest.gmpp.departments import Departments
from ingest.gmpp.files import Row, Year
from ingest.gmpp.matching import Project
from ingest.gmpp.names import PersonName, person_names

SRO_KIND = iri("accountability-kind", "sro")
SCOPE_SCHEME = gk("ScopeScheme")


@dataclass(frozen=True)
class Naming:
    """One person named as SRO of one project in one year's row."""

    project: Project
    row: Row
    person: PersonName
    department: str  # the row's department, resolved (DHSC for DoH)


@dataclass
class Person:
    key: str
    names: list[Naming] = field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return iri("person", self.key)

    @property
    def label(self) -> str:
        return sorted(self.names, key=lambda n: n.row.year)[-1].person.name

    def departments(self) -> list[str]:
        return sorted({n.department for n in self.names})


class _Union:
    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(self, x: tuple[str, str]) -> tuple[str, str]:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: tuple[str, str], b: tuple[str, str]) -> None:
        self.parent[self.find(a)] = self.find(b)


def namings(projects: Iterable[Project], departments: Departments, titles: list[str],
            report: Report) -> list[Naming]:
    out: list[Naming] = []
    for project in projects:
        for row in project.rows:
            if "sro_name" not in row.values:
                continue
            people, kind = person_names(row["sro_name"], titles)
            report.count(f"sro names {kind}")
            if kind == "footnote":
                report.add("sro_names_not_read", {"at": row.where, "cell": row["sro_name"][:120]})
            if len(people) > 1:
                report.count("project-years with joint SROs")
            codes = [d.code for d in departments.cell(row["department"])] or ["unknown"]
            out.extend(Naming(project, row, p, codes[0]) for p in people)
    return out


def identify(found: list[Naming], report: Report) -> dict[tuple[str, str], Person]:
    """People by (name, department): one name in several departments is one person only when a project
    names them in more than one of them."""
    union = _Union()
    by_project: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for n in found:
        node = (n.person.key, n.department)
        union.find(node)
        by_project[(n.project.key, n.person.key)].add(node)
    for nodes in by_project.values():
        first, *rest = sorted(nodes)
        for other in rest:
            union.union(first, other)
    clusters: dict[tuple[str, str], list[Naming]] = defaultdict(list)
    for n in found:
        clusters[union.find((n.person.key, n.department))].append(n)
    people: dict[tuple[str, str], Person] = {}
    for members in clusters.values():
        earliest = min(members, key=lambda n: (n.row.year, n.department))
        person = Person(f"gmpp-sro-{key_part(earliest.person.key)}-{key_part(earliest.department)}", members)
        for n in members:
            people[(n.person.key, n.department)] = person
        if len(person.departments()) > 1:
            shared = sorted({n.project.key for n in members if len({m.department for m in members
                                                                     if m.project is n.project}) > 1})
            report.add("sro_people_merged", {"person": person.key, "name": person.label,
                                             "departments": person.departments(),
                                             "reason": f"one project names them in several departments: "
                                                       f"{', '.join(shared)}"})
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in {p.key: p for p in people.values()}.values():
        by_name[person.names[0].person.key].append(person)
    for _name, alike in sorted(by_name.items()):
        if len(alike) > 1:
            report.add("sro_same_name_not_merged", {
                "name": alike[0].label, "people": [
                    {"person": p.key, "departments": p.departments(),
                     "projects": sorted({n.project.key for n in p.names})} for p in alike],
                "reason": "the same name in different departments, and no project names them in both"})
    return people


def _runs(years: list[str]) -> list[list[str]]:
    """Consecutive financial years together: [2019-20, 2020-21, 2023-24] → [[2019-20, 2020-21], [2023-24]]."""
    runs: list[list[str]] = []
    for year in sorted(set(years)):
        if runs and int(year[:4]) == int(runs[-1][-1][:4]) + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return runs


def _span(run: list[str]) -> str:
    return run[0] if len(run) == 1 else f"{run[0]} to {run[-1]}"


class SroBuilder:
    """Writes the people, posts, scopes, tenures and accountabilities of the SROs into ``g``."""

    def __init__(self, g: Graph, add: Adder, years: dict[str, Year], report: Report,
                 where: dict[str, str]) -> None:
        self.g, self.add, self.years, self.report, self.where = g, add, years, report, where
        self.written_people: set[str] = set()
        self.labels: dict[str, str] = {}

    def build(self, found: list[Naming], labels: dict[str, str], post_body: dict[str, URIRef]) -> None:
        people = identify(found, self.report)
        self.labels = labels
        by_project: dict[str, list[Naming]] = defaultdict(list)
        for n in found:
            by_project[n.project.key].append(n)
        for key in sorted(by_project):
            items = by_project[key]
            project = items[0].project
            post, scope = self._post(project, labels[key], post_body.get(key), items), self._scope(project, labels[key])
            per_person: dict[str, list[Naming]] = defaultdict(list)
            for n in items:
                per_person[people[(n.person.key, n.department)].key].append(n)
            for _key, named in sorted(per_person.items()):
                person = people[(named[0].person.key, named[0].department)]
                self._person(person)
                for run in _runs([n.row.year for n in named]):
                    self._held(person, project, labels[key], post, scope, [n for n in named if n.row.year in run],
                               run)
        self.report.count("sro people", len({p.key for p in people.values()}))

    def _cite(self, subject: URIRef, rows: Iterable[Row]) -> None:
        for year in sorted({r.year for r in rows}):
            self.add(subject, "prov:wasDerivedFrom", self.years[year].source.iri)

    def _person(self, person: Person) -> None:
        if person.key in self.written_people:
            return
        self.written_people.add(person.key)
        p, add = person.iri, self.add
        self.g.add((p, TYPE, gk("Person")))
        add(p, "gk:key", person.key)
        add(p, "rdfs:label", person.label)
        for form in sorted({n.person.published for n in person.names} - {person.label}):
            add(p, "skos:altLabel", form)
        years: dict[str, list[str]] = defaultdict(list)
        for n in sorted(person.names, key=lambda n: n.row.year):
            if n.row.year not in years[n.project.key]:
                years[n.project.key].append(n.row.year)
        held = "; ".join(f"{self.labels[k]} ({', '.join(y)})" for k, y in sorted(years.items(), key=lambda kv: kv[1]))
        add(p, "dcterms:description", f"Named as senior responsible owner in the GMPP data "
                                      f"({', '.join(person.departments())}): {held}.")
        self._cite(p, (n.row for n in person.names))
        add(p, "gk:certainty", "sourced")
        self.where[str(p)] = f"{person.names[0].row.where} (SRO {person.label})"

    def _post(self, project: Project, label: str, body: URIRef | None, items: list[Naming]) -> URIRef:
        key = post_key(project)
        p, add = iri("post", key), self.add
        self.g.add((p, TYPE, gk("Post")))
        add(p, "gk:key", key)
        add(p, "rdfs:label", f"SRO of {label}")
        add(p, "dcterms:description", f"Senior responsible owner of the major project {label}"
                                      + (f" (GMPP id {project.gmpp_id})." if project.gmpp_id else "."))
        add(p, "org:postIn", body)
        self._cite(p, (n.row for n in items))
        add(p, "gk:certainty", "sourced")
        self.where[str(p)] = f"{items[0].row.where} (SRO post of {label})"
        return p

    def _scope(self, project: Project, label: str) -> URIRef:
        key = f"portfolio-{project.key}"
        s, add = iri("scope", key), self.add
        self.g.add((s, TYPE, gk("Scope")))
        add(s, "gk:key", key)
        add(s, "rdfs:label", label)
        add(s, "skos:inScheme", SCOPE_SCHEME)
        add(s, "dcterms:description", f"Delivery of the major project {label}, as a scope of accountability.")
        add(s, "gk:initiative", URIRef(project.iri))
        self._cite(s, project.rows)
        add(s, "gk:certainty", "sourced")
        self.where[str(s)] = f"{project.rows[-1].where} (scope of {label})"
        return s

    def _held(self, person: Person, project: Project, label: str, post: URIRef, scope: URIRef,
              named: list[Naming], run: list[str]) -> None:
        start = dt.date(int(run[0][:4]), 4, 1)
        end = dt.date(int(run[-1][:4]) + 1, 3, 31)
        rows = sorted({n.row.where: n.row for n in named}.values(), key=lambda r: r.year)
        places = "; ".join(f"{r.year}: {r.where}" for r in rows)
        note = (f"Named in {places}. The dates are the reporting years that name them, not the dates of "
                f"appointment.")
        tenure_key = f"{post_key(project)}--{person.key}-{run[0]}"
        t, add = iri("tenure", tenure_key), self.add
        self.g.add((t, TYPE, gk("Tenure")))
        add(t, "gk:key", tenure_key)
        add(t, "gk:person", person.iri)
        add(t, "gk:post", post)
        self._dates(t, start, end)
        add(t, "skos:note", note)
        self._cite(t, rows)
        add(t, "gk:certainty", "inferred")
        acc_key = f"{person.key}--{project.key}-{run[0]}"
        a = iri("accountability", acc_key)
        self.g.add((a, TYPE, gk("Accountability")))
        add(a, "gk:key", acc_key)
        add(a, "rdfs:label", f"{person.label}: SRO of {label}, {_span(run)}")
        add(a, "gk:holder", person.iri)
        add(a, "gk:scope", scope)
        add(a, "gk:accountabilityKind", SRO_KIND)
        self._dates(a, start, end)
        add(a, "dcterms:description", f"Named as senior responsible owner of {label} in the GMPP data for "
                                      f"{_span(run)}" + (f" (as {named[0].person.published})."
                                                         if named[0].person.published != person.label else "."))
        add(a, "skos:note", note)
        self._cite(a, rows)
        add(a, "gk:certainty", "inferred")
        self.where[str(a)] = f"{rows[0].where} (SRO {person.label}, {_span(run)})"
        self.where[str(t)] = self.where[str(a)]
        self.report.count("sro accountabilities")

    def _dates(self, s: URIRef, start: dt.date, end: dt.date) -> None:
        self.add(s, "gk:startDate", Literal(start, datatype=XSD.date))
        self.add(s, "gk:endDate", Literal(end, datatype=XSD.date))


def post_key(project: Project) -> str:
    return f"sro-of-{project.key}"
