"""Figures and dates in a document's text, normalised.

Money becomes whole pounds (``£4.7 billion`` → 4700000000, ``£539 million``, ``£5m``, ``£250k``), percentages
hundredths (``54%``, ``54 per cent`` → 54), counts the number (``over 220 NHS trusts`` → 220), durations
years (``five years``, ``18 months`` → 1.5). A qualifier says how the number relates to the truth: ``up to``,
``less than``, ``under`` → up-to; ``over``, ``more than``, ``at least`` → at-least; ``around``, ``about``,
``almost``, ``nearly``, ``some`` → approximate; a range (``£1 billion to £2 billion``, ``£1-2 billion``,
``between 10% and 20%``) gives two figures, range-low and range-high.

Dates and periods become their first and last day, with the precision they are known to:

| text | first | last | precision |
|---|---|---|---|
| ``2014`` | 2014-01-01 | 2014-12-31 | year |
| ``2016-17`` (UK financial year) | 2016-04-01 | 2017-03-31 | month |
| ``2016-17 to 2020-21``, ``between 2019-20 and 2023-24`` | 2016-04-01 | 2021-03-31 | month |
| ``between 2002 and 2011``, ``2002 to 2011`` | 2002-01-01 | 2011-12-31 | year |
| ``July 2019`` | 2019-07-01 | 2019-07-31 | month |
| ``15 May 2020`` | 2020-05-15 | 2020-05-15 | day |
| ``autumn 2020`` (meteorological seasons) | 2020-09-01 | 2020-11-30 | month |
| ``early`` / ``mid`` / ``late 2020`` | Jan / May / Sep 1 | Apr 30 / Aug 31 / Dec 31 | month |

A figure takes the period that follows it in its statement (before the next figure), else the one before it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

_Y = r"(?:1[89]|20)\d{2}"
_MONTHS = {name: n for n, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")), start=1) for name in names}
_M = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|" \
     r"Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_FY = rf"{_Y}[-–/]\d{{2}}(?![\d%])"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2),
            "early": (1, 4), "mid": (5, 8), "late": (9, 12)}

_PERIODS = (
    ("fy-range", re.compile(rf"\bbetween\s+(?P<a>{_FY})\s+and\s+(?P<b>{_FY})|(?P<c>{_FY})\s*(?:to|until|through|–)"
                            rf"\s*(?P<d>{_FY})")),
    ("month-range", re.compile(rf"\b(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?\s*(?:to|until|–|-)\s*(?P<m2>{_M})\s+(?P<y2>{_Y})"
                               r"\b")),
    ("day", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_M})\s*,?\s+(?P<y>{_Y})\b|\b(?P<m2>{_M})\s+"
                       rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>{_Y})\b")),
    ("month", re.compile(rf"\b(?P<m>{_M}),?\s+(?P<y>{_Y})\b")),
    ("season", re.compile(rf"(?i:\b(?P<s>spring|summer|autumn|fall|winter|early|mid|late))[- ](?:of\s+)?(?P<y>{_Y})"
                          r"\b")),
    ("fy", re.compile(rf"\b(?P<y>{_Y})[-–/](?P<n>\d{{2}})\b(?![-–/]?\d|%)")),
    ("year-range", re.compile(rf"\bbetween\s+(?P<a>{_Y})\s+and\s+(?P<b>{_Y})\b|(?<![\d£.,])\b(?P<c>{_Y})\s*(?:to|until|"
                              rf"through|–|-)\s*(?P<d>{_Y}|\d{{2}})\b(?![-–/]\d|%)")),
    ("year", re.compile(rf"(?<![\d£.,/–-])\b(?P<y>{_Y})\b(?!\s*(?:%|per\s?cent)|[.,]\d|[-–/]\d)")),
)

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"billion|bn|million|mn|m|thousand|k"
_MULTS = {"billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "million": Decimal(10) ** 6, "mn": Decimal(10) ** 6,
          "m": Decimal(10) ** 6, "thousand": Decimal(1000), "k": Decimal(1000)}
_UP_TO = ("up to", "as much as", "no more than", "at most", "less than", "fewer than", "just under", "under",
          "below")
_AT_LEAST = ("more than", "at least", "in excess of", "upwards of", "just over", "over")
_APPROX = ("almost", "nearly", "around", "about", "approximately", "roughly", "some", "an estimated", "estimated")
_Q = "(?i:" + "|".join(q.replace(" ", r"\s+") for q in (*_UP_TO, *_AT_LEAST, *_APPROX)) + ")"
_PCT = r"(?:%|per\s?cent\b|percent\b)"
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_NOT_PLURAL = {"is", "was", "has", "its", "this", "his", "as", "us", "does", "thus", "plus", "less", "across",
               "whereas", "unless", "yes", "always", "perhaps", "towards", "afterwards", "besides"}

_FIGURES = (
    ("GBP", "range", re.compile(
        rf"(?:(?P<q>{_Q})\s+)?(?:between\s+£\s?(?P<a>{_NUM})\s*(?P<ma>{_MULT})?\s+and\s+£?\s?(?P<b>{_NUM})\s*"
        rf"(?P<mb>{_MULT})?\b|£\s?(?P<c>{_NUM})\s*(?P<mc>{_MULT})?\s*(?:to|–|-)\s*£?\s?(?P<d>{_NUM})\s*"
        rf"(?P<md>{_MULT})?\b)")),
    ("GBP", "single", re.compile(rf"(?:(?P<q>{_Q})\s+)?£\s?(?P<a>{_NUM})(?:\s*(?P<ma>{_MULT})\b)?")),
    ("percent", "range", re.compile(
        rf"(?:(?P<q>{_Q})\s+)?(?:between\s+(?P<a>{_NUM})\s*{_PCT}?\s+and\s+(?P<b>{_NUM})\s*{_PCT}|(?<![\d.,])"
        rf"(?P<c>{_NUM})\s*{_PCT}?\s*(?:to|–|-)\s*(?P<d>{_NUM})\s*{_PCT})")),
    ("percent", "single", re.compile(rf"(?:(?P<q>{_Q})\s+)?(?<![\d.,])(?P<a>{_NUM})\s*{_PCT}")),
    ("year", "single", re.compile(rf"(?<![£\d.,])\b(?P<a>\d+(?:\.\d+)?|(?i:{'|'.join(_WORDS)}))[- ](?P<u>years?|"
                                  r"months?)\b(?! old)")),
    ("count", "single", re.compile(
        rf"(?:(?P<q>{_Q})\s+)?(?<![£\d.,/–\w-])(?P<a>{_NUM})(?:\s+(?P<ma>million|billion|thousand))?\s+"
        r"(?P<noun>(?:[A-Za-z][\w’'&-]*\s+){0,3}?(?:[a-z][\w’'-]*s|people|staff|children))\b")),
)
_COUNT_CONTEXT = re.compile(r"(?i:\b(?:page|pages|paragraph|paragraphs|para|figure|table|section|chapter|"
                            r"recommendation|appendix|annex|note|part|no|number|version|phase|tier|level|step|"
                            r"hc|cm|cp|item)\.?\s*$)|\b[A-Z]{2,}\s*$")


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str  # "year", "month" or "day"


@dataclass(frozen=True)
class FigureMatch:
    start: int
    end: int
    amount: Decimal
    unit: str  # "GBP", "percent", "count" or "year"
    qualifier: str  # "exact", "approximate", "up-to", "at-least", "range-low", "range-high"


class _Claims:
    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def take(self, start: int, end: int) -> bool:
        if any(start < e and s < end for s, e in self.spans):
            return False
        self.spans.append((start, end))
        return True


def find_periods(text: str) -> list[Period]:
    """Every date or period in ``text``, longest forms first (a range is one period, not two years)."""
    claims = _Claims()
    out = []
    for kind, pattern in _PERIODS:
        for m in pattern.finditer(text):
            bounds = _bounds(kind, m)
            if bounds is not None and claims.take(m.start(), m.end()):
                out.append(Period(m.start(), m.end(), *bounds))
    return sorted(out, key=lambda p: p.start)


def _bounds(kind: str, m: re.Match[str]) -> tuple[dt.date, dt.date, str] | None:
    g = m.groupdict()
    try:
        if kind == "fy-range":
            a, b = (g["a"], g["b"]) if g["a"] else (g["c"], g["d"])
            fa, fb = _fy(a), _fy(b)
            return (fa[0], fb[1], "month") if fa and fb and fa[0] <= fb[1] else None
        if kind == "fy":
            f = _fy(m.group(0))
            return (f[0], f[1], "month") if f else None
        if kind == "year-range":
            a, b = (g["a"], g["b"]) if g["a"] else (g["c"], g["d"])
            first = int(a)
            last = int(b) if len(b) == 4 else first // 100 * 100 + int(b)
            return (dt.date(first, 1, 1), dt.date(last, 12, 31), "year") if first < last else None
        if kind == "year":
            y = int(g["y"])
            return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
        if kind == "month":
            y, mo = int(g["y"]), _month(g["m"])
            return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1]), "month"
        if kind == "month-range":
            y2, m2 = int(g["y2"]), _month(g["m2"])
            y1, m1 = int(g["y1"] or y2), _month(g["m1"])
            begin, stop = dt.date(y1, m1, 1), dt.date(y2, m2, calendar.monthrange(y2, m2)[1])
            return (begin, stop, "month") if begin <= stop else None
        if kind == "day":
            dd, mm, yy = (g["d"], g["m"], g["y"]) if g["d"] else (g["d2"], g["m2"], g["y2"])
            day = dt.date(int(yy), _month(mm), int(dd))
            return day, day, "day"
        if kind == "season":
            y = int(g["y"])
            a_month, b_month = _SEASONS[g["s"].lower()]
            y_end = y + 1 if b_month < a_month else y
            return (dt.date(y, a_month, 1), dt.date(y_end, b_month, calendar.monthrange(y_end, b_month)[1]),
                    "month")
    except ValueError:  # 31 February and the like
        return None
    return None


def _fy(text: str) -> tuple[dt.date, dt.date] | None:
    y, n = int(text[:4]), int(text[5:7])
    if (y + 1) % 100 != n:
        return None
    return dt.date(y, 4, 1), dt.date(y + 1, 3, 31)


def _month(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


def find_figures(text: str, periods: list[Period]) -> list[FigureMatch]:
    """Money, percentages, durations and counts, outside the dates found by :func:`find_periods`."""
    claims = _Claims()
    for p in periods:
        claims.take(p.start, p.end)
    out: list[FigureMatch] = []
    for unit, shape, pattern in _FIGURES:
        for m in pattern.finditer(text):
            found = _figure(unit, shape, m, text)
            if found and claims.take(m.start(), m.end()):
                out.extend(found)
    return sorted(out, key=lambda f: (f.start, f.amount))


def _figure(unit: str, shape: str, m: re.Match[str], text: str) -> list[FigureMatch]:
    g = m.groupdict()
    qualifier = _qualifier(g.get("q"))
    if shape == "range":
        a, b = (g["a"], g["b"]) if g["a"] else (g["c"], g["d"])
        ma, mb = (g.get("ma"), g.get("mb")) if g["a"] else (g.get("mc"), g.get("md"))
        low, high = _number(a, ma or mb), _number(b, mb or ma)
        if low >= high:
            return []
        return [FigureMatch(m.start(), m.end(), low, unit, "range-low"),
                FigureMatch(m.start(), m.end(), high, unit, "range-high")]
    if unit == "year":
        raw = g["a"].lower()
        n = Decimal(_WORDS[raw]) if raw in _WORDS else Decimal(raw)
        if g["u"].startswith("month"):
            n = n / 12
        return [FigureMatch(m.start(), m.end(), _plain(n), unit, "exact")]
    if unit == "count":
        number = g["a"]
        noun = g["noun"].split()[-1].lower()
        if noun in _NOT_PLURAL or (re.fullmatch(_Y, number) and not g.get("ma")):
            return []
        if _COUNT_CONTEXT.search(text[max(0, m.start("a") - 16):m.start("a")]):
            return []
        return [FigureMatch(m.start(), m.start("noun") - 1, _number(number, g.get("ma")), unit, qualifier)]
    return [FigureMatch(m.start(), m.end(), _number(g["a"], g.get("ma")), unit, qualifier)]


def _number(text: str, mult: str | None) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if mult:
        value *= _MULTS[mult.lower()]
    return _plain(value)


def _plain(value: Decimal) -> Decimal:
    """Without exponent or trailing zeros: 4700000000, not 4.7E+9 or 4700000000.0."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _qualifier(text: str | None) -> str:
    if not text:
        return "exact"
    words = " ".join(text.lower().split())
    if words in _UP_TO:
        return "up-to"
    if words in _AT_LEAST:
        return "at-least"
    return "approximate"


# ------------------------------------------------------------------------------------------- context
def period_for(figure: FigureMatch, figures: list[FigureMatch], periods: list[Period]) -> Period | None:
    """The period a figure refers to, among those of its statement (see the module doc)."""
    later = [f.start for f in figures if f.start >= figure.end]
    earlier = [f.end for f in figures if f.end <= figure.start]
    stop = min(later) if later else None
    begin = max(earlier) if earlier else None
    after = [p for p in periods if p.start >= figure.end and (stop is None or p.start < stop)]
    if after:
        return after[0]
    before = [p for p in periods if p.end <= figure.start and (begin is None or p.start >= begin)]
    return before[-1] if before else None


def phrase_after(text: str, start: int, end: int, words: int = 8) -> tuple[int, int]:
    """The span of the few words that follow a figure in its clause (what it is "for", "of", "to")."""
    segment = text[start:end]
    stop = re.search(r"[,;:.()\[\]\n]|\s(?:compared|between|from \d|in \d|by \d|—|–)", segment)
    cut = stop.start() if stop else len(segment)
    tokens = list(re.finditer(r"\S+", segment[:cut]))[:words]
    if not tokens:
        return start, start
    return start + tokens[0].start(), start + tokens[-1].end()
