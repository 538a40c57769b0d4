"""One year's GMPP file: its encoding, layout (2019-20 is transposed) and columns, read into rows.

The column names of each field are regular expressions in data/mappings/gmpp.yaml; what was found is kept
for the ingest report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from ingest.datasets import DatasetSource, clean, decode, display, need, read_csv
from ingest.gmpp import cells

MAPPING = "data/mappings/gmpp.yaml"
_YEAR = re.compile(r"((?:19|20)\d{2})[_-](\d{2})(?!\d)")


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


def year_of(path: Path) -> str | None:
    """The year a file's name gives (gmpp_2015_16.csv → 2015-16), or None."""
    match = _YEAR.search(path.stem)
    return f"{match.group(1)}-{match.group(2)}" if match else None


def _year_in(header: list[str], patterns: list[str]) -> str | None:
    """The year the field names give ("2015/16 Budget (£m)" → 2015-16), when they agree on one."""
    found = set()
    for name in header:
        for option in patterns:
            match = re.search(option, _norm_header(name), re.IGNORECASE)
            if match:
                found.add(f"{match.group(1)}-{match.group(2)[-2:]}")
    return found.pop() if len(found) == 1 else None


def _required(mapping: dict[str, Any], year: str | None) -> list[str]:
    """The fields a year's file must have: no GMPP id before the first year that has them."""
    first = str(mapping.get("first_year_with_ids") or "")
    if year and first and year < first:
        return list(mapping.get("required_without_ids") or ["name", "department"])
    return list(mapping.get("required") or ["id", "name"])


def read_year(path: Path, mapping: dict[str, Any], base: DatasetSource) -> Year:
    where = display(path)
    raw = path.read_bytes()
    text, encoding = decode(raw, where)
    records = list(read_csv(text, where))
    if not records:
        raise InputError("empty file", where=where)
    patterns: dict[str, list[str]] = need(mapping, "columns", dict, MAPPING)
    year_patterns: list[str] = list(mapping.get("year_columns") or [])
    top, side = list(records[0].cells), [r.cells[0] for r in records]
    by_top, by_side = _match(top, patterns), _match(side, patterns)
    least = list(mapping.get("required_without_ids") or ["name", "department"])
    transposed = not all(n in by_top for n in least) and all(n in by_side for n in least)
    header, columns = (side, by_side) if transposed else (top, by_top)
    named = year_of(path)
    from_fields = _year_in(header, year_patterns)
    year = named or from_fields
    if year is None:
        raise InputError("cannot tell the year of this GMPP file from its name or its fields", where=where,
                         hint="name it like gmpp_2023_24.csv (or give a field like \"2015/16 Budget (£m)\")")
    required = _required(mapping, year)
    if not all(name in columns for name in required):
        missing = ", ".join(n for n in required if n not in columns)
        raise InputError(f"no column for {missing} in the header (nor in the first column)", where=where,
                         hint=f"known names are in {MAPPING}")
    rows = _transposed_rows(records, columns, year, where) if transposed else _rows(records, columns, year, where)
    source = DatasetSource(f"{base.key}-{year}", f"{base.title} {year} ({path.name})", base.publisher, base.url,
                           base.licence, base.identifier.format(file=path.name))
    used = {header[i].split("\n")[0].strip() for i in columns.values()}
    info: dict[str, Any] = {
        "file": path.name, "encoding": encoding, "transposed": transposed,
        "year_from": "file name" if named else "fields",
        "columns": {name: header[i].split("\n")[0].strip() for name, i in sorted(columns.items())},
        "unused_columns": [h.split("\n")[0].strip()[:80] for h in header if h.split("\n")[0].strip() not in used]}
    if named and from_fields and named != from_fields:
        info["year_in_fields"] = from_fields  # the name wins; the fields may name the year before
    return Year(year, path, source, rows, _scale(mapping, year, rows, header, columns), info)


def _scale(mapping: dict[str, Any], year: str, rows: list[Row], header: list[str], columns: dict[str, int]) -> str:
    """five-point for the years the mapping says used it, or when a rating only that scale has appears."""
    until = str(mapping.get("five_point_until") or "")
    if until and year <= until:
        return "five-point"
    ratings = [cells.rating(r[n])[0] for r in rows for n in ("ipa", "sro")]
    five = any(r in cells.FIVE_POINT_ONLY for r in ratings) or any(
        "five-point" in header[columns[n]].lower() for n in ("ipa", "sro") if n in columns)
    return "five-point" if five else "three-point"


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
