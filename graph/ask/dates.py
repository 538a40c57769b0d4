"""Dates and periods as people write them: "in June 2020", "on 1 April 2013", "2019-20", "between 2018 and 2023",
"from 2005 to 2011", "in 2009", "now".

:func:`find_period` returns the first period a question names, with the span of text it was read from, so the
rest of the question can be matched without it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): n for n, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
_MONTH = r"(?P<{0}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<{0}>(?:19|20)\d\d)"
_DAY = r"(?P<{0}>[0-3]?\d)(?:st|nd|rd|th)?"


def _re(template: str) -> re.Pattern[str]:
    return re.compile(template, re.IGNORECASE)


DATE_FORMS = [  # (pattern, grain): each names one date, day, month, financial year or year
    (_re(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"), "day"),
    (_re(rf"\b{_DAY.format('d')}\s+(?:of\s+)?{_MONTH.format('m')},?\s+{_YEAR.format('y')}\b"), "day"),
    (_re(rf"\b{_MONTH.format('m')}\s+{_DAY.format('d')},?\s+{_YEAR.format('y')}\b"), "day"),
    (_re(rf"\b{_MONTH.format('m')},?\s+(?:of\s+)?{_YEAR.format('y')}\b"), "month"),
    (_re(r"\b(?P<fy>(?:19|20)\d\d)[-/–](?P<fy2>\d\d)\b"), "fy"),
    (_re(rf"\b{_YEAR.format('y')}\b"), "year"),
]
GRAINS = ("day", "month", "fy", "year")
NOW = _re(r"\b(now|today|currently|current|at present|these days|present day|nowadays|this year)\b")
RANGE = _re(r"\b(?:between|from)\s+(?P<a>.{4,20}?)\s+(?:and|to|until|till|-|–)\s+(?P<b>.{4,20}?)(?=[\s?.,;!]|$)")
RANGE_BARE = _re(r"\b(?P<a>(?:19|20)\d\d)\s*(?:to|until|–|-)\s*(?P<b>(?:19|20)\d\d)\b")
COMPARED = _re(r"\bin\s+(?P<b>(?:19|20)\d\d)\s+(?:compared\s+(?:with|to)|versus|vs\.?|than(?:\s+in)?)\s+(?P<a>(?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Period:
    """A span of days: ``grain`` says how it was written (day, month, year, fy, range, now)."""

    start: dt.date
    end: dt.date
    grain: str
    text: str
    span: tuple[int, int] = (0, 0)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def financial_year(self) -> str:
        """The UK financial year (April to March) this period names, like 2019-20: the one written, the one
        that starts in a year given alone, else the one its first day falls in."""
        first = self.start.year if self.grain in ("fy", "year") or self.start.month >= 4 else self.start.year - 1
        return f"{first}-{(first + 1) % 100:02d}"

    def phrase(self) -> str:
        """The period as a sentence says it: "in 2020", "on 1 June 2020", "between 2018 and 2023", "today"."""
        if self.grain == "day":
            return f"on {self.label()}"
        if self.grain == "now":
            return f"today ({self.start.isoformat()})"
        if self.grain == "range":
            return f"between {self.label().replace(' to ', ' and ')}"
        return f"in {self.label()}"

    def label(self) -> str:
        if self.grain == "day":
            return f"{self.start.day} {calendar.month_name[self.start.month]} {self.start.year}"
        if self.grain == "month":
            return f"{calendar.month_name[self.start.month]} {self.start.year}"
        if self.grain == "year":
            return str(self.start.year)
        if self.grain == "fy":
            return self.financial_year
        if self.grain == "now":
            return f"{self.start.isoformat()} (today)"
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return f"{self.start.year} to {self.end.year}"
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def _one(match: re.Match[str], grain: str) -> tuple[dt.date, dt.date] | None:
    g = match.groupdict()
    try:
        if g.get("iso"):
            day = dt.date.fromisoformat(g["iso"])
            return day, day
        if grain == "fy":
            first, second = int(g["fy"]), int(g["fy2"])
            if (first + 1) % 100 != second:
                return None
            return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)
        year = int(g["y"])
        if grain == "year":
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        month = MONTHS[g["m"].lower().rstrip(".")]
        if grain == "month":
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date(year, month, int(g["d"]))
        return day, day
    except (ValueError, KeyError):
        return None


def parse_date(text: str, *, today: dt.date | None = None) -> Period | None:
    """The first date, month, financial year or year in ``text`` (or "now"), with its span."""
    found_all: list[Period] = []
    for pattern, grain in DATE_FORMS:
        for match in pattern.finditer(text):
            found = _one(match, grain)
            if found:
                found_all.append(Period(found[0], found[1], grain, match.group(0), match.span()))
    # the most precise date written wins ("in 2008, in October 2008" is October), then the first
    best = min(found_all, key=lambda p: (GRAINS.index(p.grain), p.span[0]), default=None)
    now = NOW.search(text)
    if now and (best is None or now.start() < best.span[0]):
        day = today or dt.date.today()
        return Period(day, day, "now", now.group(0), now.span())
    return best


def find_period(question: str, *, today: dt.date | None = None) -> Period | None:
    """The period the question names: a range (between, from … to, 2018-2023, 2020 compared with 2018) or one
    date, month, financial year, year or now. None when it names none."""
    for pattern in (COMPARED, RANGE, RANGE_BARE):
        for match in pattern.finditer(question):
            a = parse_date(match.group("a"), today=today)
            b = parse_date(match.group("b"), today=today)
            if a and b:
                start, end = min(a.start, b.start), max(a.end, b.end)
                return Period(start, end, "range", match.group(0), match.span())
    return parse_date(question, today=today)


def two_dates(period: Period) -> tuple[dt.date, dt.date]:
    """The two dates a comparison is between: the ends of a range, or the period's first and last day."""
    return period.start, period.end
