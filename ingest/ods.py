"""NHS Organisation Data Service trust file (the etr.csv layout: no header, 27 fields) → trust bodies.

Each row becomes a ``gk:Body`` of kind trust keyed ``ods-<code>``, with its ODS code, name (the upper-case
register name kept as an alternative label), NHS region, open and close dates. The field positions and the
region names are in data/mappings/ods.yaml. A row with the wrong number of fields, a cut-off file or binary
junk stops the ingest with an error naming the row; a bad date or a close before the open is reported and
left out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal
from rdflib.namespace import XSD

from graph.errors import InputError
from ingest.datasets import (
    TYPE,
    DatasetSource,
    Report,
    adder,
    bundled_mapping,
    clean,
    decode,
    digest,
    display,
    gk,
    iri,
    need,
    prepared,
    read_csv,
)
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "ods"
VERSION = b"ods:1"
MAPPING = "data/mappings/ods.yaml"
_CODE = re.compile(r"^[A-Z0-9]{3,9}$")
_TRUST_CODE = re.compile(r"^[A-Z0-9]{3}$")  # trusts have three-character codes; their sites have five
_DATE = re.compile(r"^\d{8}$")


def detect(path: Path, head: bytes) -> bool:
    """An ODS trust file: no header, 27 fields, a three-character ODS code first, an open date in field 11."""
    if path.is_dir() or path.suffix.lower() != ".csv":
        return False
    first = head.split(b"\n", 1)[0].split(b"\r", 1)[0].decode("latin-1")
    try:
        cells = next(csv.reader(io.StringIO(first)))
    except (csv.Error, StopIteration):
        return False
    return len(cells) == 27 and bool(_TRUST_CODE.match(cells[0])) and bool(_DATE.match(cells[10]))


def prepare(path: Path, ctx: Context) -> list[Prepared]:
    mapping = bundled_mapping("ods")
    where = display(path)
    raw = path.read_bytes()
    text, encoding = decode(raw, where)
    columns: dict[str, int] = need(mapping, "columns", dict, MAPPING)
    regions: dict[str, str] = need(mapping, "regions", dict, MAPPING)
    words = {w.lower(): w for w in mapping.get("name_words") or []}
    report = Report(info={"encoding": encoding})
    content_hash = digest(VERSION, raw, json.dumps(mapping, sort_keys=True).encode())
    source = DatasetSource.from_mapping(mapping, MAPPING)
    g = Graph()
    src = source.add_to(g, content_hash)
    add = adder(g)
    locations: dict[str, str] = {}
    seen: dict[str, int] = {}
    for row in read_csv(text, where, fields=int(mapping.get("fields") or 27)):
        cell = {name: clean(row.cells[i]) for name, i in columns.items()}
        code = cell["code"].upper()
        here = f"{where}:{row.line}"
        if not _CODE.match(code):
            raise InputError(f"record {row.number}: {cell['code']!r} is not an ODS code", where=here)
        if code in seen:
            report.add("duplicate_codes", {"code": code, "rows": [seen[code], row.number]})
            continue
        seen[code] = row.number
        if not cell["name"]:
            raise InputError(f"record {row.number} ({code}) has no name", where=here)
        b = iri("body", f"ods-{code.lower()}")
        locations[str(b)] = f"{here} (ODS code {code})"
        g.add((b, TYPE, gk("Body")))
        add(b, "gk:key", f"ods-{code.lower()}")
        add(b, "rdfs:label", title_case(cell["name"], words))
        add(b, "skos:altLabel", cell["name"])
        add(b, "gk:odsCode", code)
        add(b, "gk:bodyKind", iri("body-kind", "trust"))
        add(b, "gk:regionCode", cell["region"])
        add(b, "gk:region", regions.get(cell["region"], ""))
        if cell["region"] and cell["region"] not in regions:
            report.add("unknown_regions", {"code": code, "region": cell["region"]})
        opened = _date(cell["open"], code, "open", report)
        closed = _date(cell["close"], code, "close", report)
        if opened and closed and closed < opened:
            report.add("close_before_open", {"code": code, "open": str(opened), "close": str(closed)})
            closed = None
        if opened:
            add(b, "gk:startDate", Literal(opened, datatype=XSD.date))
        if closed:
            add(b, "gk:endDate", Literal(closed, datatype=XSD.date))
        add(b, "gk:status", "closed" if closed else "open")
        add(b, "prov:wasDerivedFrom", src)
        add(b, "gk:certainty", "sourced")
        report.count("closed trusts" if closed else "open trusts")
    if not seen:
        raise InputError("no trusts in the file", where=where)
    report.count("trusts", len(seen))
    return [prepared(source, NAME, path, content_hash, g, report, locations,
                     headline=f"{len(seen):,} trusts")]


def _date(text: str, code: str, which: str, report: Report) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        report.add("bad_dates", {"code": code, which: text})
        return None


def title_case(name: str, words: dict[str, Any]) -> str:
    """``MANCHESTER UNIVERSITY NHS FOUNDATION TRUST`` → ``Manchester University NHS Foundation Trust``."""
    out = []
    for i, word in enumerate(name.split()):
        lower = word.lower()
        if lower in words and (i > 0 or words[lower].isupper()):
            out.append(words[lower])
        else:
            out.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(out)
