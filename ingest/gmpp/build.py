"""GMPP projects as RDF: the project, its departments, one annual report per year with the ratings and the
whole-life cost (a ``gk:Figure``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from ingest.datasets import TYPE, Report, adder, gk, iri, key_part
from ingest.gmpp import cells
from ingest.gmpp.departments import Departments, Resolved
from ingest.gmpp.files import MAPPING, Row, Year
from ingest.gmpp.matching import Project


class ProjectBuilder:
    def __init__(self, g: Graph, mapping: dict[str, Any], years: dict[str, Year], report: Report,
                 departments: Departments) -> None:
        self.g = g
        self.add = adder(g)
        self.mapping = mapping
        self.years = years
        self.report = report
        self.resolver = departments
        self.departments: dict[str, set[str]] = {}
        self.per_year: dict[str, int] = defaultdict(int)
        self.where: dict[str, str] = {}
        self.labels: dict[str, str] = {}  # project key → label
        self.home: dict[str, URIRef] = {}  # project key → its department in its latest year

    def project(self, project: Project) -> None:
        p, add = URIRef(project.iri), self.add
        latest = project.rows[-1]
        label = label_of(project)
        self.labels[project.key] = label
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
            if departments and row is latest:
                self.home[project.key] = departments[0]
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
            self.add(URIRef(project.iri), "gk:startDate", Literal(start, datatype=XSD.date))
        if end:
            self.add(URIRef(project.iri), "gk:endDate", Literal(end, datatype=XSD.date))

    def resolved(self, row: Row) -> list[Resolved]:
        found = self.resolver.cell(row["department"])
        for d in found:
            if d.how == "unknown":
                self.report.add("unknown_departments", {"department": d.published, "at": row.where})
            elif d.how != "code":
                codes = self.report.info.setdefault("department_codes", {})
                codes.setdefault(d.published, {"department": d.code, "how": d.how, "years": []})
                if row.year not in codes[d.published]["years"]:
                    codes[d.published]["years"].append(row.year)
        if not found:
            self.report.add("no_department", {"at": row.where, "id": row["id"]})
        return found

    def department_iris(self, row: Row) -> list[URIRef]:
        out = []
        for d in self.resolved(row):
            b = iri("body", f"gmpp-dept-{key_part(d.code)}")
            if d.code not in self.departments:
                self.departments[d.code] = set()
                self._department(b, d.code, d.info)
            if row.year not in self.departments[d.code]:
                self.departments[d.code].add(row.year)
                self.add(b, "prov:wasDerivedFrom", self.years[row.year].source.iri)
            out.append(b)
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
        self.where[str(r)] = f"{row.where} (GMPP id {project.gmpp_id or project.key}, {row.year})"
        self.g.add((r, TYPE, gk("ProjectAnnualReport")))
        add(r, "gk:key", key)
        add(r, "gk:reportOf", URIRef(project.iri))
        add(r, "gk:financialYear", row.year)
        for dept in departments:
            add(r, "gk:department", dept)
        recoded = [d for d in self.resolver.cell(row["department"]) if d.how in ("renamed", "qualified")]
        if recoded:
            add(r, "skos:note", "Department as published: " + "; ".join(
                f"{d.published} ({d.info.get('label') or d.code}, {d.how})" for d in recoded) + ".")
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
        add(f, "gk:about", URIRef(project.iri))
        add(f, "gk:qualifier", cost.qualifier)
        add(f, "prov:wasDerivedFrom", self.years[row.year].source.iri)
        add(f, "gk:certainty", "sourced")
        return f


def label_of(project: Project) -> str:
    """The latest name, preferring one not written all in capitals."""
    names = [r["name"] for r in reversed(project.rows) if r["name"]]
    if not names:
        return project.gmpp_id or project.key
    return next((n for n in names if not n.isupper()), names[0])
