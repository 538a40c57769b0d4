"""Ranking: an item's dense and lexical scores, fused by reciprocal rank fusion in hybrid mode, with each ranked
item lending part of its score to its siblings (the items of the same source document nearest it by text).

The constants are the weights :mod:`graph.search.tuning` chooses on the tune part of the evaluation set.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from graph.search.fusion import reciprocal_rank_fusion
from graph.search.index import SearchIndex
from graph.search.lexical import top_k

FUSION_DEPTH = 50  # items taken from each ranking (the rest of the list, after fusion)
FUSION_WINDOW = 10  # the top of each ranking that is fused (beyond it, the dense order follows)
FUSION_WEIGHTS = (1.0, 0.5)  # dense, lexical: the lexical ranking counts half
FUSION_K = 10  # reciprocal rank fusion's k: the top ranks of each ranking count more than with the usual 60
SIBLING_WEIGHT = 0.9  # an item's siblings are raised to this share of its score (when it is more than theirs)


def lend(index: SearchIndex, ranked: list[tuple[int, float]], mask: np.ndarray | None,
         own: Callable[[np.ndarray], np.ndarray] | None, tie: Callable[[np.ndarray], np.ndarray] | None
         ) -> tuple[list[tuple[int, float]], dict[int, int]]:
    """``ranked`` (item, score) with each item's siblings (those ``mask`` allows) raised to SIBLING_WEIGHT of
    its score when that is more than their own (``own``: the scores of items not in ``ranked``; without it
    they have none), best first (ties: higher ``tie`` score first); and which sibling lent each raised item
    its score."""
    siblings = index.siblings
    if not len(siblings) or not ranked:
        return ranked, {}
    score = dict(ranked)
    offers: dict[int, tuple[float, int]] = {}
    for item, value in ranked:
        if value <= 0:
            continue
        for sib in siblings.of(item).tolist():
            offer = SIBLING_WEIGHT * value
            if (mask is None or mask[sib]) and offer > offers.get(sib, (-np.inf, 0))[0]:
                offers[sib] = (offer, item)
    new = np.array([i for i in offers if i not in score], dtype=np.int64)
    if len(new) and own is not None:
        score.update(zip(new.tolist(), own(new).tolist(), strict=True))
    lent = {}
    for item, (offer, lender) in offers.items():
        if offer > score.get(item, -np.inf):
            score[item] = offer
            lent[item] = lender
    items = np.array(list(score), dtype=np.int64)
    values = np.array([score[i] for i in items.tolist()])
    tied = tie is not None and len(np.unique(values)) < len(values)
    second = tie(items) if tie is not None and tied else np.zeros(len(items))
    order = np.lexsort((items, -second, -values))
    return [(int(items[o]), float(values[o])) for o in order], lent

def rank(index: SearchIndex, q: np.ndarray | None, terms: list[str], k: int, mode: str, mask: np.ndarray | None
         ) -> tuple[list[tuple[int, float]], dict[int, float], dict[int, float], dict[int, int]]:
    """(item, score) best first, with the dense and lexical scores of the items ranked, and the sibling
    that lent each raised item its score."""
    depth = max(k, FUSION_DEPTH) if mode == "hybrid" else k
    dense_scores: dict[int, float] = {}
    lexical_scores: dict[int, float] = {}
    dense_rank: list[int] = []
    lexical_rank: list[int] = []
    scores = np.zeros(0, np.float32)
    if q is not None and mode in ("dense", "hybrid"):
        found = index.dense.search(q, depth, mask)
        dense_rank = [int(i) for i in found.items]
        dense_scores = {int(i): float(s) for i, s in zip(found.items, found.scores, strict=True)}
    if mode in ("lexical", "hybrid"):
        scores = index.lexical.scores(terms)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        ids, vals = top_k(scores, depth, positive=True)
        lexical_rank = [int(i) for i in ids]
        lexical_scores = {int(i): float(s) for i, s in zip(ids, vals, strict=True)}
        for i in dense_rank:
            if i not in lexical_scores and scores[i] > 0:
                lexical_scores[i] = float(scores[i])

    def dense_of(items: np.ndarray) -> np.ndarray:
        assert q is not None
        known = np.array([dense_scores.get(int(i), np.nan) for i in items], dtype=np.float32)
        todo = np.isnan(known)
        if todo.any():
            known[todo] = index.dense.score_items(q, items[todo])
            dense_scores.update(zip(items[todo].tolist(), known[todo].tolist(), strict=True))
        return known

    def lexical_of(items: np.ndarray) -> np.ndarray:
        return np.asarray(scores[items], dtype=np.float32)

    if mode == "dense":
        ranked, lent = lend(index, [(i, dense_scores[i]) for i in dense_rank[:k]], mask, dense_of, dense_of)
        return ranked[:k], dense_scores, lexical_scores, lent
    if mode == "lexical":
        ranked, lent = lend(index, [(i, lexical_scores[i]) for i in lexical_rank[:k]], mask, lexical_of,
                            lexical_of)
        for i, _ in ranked[:k]:
            if i not in lexical_scores and scores[i] > 0:
                lexical_scores[i] = float(scores[i])
        return ranked[:k], dense_scores, lexical_scores, lent
    fused = reciprocal_rank_fusion([dense_rank[:FUSION_WINDOW], lexical_rank[:FUSION_WINDOW]],
                                   weights=FUSION_WEIGHTS, k=FUSION_K)
    fused, lent = lend(index, fused, mask, None, dense_of if q is not None else lexical_of)
    ranked = fused[:k]
    if len(ranked) < k:  # past the fusion window: the dense order, then the lexical one
        seen = {i for i, _ in ranked}
        last = ranked[-1][1] if ranked else 0.0
        for i in [*dense_rank, *lexical_rank]:
            if len(ranked) >= k:
                break
            if i not in seen:
                seen.add(i)
                last = float(np.nextafter(np.float32(last), np.float32(-1)))
                ranked.append((i, last))
    if q is not None:
        dense_of(np.array([i for i, _ in ranked], dtype=np.int64))
    for i, _ in ranked:
        if i not in lexical_scores and len(scores) and scores[i] > 0:
            lexical_scores[i] = float(scores[i])
    return ranked, dense_scores, lexical_scores, lent
