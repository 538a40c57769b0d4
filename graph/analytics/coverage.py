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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from graph.analytics.data import GovernanceData, Initiative, Lesson, Recommendation, SourceRef, Target
from graph.analytics.similarity import (
    Embedder,
    best_part_similarities,
    embedder_for,
    sentences,
)
from graph.embeddings import DEFAULT_MODEL

DEFAULT_THRESHOLD = 0.6
DEFAULT_SINCE = date(2016, 1, 1)
COVERED, PARTIAL, NOT_COVERED = "covered", "partial", "not covered"


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
             today: date | None = None, embedder: Embedder | None = None, model: str = DEFAULT_MODEL
             ) -> CoverageReport:
    """Classify every lesson as covered, partial or not covered, and find current targets without precedent."""
    today = today or date.today()
    embedder = embedder or embedder_for(model)
    recs = current_recommendations(data, since)
    targets = current_targets(data, since)
    programmes = current_programmes(data, since, today)
    items: list[tuple[str, Recommendation | Target | Initiative, list[str]]] = [
        *(("recommendation", r, [r.text]) for r in recs),
        *(("target", t, [t.label, t.text]) for t in targets),
        *(("programme", p, [p.label, *sentences(p.description)]) for p in programmes)]
    lessons = data.lessons
    scores = best_part_similarities(embedder, [lesson_parts(x) for x in lessons], [parts for _, _, parts in items])
    report = CoverageReport(threshold, since, today, model)
    for i, lesson in enumerate(lessons):
        matches = []
        for j, (kind, item, _) in enumerate(items):
            linked = isinstance(item, Recommendation) and lesson.iri in item.lessons
            similar = float(scores[i, j]) >= threshold
            if linked or similar:
                by = "link and similarity" if linked and similar else ("link" if linked else "similarity")
                matches.append(_match(data, kind, item, by, float(scores[i, j])))
        matches.sort(key=lambda m: (not m.by.startswith("link"), -m.score))
        earlier = [_match(data, "recommendation", r, "link", 0.0) for r in data.recommendations
                   if lesson.iri in r.lessons and r not in recs]
        linked_now = any(m.kind == "recommendation" and m.by.startswith("link") for m in matches)
        status = COVERED if linked_now else (PARTIAL if matches else NOT_COVERED)
        report.lessons.append(LessonCoverage(lesson.key, lesson.iri, lesson.title, lesson.date,
                                             data.label(lesson.raised_by), status, matches, earlier,
                                             tuple(data.source_refs(lesson.sources))))
    report.lessons.sort(key=lambda c: (c.date or date.min, c.lesson))
    report.commitments = _precedents(data, embedder, targets, threshold)
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


def _precedents(data: GovernanceData, embedder: Embedder, targets: list[Target], threshold: float
                ) -> list[Commitment]:
    lessons = data.lessons
    scores = best_part_similarities(embedder, [[t.label, t.text] for t in targets],
                                    [lesson_parts(x) for x in lessons])
    out = []
    for i, t in enumerate(targets):
        cutoff = t.set_on or t.deadline
        precedents = [Precedent(x.key, x.title, x.date, data.label(x.raised_by), float(scores[i, j]))
                      for j, x in enumerate(lessons)
                      if float(scores[i, j]) >= threshold and (cutoff is None or (x.date is not None and x.date <= cutoff))]
        precedents.sort(key=lambda p: -p.score)
        out.append(Commitment(t.key, t.iri, t.label, t.set_on, t.deadline, t.status, data.label(t.set_by),
                              precedents, tuple(data.source_refs(t.sources))))
    return out
