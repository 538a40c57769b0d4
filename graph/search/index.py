"""The search index of one store: items with their context, unit vectors, BM25, and (above the exact-search
limit) an HNSW graph — built from the store, saved in a folder beside it, and kept in step with it.

Layout of the search folder (the ``search_dir`` setting; by default ``search/`` inside the store folder)::

    embeddings/<model>/vectors.sqlite   the embedding cache: vectors by text hash, for one model
    index/CURRENT                       the name of the live index folder
    index/<fingerprint>/                meta.json items.json context.json units.json vectors.npy
                                        unit_item.npy links.npy siblings.npy theme_vectors.npy [hnsw.faiss]
                                        and the BM25 files

What is embedded for an item: its whole text followed by its place in the graph in words (its programmes and
themes, :func:`~graph.search.items.context_line`), and each of its points when it makes more than one: its title
(when it has one of its own) and each sentence of its text (:func:`item_units`).
Its siblings are found when the index is built: the items derived from the same source document whose texts
are nearest its own (:func:`sibling_pairs`); a search lends them part of its score.

The fingerprint hashes the store's catalog (each source's key, content hash and generation), the model, the
index format and the sibling settings, so an index is stale exactly when one of them changed. A new index is
written to its own folder and made live by replacing CURRENT in one rename, so a reader never sees half an index.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.backends import Backend
from graph.embeddings.cache import EmbeddingCache, embed_cached
from graph.embeddings.model import SentenceTransformerEmbeddings
from graph.search.dense import DenseIndex
from graph.search.explain import Gazetteer
from graph.search.items import (
    TITLE_FROM_TEXT,
    Context,
    Item,
    common_themes,
    context_line,
    read_items,
    sentences,
)
from graph.search.lexical import LexicalIndex

FORMAT = 7
# kinds embedded whole only: a figure is one short fact (its label and what it measures), found as well by its whole
# text as by its parts, and 1,120 GMPP cost figures would otherwise add over 2,000 vectors to embed
ONE_POINT_KINDS = ("figure",)
SIBLINGS = 1  # the nearest items of the same source document that each item is linked to …
SIBLING_SIMILARITY = 0.5  # … when their whole texts are at least this similar (cosine)
NOT_DOCUMENTS = ("dataset",)  # source kinds whose items are separate records, not parts of one document
Progress = Callable[[str], None]


@dataclass
class Unit:
    """One embedded text of an item: the whole document, or one of its sentences."""

    item: int
    text: str  # what is shown as the best-matching sentence ("" for the whole document)


def item_units(item: Item, context: str = "") -> list[tuple[str, str]]:
    """(text to embed, text to show) for each unit of an item: the whole document first, followed by its
    ``context`` line when it has one, then each of its points when it has more than one, so that an item is
    found by any one of them. Its points are its title, when the title is its own (a lesson's; a finding's
    title is the start of its text), and each sentence of its text: "Build in interoperability from the start"
    and "Interoperability must be designed in from the beginning, not added later" are each a way to say it.
    Kinds in ONE_POINT_KINDS (figures) have their whole text only."""
    units = [(f"{item.document()} {context}".strip(), "")]
    if item.kind in ONE_POINT_KINDS:
        return units
    points = sentences(item.text)
    if item.title and item.text.strip() and item.kind not in TITLE_FROM_TEXT:
        points = [" ".join(item.title.split()), *points]
    if len(points) > 1:
        units.extend((s, s) for s in dict.fromkeys(points))
    return units


def sibling_pairs(items: list[Item], ctx: Context, vectors: np.ndarray, *, n: int = SIBLINGS,
                  similarity: float = SIBLING_SIMILARITY) -> np.ndarray:
    """Pairs of item numbers (both ways, sorted) linking each item to the ``n`` items nearest it (cosine of
    ``vectors``, one per item, at least ``similarity``) among those derived from the same source document.

    A report's lesson and the finding it rests on are such a pair: they make one point in different words, so a
    query that finds one should find the other. Sources whose kind is in NOT_DOCUMENTS (a dataset's records
    are independent of each other) link nothing."""
    members: dict[str, list[int]] = {}
    for number, item in enumerate(items):
        for source in item.sources:
            ent = ctx.entities.get(source)
            if ent is None or ent.source_kind not in NOT_DOCUMENTS:
                members.setdefault(source, []).append(number)
    pairs: set[tuple[int, int]] = set()
    for number, item in enumerate(items):
        near = sorted({m for s in item.sources for m in members.get(s, ()) if m != number})
        if not near:
            continue
        sims = vectors[near] @ vectors[number]
        for j in np.argsort(-sims, kind="stable")[:n]:
            if sims[j] >= similarity:
                pairs.update({(number, near[j]), (near[j], number)})
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


class Siblings:
    """Each item's siblings, looked up from sorted pairs (both ways)."""

    def __init__(self, pairs: np.ndarray, n_items: int) -> None:
        self.pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        order = np.lexsort((self.pairs[:, 1], self.pairs[:, 0]))
        self._to = self.pairs[order, 1]
        self._start = np.searchsorted(self.pairs[order, 0], np.arange(n_items + 1))

    def __len__(self) -> int:
        return len(self.pairs)

    def of(self, item: int) -> np.ndarray:
        return np.asarray(self._to[self._start[item]:self._start[item + 1]])


def item_links(items: list[Item]) -> np.ndarray:
    """Pairs of item numbers linked in the graph (a recommendation and the lesson it addresses), both ways."""
    where = {item.iri: n for n, item in enumerate(items)}
    pairs = [(n, where[lesson]) for n, item in enumerate(items) for lesson in item.lessons if lesson in where]
    both = pairs + [(b, a) for a, b in pairs]
    return np.array(sorted(set(both)), dtype=np.int64).reshape(-1, 2)


def from_document(item: Item, ctx: Context) -> bool:
    """Whether the item comes from a source document (a report, a review…) rather than a dataset's records."""
    return any((ent := ctx.entities.get(s)) is None or ent.source_kind not in NOT_DOCUMENTS for s in item.sources)


def theme_text(ctx: Context, iri: str) -> str:
    return ctx.entities[iri].label


@dataclass
class SearchIndex:
    items: list[Item]
    context: Context
    units: list[Unit]
    dense: DenseIndex
    lexical: LexicalIndex
    model: str
    fingerprint: str
    themes: list[str] = field(default_factory=list)  # theme IRIs, rows of theme_vectors
    theme_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    built: dict[str, Any] = field(default_factory=dict)  # what the build did (counts, seconds)
    sibling_pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    # each item's whole text, one vector per item: its text alone (without the context line) when it comes from a
    # document (to find siblings and for the analytics), else its whole-text unit; rows of ``items``
    documents: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    space: str = "torch"  # whose vectors (graph.embeddings: torch or onnx-int8)

    def __post_init__(self) -> None:
        self.by_iri = {item.iri: n for n, item in enumerate(self.items)}
        self.siblings = Siblings(self.sibling_pairs, len(self.items))

    def __len__(self) -> int:
        return len(self.items)

    # ---------------------------------------------------------------- disk
    def save(self, root: Path) -> Path:
        """Write the index to a new folder under ``root`` and make it the live one."""
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        meta = {"format": FORMAT, "model": self.model, "fingerprint": self.fingerprint, "items": len(self.items),
                "units": len(self.units), "themes": self.themes, "built": self.built, "space": self.space}
        (tmp / "items.json").write_text(json.dumps([i.as_json() for i in self.items], ensure_ascii=False),
                                        encoding="utf-8")
        (tmp / "context.json").write_text(json.dumps(self.context.as_json(), ensure_ascii=False), encoding="utf-8")
        (tmp / "units.json").write_text(json.dumps([[u.item, u.text] for u in self.units], ensure_ascii=False),
                                        encoding="utf-8")
        np.save(tmp / "theme_vectors.npy", self.theme_vectors)
        np.save(tmp / "siblings.npy", self.siblings.pairs)
        np.save(tmp / "documents.npy", self.documents)
        self.dense.save(tmp)
        self.lexical.save(tmp / "bm25")
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")  # written last
        final = root / self.fingerprint[:20]
        if final.exists():
            shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        pointer = root / f"CURRENT.{os.getpid()}.tmp"
        pointer.write_text(final.name, encoding="utf-8")
        os.replace(pointer, root / "CURRENT")
        for old in root.iterdir():
            leftover = old.name.startswith("tmp-")
            if old.is_dir() and old.name != final.name and (not leftover or _stale(old)):
                shutil.rmtree(old, ignore_errors=True)
        return final

    @classmethod
    def load(cls, root: Path, *, exact_limit: int) -> SearchIndex | None:
        """The live index under ``root``, or None when there is none (or it cannot be read)."""
        try:
            folder = root / (root / "CURRENT").read_text(encoding="utf-8").strip()
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                return None
            items = [Item.from_json(d) for d in json.loads((folder / "items.json").read_text(encoding="utf-8"))]
            context = Context.from_json(json.loads((folder / "context.json").read_text(encoding="utf-8")))
            units = [Unit(i, t) for i, t in json.loads((folder / "units.json").read_text(encoding="utf-8"))]
            dense = DenseIndex.load(folder, len(items), exact_limit=exact_limit)
            lexical = LexicalIndex.load(folder / "bm25")
            theme_vectors = np.load(folder / "theme_vectors.npy")
            siblings = np.load(folder / "siblings.npy")
            documents = np.load(folder / "documents.npy")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return cls(items, context, units, dense, lexical, meta["model"], meta["fingerprint"], meta["themes"],
                   theme_vectors, meta.get("built", {}), siblings, documents, meta.get("space", "torch"))


def _stale(folder: Path) -> bool:
    try:
        return time.time() - folder.stat().st_mtime > 3600
    except OSError:
        return False


def fingerprint(store: Backend, model: str, space: str = "torch") -> str:
    """Changes exactly when the store's content, the model (or whose vectors: ``space``), the index format or
    how siblings are found changes."""
    sources = sorted((s.key, s.content_hash, s.generation) for s in store.sources().values())
    data = json.dumps({"format": FORMAT, "model": model, "space": space, "sources": sources,
                       "siblings": [SIBLINGS, SIBLING_SIMILARITY, list(NOT_DOCUMENTS)]})
    return hashlib.sha256(data.encode()).hexdigest()


def build_index(store: Backend, embedder: SentenceTransformerEmbeddings, cache: EmbeddingCache | None, *,
                exact_limit: int, progress: Progress | None = None) -> SearchIndex:
    """Read every text node of the store and index it, embedding only texts the cache lacks."""
    started = time.perf_counter()
    say = progress or (lambda message: None)
    say("search: reading items")
    items, context = read_items(store)
    gazetteer = Gazetteer(context)
    for item in items:
        item.mentions = gazetteer.find(item.document())
    units: list[Unit] = []
    embed: list[str] = []
    first: list[int] = []  # each item's whole-text unit
    common = common_themes(items)
    for n, item in enumerate(items):
        first.append(len(embed))
        for text, shown in item_units(item, context_line(item, context, common)):
            units.append(Unit(n, shown))
            embed.append(text)
    themes = sorted(i for i, e in context.entities.items() if e.kind == "theme")
    # the whole texts alone (without their context line) measure how alike two items' texts are: needed for the
    # items of documents (siblings; the analytics' lessons, recommendations and targets), not a dataset's records
    plain = [n for n, item in enumerate(items)
             if embed[first[n]] != item.document() and from_document(item, context)]
    texts = embed + [theme_text(context, t) for t in themes] + [items[n].document() for n in plain]
    vectors, embedded = embed_cached(texts, embedder, cache, progress=lambda m: say(f"search: {m}"))
    unit_vectors, theme_vectors = vectors[: len(embed)], vectors[len(embed):len(embed) + len(themes)]
    documents = unit_vectors[first] if len(items) else np.zeros((0, 0), np.float32)
    if plain:
        documents[plain] = vectors[len(embed) + len(themes):]
    say(f"search: indexing {len(items):,} items ({len(units):,} vectors)")
    dense = DenseIndex(unit_vectors, np.array([u.item for u in units], dtype=np.int64), len(items),
                       exact_limit=exact_limit, links=item_links(items))
    lexical = LexicalIndex.build([i.document() for i in items])
    siblings = sibling_pairs(items, context, documents) if len(items) else np.zeros((0, 2), np.int64)
    space = embedder.vector_space
    built = {"items": len(items), "units": len(units), "embedded": embedded, "siblings": len(siblings) // 2,
             "seconds": round(time.perf_counter() - started, 2), "ann": dense.ann is not None,
             "runtime": embedder.bulk_runtime if embedded else "cache"}
    return SearchIndex(items, context, units, dense, lexical, embedder.model_name,
                       fingerprint(store, embedder.model_name, space), themes, theme_vectors, built, siblings,
                       np.ascontiguousarray(documents), space)
