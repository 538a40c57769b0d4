"""Semantic search over the graph's text nodes: lessons, findings, recommendations, targets (and figures, when
asked for by kind).

    from graph.search import Searcher
    result = Searcher(store, settings).search("suppliers walked away", k=10, mode="hybrid",
                                              filters={"kind": "lesson", "theme": "governance", "year_from": 2005})
    more = Searcher(store, settings).like("lesson/accenture-exit-2006")
    for hit in result.hits:
        hit.score, hit.text, hit.source, hit.context, hit.why   # see Hit; hit.as_dict() for JSON

How it ranks:

* dense — each item has a vector for its whole text and one per sentence (all-MiniLM-L6-v2 by default); its
  score is 0.65 × whole-text cosine + 0.35 × best-sentence cosine, and a recommendation and the lesson it
  addresses lend each other 0.9 × their score (``dense``);
* lexical — BM25 (bm25s) over the whole texts, with a small English stemmer (``lexical``);
* hybrid (default) — reciprocal rank fusion of the top 10 of each (BM25 weighted ½), then the dense order
  (``fusion``, ``searcher``).

Up to ``search_exact_limit`` vectors the dense scores are exact (numpy); above it an HNSW graph (faiss) finds
the candidates. The index (``index``) lives in ``search/`` beside the store's data, is rebuilt when the store's
catalog changes (``govkg ingest`` does it at once), and embeds only texts its cache (``embeddings``) lacks.
``evaluation`` scores the modes on data/evaluation/search.yaml. Importing this package loads numpy only; torch,
sentence-transformers, bm25s and faiss load when first needed.
"""

from graph.search.filters import Filters
from graph.search.searcher import MODES, Hit, Searcher, SearchResult

__all__ = ["MODES", "Filters", "Hit", "SearchResult", "Searcher"]
