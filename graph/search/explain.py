"""Why an item matched: the entities and themes it shares with the query, the query's words it contains, and
its sentence nearest to the query.

Entities are found in text by name (label, abbreviation or other name of a body or programme); a query's
themes are those named in it, plus the one or two whose label its vector is nearest to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from graph.search.items import Context, Item, sentences
from graph.search.lexical import tokens

THEME_SIMILARITY = 0.45  # cosine between query and theme label above which the query is "about" the theme
MAX_QUERY_THEMES = 2


@dataclass
class Why:
    shared_entities: list[dict[str, str]] = field(default_factory=list)
    shared_themes: list[dict[str, str]] = field(default_factory=list)
    matched_terms: list[str] = field(default_factory=list)
    best_sentence: str = ""
    sibling: dict[str, str] = field(default_factory=dict)  # the item of the same source that lent its score

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def summary(self) -> str:
        parts = []
        if self.shared_entities:
            parts.append("entities: " + ", ".join(e["label"] for e in self.shared_entities))
        if self.shared_themes:
            parts.append("themes: " + ", ".join(t["label"] for t in self.shared_themes))
        if self.matched_terms:
            parts.append("words: " + ", ".join(self.matched_terms))
        if self.sibling:
            parts.append(f"beside {self.sibling['kind']}/{self.sibling['key']} (same source, similar text)")
        return "; ".join(parts)


class Gazetteer:
    """Finds bodies and programmes named in a text, by dictionary lookup from each word. Short names and
    acronyms (NAO, CSC, NHSX) match only in their own case, longer names in any case."""

    def __init__(self, context: Context) -> None:
        # first word → [(all words, IRIs)], longest names first; one table per case rule
        self._exact: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        self._folded: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        names: dict[tuple[bool, tuple[str, ...]], list[str]] = {}
        for iri, ent in context.entities.items():
            if ent.kind not in ("body", "programme"):
                continue
            for name in [ent.label, *ent.names]:
                words = tuple(_NAME_WORD.findall(name))
                if not words or (len(words) == 1 and (len(words[0]) < 2 or words[0].isdigit())):
                    continue
                exact = len(name.strip()) <= 5 or name.isupper()
                key = (exact, words if exact else tuple(w.lower() for w in words))
                names.setdefault(key, []).append(iri)
        for (exact, words), iris in sorted(names.items(), key=lambda kv: -len(kv[0][1])):
            table = self._exact if exact else self._folded
            table.setdefault(words[0], []).append((words, iris))

    def find(self, text: str) -> list[str]:
        words = _NAME_WORD.findall(text)
        folded = [w.lower() for w in words]
        found: dict[str, None] = {}
        for i, (word, low) in enumerate(zip(words, folded, strict=True)):
            for table, seq in ((self._exact, words), (self._folded, folded)):
                for name, iris in table.get(word if table is self._exact else low, ()):
                    if tuple(seq[i:i + len(name)]) == name:
                        found.update(dict.fromkeys(iris))
                        break
        return list(found)


_NAME_WORD = re.compile(r"[\w&]+(?:['’]\w+)?")


def item_entities(item: Item, context: Context) -> list[str]:
    """The bodies and programmes an item is linked to (with the programmes they are part of) or names."""
    linked = [a for p in item.programmes for a in context.ancestors(p, "programme")] + item.bodies
    return list(dict.fromkeys(linked + item.mentions))


def item_themes(item: Item, context: Context) -> list[str]:
    return list(dict.fromkeys(a for t in item.themes for a in context.ancestors(t, "theme")))


def query_themes(query: str, q: np.ndarray | None, themes: list[str], theme_vectors: np.ndarray,
                 context: Context) -> list[str]:
    """Themes a query is about: named in it, or nearest to its vector."""
    terms = set(tokens(query))
    named = [t for t in themes
             if (label := _label_terms(context.label(t))) and all(w in terms for w in label)]
    near: list[str] = []
    if q is not None and len(themes) and theme_vectors.shape[0] == len(themes):
        sims = theme_vectors @ q
        for i in np.argsort(-sims)[:MAX_QUERY_THEMES]:
            if sims[i] >= THEME_SIMILARITY:
                near.append(themes[int(i)])
    return list(dict.fromkeys(named + near))


@lru_cache(maxsize=8192)
def _label_terms(label: str) -> tuple[str, ...]:
    return tuple(tokens(label))


def matched_terms(query: str, have: set[str] | frozenset[str]) -> list[str]:
    """The query's words (as typed) whose stems are among an item's terms ``have``."""
    out: list[str] = []
    for word in re.findall(r"(?u)\b\w\w+\b", query):
        stems = tokens(word)
        if stems and stems[0] in have and word.lower() not in (w.lower() for w in out):
            out.append(word)
    return out


def best_sentence_by_words(query_terms: list[str], item: Item, idf: dict[str, float] | None = None) -> str:
    """The item's sentence with most query terms (weighted by idf when given); the first when none."""
    found = sentences(item.text) or [item.title]
    wanted = set(query_terms)
    best, best_score = found[0], 0.0
    for s in found:
        score = sum((idf or {}).get(t, 1.0) for t in set(tokens(s)) & wanted)
        if score > best_score:
            best, best_score = s, score
    return best


def describe(iris: list[str], context: Context) -> list[dict[str, str]]:
    return [context.describe(i) for i in iris]
