"""Cells of the GMPP data that need reading: delivery confidence ratings, money in £m, dates, ranges.

Each reader returns the value (or None) and what kind of cell it was (``rated``, ``exempt``, ``empty``,
``not-applicable``, ``range``, ``footnote``…) so that the ingester can count them in its report.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

RATINGS = ("red", "amber-red", "amber", "amber-green", "green")
FIVE_POINT_ONLY = {"amber-red", "amber-green"}
_NOT_APPLICABLE = {"na", "n/a", "not applicable", "not available", "data not provided", "no"}
_RANGE = re.compile(r"(?i)\b(low|mid|high)\s*:\s*([^,]+?)\s*(?=,\s*(?:low|mid|high)\s*:|$)")
_MONEY = re.compile(r"^£?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(m|mn|million|bn|billion|k|thousand)?$", re.IGNORECASE)
_SCALE: dict[str, Decimal | int] = {"": 1, "m": 1, "mn": 1, "million": 1, "bn": 1000, "billion": 1000, "k": Decimal("0.001"),
          "thousand": Decimal("0.001")}  # to millions


def cell_kind(text: str) -> str:
    """What a cell that is not a plain value holds."""
    low = text.strip().lower()
    if not low:
        return "empty"
    if low == "reset":  # a rating the Major Projects Authority gave projects being re-planned, not a colour
        return "reset"
    if low in _NOT_APPLICABLE:
        return "not-applicable"
    if "exempt" in low or low.startswith("section ") or "freedom of information" in low:
        return "exempt"
    return "footnote"


def rating(text: str) -> tuple[str | None, str]:
    """``Amber/Red``, ``AMBER``, ``Amber/red`` → (``amber-red`` or ``amber``, "rated"); else (None, kind)."""
    norm = re.sub(r"\s*/\s*", "-", text.strip().lower())
    norm = re.sub(r"\s+", "-", norm)
    if norm in RATINGS:
        return norm, "rated"
    return None, cell_kind(text)


@dataclass(frozen=True)
class Money:
    millions: Decimal
    qualifier: str  # exact, approximate (the mid point of a range), range-low, range-high

    @property
    def pounds(self) -> Decimal:
        return self.millions * 1_000_000

    def lexical(self) -> str:
        """The amount in pounds written out in full, never in exponent form."""
        value = self.pounds
        if value == value.to_integral_value():
            return str(int(value))
        return format(value, "f").rstrip("0").rstrip(".")

    def text(self) -> str:
        digits = format(self.millions, ",.2f").rstrip("0").rstrip(".")
        return f"£{digits}m"


def money(text: str) -> tuple[Money | None, str]:
    """A cell in £m: ``£1,234.50``, ``1234``, ``£1.2bn``, ``£850k``, or ``Low: 1, Mid: 2, High: 3`` (the mid
    point)."""
    t = text.strip()
    match = _MONEY.match(t)
    if match:
        amount = _decimal(match.group(1))
        if amount is None:
            return None, "footnote"
        return Money(amount * _SCALE[(match.group(2) or "").lower()], "exact"), "number"
    picked = _from_range(t)
    if picked is not None:
        which, value = picked
        amount = _decimal(value.lstrip("£"))
        if amount is not None:
            return Money(amount, {"mid": "approximate", "high": "range-high", "low": "range-low"}[which]), "range"
    return None, cell_kind(t)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


def _from_range(text: str) -> tuple[str, str] | None:
    parts = {m.group(1).lower(): m.group(2).strip() for m in _RANGE.finditer(text)}
    for which in ("mid", "high", "low"):
        if which in parts:
            return which, parts[which]
    return None


def date(text: str) -> tuple[dt.date | None, str]:
    """``31/03/2026``, ``2026-03-31``, ``2026-03-31 00:00:00`` or a Low/Mid/High range (the mid date)."""
    t = text.strip()
    kind = "date"
    picked = _from_range(t)
    if picked is not None:
        t, kind = picked[1], "range"
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(t, fmt).date(), kind
        except ValueError:
            continue
    return None, cell_kind(text) if kind == "date" else "footnote"
