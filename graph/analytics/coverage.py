"""Lessons coverage: which current recommendations, commitments (targets) and programmes address each lesson.

*Current* means belonging to the present period, which starts at ``since`` (default 1 January 2016, when the
Digital Transformation Portfolio began and the Wachter review reported; NPfIT's own recommendations came
before): a recommendation made since then and not implemented or superseded; a target with a deadline since
then, not met, missed or replaced; a programme started since then (or undated) and still running, not part of
one that has ended.

A lesson is addressed *by link* when a recommendation names it (``gk:addressesLesson``) and *by similarity*
when any part of it (title, lesson, what to do) is at least ``threshold`` similar (cosine of sentence
embeddings) to any part of the item (a recommendation's text; a target's label and text; a programme's label
and the sentences of its description). Parts are compared because recommendations are one sentence.
Classification: **covered** — a current recommendation links to it; **partial** — no such link, but a current
recommendation, target or programme is similar; **not covered** — neither. The reverse: current targets with
no similar lesson raised before they were set (their deadline, when the date set is not known).

At corpus scale the vectors come from the search index (``vectors``, graph.search.vectors.IndexVectors): a
lesson's, recommendation's or target's parts are then its whole text and each of its points (title and
sentences) as the index embedded them, and only the programmes' texts are embedded (once, through the cache).
``narrow`` keeps some lessons (graph/analytics/narrow.py), ``kinds`` some of what may address them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.analytics.data import GovernanceData, Initiative, Lesson, Recommendation, SourceRef, Target
from graph.analytics.narrow import LessonFilter, lesson_fields
from graph.analytics.similarity import (
    Embedder,
    Vectors,
    best_of_parts,
    embedder_for,
    part_vectors,
    sentences,
)
from graph.embeddings import DEFAULT_MODEL
from graph.errors import InputError

DEFAULT_THRESHOLD = 0.6
DEFAULT_SINCE = date(2016, 1, 1)
COVERED, PARTIAL, NOT_COVERED = "covered", "partial", "not covered"
KINDS = ("recommendation", "target", "programme")  # what may address a lesson


@dataclass(frozen=True)
class Match:
    """A recommendation, target or programme that addresses a lesson; ``by`` is "link", "similarity" or both."""

    kind: str  # recommendation, target or programme
    key: str
    iri: str
    text: str
    date: date | None
    by: str
    score: float  # best similarity of their parts
    made_by: str = ""
    sources: tuple[SourceRef, ...] = ()


@dataclass
class LessonCoverage:
    lesson: str  # key
    iri: str
    title: str
    date: date | None
    raised_by: str
    status: str
    matches: list[Match] = field(default_factory=list)  # current items, best first
    earlier: list[Match] = field(default_factory=list)  # recommendations before ``since`` that link to it
    sources: tuple[SourceRef, ...] = ()
    programme: str = ""  # key of the programme it was learned from
    programme_label: str = ""
    raised_by_key: str = ""
    raised_by_kind: str = ""
    year: int | None = None

    def recommendations(self) -> list[Match]:
        return [m for m in self.matches if m.kind == "recommendation"]


@dataclass(frozen=True)
class Precedent:
    lesson: str
    title: str
    date: date | None
    raised_by: str
    score: float


@dataclass
class Commitment:
    """A current target and the earlier lessons that say something like it (none: no precedent)."""

    target: str
    iri: str
    label: str
    set_on: date | None
    deadline: date | None
    status: str
    set_by: str
    precedents: list[Precedent] = field(default_factory=list)
    sources: tuple[SourceRef, ...] = ()


@dataclass
class CoverageReport:
    threshold: float
    since: date
    today: date
    model: str
    lessons: list[LessonCoverage] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)  # the narrowing and kinds asked for

    def by_status(self, status: str, *, first_year: int | None = None, last_year: int | None = None
                  ) -> list[LessonCoverage]:
        return [c for c in self.lessons if c.status == status and _in_years(c.date, first_year, last_year)]

    def without_current_recommendation(self, *, first_year: int | None = None, last_year: int | None = None
                                       ) -> list[LessonCoverage]:
        """Lessons that no current recommendation addresses, by link or by similarity."""
        return [c for c in self.lessons if not c.recommendations() and _in_years(c.date, first_year, last_year)]

    def unprecedented(self) -> list[Commitment]:
        return [c for c in self.commitments if not c.precedents]


def _in_years(when: date | None, first: int | None, last: int | None) -> bool:
    if when is None:
        return first is None and last is None
    return (first is None or when.year >= first) and (last is None or when.year <= last)


def current_recommendations(data: GovernanceData, since: date) -> list[Recommendation]:
    return [r for r in data.recommendations
            if r.date is not None and r.date >= since and r.status not in ("implemented", "superseded")]


def current_targets(data: GovernanceData, since: date) -> list[Target]:
    return [t for t in data.targets if t.status in ("open", "unknown") and not t.replaced_by
            and (t.deadline is None or t.deadline >= since)]


def current_programmes(data: GovernanceData, since: date, today: date) -> list[Initiative]:
    def ended(i: Initiative | None) -> bool:
        return i is not None and i.end is not None and i.end < today

    return [p for p in data.initiatives.values()
            if not ended(p) and (p.start is None or p.start >= since)
            and not ended(data.initiatives.get(p.part_of or ""))]


def lesson_parts(lesson: Lesson) -> list[str]:
    return [t for t in (lesson.title, lesson.lesson, lesson.recommendation) if t]


def lesson_coverage(data: GovernanceData, *, threshold: float = DEFAULT_THRESHOLD, since: date = DEFAULT_SINCE,
                    today: date | None = None, embedder: Embedder | None = None, model: str = DEFAULT_MODEL,
                    vectors: Vectors | None = None, narrow: LessonFilter | None = None,
                    kinds: tuple[str, ...] | list[str] = KINDS) -> CoverageReport:
    """Classify every lesson (of ``narrow``) as covered, partial or not covered by the current items of
    ``kinds``, and find current targets without precedent."""
    today = today or date.today()
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown kind {', '.join(unknown)} for coverage", hint=f"kinds: {', '.join(KINDS)}")
    narrow = narrow or LessonFilter()
    lessons = narrow.lessons(data)
    recs = current_recommendations(data, since) if "recommendation" in kinds else []
    targets = current_targets(data, since)
    programmes = current_programmes(data, since, today) if "programme" in kinds else []
    items: list[tuple[str, Recommendation | Target | Initiative, list[str]]] = [
        *(("recommendation", r, [r.text]) for r in recs),
        *(("target", t, [t.label, t.text]) for t in targets),
        *(("programme", p, [p.label, *sentences(p.description)]) for p in programmes)]
    report = CoverageReport(threshold, since, today, model, filters={**narrow.as_dict(), "kinds": list(kinds)})
    if not lessons:
        report.commitments = _precedents(data, targets, [], [], [], threshold)
        return report
    embedder = embedder or (embedder_for(model) if vectors is None or programmes else None)
    found = part_vectors(embedder, [(x.iri, lesson_parts(x)) for x in lessons]
                         + [(item.iri, parts) for _, item, parts in items], vectors)
    lesson_vectors, item_vectors = found[: len(lessons)], found[len(lessons):]
    scores = best_of_parts(lesson_vectors, item_vectors)
    shown = [n for n, (kind, _, _) in enumerate(items) if kind in kinds]
    for i, lesson in enumerate(lessons):
        matches = []
        linked_items = {j for j in shown if isinstance(items[j][1], Recommendation)
                        and lesson.iri in items[j][1].lessons}  # type: ignore[union-attr]
        similar = {j for j in shown if scores[i, j] >= threshold}
        for j in sorted(linked_items | similar):
            kind, item, _ = items[j]
            linked, alike = j in linked_items, j in similar
            by = "link and similarity" if linked and alike else ("link" if linked else "similarity")
            matches.append(_match(data, kind, item, by, float(scores[i, j])))
        matches.sort(key=lambda m: (not m.by.startswith("link"), -m.score))
        earlier = [_match(data, "recommendation", r, "link", 0.0) for r in data.recommendations
                   if lesson.iri in r.lessons and r not in recs]
        linked_now = any(m.kind == "recommendation" and m.by.startswith("link") for m in matches)
        status = COVERED if linked_now else (PARTIAL if matches else NOT_COVERED)
        report.lessons.append(LessonCoverage(lesson.key, lesson.iri, lesson.title, lesson.date,
                                             data.label(lesson.raised_by), status, matches, earlier,
                                             tuple(data.source_refs(lesson.sources)),
                                             **lesson_fields(data, lesson)))
    report.lessons.sort(key=lambda c: (c.date or date.min, c.lesson))
    columns = [n for n, (kind, _, _) in enumerate(items) if kind == "target"]
    report.commitments = _precedents(data, targets, lessons, [scores[:, j] for j in columns],
                                     [items[j][1] for j in columns], threshold)
    return report


def _match(data: GovernanceData, kind: str, item: Recommendation | Target | Initiative, by: str,
           score: float) -> Match:
    if isinstance(item, Recommendation):
        return Match(kind, item.key, item.iri, item.text, item.date, by, score, data.label(item.made_by),
                     tuple(data.source_refs(item.sources)))
    if isinstance(item, Target):
        return Match(kind, item.key, item.iri, item.label, item.deadline, by, score, data.label(item.set_by),
                     tuple(data.source_refs(item.sources)))
    return Match(kind, item.key, item.iri, item.label, item.start, by, score,
                 ", ".join(data.label(b) for b in item.led_by), tuple(data.source_refs(item.sources)))


def _precedents(data: GovernanceData, targets: list[Target], lessons: list[Lesson], columns: list[Any],
                of: list[Any], threshold: float) -> list[Commitment]:
    """Each current target with the earlier lessons similar to it (``columns[n]``: the lessons' similarity to
    target ``of[n]``, worked out with the coverage itself)."""
    scores = {t.iri: col for t, col in zip(of, columns, strict=True)}
    out = []
    for t in targets:
        cutoff = t.set_on or t.deadline
        col = scores.get(t.iri)
        precedents = [] if col is None else [
            Precedent(x.key, x.title, x.date, data.label(x.raised_by), float(col[j]))
            for j, x in enumerate(lessons)
            if float(col[j]) >= threshold and (cutoff is None or (x.date is not None and x.date <= cutoff))]
        precedents.sort(key=lambda p: -p.score)
        out.append(Commitment(t.key, t.iri, t.label, t.set_on, t.deadline, t.status, data.label(t.set_by),
                              precedents, tuple(data.source_refs(t.sources))))
    return out
