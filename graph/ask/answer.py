"""An answer to a question: how it was reached (the kind, the parameters filled, the query), the rows with
their sources, a one-sentence summary built only from the rows — or why there is no answer, with the closest
interpretations, the names it may have meant and a search to try."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlencode

ANSWERED, NOT_FOUND, CLARIFY, NOT_UNDERSTOOD = "answered", "not-found", "clarify", "not-understood"
REFUSALS = (NOT_FOUND, CLARIFY, NOT_UNDERSTOOD)
LIST_MAX = 5
ID = "https://w3id.org/govkg/id/"
BODY = ID + "body/"


@dataclass
class Filled:
    """One parameter as the question filled it: the value passed, what it names, and what it was read from."""

    name: str
    value: str
    label: str
    read_from: str  # the words of the question, or "default", or "the period"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Row:
    values: dict[str, Any]
    record: str | None = None
    sources: list[dict[str, str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"values": self.values, "record": self.record, "sources": self.sources, "evidence": self.evidence}


@dataclass
class Answer:
    question: str
    status: str
    message: str = ""
    kind: str | None = None
    kind_title: str | None = None
    score: float = 0.0
    params: list[Filled] = field(default_factory=list)
    sparql: str | None = None
    view: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    summary: str = ""
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    did_you_mean: list[dict[str, str]] = field(default_factory=list)
    search: str | None = None
    entities: list[dict[str, str]] = field(default_factory=list)
    also_named: list[dict[str, str]] = field(default_factory=list)  # other things of a name the answer read
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return self.status in REFUSALS

    def param(self, name: str) -> str | None:
        return next((p.value for p in self.params if p.name == name), None)

    def console_link(self) -> str | None:
        """The explorer's SPARQL console with this answer's query in its editor (query string only)."""
        return "?" + urlencode({"view": "sparql", "query": self.sparql}) if self.sparql else None

    def view_link(self) -> str | None:
        """The explorer view that shows the same, opened on what the question named (a query string)."""
        if not self.view or self.view == "sparql":
            return self.console_link()
        params = {"view": self.view}
        given = {p.name: p.value for p in self.params if p.read_from not in ("default", "no period given")}
        if self.view == "body":
            body = next((v for v in given.values() if v.startswith(BODY)), None)
            if body:
                params["body"] = body.removeprefix(BODY)
        elif self.view == "accountability" and "from" in given:
            params["date"] = given["from"]
            if self.kind == "changes":
                params.update({"from": given["from"], "to": given.get("to", given["from"])})
        elif self.view == "lessons" and (given.get("topic") or given.get("text")):
            params["q"] = given.get("topic") or given["text"]
        elif self.view == "analytics":
            params["tab"] = "coverage"
        elif self.view == "provenance":
            thing = next((v for v in given.values() if v.startswith(ID)), None)
            if thing:
                params["fact"] = thing.removeprefix(ID)
        return "?" + urlencode(params)

    def as_dict(self) -> dict[str, Any]:
        return {"question": self.question, "status": self.status, "message": self.message, "kind": self.kind,
                "kind_title": self.kind_title, "score": round(self.score, 4),
                "params": [p.as_dict() for p in self.params], "sparql": self.sparql,
                "console": self.console_link(), "view": self.view_link(), "columns": self.columns,
                "rows": [r.as_dict() for r in self.rows], "summary": self.summary,
                "alternatives": self.alternatives, "did_you_mean": self.did_you_mean, "search": self.search,
                "entities": self.entities, "also_named": self.also_named, "seconds": round(self.seconds, 4)}


_PLACE = re.compile(r"\{(?:(?P<op>list|first|last):(?P<col>[A-Za-z]+)(?P<extra>[^|}]*)(?:\|(?P<sep>[^}]*))?"
                    r"|(?P<name>[a-z_]+)(?:\|(?P<pre>[^}]*))?)\}")


def summarise(template: str, rows: list[dict[str, Any]], params: dict[str, str]) -> str:
    """Fill a kind's summary template from the rows and the parameters' labels only.

    ``{n}`` the number of rows; ``{name}`` a parameter's label (``{name|prefix }`` with a prefix, empty when
    the parameter is not filled); ``{list:col}`` the column's distinct values (at most five, then "and N
    more"), ``{list:col (other)}`` each with another column in brackets; ``{first:col}``, ``{last:col}``.
    """

    def cell(row: dict[str, Any], col: str) -> str:
        return short(row.get(col))

    def fill(m: re.Match[str]) -> str:
        if m["name"]:
            if m["name"] == "n":
                return str(len(rows))
            value = params.get(m["name"], "")
            return (m["pre"] or "") + value if value else ""
        col, op = m["col"], m["op"]
        if not rows:
            return ""
        if op in ("first", "last"):
            return cell(rows[0] if op == "first" else rows[-1], col)
        other = re.fullmatch(r"\s*\((\w+)\)\s*", m["extra"] or "")
        seen: list[str] = []
        for r in rows:
            text = cell(r, col) + (f" ({cell(r, other[1])})" if other and cell(r, other[1]) else "")
            if text and text not in seen:
                seen.append(text)
        if not seen:
            return ""
        head = "; ".join(seen[:LIST_MAX]) + (f"; and {len(seen) - LIST_MAX} more" if len(seen) > LIST_MAX else "")
        return (m["sep"] or "") + head

    text = re.sub(r"\s*\(\s*\)", "", _PLACE.sub(fill, template))  # a bracket left empty by a missing value
    return " ".join(text.split()).replace(" .", ".").replace(" ,", ",")


def short(value: Any, limit: int = 140) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
