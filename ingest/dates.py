"""ISO dates at the precision a source gives: ``2005-04-01``, ``2019-07`` or ``2002``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class FuzzyDate:
    """A date known to a year, a month or a day; ``first``/``last`` are the bounds of that period."""

    first: dt.date
    last: dt.date
    precision: str  # "year", "month" or "day"

    def bound(self, end: bool) -> dt.date:
        return self.last if end else self.first


def parse_date(value: object) -> FuzzyDate:
    """Parse a YAML value (string, int year or date) into a FuzzyDate; raise ValueError with the reason."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return FuzzyDate(value, value, "day")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2005-04-01, 2019-07 or 2002, got {value!r}")
    match = _PATTERN.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date like 2005-04-01, 2019-07 or 2002")
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    if not 1800 <= year <= 2100:
        raise ValueError(f"{value!r}: year out of range")
    try:
        if month is None:
            return FuzzyDate(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return FuzzyDate(dt.date(year, month, 1), dt.date(year, month, last), "month")
        day_date = dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from exc
    return FuzzyDate(day_date, day_date, "day")
