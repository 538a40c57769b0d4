"""Narrowing the lesson analyses (coverage, recurring lessons) to some lessons: by programme, source, raising
body, the kind of that body, and years — so that an NHS-only answer needs no joining by hand when the graph also
holds 1,637 NASA lessons.

Each filter takes names the way people give them (a key, a label, an abbreviation or an IRI); several values of
one filter mean "any of them", different filters must all hold. A programme includes its parts; a source is
a source document's key (``nao20``, ``dataset-llis``) or title.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.analytics.data import GovernanceData, Lesson
from graph.errors import InputError


@dataclass
class LessonFilter:
    """Which lessons an analysis looks at."""

    programme: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # the body that raised the lesson
    body_kind: list[str] = field(default_factory=list)  # the kind of that body (committee, audit-office …)
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def of(cls, value: LessonFilter | Mapping[str, Any] | None) -> LessonFilter:
        if value is None:
            return cls()
        if isinstance(value, LessonFilter):
            return value
        out = cls()
        for name in ("programme", "source", "body", "body_kind"):
            raw = value.get(name)
            if raw not in (None, "", []):
                setattr(out, name, [raw] if isinstance(raw, str) else [str(v) for v in raw])
        for name in ("year_from", "year_to"):
            if value.get(name) is not None:
                setattr(out, name, int(value[name]))
        return out

    def empty(self) -> bool:
        return not (self.programme or self.source or self.body or self.body_kind
                    or self.year_from is not None or self.year_to is not None)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}

    def lessons(self, data: GovernanceData) -> list[Lesson]:
        """The lessons of ``data`` that pass; InputError when a name matches nothing."""
        if self.empty():
            return list(data.lessons)
        programmes = _programmes(data, self.programme)
        sources = _sources(data, self.source)
        bodies = {data.resolve(ref, "body") for ref in self.body}
        kinds = _body_kinds(data, self.body_kind)
        out = []
        for x in data.lessons:
            if programmes is not None and x.learned_from not in programmes:
                continue
            if sources is not None and not sources & set(x.sources):
                continue
            if bodies and x.raised_by not in bodies:
                continue
            raiser = data.bodies.get(x.raised_by or "")
            if kinds is not None and (raiser is None or raiser.kind not in kinds):
                continue
            year = x.date.year if x.date else None
            if self.year_from is not None and (year is None or year < self.year_from):
                continue
            if self.year_to is not None and (year is None or year > self.year_to):
                continue
            out.append(x)
        return out


def _programmes(data: GovernanceData, refs: Iterable[str]) -> set[str] | None:
    """The programmes named and every part below them; None when no programme was named."""
    refs = list(refs)
    if not refs:
        return None
    wanted = set()
    for ref in refs:
        low = ref.strip().lower()
        found = [i for i, p in data.initiatives.items()
                 if ref in (i, p.key) or p.label.lower() == low]
        if not found:
            from graph.keys import Key, UnknownKeyError, nearest

            near = nearest(ref, [Key(p.key, p.label, "programme", i) for i, p in data.initiatives.items()])
            known = ", ".join(f"{k.key} ({k.label})" for k in near) or ", ".join(
                sorted(p.key for p in data.initiatives.values() if p.part_of is None)[:8])
            raise UnknownKeyError(f"no programme {ref!r}", suggestions=near,
                                  hint=f"{'nearest' if near else 'give a programme key, label or IRI, e.g.'}: {known}")
        wanted.update(found)
    grown = True
    while grown:
        parts = {i for i, p in data.initiatives.items() if p.part_of in wanted} - wanted
        grown = bool(parts)
        wanted |= parts
    return wanted


def _sources(data: GovernanceData, refs: Iterable[str]) -> set[str] | None:
    refs = list(refs)
    if not refs:
        return None
    keys = set()
    for ref in refs:
        low = ref.strip().lower()
        found = [k for k, s in data.sources.items() if k == ref or s.title.lower() == low]
        if not found:
            cited = sorted({k for x in data.lessons for k in x.sources})
            raise InputError(f"no source {ref!r} among those the lessons cite",
                             hint=f"give a source key, e.g. {', '.join(cited[:10])}")
        keys.update(found)
    return keys


def _body_kinds(data: GovernanceData, refs: Iterable[str]) -> set[str] | None:
    refs = [r.strip().lower() for r in refs]
    if not refs:
        return None
    known = {b.kind for b in data.bodies.values() if b.kind}
    unknown = [r for r in refs if r not in known]
    if unknown:
        raise InputError(f"no body kind {', '.join(unknown)}", hint=f"kinds: {', '.join(sorted(known))}")
    return set(refs)


def lesson_fields(data: GovernanceData, lesson: Lesson) -> dict[str, Any]:
    """What the filters look at, for a lesson's row in the results: programme, raising body and its kind, year."""
    raiser = data.bodies.get(lesson.raised_by or "")
    return {"programme": data.key(lesson.learned_from) if lesson.learned_from else "",
            "programme_label": data.label(lesson.learned_from) if lesson.learned_from else "",
            "raised_by_key": data.key(lesson.raised_by) if lesson.raised_by else "",
            "raised_by_kind": raiser.kind if raiser else "",
            "year": lesson.date.year if lesson.date else None}
