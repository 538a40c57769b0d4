"""Filters on search results: kind, theme, programme, body, source and a range of years.

Each filter names entities the way people do (a key, a label, an abbreviation or an IRI). A theme includes its
narrower themes (and dataset categories mapped under it); a programme includes its parts. Filters become one
boolean mask over the index's items, from inverted lists built once per index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.errors import QueryError
from graph.search.items import KIND_NAMES, Context, Item

FACETS = ("theme", "programme", "body", "source")
# kinds left out unless asked for by name: a figure's text is a short label, which matches many queries
# loosely and crowds out the statements (lessons, findings …) that answer them
HIDDEN_KINDS = ("figure",)


@dataclass
class Filters:
    """What to keep. Lists mean "any of"; different filters must all hold."""

    kind: list[str] = field(default_factory=list)
    theme: list[str] = field(default_factory=list)
    programme: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def of(cls, value: Filters | Mapping[str, Any] | None) -> Filters:
        if value is None:
            return cls()
        if isinstance(value, Filters):
            return value
        unknown = set(value) - {"kind", "theme", "programme", "body", "source", "year_from", "year_to", "year"}
        if unknown:
            raise QueryError(f"unknown filter {', '.join(sorted(unknown))}",
                             hint="filters: kind, theme, programme, body, source, year_from, year_to")
        out = cls()
        for name in ("kind", *FACETS):
            raw = value.get(name)
            if raw in (None, "", []):
                continue
            setattr(out, name, [raw] if isinstance(raw, str) else [str(v) for v in raw])
        if value.get("year") is not None:
            out.year_from = out.year_to = _year(value["year"], "year")
        for name in ("year_from", "year_to"):
            if value.get(name) is not None:
                setattr(out, name, _year(value[name], name))
        return out

    def empty(self) -> bool:
        return not (self.kind or self.theme or self.programme or self.body or self.source
                    or self.year_from is not None or self.year_to is not None)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [])}


def _year(value: Any, name: str) -> int:
    try:
        year = int(str(value).strip())
    except ValueError:
        raise QueryError(f"{name} must be a year, not {value!r}") from None
    if not 1000 <= year <= 9999:
        raise QueryError(f"{name} must be a four-digit year, not {value!r}")
    return year


class Facets:
    """Inverted lists (entity IRI → item numbers) for the filters, with the names that resolve to them."""

    def __init__(self, items: list[Item], context: Context) -> None:
        self.n = len(items)
        self.context = context
        self.kind = np.array([KIND_NAMES.index(i.kind) for i in items], dtype=np.int8)
        self.year = np.array([i.year or 0 for i in items], dtype=np.int32)
        lists: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in FACETS}
        for n, item in enumerate(items):
            for theme in {a for t in item.themes for a in context.ancestors(t, "theme")}:
                lists["theme"][theme].append(n)
            for prog in {a for p in item.programmes for a in context.ancestors(p, "programme")}:
                lists["programme"][prog].append(n)
            for body in item.bodies:
                lists["body"][body].append(n)
            for src in [*item.sources, item.graph_source]:
                if src:
                    lists["source"][src].append(n)
        self.lists = {f: {k: np.array(v, dtype=np.int64) for k, v in d.items()} for f, d in lists.items()}
        self._shown = ~np.isin(self.kind, [KIND_NAMES.index(k) for k in HIDDEN_KINDS])
        self._default = None if self._shown.all() else self._shown

    def resolve(self, facet: str, ref: str) -> list[str]:
        """The IRIs (or source keys) that ``ref`` names in a facet; QueryError when none."""
        known = self.lists[facet]
        text = ref.strip()
        if text in known:
            return [text]
        low = text.lower()
        found = []
        for iri in known:
            ent = self.context.entities.get(iri)
            names = [iri.rsplit("/", 1)[-1]] + ([ent.key, ent.label, *ent.names] if ent else [])
            if any(low == n.lower() for n in names if n):
                found.append(iri)
        if not found:
            raise QueryError(f"no {facet} {ref!r} among the indexed items", hint=self._nearest(facet, text, known))
        return found

    def _nearest(self, facet: str, text: str, known: dict[str, Any]) -> str:
        """The hint for a name that is in no item of a facet: the nearest names that are, else some examples."""
        from graph.keys import Key, nearest

        keys = []
        for iri in known:
            ent = self.context.entities.get(iri)
            keys.append(Key(ent.key if ent else iri, ent.label if ent else "", facet, iri))
        near = nearest(text, keys)
        if near:
            return "nearest: " + ", ".join(f"{k.key} ({k.label})" if k.label else k.key for k in near)
        examples = sorted({k.key for k in keys}, key=lambda k: (-len(known.get(k, [])), k))[:8]
        return f"give a key, label or IRI, e.g. {', '.join(examples)}"

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Items that pass every filter, or None when all do. Without a kind filter, figures are left out."""
        if filters.empty():
            return self._default
        keep = np.ones(self.n, dtype=bool)
        if not filters.kind:
            keep &= self._shown
        else:
            wanted = []
            for kind in filters.kind:
                name = kind.strip().lower().rstrip("s") if kind.lower() not in KIND_NAMES else kind.lower()
                if name not in KIND_NAMES:
                    raise QueryError(f"unknown kind {kind!r}", hint=f"kinds: {', '.join(KIND_NAMES)}")
                wanted.append(KIND_NAMES.index(name))
            keep &= np.isin(self.kind, wanted)
        for facet in FACETS:
            refs: Iterable[str] = getattr(filters, facet)
            if not refs:
                continue
            any_of = np.zeros(self.n, dtype=bool)
            for ref in refs:
                for iri in self.resolve(facet, ref):
                    any_of[self.lists[facet][iri]] = True
            keep &= any_of
        if filters.year_from is not None:
            keep &= self.year >= filters.year_from
        if filters.year_to is not None:
            keep &= (self.year <= filters.year_to) & (self.year > 0)
        return None if keep.all() else keep
