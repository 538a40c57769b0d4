"""Figures as RDF: each money, percentage, count or duration of a statement, and the dated value of a key fact."""

from __future__ import annotations

import bisect
from decimal import Decimal

from rdflib import XSD, Literal, URIRef

from ingest.documents.figures import FigureMatch, Period, period_for, phrase_after
from ingest.documents.nodes import NodeWriter, short, u
from ingest.documents.structure import Unit


class FigureNodes(NodeWriter):
    def figures(self, statements: list[URIRef]) -> None:
        units = self.r.structure.units
        starts = [unit.start for unit in units]
        placed: dict[int, list[FigureMatch]] = {}
        outside: list[FigureMatch] = []
        for f in self.r.figures:
            i = bisect.bisect_right(starts, f.start) - 1
            if i >= 0 and units[i].start <= f.start and f.end <= units[i].end:
                placed.setdefault(i, []).append(f)
            else:
                outside.append(f)
        for i, unit in enumerate(units):
            figs = placed.get(i, [])
            if unit.form == "key-fact" and not any(f.start < (unit.value_end or 0) for f in figs):
                self.dated_key_fact(unit, statements[i])
            for f in figs:
                self.figure(f, unit, figs, statements[i])
        for f in outside:
            line_start = self.text.rfind("\n", 0, f.start) + 1
            line_end = self.text.find("\n", f.end)
            self.figure(f, None, [f], None, (line_start, len(self.text) if line_end < 0 else line_end))

    def figure(self, f: FigureMatch, unit: Unit | None, figs: list[FigureMatch], statement: URIRef | None,
               context: tuple[int, int] | None = None) -> None:
        r = self.r
        start, end = (unit.start, unit.end) if unit else context or (f.start, f.end)
        periods = [pd for pd in r.periods if start <= pd.start and pd.end <= end]
        value_line = unit is not None and unit.form == "key-fact" and f.start < (unit.value_end or 0)
        if value_line and unit is not None and unit.value_end is not None:
            measured = (unit.value_end, end)
            while measured[0] < end and self.text[measured[0]].isspace():
                measured = (measured[0] + 1, end)
            measures = " ".join(self.text[measured[0]:measured[1]].split())
            in_description = [pd for pd in periods if pd.start >= unit.value_end]
            period = in_description[0] if in_description else None
        else:
            measured = phrase_after(self.text, f.end, end)
            measures = " ".join(self.text[start:end].split())
            period = period_for(f, figs, periods)
        n = self.node("figure", f"{r.key}.n{self.counts.get('figure', 0) + 1}", "Figure", f.start)
        figure_text = " ".join(self.text[f.start:f.end].split())
        phrase = " ".join(self.text[measured[0]:measured[1]].split())
        self.add(n, "rdfs:label", short(f"{figure_text} {phrase}".strip() if not value_line
                                        else f"{figure_text}: {phrase}"))
        self.add(n, "gk:amount", Literal(f.amount, datatype=XSD.decimal))
        self.add(n, "gk:unit", u("unit", f.unit))
        self.add(n, "gk:measures", short(measures, 300) or figure_text)
        self.add(n, "gk:qualifier", f.qualifier)
        self.dates(n, period)
        if r.meta.date is not None and "estimat" in self.text[start:end].lower():
            self.add(n, "gk:estimateDate", Literal(r.meta.date.first, datatype=XSD.date))
        for entity in self.entities_in(*measured):
            self.add(n, "gk:about", URIRef(entity.iri))
        self.add(n, "gk:evidence", self.evidence(f.start, f.end))
        if unit is not None:
            self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        self.add(n, "gk:extractedFrom", statement)
        self.add(n, "gk:certainty", self.certainty)
        self.mention_links(n, start, end)
        self.cite(n, 0.9 if f.unit in ("GBP", "percent") else 0.75)

    def dated_key_fact(self, unit: Unit, statement: URIRef) -> None:
        """A key fact whose value line is a date ("July 2019" / "NHSX unit launched"): a year figure."""
        value_end = unit.value_end or unit.end
        period = next((pd for pd in self.r.periods if unit.start <= pd.start and pd.end <= value_end), None)
        if period is None:
            return
        desc_start = value_end
        while desc_start < unit.end and self.text[desc_start].isspace():
            desc_start += 1
        description = " ".join(self.text[desc_start:unit.end].split())
        n = self.node("figure", f"{self.r.key}.n{self.counts.get('figure', 0) + 1}", "Figure", unit.start)
        when = " ".join(self.text[period.start:period.end].split())
        self.add(n, "rdfs:label", short(f"{when}: {description}"))
        self.add(n, "gk:amount", Literal(Decimal(period.first.year), datatype=XSD.decimal))
        self.add(n, "gk:unit", u("unit", "year"))
        self.add(n, "gk:measures", short(description, 300) or when)
        self.add(n, "gk:qualifier", "exact")
        self.dates(n, period)
        for entity in self.entities_in(desc_start, unit.end):
            self.add(n, "gk:about", URIRef(entity.iri))
        self.add(n, "gk:evidence", self.evidence(period.start, period.end))
        self.add(n, "gk:evidence", self.evidence(unit.start, unit.end))
        self.add(n, "gk:extractedFrom", statement)
        self.add(n, "gk:certainty", self.certainty)
        self.cite(n, 0.75)

    def dates(self, n: URIRef, period: Period | None) -> None:
        if period is not None:
            self.add(n, "gk:periodStart", Literal(period.first, datatype=XSD.date))
            self.add(n, "gk:periodEnd", Literal(period.last, datatype=XSD.date))
