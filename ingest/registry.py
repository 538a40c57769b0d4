"""Ingesters for source formats other than curated YAML and RDF: each is a module with

* ``NAME``: the name used by ``govkg ingest --as NAME``;
* ``detect(path: Path, head: bytes) -> bool``: whether a file looks like this format (``head`` is its first
  64 KiB);
* ``prepare(path: Path, ctx: Context) -> list[Prepared]``: the mapped sources, checked but not written.

A module may claim a folder (``detect`` gets ``head=b""``), and one with ``ACCEPTS_URL = True`` is handed
``http(s)://`` arguments as strings.

Modules are listed here in detection order; ``prepare`` raises InputError (naming the row, line or byte
position) for input it cannot read, and records lesser problems in ``Prepared.report``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from graph.backends import Backend
from graph.errors import InputError

MODULES = (
    "ingest.govuk",
    "ingest.ods",
    "ingest.gmpp",
    "ingest.lessons_csv",
    "ingest.documents",
)


@dataclass
class Context:
    """What an ingester may use: the store (to resolve names against it) and options from the command line.
    An ingester that claims a folder lists in ``not_read`` the files of it that it did not read, with why."""

    store: Backend
    options: dict[str, Any] = field(default_factory=dict)
    not_read: list[tuple[str, str]] = field(default_factory=list)


def ingesters() -> list[ModuleType]:
    out = []
    for name in MODULES:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a missing dependency inside the module is a real error
                raise
    return out


def for_url() -> ModuleType:
    """The ingester that reads from a URL (``ACCEPTS_URL = True``), for arguments like https://…"""
    for module in ingesters():
        if getattr(module, "ACCEPTS_URL", False):
            return module
    raise InputError("no ingester reads from a URL")


def by_name(name: str) -> ModuleType:
    for module in ingesters():
        if name == module.NAME:
            return module
    known = ", ".join(m.NAME for m in ingesters())
    raise InputError(f"unknown source format {name!r}", hint=f"known: {known}")


def detect(path: Path) -> ModuleType | None:
    """The ingester that claims ``path`` (a file by its name and first 64 KiB, or a folder), or None."""
    head = b""
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(65536)
    for module in ingesters():
        if module.detect(path, head):
            return module
    return None
