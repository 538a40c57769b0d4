"""Records read from a document that say the same thing as a curated record, and the curated source a
document is a copy of.

Two statements say the same thing when their embeddings (the classifier's encoder, model.py) are close: a
cosine of at least SAME, or at least CLOSE when each is the other's best match by a margin of MARGIN. Pairs are
made one to one, best first, and only between records of the same kind (finding, recommendation, lesson).

A document **is** a curated source (``prov:alternateOf``) when many of its records pair with that source's
curated records (here any pair with a cosine of LOOSE or more counts): of the sources whose records pair with at least MIN_MATCHED of the document's, the one with
the best F1 of the two shares (document records paired, source records paired), at least MIN_F1 and ahead
of the next by MIN_LEAD. The ingester then takes the source's date and title when the text states none, and
``govkg reconcile`` links each paired record to its curated twin with ``owl:sameAs`` (ingest/reconcile.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.backends import Backend
from graph.namespaces import ID

SAME = 0.9
CLOSE = 0.6
MARGIN = 0.08
LOOSE = 0.62  # recognising a source counts looser pairs: each record alone may be paraphrased
MIN_MATCHED = 3
MIN_F1 = 0.5
MIN_LEAD = 0.1
KINDS = {"Finding": "finding", "Recommendation": "recommendation", "Lesson": "lesson"}
Embed = Callable[[Sequence[str]], Any]


@dataclass(frozen=True)
class Said:
    """A finding, recommendation or lesson: its IRI (empty for one not yet written), kind, text and sources."""

    iri: str
    kind: str
    text: str
    sources: frozenset[str] = frozenset()
    label: str = ""


@dataclass(frozen=True)
class Pair:
    ours: Said
    theirs: Said
    cosine: float
    margin: float


@dataclass(frozen=True)
class Identified:
    source: str  # the curated source's key
    title: str
    date: str
    pairs: tuple[Pair, ...]
    ours: int  # records of the document
    theirs: int  # records citing the source
    f1: float

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source, "records_paired": len(self.pairs), "of_the_documents": self.ours,
                "of_the_sources": self.theirs, "f1": round(self.f1, 3)}

    def reason(self) -> str:
        return (f"{len(self.pairs)} of the document's {self.ours} findings, recommendations and lessons say the "
                f"same as {len(self.pairs)} of the {self.theirs} curated records citing {self.source} "
                f"(F1 {self.f1:.2f})")


def curated_statements(store: Backend) -> list[Said]:
    """The findings, recommendations and lessons of the curated data, with the sources each cites."""
    curated = [s.graph for k, s in store.sources().items() if k.startswith("curated-")]
    if not curated:
        return []
    graphs = " ".join(f"<{g}>" for g in curated)
    rows = store.select(f"""SELECT ?r ?t ?text ?src WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{
        VALUES ?t {{ gk:Finding gk:Recommendation gk:Lesson }} ?r a ?t .
        OPTIONAL {{ ?r gk:text ?x }} OPTIONAL {{ ?r gk:lessonText ?y }} BIND(COALESCE(?x, ?y) AS ?text)
        OPTIONAL {{ ?r prov:wasDerivedFrom ?src }} }} FILTER(BOUND(?text)) }}""")
    found: dict[str, tuple[str, str, set[str]]] = {}
    for r in rows:
        entry = found.setdefault(str(r["r"]), (KINDS[str(r["t"]).rsplit("#", 1)[-1]], str(r["text"]), set()))
        if r["src"]:
            entry[2].add(str(r["src"]).rsplit("/", 1)[-1])
    return [Said(iri, kind, text, frozenset(src), text[:80]) for iri, (kind, text, src) in sorted(found.items())]


def pair(ours: list[Said], theirs: list[Said], embed: Embed, *, loose: bool = False) -> list[Pair]:
    """Statements of the two lists that say the same thing, one to one (see the module doc); ``loose``: any
    pair with a cosine of LOOSE or more (to recognise a source, not to link records)."""
    import numpy as np

    if not ours or not theirs:
        return []
    a = np.asarray(embed([s.text for s in ours]), dtype=np.float64)
    b = np.asarray(embed([s.text for s in theirs]), dtype=np.float64)
    sims = a @ b.T
    same_kind = np.asarray([[x.kind == y.kind for y in theirs] for x in ours])
    sims = np.where(same_kind, sims, -1.0)
    out: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for flat in np.argsort(-sims, axis=None):
        i, j = divmod(int(flat), sims.shape[1])
        cosine = float(sims[i, j])
        if cosine < (LOOSE if loose else CLOSE):
            break
        if i in used_a or j in used_b:
            continue
        row = np.delete(sims[i], j)
        col = np.delete(sims[:, j], i)
        margin = cosine - max(float(row.max()) if row.size else -1.0, float(col.max()) if col.size else -1.0)
        if loose or cosine >= SAME or margin >= MARGIN:
            out.append(Pair(ours[i], theirs[j], round(cosine, 3), round(margin, 3)))
            used_a.add(i)
            used_b.add(j)
    return out


def identify(ours: list[Said], curated: list[Said], embed: Embed, sources: dict[str, tuple[str, str]]
             ) -> Identified | None:
    """The curated source the document's records show it to be (see the module doc); ``sources`` gives each
    source key's title and date."""
    scored: list[tuple[float, str, list[Pair], int]] = []
    for key in sorted({s for c in curated for s in c.sources}):
        cited = [c for c in curated if key in c.sources]
        pairs = pair(ours, cited, embed, loose=True)
        if len(pairs) < MIN_MATCHED:
            continue
        p, r = len(pairs) / len(ours), len(pairs) / len(cited)
        scored.append((2 * p * r / (p + r), key, pairs, len(cited)))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    f1, key, pairs, theirs = scored[0]
    if f1 < MIN_F1 or (len(scored) > 1 and f1 - scored[1][0] < MIN_LEAD):
        return None
    title, date = sources.get(key, ("", ""))
    return Identified(key, title, date, tuple(pairs), len(ours), theirs, f1)


def source_facts(store: Backend) -> dict[str, tuple[str, str]]:
    """Each curated source document's title and date (``dcterms:issued``: the first day of what is known)."""
    rows = store.select(f"""SELECT ?k ?t ?d WHERE {{ ?s a gk:SourceDocument ; gk:key ?k . FILTER(STRSTARTS(STR(?s),
        "{ID}source/")) OPTIONAL {{ ?s dcterms:title ?t }} OPTIONAL {{ ?s dcterms:issued ?d }} }}""")
    return {str(r["k"]): (str(r["t"] or ""), str(r["d"] or "")) for r in rows}
