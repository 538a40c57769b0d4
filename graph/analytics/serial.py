"""Analytics results as plain data (dicts, lists, strings, numbers) for JSON and for the explorer's tables."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any


def plain(value: Any) -> Any:
    """Dataclasses as dicts (with their properties), dates as ISO strings, tuples and sets as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")}
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name, None), property) and not name.startswith("_"):
                out[name] = plain(getattr(value, name))
        return out
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float):
        return round(value, 4)
    return value
