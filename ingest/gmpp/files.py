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


def year_of(path: Path) -> str:
    match = _YEAR.search(path.stem)
    if not match:
        raise InputError("cannot tell the year of this GMPP file from its name", where=display(path),
                         hint="name it like gmpp_2023_24.csv")
    return f"{match.group(1)}-{match.group(2)}"


def read_year(path: Path, mapping: dict[str, Any], base: DatasetSource) -> Year:
    where = display(path)
    year = year_of(path)
    raw = path.read_bytes()
    text, encoding = decode(raw, where)
    records = list(read_csv(text, where))
    if not records:
        raise InputError("empty file", where=where)
    patterns: dict[str, list[str]] = need(mapping, "columns", dict, MAPPING)
    required: list[str] = mapping.get("required") or ["id", "name"]
    header = [r for r in records[0].cells]
    columns = _match(header, patterns)
    transposed = False
    if not all(name in columns for name in required):
        side = [r.cells[0] for r in records]
        columns = _match(side, patterns)
        if not all(name in columns for name in required):
            missing = ", ".join(n for n in required if n not in columns)
            raise InputError(f"no column for {missing} in the header (nor in the first column)", where=where,
                             hint=f"known names are in {MAPPING}")
        transposed, header = True, side
    rows = _transposed_rows(records, columns, year, where) if transposed else _rows(records, columns, year, where)
    source = DatasetSource(f"{base.key}-{year}", f"{base.title} {year} ({path.name})", base.publisher, base.url,
                           base.licence, base.identifier.format(file=path.name))
    ratings = [cells.rating(r[n])[0] for r in rows for n in ("ipa", "sro")]
    five = any(r in cells.FIVE_POINT_ONLY for r in ratings) or any(
        "five-point" in header[columns[n]].lower() for n in ("ipa", "sro") if n in columns)
    used = {header[i].split("\n")[0].strip() for i in columns.values()}
    info = {"file": path.name, "encoding": encoding, "transposed": transposed,
            "columns": {name: header[i].split("\n")[0].strip() for name, i in sorted(columns.items())},
            "unused_columns": [h.split("\n")[0].strip()[:80] for h in header if h.split("\n")[0].strip() not in used]}
    return Year(year, path, source, rows, "five-point" if five else "three-point", info)


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
