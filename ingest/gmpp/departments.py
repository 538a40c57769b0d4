"""Department codes of the GMPP data → the department bodies they name.

The codes vary by year: case (DfT, DFT), older spellings (DH, DoH, DOH), codes of departments that were
renamed since (the Department of Health became the Department of Health and Social Care in 2018), qualifiers
after the code ("DoH Non Capital") and joint projects ("DEFRA & DFT"). ``departments`` in
data/mappings/gmpp.yaml describes each department under its current code; ``department_codes`` sends the
other codes to it, one renaming at a time, so that every year of a department's projects lands on one body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.errors import InputError

_JOINT = re.compile(r"\s*(?:&|/|\+|\band\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z&]+")


@dataclass(frozen=True)
class Resolved:
    """One department named in a cell: the code as published, the current code, and how it was found."""

    published: str
    code: str  # a key of ``departments`` (or the published code upper-cased when unknown)
    how: str  # "code", "renamed" (through department_codes), "qualified" (a known code and more words), "unknown"
    info: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def known(self) -> bool:
        return self.how != "unknown"


class Departments:
    """Resolves department cells with the mapping's ``departments`` and ``department_codes``."""

    def __init__(self, mapping: dict[str, Any], where: str) -> None:
        known = mapping.get("departments")
        if not isinstance(known, dict):
            raise InputError("mapping needs 'departments' (dict)", where=where)
        self.known: dict[str, dict[str, str]] = {str(k).upper(): v for k, v in known.items()}
        codes = mapping.get("department_codes") or {}
        if not isinstance(codes, dict):
            raise InputError("'department_codes' must map codes to codes", where=where)
        self.codes = {" ".join(str(k).upper().split()): str(v).upper() for k, v in codes.items()}
        for code in self.codes:
            self._follow(code, where)  # a chain that ends nowhere, or loops, is a mapping error

    def _follow(self, code: str, where: str = "") -> str | None:
        seen = [code]
        while code not in self.known:
            nxt = self.codes.get(code)
            if nxt is None:
                if len(seen) > 1:
                    raise InputError(f"department code {seen[0]} leads to {code}, which is not under departments",
                                     where=where)
                return None
            if nxt in seen:
                raise InputError(f"department codes loop: {' → '.join([*seen, nxt])}", where=where)
            seen.append(nxt)
            code = nxt
        return code

    def exact(self, text: str) -> Resolved | None:
        published = " ".join(text.split())
        upper = published.upper()
        code = self._follow(upper)
        if code is None:
            return None
        return Resolved(published, code, "code" if code == upper else "renamed", self.known[code])

    def one(self, text: str) -> Resolved:
        found = self.exact(text)
        if found is not None:
            return found
        published = " ".join(text.split())
        upper = published.upper()
        words = _WORD.findall(upper)
        if words:  # "DoH Non Capital": a known code, then words that qualify it
            code = self._follow(words[0])
            if code is not None:
                return Resolved(published, code, "qualified", self.known[code])
        return Resolved(published, upper, "unknown", {"label": published, "kind": "department"})

    def cell(self, text: str) -> list[Resolved]:
        """Every department a cell names ("DEFRA & DFT" names two), each once, in order."""
        out: list[Resolved] = []
        whole = self.exact(text) if text.strip() else None  # NS&I is one code, DEFRA & DFT two
        parts = [whole] if whole is not None else [self.one(p) for p in _JOINT.split(text) if p.strip()]
        for part in parts:
            if part.code not in {o.code for o in out}:
                out.append(part)
        return out
