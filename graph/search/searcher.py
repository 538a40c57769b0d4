"""The search API: ``Searcher(store, settings).search("text", k=10, mode="hybrid", filters={...})`` and
``.like(ref)`` for more like an item. Each hit carries its scores, text, source, graph context and why it
matched. The explorer and ``govkg search`` both use this.

Modes: ``dense`` (cosine similarity of sentence embeddings), ``lexical`` (BM25) and ``hybrid`` (both, fused by
reciprocal rank), the default. In every mode an item's siblings (the items of the same source document whose
text is nearest its own, see :func:`graph.search.index.sibling_pairs`) are then raised to a share of its
score when that is more than their own, so that a lesson and the finding it rests on come up together.

Ranking and fusion are in :mod:`graph.search.ranking`; their weights were chosen on the ``tune`` part of the
evaluation set only, by :mod:`graph.search.tuning`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from graph.backends import Backend
from graph.embeddings.cache import EmbeddingCache, limit_threads
from graph.embeddings.model import SentenceTransformerEmbeddings, embedder_for
from graph.errors import NotFoundError, QueryError
from graph.namespaces import ID
from graph.search import explain, ranking
from graph.search.filters import Facets, Filters
from graph.search.index import Progress, SearchIndex, build_index, fingerprint
from graph.search.items import sentences
from graph.search.lexical import tokens
from graph.settings import Settings

MODES = ("hybrid", "dense", "lexical")
MAX_QUERY_CHARS = 2000
MAX_K = 1000

def settings_embedder(settings: Settings) -> SentenceTransformerEmbeddings:
    """The embedder the settings ask for: model, threads, query runtime, and where the ONNX export is kept
    (``onnx/`` in the ``search_cache`` folder when one is set, else the user's cache)."""
    onnx = Path(settings.search_cache).expanduser() / "onnx" if settings.search_cache else None
    return embedder_for(settings.model, settings.search_threads, settings.query_runtime, onnx,
                        embed_runtime=settings.embed_runtime, embed_threads=settings.embed_threads)


def search_folder(settings: Settings, store: Backend | None) -> Path | None:
    """Where the index is kept: ``GOVKG_SEARCH_DIR``, else ``search/`` in the store's local folder (the store
    folder, or a folder of this machine's for a SPARQL server's data); None: in memory only."""
    if settings.search_dir:
        return Path(settings.search_dir).expanduser()
    local = store.local_dir() if store is not None else None
    return local / "search" if local is not None else None


def clean_query(query: Any) -> str:
    """The query as text, or QueryError: empty, too long, or not text."""
    if isinstance(query, bytes | bytearray):
        try:
            query = bytes(query).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"the query is not UTF-8 text (byte {exc.start})") from None
    if not isinstance(query, str):
        raise QueryError(f"the query must be text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}",
                         hint="search with a sentence or two, or use --like with an item")
    bad = next((c for c in query if 0xD800 <= ord(c) <= 0xDFFF or (ord(c) < 32 and c not in "\t\n\r")
                or c == "\x7f"), None)
    if bad is not None:
        raise QueryError(f"the query is not text: it holds the byte or control character {ord(bad) & 0xFF:#04x} "
                         f"at position {query.index(bad)}")
    text = " ".join(query.split())
    if not text:
        raise QueryError("the query is empty", hint='give some words, e.g. govkg search "supplier left"')
    return text


@dataclass
class Hit:
    rank: int
    iri: str
    key: str
    kind: str
    title: str
    text: str
    score: float
    scores: dict[str, float]
    source: dict[str, Any]
    context: dict[str, Any]
    why: explain.Why

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["why"] = self.why.as_dict()
        return out


@dataclass
class SearchResult:
    query: str
    mode: str
    k: int
    hits: list[Hit]
    filters: dict[str, Any] = field(default_factory=dict)
    like: str | None = None
    seconds: float = 0.0
    items: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "like": self.like, "mode": self.mode, "k": self.k, "filters": self.filters,
                "items": self.items, "seconds": round(self.seconds, 4), "hits": [h.as_dict() for h in self.hits]}


class Searcher:
    """Semantic search over one store's lessons, findings, recommendations, targets and figures."""

    def __init__(self, store: Backend | None, settings: Settings, *, index: SearchIndex | None = None,
                 embedder: SentenceTransformerEmbeddings | None = None) -> None:
        self.store = store
        self.settings = settings
        self.embedder = embedder or settings_embedder(settings)
        self.folder = search_folder(settings, store)
        limit_threads(settings.search_threads)
        self._index = index
        self._checked_sources: Any = None
        self._stale_now = False
        self._term_cache: dict[int, frozenset[str]] = {}
        self._facets: Facets | None = None
        self._gazetteer: explain.Gazetteer | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_index(cls, index: SearchIndex, settings: Settings,
                   embedder: SentenceTransformerEmbeddings | None = None) -> Searcher:
        """A searcher over an index built in memory (benchmarks, tests)."""
        return cls(None, settings, index=index, embedder=embedder)

    # ---------------------------------------------------------------- the index
    def cache(self) -> EmbeddingCache | None:
        """The embedding cache of this searcher's vector space (None: the index lives in memory only)."""
        space = self.embedder.vector_space
        if self.settings.search_cache:
            return EmbeddingCache(Path(self.settings.search_cache).expanduser(), self.settings.model, space,
                                  seeded=self.settings.vector_seed)
        return EmbeddingCache(self.folder / "embeddings", self.settings.model, space,
                              seeded=self.settings.vector_seed) if self.folder else None

    def refresh(self, progress: Progress | None = None, *, force: bool = False) -> dict[str, Any]:
        """Bring the index in step with the store (a no-op when it already is); what was done."""
        if self.store is None:
            return {"status": "in memory"}
        wanted = fingerprint(self.store, self.settings.model, self.embedder.vector_space)
        with self._lock:
            if not force and self._index is not None and self._index.fingerprint == wanted:
                return {"status": "unchanged", "items": len(self._index)}
            if not force and self.folder is not None:
                loaded = SearchIndex.load(self.folder / "index", exact_limit=self.settings.search_exact_limit)
                if loaded is not None and loaded.fingerprint == wanted and loaded.model == self.settings.model:
                    self._set(loaded)
                    return {"status": "unchanged", "items": len(loaded)}
            cache = self.cache()
            try:
                index = build_index(self.store, self.embedder, cache,
                                    exact_limit=self.settings.search_exact_limit, progress=progress)
            finally:
                if cache is not None:
                    cache.close()
            status = "built"
            if self.folder is not None:
                try:
                    index.save(self.folder / "index")
                except OSError as exc:  # a read-only place: keep it in memory
                    status = f"built in memory only ({exc.strerror or exc})"
            self._set(index)
            return {"status": status, **index.built}

    def _set(self, index: SearchIndex) -> None:
        self._index = index
        self._term_cache = {}
        self._checked_sources = None
        self._stale_now = False
        self._facets = None
        self._gazetteer = None

    @property
    def index(self) -> SearchIndex:
        """The index, refreshed first when the store changed since it was built."""
        if self._index is None or (self.store is not None and self._stale()):
            self.refresh()
        assert self._index is not None
        return self._index

    def _stale(self) -> bool:
        assert self.store is not None and self._index is not None
        sources = self.store.sources()  # the same object until the store's catalog changes
        if sources is not self._checked_sources:
            self._checked_sources = sources
            self._stale_now = self._index.fingerprint != fingerprint(self.store, self.settings.model,
                                                                     self._index.space)
        return self._stale_now

    @property
    def facets(self) -> Facets:
        index = self.index
        if self._facets is None:
            self._facets = Facets(index.items, index.context)
        return self._facets

    @property
    def gazetteer(self) -> explain.Gazetteer:
        index = self.index
        if self._gazetteer is None:
            self._gazetteer = explain.Gazetteer(index.context)
        return self._gazetteer

    def _terms(self, item_no: int) -> frozenset[str]:
        """An item's search terms (cached: explanations need them for every hit)."""
        found = self._term_cache.get(item_no)
        if found is None:
            if len(self._term_cache) > 20000:
                self._term_cache.clear()
            found = self._term_cache[item_no] = frozenset(tokens(self.index.items[item_no].document()))
        return found

    def warm(self) -> None:
        """Load the index and the model now (the first query otherwise pays for both)."""
        _ = self.facets, self.gazetteer
        self.embedder.encode_query("warm up")

    # ---------------------------------------------------------------- queries
    def search(self, query: Any, *, k: int = 10, mode: str = "hybrid",
               filters: Filters | Mapping[str, Any] | None = None) -> SearchResult:
        """The ``k`` items that best match ``query`` (text), best first."""
        started = time.perf_counter()
        text = clean_query(query)
        k, mode, flt = _check(k, mode, filters)
        index, mask = self.index, self.facets.mask(flt)
        q = self.embedder.encode_query(text) if mode != "lexical" else None
        terms = tokens(text)
        ranked, dense_scores, lexical_scores, lent = ranking.rank(self.index, q, terms, k, mode, mask)
        query_entities = set(self.gazetteer.find(text))
        query_themes = set(explain.query_themes(text, q, index.themes, index.theme_vectors, index.context))
        hits = self._hits(ranked, dense_scores, lexical_scores, mode, q, terms, query_entities, query_themes,
                          query_text=text, lent=lent)
        return SearchResult(text, mode, k, hits, flt.as_dict(), seconds=time.perf_counter() - started,
                            items=len(index))

    def like(self, ref: str, *, k: int = 10, mode: str = "hybrid",
             filters: Filters | Mapping[str, Any] | None = None) -> SearchResult:
        """Items most like the indexed item ``ref`` (an IRI, kind/key, key or exact title), itself excluded."""
        started = time.perf_counter()
        k, mode, flt = _check(k, mode, filters)
        index = self.index
        source_no = self.resolve(ref)
        source = index.items[source_no]
        mask = self.facets.mask(flt)
        mask = np.ones(len(index), dtype=bool) if mask is None else mask.copy()
        mask[source_no] = False
        q = index.dense.item_vector(source_no) if mode != "lexical" else None
        terms = tokens(source.document())
        ranked, dense_scores, lexical_scores, lent = ranking.rank(self.index, q, terms, k, mode, mask)
        entities = set(explain.item_entities(source, index.context))
        themes = set(explain.item_themes(source, index.context))
        hits = self._hits(ranked, dense_scores, lexical_scores, mode, q, terms, entities, themes,
                          direct_themes_first=True, lent=lent)
        return SearchResult(source.title, mode, k, hits, flt.as_dict(), like=source.iri,
                            seconds=time.perf_counter() - started, items=len(index))

    def _hits(self, ranked: list[tuple[int, float]], dense_scores: dict[int, float],
              lexical_scores: dict[int, float], mode: str, q: Any, terms: list[str], entities: set[str],
              themes: set[str], *, query_text: str | None = None, direct_themes_first: bool = False,
              lent: Mapping[int, int] | None = None) -> list[Hit]:
        """Hits for ranked items, each with why it matched: the ``entities`` and ``themes`` it shares with the
        query (or the item searched from: then its own themes count first), the query words it contains
        (``query_text``; none for more-like-this), its best-matching sentence and the sibling that lent it its
        score (``lent``: item → sibling)."""
        index = self.index
        hits = []
        for rank, (item_no, score) in enumerate(ranked, start=1):
            item = index.items[item_no]
            inferred = [t for t in explain.item_themes(item, index.context) if t in themes]
            shared_themes = ([t for t in item.themes if t in themes] or inferred) if direct_themes_first else inferred
            why = explain.Why(
                shared_entities=explain.describe(
                    [e for e in explain.item_entities(item, index.context) if e in entities], index.context),
                shared_themes=explain.describe(shared_themes, index.context),
                matched_terms=explain.matched_terms(query_text, self._terms(item_no)) if query_text else [],
                best_sentence=self._best_sentence(item_no, q, terms),
                sibling=self._sibling(lent.get(item_no)) if lent else {},
            )
            hits.append(self._hit(rank, item_no, score, dense_scores.get(item_no), lexical_scores.get(item_no),
                                  mode, why))
        return hits

    def resolve(self, ref: str) -> int:
        """The index position of the item ``ref`` names; NotFoundError when none or several."""
        index = self.index
        text = " ".join(str(ref).split())
        if not text:
            raise QueryError("--like needs an item: an IRI, kind/key or key")
        candidates = [text] if text.startswith(("http://", "https://")) else [f"{ID}{text}"]
        for iri in candidates:
            if iri in index.by_iri:
                return index.by_iri[iri]
        matches = [n for n, item in enumerate(index.items) if item.key == text]
        if not matches:
            low = text.lower()
            matches = [n for n, item in enumerate(index.items) if item.title.lower() == low]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(f"{index.items[n].kind}/{index.items[n].key}" for n in matches[:6])
            raise NotFoundError(f"{ref!r} names {len(matches)} items: {names}", hint="give kind/key or an IRI")
        raise NotFoundError(f"no indexed item {ref!r}",
                            hint="give the IRI or key of a lesson, finding, recommendation, target or figure")

    def _sibling(self, item_no: int | None) -> dict[str, str]:
        if item_no is None:
            return {}
        item = self.index.items[item_no]
        return {"iri": item.iri, "key": item.key, "kind": item.kind, "title": item.title}

    def _best_sentence(self, item_no: int, q: np.ndarray | None, terms: list[str]) -> str:
        """The item's sentence nearest the query (or with most query words, without a query vector)."""
        index = self.index
        item = index.items[item_no]
        title = " ".join(item.title.split())
        # the item's sentences (its title, when it is a point of its own, is shown apart)
        units = [u for u in index.dense.item_units(item_no)[1:] if index.units[u].text != title]
        if q is not None and units:
            return index.units[units[int(np.argmax(index.dense.vectors[units] @ q))]].text
        if q is not None:  # one sentence (or a short text): that is the match
            return sentences(item.text)[0] if item.text else item.title
        return explain.best_sentence_by_words(terms, item)

    def _hit(self, rank: int, item_no: int, score: float, dense: float | None, lexical: float | None, mode: str,
             why: explain.Why) -> Hit:
        index = self.index
        item, ctx = index.items[item_no], index.context
        scores = {}
        if dense is not None:
            scores["dense"] = round(dense, 4)
        if lexical is not None:
            scores["lexical"] = round(lexical, 4)
        if mode == "hybrid":
            scores["fused"] = round(score, 5)
        context: dict[str, Any] = {
            "programmes": explain.describe(item.programmes, ctx),
            "bodies": explain.describe(item.bodies, ctx),
            "themes": explain.describe(item.themes, ctx),
            "year": item.year,
        }
        for name in ("recommendations", "lessons"):
            linked = [index.items[index.by_iri[i]] for i in getattr(item, name) if i in index.by_iri]
            if linked:
                context[name] = [{"iri": x.iri, "key": x.key, "title": x.title} for x in linked]
        source = {"graph": item.graph_source, "documents": explain.describe(item.sources, ctx)}
        return Hit(rank, item.iri, item.key, item.kind, item.title, item.text, round(float(score), 5), scores,
                   source, context, why)


def check_request(k: Any, mode: Any) -> None:
    """QueryError unless ``k`` is a sensible number of hits and ``mode`` a known mode."""
    if mode not in MODES:
        raise QueryError(f"unknown search mode {mode!r}", hint=f"modes: {', '.join(MODES)}")
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")


def _check(k: int, mode: str, filters: Filters | Mapping[str, Any] | None) -> tuple[int, str, Filters]:
    check_request(k, mode)
    return k, mode, Filters.of(filters)
