"""Evidence: an accountability as it is reported, with its holder, scope and the sources behind it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.analytics.data import Accountability, GovernanceData, SourceRef


@dataclass(frozen=True)
class Evidence:
    """One accountability, readable on its own: who held what kind of role for what, when, and on whose word."""

    accountability: str  # its key
    iri: str
    holder: str
    holder_label: str
    holder_type: str  # body, post or person
    scope: str
    scope_label: str
    kind: str
    start: date
    end: date | None
    certainty: str = ""
    description: str = ""
    sources: tuple[SourceRef, ...] = field(default_factory=tuple)
    end_unknown: bool = False  # ended on a day our sources do not give; ``end`` is the latest it can be

    def until(self) -> str:
        """The end as a reader should see it: a day, "end unknown (by …)" or "today"."""
        if self.end_unknown:
            return f"end unknown (by {self.end.isoformat()})" if self.end else "end unknown"
        return self.end.isoformat() if self.end else "today"

    def period(self) -> str:
        return f"{self.start.isoformat()}–{self.until()}"

    def summary(self) -> str:
        keys = ", ".join(s.key for s in self.sources)
        return f"{self.holder_label} ({self.kind}, {self.period()}) [{keys}]"


def evidence(data: GovernanceData, acc: Accountability) -> Evidence:
    return Evidence(acc.key, acc.iri, acc.holder, data.label(acc.holder), data.holder_type(acc.holder), acc.scope,
                    data.label(acc.scope), acc.kind, acc.start, acc.end, acc.certainty, acc.description,
                    tuple(data.source_refs(acc.sources)), acc.end_unknown)
