"""Recurring lessons: lessons that say the same thing, raised again by other sources or in other years.

Lessons are compared whole (title, lesson and what to do) by the cosine similarity of their sentence
embeddings, and grouped by average linkage: two groups join while the mean similarity between their lessons is
at least ``threshold``. With ``same_theme`` (the default) two lessons count as similar only when they share a
theme (or a broader one), which keeps apart lessons that merely use the same words ("local capacity" and
"local costs"). A group is *recurring* when its lessons were raised on at least two occasions (a different
body or date); each lesson is listed with when and by whom it was raised, and its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

import numpy as np

from graph.analytics.data import GovernanceData, Lesson, SourceRef
from graph.analytics.similarity import Embedder, embedder_for, similarities
from graph.embeddings import DEFAULT_MODEL

DEFAULT_THRESHOLD = 0.5


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


@dataclass
class RecurringLesson:
    lessons: list[Raised]
    themes: list[str]  # themes that at least two of its lessons share
    similarity: float  # mean similarity between its lessons

    @property
    def first(self) -> date | None:
        return min((x.date for x in self.lessons if x.date), default=None)

    @property
    def last(self) -> date | None:
        return max((x.date for x in self.lessons if x.date), default=None)

    @property
    def raised_by(self) -> list[str]:
        return sorted({x.raised_by for x in self.lessons if x.raised_by})


@dataclass
class RecurringReport:
    threshold: float
    same_theme: bool
    model: str
    groups: list[RecurringLesson] = field(default_factory=list)


def lesson_similarity(data: GovernanceData, lessons: list[Lesson], embedder: Embedder, *,
                      same_theme: bool = True) -> np.ndarray:
    """Lesson × lesson similarity; with ``same_theme``, pairs that share no theme score -1."""
    texts = [x.text() for x in lessons]
    scores = similarities(embedder, texts, texts)
    if same_theme:
        themes = [data.themes_of(x) for x in lessons]
        for i, j in combinations(range(len(lessons)), 2):
            if not themes[i] & themes[j]:
                scores[i, j] = scores[j, i] = -1.0
    return scores


def average_linkage(scores: np.ndarray, threshold: float) -> list[list[int]]:
    """Groups of indices: repeatedly join the two groups with the highest mean similarity, while it is ≥ threshold."""
    groups = [[i] for i in range(scores.shape[0])]
    while len(groups) > 1:
        best, pair = threshold, None
        for a, b in combinations(range(len(groups)), 2):
            mean = float(scores[np.ix_(groups[a], groups[b])].mean())
            if mean >= best:
                best, pair = mean, (a, b)
        if pair is None:
            break
        a, b = pair
        groups[a] = sorted(groups[a] + groups[b])
        del groups[b]
    return groups


def recurring_lessons(data: GovernanceData, *, threshold: float = DEFAULT_THRESHOLD, same_theme: bool = True,
              embedder: Embedder | None = None, model: str = DEFAULT_MODEL) -> RecurringReport:
    """Groups of lessons that say the same thing, raised on more than one occasion, largest and oldest first."""
    embedder = embedder or embedder_for(model)
    lessons = data.lessons
    report = RecurringReport(threshold, same_theme, model)
    if len(lessons) < 2:
        return report
    scores = lesson_similarity(data, lessons, embedder, same_theme=same_theme)
    for group in average_linkage(scores, threshold):
        members = sorted((lessons[i] for i in group), key=lambda x: (x.date or date.min, x.key))
        occasions = {(x.raised_by, x.date) for x in members}
        if len(members) < 2 or len(occasions) < 2:
            continue
        pairs = [float(scores[i, j]) for i, j in combinations(group, 2)]
        shared = [t for t in {t for x in members for t in data.themes_of(x)}
                  if sum(t in data.themes_of(x) for x in members) >= 2]
        report.groups.append(RecurringLesson(
            [Raised(x.key, x.iri, x.title, x.lesson, x.date, data.label(x.raised_by),
                    tuple(data.source_refs(x.sources))) for x in members],
            sorted(data.label(t) for t in shared), round(sum(pairs) / len(pairs), 4)))
    report.groups.sort(key=lambda g: (-len(g.lessons), g.first or date.min))
    return report
