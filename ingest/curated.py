"""Curated YAML (data/curated/*.yaml) → RDF, one named graph per file.

Checks run before anything is written, in this order, each naming file, line and field:
schema (known fields, required fields, types, allowed values, how a record ends), dates, references (within
the run and to records already in the store). SHACL validation of the resulting graphs follows in the
pipeline. The mapping of checked records to RDF is ingest/curated_rdf.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.namespaces import is_key
from ingest.curated_rdf import iri_of, to_graph
from ingest.curated_schema import (
    CERTAINTY,
    COMMON_FIELDS,
    END_UNKNOWN,
    END_WORDS,
    KIND_BY_IRI_KIND,
    KIND_BY_KEY,
    LINEAGE_FIELDS,
    LINEAGE_KINDS,
    TENURE_FIELDS,
    Field,
    Kind,
)
from ingest.dates import parse_date
from ingest.yamlfile import Record, load_yaml

INGESTER = "curated-yaml"
VERSION = "2"  # 2: ends that are current or unknown, date certainty, figure kinds, issued precision
MAX_SHOWN = 15


@dataclass
class CuratedFile:
    path: Path
    kind: Kind
    records: list[Record]
    content_hash: str

    @property
    def source_key(self) -> str:
        return f"curated-{self.kind.key}"


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")

    def raise_if_any(self, what: str) -> None:
        if not self.items:
            return
        shown = "\n  ".join(self.items[:MAX_SHOWN])
        more = f"\n  … and {len(self.items) - MAX_SHOWN} more" if len(self.items) > MAX_SHOWN else ""
        if len(self.items) == 1:
            raise InputError(self.items[0])
        raise InputError(f"{len(self.items)} problems in {what}:\n  {shown}{more}")


def read_files(paths: Iterable[Path]) -> list[CuratedFile]:
    """Parse and schema-check curated YAML files (each must be one of the known kinds)."""
    files: list[CuratedFile] = []
    problems = Problems()
    for path in paths:
        data = load_yaml(path, display=_display(path))
        where = _display(path)
        if not isinstance(data, dict) or len(data) != 1:
            problems.add(where, "expected one top-level key naming the kind, e.g. 'bodies:'")
            continue
        (top, records), = data.items()
        kind = KIND_BY_KEY.get(top)
        if kind is None:
            problems.add(f"{where}:1", f"unknown kind {top!r} (known: {', '.join(KIND_BY_KEY)})")
            continue
        if not isinstance(records, list):
            problems.add(f"{where}:1", f"'{top}' must be a list of records")
            continue
        checked = []
        for i, rec in enumerate(records):
            if not isinstance(rec, Record):
                problems.add(where, f"item {i + 1} of '{top}' is not a mapping")
                continue
            _check_schema(rec, kind, problems)
            checked.append(rec)
        digest = hashlib.sha256(f"{INGESTER}:{VERSION}:".encode() + path.read_bytes()).hexdigest()
        files.append(CuratedFile(path, kind, checked, digest))
    problems.raise_if_any("the curated data")
    _check_unique_ids(files, problems)
    problems.raise_if_any("the curated data")
    return files


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _check_schema(rec: Record, kind: Kind, problems: Problems) -> None:
    fields = kind.field_map()
    for name in rec:
        if name not in fields and name not in COMMON_FIELDS:
            problems.add(rec.where(str(name)), f"unknown field (known: {', '.join([*COMMON_FIELDS, *fields])})")
    rid = rec.get("id")
    if not isinstance(rid, str) or not is_key(rid):
        problems.add(rec.where("id"), "missing or bad 'id' (lowercase letters, digits, '-', '.', '_')")
    if kind.cites_sources:
        _check_sources_field(rec, problems, required=True)
    if "certainty" in rec and rec["certainty"] not in CERTAINTY:
        problems.add(rec.where("certainty"), f"must be one of {', '.join(CERTAINTY)}")
    for f in kind.fields:
        value = rec.get(f.name)
        if value is None or value == [] or value == "":
            if f.required:
                problems.add(rec.where(), f"missing required field '{f.name}'")
            continue
        _check_value(rec, f, value, problems)
    if "ended_by" in fields:
        _check_end(rec, problems, bound_required=kind.key == "accountabilities")


def _check_end(item: Record, problems: Problems, *, bound_required: bool) -> None:
    """``ended_by`` goes with ``end: unknown`` only; an accountability whose end is unknown must give it."""
    end = item.get("end")
    if item.get("ended_by") is not None and end != END_UNKNOWN:
        problems.add(item.where("ended_by"), "ended_by is the latest day an unknown end can be: give it only "
                                             "with 'end: unknown'")
    if bound_required and end == END_UNKNOWN and item.get("ended_by") is None:
        problems.add(item.where("end"), "an accountability whose end is unknown needs 'ended_by', the latest day "
                                        "it can have been held (e.g. when its holder's body closed), so that it "
                                        "never reads as current")


def _check_sources_field(rec: Record, problems: Problems, *, required: bool) -> None:
    sources = rec.get("sources")
    if sources is None and not required:
        return
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        problems.add(rec.where("sources"), "must be a non-empty list of source keys")


def _check_value(rec: Record, f: Field, value: Any, problems: Problems) -> None:
    where = rec.where(f.name)
    if f.type in ("text", "url") and not isinstance(value, str):
        problems.add(where, f"expected text, got {type(value).__name__}")
    elif f.type == "texts" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        problems.add(where, "expected a list of text")
    elif f.type in ("date", "end-date", "ended-by"):
        _check_date(value, where, problems)
    elif f.type == "end":
        _check_date(value, where, problems, words=END_WORDS)
    elif f.type == "concepts":
        values = value if isinstance(value, list) else [value]
        bad = [v for v in values if v not in f.choices]
        if bad or not values:
            problems.add(where, f"{', '.join(map(repr, bad)) or 'nothing'}: give one or a list of "
                                f"{', '.join(f.choices)}")
    elif f.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.add(where, f"expected a plain number, got {value!r}")
    elif f.type == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        problems.add(where, f"expected a whole number, got {value!r}")
    elif f.type in ("enum", "concept") and value not in f.choices:
        problems.add(where, f"{value!r} is not one of {', '.join(f.choices)}")
    elif f.type == "ref" and not isinstance(value, str):
        problems.add(where, "expected an id")
    elif f.type == "refs" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        problems.add(where, "expected a list of ids")
    elif f.type in ("lineage", "tenures"):
        _check_nested(rec, f, value, problems)


def _check_date(value: Any, where: str, problems: Problems, *, words: tuple[str, ...] = ()) -> None:
    """A date (``2005-04-01``, ``2019-07`` or ``2002``) or one of ``words``."""
    if value in words:
        return
    try:
        parse_date(value)
    except ValueError as exc:
        also = f" or {' or '.join(repr(w) for w in words)}" if words else ""
        problems.add(where, f"bad date: {exc}{also}")


def _check_nested(rec: Record, f: Field, value: Any, problems: Problems) -> None:
    spec = LINEAGE_FIELDS if f.type == "lineage" else TENURE_FIELDS
    if not isinstance(value, list):
        problems.add(rec.where(f.name), "expected a list")
        return
    for item in value:
        if not isinstance(item, Record):
            problems.add(rec.where(f.name), "each item must be a mapping")
            continue
        for name in item:
            if name not in spec:
                problems.add(item.where(str(name)), f"unknown field in {f.name} (known: {', '.join(spec)})")
        for name, required in spec.items():
            if required and not item.get(name):
                problems.add(item.where(), f"{f.name} item is missing '{name}'")
        if "kind" in item and item["kind"] not in LINEAGE_KINDS:
            problems.add(item.where("kind"), f"{item['kind']!r} is not one of {', '.join(LINEAGE_KINDS)}")
        if "date" in item:  # a lineage step: its date, or 'unknown'
            _check_date(item["date"], item.where("date"), problems, words=(END_UNKNOWN,))
        for name in ("start", "ended_by"):
            if name in item:
                _check_date(item[name], item.where(name), problems)
        if "end" in item:
            _check_date(item["end"], item.where("end"), problems, words=END_WORDS)
        for name in ("certainty", "start_certainty", "end_certainty"):
            if name in item and item[name] not in CERTAINTY:
                problems.add(item.where(name), f"must be one of {', '.join(CERTAINTY)}")
        if f.type == "tenures":
            _check_end(item, problems, bound_required=False)
            _check_order(item, ("start", "end"), problems)
            _check_order(item, ("start", "ended_by"), problems)
        if "sources" in item:
            _check_sources_field(item, problems, required=False)


def _check_unique_ids(files: list[CuratedFile], problems: Problems) -> None:
    seen: dict[str, str] = {}
    for cf in files:
        holder_like = cf.kind.iri_kind in ("body", "post", "person")
        for rec in cf.records:
            rid = rec["id"]
            key = f"holder:{rid}" if holder_like else f"{cf.kind.iri_kind}:{rid}"
            if key in seen:
                problems.add(rec.where("id"), f"duplicate id {rid!r} (first at {seen[key]})")
            else:
                seen[key] = rec.where("id")




def defined_iris(files: list[CuratedFile], known: set[str]) -> set[str]:
    """The IRIs of the records in ``files`` plus ``known`` ones (already in the store)."""
    defined = set(known)
    for cf in files:
        defined.update(iri_of(cf.kind.iri_kind, r["id"]) for r in cf.records)
    return defined


def check_references(files: list[CuratedFile], defined: set[str]) -> None:
    """Every reference must name a record in this run or already in the store."""
    problems = Problems()
    for cf in files:
        for rec in cf.records:
            for src in rec.get("sources") or []:
                _need(defined, rec.where("sources"), ("source",), src, problems)
            for f in cf.kind.fields:
                value = rec.get(f.name)
                if value is None:
                    continue
                if f.type == "ref":
                    _need(defined, rec.where(f.name), f.targets, value, problems)
                elif f.type == "refs":
                    for v in value:
                        _need(defined, rec.where(f.name), f.targets, v, problems)
                elif f.type in ("lineage", "tenures"):
                    target, kinds = ("successor", ("body",)) if f.type == "lineage" else ("person", ("person",))
                    for item in value:
                        _need(defined, item.where(target), kinds, item.get(target), problems)
                        for src in item.get("sources") or []:
                            _need(defined, item.where("sources"), ("source",), src, problems)
            fields = cf.kind.field_map()
            for pair in (("start", "end"), ("start", "ended_by"), ("period_start", "period_end")):
                if pair[0] in fields:
                    _check_order(rec, pair, problems)
    problems.raise_if_any("the curated data")


def _need(defined: set[str], where: str, kinds: tuple[str, ...], key: Any, problems: Problems) -> None:
    if not isinstance(key, str):
        return
    if not any(iri_of(k, key) in defined for k in kinds):
        problems.add(where, f"unknown {' or '.join(kinds)} {key!r}")


def _check_order(rec: Record, pair: tuple[str, str], problems: Problems) -> None:
    a, b = pair
    if rec.get(a) is None or rec.get(b) is None or rec[b] in END_WORDS:
        return
    try:
        if parse_date(rec[a]).first > parse_date(rec[b]).last:
            problems.add(rec.where(b), f"ends ({rec[b]}) before it starts ({rec[a]})")
    except ValueError:
        pass  # already reported


def labels_of(files: list[CuratedFile]) -> dict[str, str]:
    out: dict[str, str] = {}
    for cf in files:
        for rec in cf.records:
            text = rec.get("label") or rec.get("title")
            if isinstance(text, str):
                out[iri_of(cf.kind.iri_kind, rec["id"])] = text
    return out


def kind_of_file(path: Path) -> Kind | None:
    for kind in KIND_BY_KEY.values():
        if kind.file == path.name:
            return kind
    return None


__all__ = ["KIND_BY_IRI_KIND", "CuratedFile", "check_references", "defined_iris", "iri_of", "labels_of", "read_files", "to_graph"]
