"""Recurring lessons: lessons that say the same thing, raised again by other sources or in other years.

Lessons are compared whole (title, lesson and what to do; or, at corpus scale, the whole-text vector the search
index already holds: ``vectors``) by the cosine similarity of their sentence embeddings, and grouped by average
linkage (SciPy's hierarchical clustering on the condensed distances 1 − similarity, cut at 1 − ``threshold``):
two groups join while the mean similarity between their lessons is at least ``threshold``. With ``same_theme``
(the default) two lessons count as similar only when they share a theme (or a broader one), which keeps apart
lessons that merely use the same words ("local capacity" and "local costs"). A group is *recurring* when its
lessons were raised on at least two occasions (a different body or date); each lesson is listed with when and by
whom it was raised, and its sources.

Groups are ranked — most occasions first, then most lessons, the longest span of years, the closest
similarity — each filed under its theme (the theme most of its lessons share), and the report keeps the first
``limit`` (``total`` says how many there were), so that 1,683 lessons give a readable list rather than thousands
of pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from graph.analytics.data import GovernanceData, Lesson, SourceRef
from graph.analytics.narrow import LessonFilter, lesson_fields
from graph.analytics.similarity import Embedder, Vectors, _unit, embedder_for
from graph.embeddings import DEFAULT_MODEL

DEFAULT_THRESHOLD = 0.5
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class Raised:
    """One lesson of a recurring group: what it says, when and by whom it was raised, and on whose word."""

    lesson: str  # key
    iri: str
    title: str
    text: str
    date: date | None
    raised_by: str
    sources: tuple[SourceRef, ...] = ()
    programme: str = ""
    programme_label: str = ""
    raised_by_key: str = ""
    raised_by_kind: str = ""
    year: int | None = None


@dataclass
class RecurringLesson:
    lessons: list[Raised]
    themes: list[str]  # themes that at least two of its lessons share
    similarity: float  # mean similarity between its lessons
    theme: str = ""  # the theme it is filed under: the shared theme most of its lessons have

    @property
    def first(self) -> date | None:
        return min((x.date for x in self.lessons if x.date), default=None)

    @property
    def last(self) -> date | None:
        return max((x.date for x in self.lessons if x.date), default=None)

    @property
    def raised_by(self) -> list[str]:
        return sorted({x.raised_by for x in self.lessons if x.raised_by})

    @property
    def occasions(self) -> int:
        return len({(x.raised_by, x.date) for x in self.lessons})


@dataclass
class RecurringReport:
    threshold: float
    same_theme: bool
    model: str
    groups: list[RecurringLesson] = field(default_factory=list)
    total: int = 0  # groups found, before the limit
    limit: int | None = None
    lessons: int = 0  # lessons compared
    filters: dict[str, Any] = field(default_factory=dict)

    def by_theme(self) -> dict[str, list[RecurringLesson]]:
        """The groups filed under their themes, themes in the order of their best group."""
        out: dict[str, list[RecurringLesson]] = {}
        for g in self.groups:
            out.setdefault(g.theme, []).append(g)
        return out


def lesson_vectors(lessons: list[Lesson], embedder: Embedder | None, vectors: Vectors | None) -> np.ndarray:
    """One unit vector per lesson: the index's whole-text vector when it has one, else its text embedded."""
    found: list[np.ndarray | None] = [vectors.whole(x.iri) if vectors is not None else None for x in lessons]
    missing = [n for n, v in enumerate(found) if v is None]
    if missing:
        if embedder is None:
            raise ValueError("lessons to embed, and no embedder")
        encoded = _unit(embedder.encode([lessons[n].text() for n in missing]))
        for row, n in enumerate(missing):
            found[n] = encoded[row]
    return _unit(np.vstack([np.asarray(v, dtype=np.float32) for v in found]))


def lesson_similarity(data: GovernanceData, lessons: list[Lesson], embedder: Embedder | None, *,
                      same_theme: bool = True, vectors: Vectors | None = None) -> np.ndarray:
    """Lesson × lesson similarity; with ``same_theme``, pairs that share no theme score -1."""
    x = lesson_vectors(lessons, embedder, vectors)
    scores = np.asarray(x @ x.T, dtype=np.float32)
    if same_theme:
        themes = sorted({t for lesson in lessons for t in data.themes_of(lesson)})
        column = {t: n for n, t in enumerate(themes)}
        has = np.zeros((len(lessons), max(len(themes), 1)), dtype=np.float32)
        for n, lesson in enumerate(lessons):
            has[n, [column[t] for t in data.themes_of(lesson)]] = 1
        scores[(has @ has.T) == 0] = -1.0
    return scores


def average_linkage(scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of indices: UPGMA (SciPy) on the distances 1 − similarity, cut where the mean similarity between
    two groups falls below ``threshold``."""
    n = scores.shape[0]
    if n < 2:
        return [[i] for i in range(n)]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distances = np.clip(1.0 - scores.astype(np.float64), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    distances = (distances + distances.T) / 2  # exactly symmetric, as squareform requires
    tree = linkage(squareform(distances, checks=False), method="average")
    labels = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values())


def recurring_lessons(data: GovernanceData, *, threshold: float = DEFAULT_THRESHOLD, same_theme: bool = True,
                      embedder: Embedder | None = None, model: str = DEFAULT_MODEL, vectors: Vectors | None = None,
                      narrow: LessonFilter | None = None, limit: int | None = None) -> RecurringReport:
    """Groups of lessons (of ``narrow``) that say the same thing, raised on more than one occasion: ranked (most
    occasions, lessons and years first), filed under a theme, the first ``limit`` kept."""
    narrow = narrow or LessonFilter()
    lessons = narrow.lessons(data)
    report = RecurringReport(threshold, same_theme, model, limit=limit, lessons=len(lessons),
                             filters=narrow.as_dict())
    if len(lessons) < 2:
        return report
    if vectors is None and embedder is None:
        embedder = embedder_for(model)
    scores = lesson_similarity(data, lessons, embedder, same_theme=same_theme, vectors=vectors)
    groups = []
    for group in average_linkage(scores, threshold):
        members = sorted((lessons[i] for i in group), key=lambda x: (x.date or date.min, x.key))
        occasions = {(x.raised_by, x.date) for x in members}
        if len(members) < 2 or len(occasions) < 2:
            continue
        block = scores[np.ix_(group, group)]
        similarity = float(block[np.triu_indices(len(group), 1)].mean())
        counts = Counter(t for x in members for t in data.themes_of(x))
        shared = [t for t, k in counts.items() if k >= 2]
        # filed under the shared theme most of them have; of equals, the narrowest (the most specific)
        primary = max(shared, key=lambda t: (counts[t], _depth(data, t), data.label(t)), default="")
        groups.append(RecurringLesson(
            [Raised(x.key, x.iri, x.title, x.lesson, x.date, data.label(x.raised_by),
                    tuple(data.source_refs(x.sources)), **lesson_fields(data, x)) for x in members],
            sorted(data.label(t) for t in shared), round(similarity, 4), data.label(primary) if primary else ""))
    groups.sort(key=_rank)
    report.total = len(groups)
    report.groups = groups[:limit] if limit else groups
    return report


def _depth(data: GovernanceData, theme: str) -> int:
    depth, seen = 0, {theme}
    while (theme := data.broader.get(theme, "")) and theme not in seen:
        seen.add(theme)
        depth += 1
    return depth


def _rank(g: RecurringLesson) -> tuple[Any, ...]:
    span = (g.last.year - g.first.year) if g.first and g.last else 0
    return (-g.occasions, -len(g.lessons), -span, -g.similarity, g.first or date.min, g.lessons[0].lesson)
