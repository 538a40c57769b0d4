"""A document's metadata: title, publisher, date, URL, identifiers, kind, reliability, key and author body.

Each field is taken from the first of these that gives it:

1. the command line (``govkg ingest --title … --publisher … --date … --url … --identifier …``);
2. a sidecar file next to the document named after it plus ``.meta.yaml`` (``report.txt.meta.yaml``);
3. the document's YAML front matter (Markdown or plain text starting with a ``---`` line);
4. for HTML, the ``<title>`` and ``<meta>`` tags; for PDF, the document information (title, creation date);
5. for the title only: the document's first line when it reads as a title, else the file name.

A bad value (a date that is not a date, a URL that is not http(s), an unknown kind) is an InputError naming
the file and the field it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from graph.namespaces import is_key, slug
from ingest.curated_schema import SOURCE_KINDS
from ingest.dates import FuzzyDate, parse_date
from ingest.documents.read import Extracted, load_yaml

FIELDS = ("title", "publisher", "date", "url", "identifier", "kind", "reliability", "key", "made_by")
SIDECAR_SUFFIX = ".meta.yaml"
KEY_PREFIX = "doc-"


@dataclass
class Metadata:
    title: str
    key: str
    publisher: str = ""
    date: FuzzyDate | None = None
    url: str = ""
    identifiers: list[str] = field(default_factory=list)
    kind: str = "report"
    reliability: str = ""
    made_by: str = ""  # a body key or name, resolved against the store by the caller
    origins: dict[str, str] = field(default_factory=dict)  # field → where its value came from
    ignored: list[str] = field(default_factory=list)  # unknown fields in a sidecar or front matter

    def as_json(self) -> dict[str, Any]:
        """What went into the content hash (so that changing a field re-ingests the document)."""
        return {"title": self.title, "key": self.key, "publisher": self.publisher,
                "date": self.date.first.isoformat() if self.date else "", "date_precision":
                self.date.precision if self.date else "", "url": self.url, "identifiers": self.identifiers,
                "kind": self.kind, "reliability": self.reliability, "made_by": self.made_by}


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def read_sidecar(path: Path, display: str) -> dict[str, Any]:
    import yaml

    side = sidecar_path(path)
    if not side.is_file():
        return {}
    where = f"{display}{SIDECAR_SUFFIX}"
    try:
        data = load_yaml(side.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as exc:
        raise InputError(f"the sidecar is not UTF-8 (byte {exc.start})", where=where) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputError(f"malformed YAML: {getattr(exc, 'problem', exc)}", where=f"{where}{line}") from exc
    if not isinstance(data, dict):
        raise InputError("a sidecar must be a YAML mapping (title: …, publisher: …)", where=where)
    return data


def resolve(path: Path, display: str, extracted: Extracted, options: dict[str, Any],
            inferred_title: str | None) -> Metadata:
    """Merge the metadata layers (see the module doc) and check each value."""
    layers: list[tuple[str, dict[str, Any]]] = [
        ("command line", {k: v for k, v in options.items() if k in FIELDS and v not in (None, "")}),
        (f"{display}{SIDECAR_SUFFIX}", read_sidecar(path, display)),
    ]
    ignored: list[str] = []
    found = date_line(extracted.text)
    stated = [(f"{display} (the text: {found[1]!r})", {"date": found[0]})] if found else []
    weak = extracted.media_type == "application/pdf"  # a PDF's creation date is the file's, not the report's
    if weak:
        layers += stated
    if extracted.metadata:
        origin = f"{display} ({extracted.metadata_origin})"
        layers.append((origin, extracted.metadata))
    if not weak:
        layers += stated
    for origin, layer in layers[1:]:
        if "(the text" not in origin:
            ignored += [f"{origin}: {name}" for name in layer if name not in FIELDS]
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for origin, layer in layers:
        for name in FIELDS:
            if name not in values and layer.get(name) not in (None, "", []):
                values[name] = layer[name]
                origins[name] = origin
    explicit_title = "title" in values and not (extracted.embedded and origins["title"].startswith(display + " ("))
    if "title" not in values:
        values["title"] = inferred_title or path.stem
        origins["title"] = "the first line" if inferred_title else "the file name"
    meta = Metadata(title=_text(values, "title", origins), key="", origins=origins, ignored=ignored)
    meta.publisher = _text(values, "publisher", origins) if "publisher" in values else ""
    if "date" in values:
        meta.date = _date(values["date"], origins["date"])
    if "url" in values:
        meta.url = _text(values, "url", origins)
        if not re.match(r"^https?://\S+$", meta.url):
            raise InputError(f"url must be an http:// or https:// address, got {meta.url!r}", where=origins["url"])
    if "identifier" in values:
        raw = values["identifier"]
        meta.identifiers = [str(v).strip() for v in (raw if isinstance(raw, list) else [raw]) if str(v).strip()]
    if "kind" in values:
        meta.kind = _choice(values, "kind", SOURCE_KINDS, origins)
    if "reliability" in values:
        meta.reliability = _choice(values, "reliability", ("primary", "secondary"), origins)
    if "made_by" in values:
        meta.made_by = _text(values, "made_by", origins)
    meta.key = _key(values, origins, meta.title if explicit_title else path.stem)
    return meta


def _text(values: dict[str, Any], name: str, origins: dict[str, str]) -> str:
    value = values[name]
    if isinstance(value, list | dict):
        raise InputError(f"field '{name}': expected text, got a {type(value).__name__}", where=origins[name])
    return " ".join(str(value).split())


def _choice(values: dict[str, Any], name: str, choices: tuple[str, ...], origins: dict[str, str]) -> str:
    value = _text(values, name, origins)
    if value not in choices:
        raise InputError(f"field '{name}': {value!r} is not one of {', '.join(choices)}", where=origins[name])
    return value


def _date(value: Any, origin: str) -> FuzzyDate:
    if isinstance(value, dt.datetime):
        value = value.date()
    try:
        return parse_date(value)
    except ValueError as exc:
        written = _written_date(value)
        if written is not None:
            return written
        raise InputError(f"field 'date': bad date: {exc}", where=origin,
                         hint="write it like 2020-05-15, 2020-05 or 2020") from exc


def _key(values: dict[str, Any], origins: dict[str, str], basis: str) -> str:
    """``doc-<slug>``: from an explicit key, else the explicit title, else the file name."""
    if "key" in values:
        key = _text(values, "key", origins)
        if not key.startswith(KEY_PREFIX):
            key = KEY_PREFIX + key
        if not is_key(key) or len(key) > 100:
            raise InputError(f"field 'key': {key!r} is not a key (lowercase letters, digits, '-', '.', '_')",
                             where=origins["key"])
        return key
    text = slug(basis)
    if len(text) > 60:
        text = text[:60].rsplit("-", 1)[0] or text[:60]
    return KEY_PREFIX + text


# ------------------------------------------------------------------------------------------- dates in the text
_DATE_CUE = re.compile(r"^(?:published|issued|released|dated?|updated|posted|last updated|press (?:release|notice)|"
                       r"report date|date of (?:publication|paper|report|meeting|issue)|presented to parliament|"
                       r"ordered by the house of commons to be printed|first published|meeting held)\b", re.I)
_LINE_WORDS = 20


def _written_date(value: Any) -> FuzzyDate | None:
    """A date written out ("15 May 2020", "May 2020", "autumn 2020") as the whole of a value."""
    from ingest.documents.figures import find_periods

    text = str(value).strip()
    periods = find_periods(text)
    if len(periods) == 1 and periods[0].end - periods[0].start >= len(text.strip(" .,;:*_()[]")) - 2:
        p = periods[0]
        return FuzzyDate(p.first, p.last, p.precision if p.precision != "month" or p.first.month == p.last.month
                         else "month")
    return None


def date_line(text: str) -> tuple[str, str] | None:
    """The document's own date, where a line near its top (or at its end) states it: a line that is only a
    date ("15 May 2020"), one that starts with a cue ("Published 10 August 2018", "Date of paper: January
    2018", "Press notice, 7 September 2016") or one that ends with a date after a separator ("HC 317 |
    Session 2019–2021 | 15 May 2020"). Day or month precision only. Returns (ISO date, the line)."""
    from ingest.documents.figures import find_periods

    raw = text.split("\n")
    # (the line, whether it stands alone: a blank line or nothing after it, so not a key fact's value line)
    lines = [(line.strip(" \t*_#>|"), k + 1 >= len(raw) or not raw[k + 1].strip())
             for k, line in enumerate(raw) if line.strip()]
    for n, (line, own) in enumerate(lines[:30] + lines[-8:]):
        if len(line.split()) > _LINE_WORDS:
            continue
        periods = [p for p in find_periods(line) if p.precision in ("day", "month") and p.first.month == p.last.month]
        if not periods:
            continue
        p = periods[0]
        core = re.sub(r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)", "", line, flags=re.I)
        alone = len(core.strip(" .,;:()[]")) <= (p.end - p.start) + 2 and own and n < 12
        cued = bool(_DATE_CUE.match(line))
        ends = line[p.end:].strip(" .;:)]") == "" and bool(re.search(r"[|,–—:]\s*$", line[:p.start]))
        if alone or cued or ends:
            iso = p.first.isoformat() if p.precision == "day" else p.first.isoformat()[:7]
            return iso, line
    return None
