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
    if extracted.metadata:
        origin = f"{display} ({extracted.metadata_origin})"
        layers.append((origin, extracted.metadata))
    for origin, layer in layers[1:]:
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
