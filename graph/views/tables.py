"""Tables as files: any view's rows (a list of dicts) as CSV, for the explorer's download buttons."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any


def csv_bytes(rows: Sequence[dict[str, Any]], *, hide: Sequence[str] = ()) -> bytes:
    """The rows as UTF-8 CSV (with a byte-order mark, so that spreadsheet programs read £ and accents right);
    columns in the order they first appear, ``hide`` left out."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns and c not in hide]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _text(row.get(c)) for c in columns})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(_text(v) for v in value)
    return str(value)
