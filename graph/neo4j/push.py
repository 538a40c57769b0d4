"""Push source graphs from the store into Neo4j, idempotently and resumably; wipe what was pushed.

What Neo4j holds is recorded on one ``:GovKGMeta`` node: the source graphs in the projection with the content
hash each had when it was written. A push works out which graphs are *dirty* (new, changed, or not finished
by an earlier push) and which are *removed*, marks the dirty ones unfinished, then

1. deletes nodes that only removed or dirty graphs mentioned and that no projected graph mentions any more,
2. writes (``UNWIND … MERGE``) every node a dirty graph mentions, with its labels, properties and embedding,
   computed from all projected graphs — so a node shared by several sources is always whole,
3. writes every relationship of the dirty graphs (``MERGE`` on start, type, end and ``graph``), stamped with
   this push's id, then deletes relationships of dirty or removed graphs that carry an older stamp,
4. writes the sentence nodes of the text nodes it wrote, and the vector index,
5. records the graphs' hashes and marks the projection finished.

Every step is idempotent, so a push killed at any point leaves the dirty graphs marked unfinished and the
next push completes them. Nothing outside the ``:GovKG``, ``:GovKGSentence`` and ``:GovKGMeta`` labels is
touched (relationships are only written between ``:GovKG`` nodes).
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.backends import Backend
from graph.errors import NotFoundError
from graph.namespaces import GK
from graph.neo4j.connection import Neo4jConnection
from graph.neo4j.mapping import (
    EMBEDDED_LABEL,
    MAPPING_VERSION,
    META_LABEL,
    NODE_LABEL,
    SENTENCE_LABEL,
    SENTENCE_OF,
    Projection,
    RelRecord,
    Vocabulary,
    build_projection,
)

META_ID = "projection"
VECTOR_INDEX = "govkg_embedding"
Progress = Callable[[str, int, int], None]  # (what, rows done, rows in all)

SCHEMA = (
    f"CREATE CONSTRAINT govkg_uri IF NOT EXISTS FOR (n:{NODE_LABEL}) REQUIRE n.uri IS UNIQUE",
    f"CREATE CONSTRAINT govkg_sentence_uri IF NOT EXISTS FOR (n:{SENTENCE_LABEL}) REQUIRE n.uri IS UNIQUE",
    f"CREATE CONSTRAINT govkg_meta_id IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE",
    f"CREATE INDEX govkg_key IF NOT EXISTS FOR (n:{NODE_LABEL}) ON (n.key)",
)
SCHEMA_NAMES = ("govkg_uri", "govkg_sentence_uri", "govkg_meta_id", "govkg_key", VECTOR_INDEX)

_WRITE_NODES = f"""
UNWIND $rows AS r
MERGE (n:{NODE_LABEL} {{uri: r.props.uri}})
WITH n, r, n.embedding AS embedding,
     [l IN labels(n) WHERE NOT l IN r.labels AND NOT l IN ['{NODE_LABEL}', '{EMBEDDED_LABEL}']] AS stale
SET n = r.props
SET n.embedding = embedding
SET n:$(r.labels)
REMOVE n:$(stale)
"""
_SET_EMBEDDINGS = f"""
UNWIND $rows AS r
MATCH (n:{NODE_LABEL} {{uri: r.uri}})
SET n.embedding = r.embedding, n:{EMBEDDED_LABEL}
"""
_REMOVE_EMBEDDINGS = f"""
UNWIND $uris AS u
MATCH (n:{NODE_LABEL}:{EMBEDDED_LABEL} {{uri: u}})
REMOVE n.embedding, n:{EMBEDDED_LABEL}
"""
_DELETE_NODES = f"""
UNWIND $uris AS u
MATCH (n:{NODE_LABEL} {{uri: u}})
OPTIONAL MATCH (n)<-[:{SENTENCE_OF}]-(s:{SENTENCE_LABEL})
DETACH DELETE s, n
"""
_WRITE_SENTENCES = f"""
UNWIND $rows AS r
MATCH (item:{NODE_LABEL} {{uri: r.item}})
MERGE (s:{SENTENCE_LABEL} {{uri: r.uri}})
SET s = r.props
SET s:{EMBEDDED_LABEL}
MERGE (s)-[:{SENTENCE_OF}]->(item)
"""
_MATCH_ENDS = f"UNWIND $rows AS r MATCH (s:{NODE_LABEL} {{uri: r.s}}) MATCH (o:{NODE_LABEL} {{uri: r.o}}) "
# One query per relationship type: with a dynamic type (-[x:$(r.t)]->) the planner reads MERGE's pattern with a
# scan of all relationships when the database has none yet, and keeps that plan while it grows (quadratic).
# A static type always plans as Expand(Into) between the two index-sought nodes.
_TRIM_SENTENCES = f"""
UNWIND $rows AS r
MATCH (:{NODE_LABEL} {{uri: r.uri}})<-[:{SENTENCE_OF}]-(s:{SENTENCE_LABEL})
WHERE s.ordinal > r.sentences
DETACH DELETE s
"""


@dataclass
class Embeddings:
    """Vectors for the text nodes, from the search index: the whole text on the node, one per sentence."""

    model: str
    dimension: int
    fingerprint: str
    documents: dict[str, list[float]]  # item IRI → vector of its whole text
    sentences: dict[str, list[tuple[str, list[float]]]]  # item IRI → (sentence, vector) after the first


@dataclass
class PushReport:
    graphs: list[str]  # in the projection after the push
    written: list[str]  # (re)written by this push
    removed: list[str]
    unchanged: list[str]
    nodes_written: int = 0
    nodes_deleted: int = 0
    relationships_written: int = 0
    relationships_deleted: int = 0
    embeddings_written: int = 0
    sentences_written: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent writing, by phase
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------------------------- state
def read_meta(conn: Neo4jConnection) -> dict[str, Any]:
    rows = conn.run(f"MATCH (m:{META_LABEL} {{id: $id}}) RETURN properties(m) AS m", {"id": META_ID}, read=True)
    return dict(rows[0]["m"]) if rows else {}


def _recorded(conn: Neo4jConnection, meta: dict[str, Any]) -> dict[str, str]:
    """Graph key → hash as written ("" = unfinished), including graphs found on nodes but not recorded."""
    recorded = dict(zip(meta.get("graphs", []), meta.get("hashes", []), strict=False))
    found = conn.run(f"MATCH (n:{NODE_LABEL}) UNWIND n.graphs AS g RETURN DISTINCT g", read=True)
    for row in found:
        recorded.setdefault(row["g"], "")
    return recorded


def _write_meta(conn: Neo4jConnection, props: dict[str, Any]) -> None:
    conn.run(f"MERGE (m:{META_LABEL} {{id: $id}}) SET m += $props", {"id": META_ID, "props": props})


def ensure_schema(conn: Neo4jConnection, dimension: int | None) -> None:
    for statement in SCHEMA:
        conn.run(statement)
    if dimension is None:
        return
    rows = conn.run("SHOW VECTOR INDEXES YIELD name, options WHERE name = $name RETURN options",
                    {"name": VECTOR_INDEX}, read=True)
    if rows:
        config = (rows[0]["options"] or {}).get("indexConfig", {})
        if int(config.get("vector.dimensions", 0)) == dimension and not config.get("vector.quantization.enabled"):
            return
        conn.run(f"DROP INDEX {VECTOR_INDEX} IF EXISTS")
    # Quantization (on by default in 5.26) stores int8 vectors and moves cosines by up to ~0.01, enough to
    # reorder close hits; full-precision vectors give the embedded search's ranking.
    conn.run(f"CREATE VECTOR INDEX {VECTOR_INDEX} IF NOT EXISTS FOR (n:{EMBEDDED_LABEL}) ON n.embedding "
             f"OPTIONS {{indexConfig: {{`vector.dimensions`: {int(dimension)}, "
             "`vector.similarity_function`: 'cosine', `vector.quantization.enabled`: false}}")
    conn.run("CALL db.awaitIndex($name, 300)", {"name": VECTOR_INDEX})


def wipe(conn: Neo4jConnection, *, schema: bool = True) -> int:
    """Delete every node GovKG wrote (and so their relationships), and its indexes; other data stays."""
    before = conn.run(f"MATCH (n) WHERE n:{NODE_LABEL} OR n:{SENTENCE_LABEL} OR n:{META_LABEL} "
                      "RETURN count(n) AS n", read=True)[0]["n"]
    conn.run(f"MATCH (m:{META_LABEL}) DELETE m")  # first: a wipe cut short leaves the rest marked unfinished
    conn.autocommit(f"MATCH (n) WHERE n:{NODE_LABEL} OR n:{SENTENCE_LABEL} "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")
    if schema:
        for name in SCHEMA_NAMES:
            kind = "INDEX" if name in ("govkg_key", VECTOR_INDEX) else "CONSTRAINT"
            conn.run(f"DROP {kind} {name} IF EXISTS")
    return int(before)


def counts(conn: Neo4jConnection) -> dict[str, int]:
    """Nodes, relationships and sentences GovKG wrote that are in Neo4j now."""
    row = conn.run(f"""
        CALL () {{ MATCH (n:{NODE_LABEL}) RETURN count(n) AS nodes }}
        CALL () {{ MATCH (:{NODE_LABEL})-[r]->(:{NODE_LABEL}) RETURN count(r) AS relationships }}
        CALL () {{ MATCH (s:{SENTENCE_LABEL}) RETURN count(s) AS sentences }}
        CALL () {{ MATCH (e:{EMBEDDED_LABEL}) WHERE e.embedding IS NOT NULL RETURN count(e) AS embeddings }}
        RETURN nodes, relationships, sentences, embeddings""", read=True)[0]
    return {k: int(v) for k, v in row.items()}


# ----------------------------------------------------------------------------------------------- push
def push(store: Backend, conn: Neo4jConnection, *, graphs: Sequence[str] | None = None, wipe_first: bool = False,
         force: bool = False, embeddings: Embeddings | None = None, batch_size: int = 2000,
         progress: Progress | None = None) -> PushReport:
    """Bring Neo4j in step with the store's source graphs (all, or ``graphs`` added to those pushed before)."""
    started = time.perf_counter()
    say: Progress = progress or (lambda what, done, total: None)
    live = store.sources()
    unknown = sorted(set(graphs or ()) - set(live))
    if unknown:
        raise NotFoundError(f"no source {', '.join(unknown)} in the store", hint="`govkg sources` lists them")
    if wipe_first:
        say("wiping", 0, 0)
        wipe(conn, schema=False)
    say("reading the vocabulary", 0, 0)
    vocab = Vocabulary.from_store(store)
    ensure_schema(conn, None)
    meta = read_meta(conn)
    recorded = _recorded(conn, meta)
    target = set(live) if graphs is None else ({k for k in recorded if k in live} | set(graphs))
    removed = sorted(set(recorded) - target)
    model = embeddings.model if embeddings else ""
    everything = force or meta.get("version") != MAPPING_VERSION or meta.get("vocabulary") != vocab.fingerprint()
    dirty = sorted(k for k in target if everything or recorded.get(k) != live[k].content_hash)
    vectors_stale = (meta.get("search_fingerprint", "") != (embeddings.fingerprint if embeddings else "")
                     or meta.get("embedding_model", "") != model)
    report = PushReport(sorted(target), dirty, removed, sorted(target - set(dirty)))
    if not dirty and not removed and not vectors_stale and meta.get("state") == "done":
        report.counts = counts(conn)
        report.seconds = time.perf_counter() - started
        return report
    _write_meta(conn, {"state": "pushing", "version": MAPPING_VERSION, "vocabulary": vocab.fingerprint(),
                       "search_fingerprint": "", "graphs": sorted(set(recorded) | target),
                       "hashes": ["" if k in dirty or k not in target else recorded.get(k, "")
                                  for k in sorted(set(recorded) | target)]})
    say("reading the graphs", 0, 0)
    projection = build_projection(store, target, vocab)
    writer = _Writer(conn, batch_size, say)
    write_started = time.perf_counter()
    written = _sync(writer, projection, vocab, dirty, removed, report)
    _sync_vectors(writer, projection, written if not vectors_stale else sorted(projection.nodes),
                  embeddings, bool(meta.get("embedding_model")), report)
    report.write_seconds = time.perf_counter() - write_started
    report.phases = {k: round(v, 3) for k, v in writer.phases.items()}
    classes = sorted(vocab.labels.items())
    _write_meta(conn, {"state": "done", "graphs": sorted(target),
                       "hashes": [live[k].content_hash for k in sorted(target)],
                       "pushed_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                       "embedding_model": model,
                       "search_fingerprint": embeddings.fingerprint if embeddings else "",
                       "embedding_dimension": embeddings.dimension if embeddings else 0,
                       "classIris": [iri for iri, _ in classes], "classLabels": [label for _, label in classes]})
    report.counts = counts(conn)
    report.seconds = time.perf_counter() - started
    return report


def _sync(writer: _Writer, projection: Projection, vocab: Vocabulary, dirty: list[str], removed: list[str],
          report: PushReport) -> list[str]:
    """Nodes and relationships of the dirty and removed graphs; the uris of the nodes written."""
    touched = set(dirty) | set(removed)
    found = {r["uri"] for r in writer.conn.run(
        f"MATCH (n:{NODE_LABEL}) WHERE any(g IN n.graphs WHERE g IN $keys) RETURN n.uri AS uri",
        {"keys": sorted(touched)}, read=True)} if touched else set()
    mentioned = set().union(*(projection.mentions.get(k, set()) for k in dirty)) if dirty else set()
    stale = sorted(found - set(projection.nodes))
    write = sorted(mentioned | (found & set(projection.nodes)))
    rels = sorted((r for r in projection.rels if r.graph in set(dirty)),
                  key=lambda r: (bool(r.via), r.type, r.start, r.end))
    writer.total = len(stale) + len(write) + len(rels)
    push_id = uuid.uuid4().hex
    writer.batches("deleting nodes", _DELETE_NODES, "uris", stale)
    writer.batches("writing nodes", _WRITE_NODES, "rows", [_node_row(projection, uri, vocab) for uri in write])
    for derived in (False, True):
        groups = [(_rel_query(rel_type, derived), [_rel_row(r, push_id) for r in group])
                  for (via, rel_type), group in itertools.groupby(rels, key=lambda r: (bool(r.via), r.type))
                  if via == derived]
        writer.packed("writing shortcuts" if derived else "writing relationships", groups, push=push_id)
    report.relationships_deleted = _sweep(writer.conn, sorted(touched), push_id) if touched else 0
    report.nodes_deleted, report.nodes_written, report.relationships_written = len(stale), len(write), len(rels)
    return write


def _sync_vectors(writer: _Writer, projection: Projection, uris: list[str], embeddings: Embeddings | None,
                  had_vectors: bool, report: PushReport) -> None:
    """Embeddings and sentence nodes of the text nodes among ``uris`` (all of them when vectors changed)."""
    conn = writer.conn
    if embeddings is None:
        if had_vectors:
            writer.say("removing embeddings", writer.done, writer.total)
            conn.autocommit(f"MATCH (n:{EMBEDDED_LABEL}) CALL (n) {{ REMOVE n.embedding, n:{EMBEDDED_LABEL} }} "
                            "IN TRANSACTIONS OF 5000 ROWS")
            conn.autocommit(f"MATCH (s:{SENTENCE_LABEL}) CALL (s) {{ DETACH DELETE s }} IN TRANSACTIONS OF 5000 ROWS")
        return
    ensure_schema(conn, embeddings.dimension)
    items = [u for u in uris if u in embeddings.documents and u in projection.nodes]
    others = [u for u in uris if u not in embeddings.documents]
    sentences = _sentence_rows(items, embeddings)
    writer.total += len(items) + len(others) + len(uris) + len(sentences)
    writer.batches("writing embeddings", _SET_EMBEDDINGS, "rows",
                   [{"uri": u, "embedding": embeddings.documents[u]} for u in items])
    writer.batches("removing embeddings", _REMOVE_EMBEDDINGS, "uris", others)
    writer.batches("trimming sentences", _TRIM_SENTENCES, "rows",
                   [{"uri": u, "sentences": len(embeddings.sentences.get(u, []))} for u in uris])
    writer.batches("writing sentences", _WRITE_SENTENCES, "rows", sentences)
    conn.run(f"MATCH (s:{SENTENCE_LABEL}) WHERE NOT (s)-[:{SENTENCE_OF}]->(:{NODE_LABEL}) DETACH DELETE s")
    report.embeddings_written, report.sentences_written = len(items), len(sentences)


def _node_row(projection: Projection, uri: str, vocab: Vocabulary) -> dict[str, Any]:
    record = projection.nodes[uri]
    return {"props": record.properties(vocab.multivalued), "labels": sorted(record.labels)}


def _sentence_rows(items: Iterable[str], embeddings: Embeddings | None) -> list[dict[str, Any]]:
    if embeddings is None:
        return []
    rows = []
    for item in items:
        for n, (text, vector) in enumerate(embeddings.sentences.get(item, []), start=1):
            uri = f"{item}#sentence-{n}"
            rows.append({"item": item, "uri": uri,
                         "props": {"uri": uri, "item": item, "ordinal": n, "text": text, "embedding": vector}})
    return rows


def _rel_query(rel_type: str, derived: bool) -> str:
    name = "`" + rel_type.replace("`", "``") + "`"
    if derived:
        return _MATCH_ENDS + f"MERGE (s)-[x:{name} {{graph: r.g, via: r.via}}]->(o) SET x = r.props"
    return _MATCH_ENDS + f"MERGE (s)-[x:{name} {{graph: r.g}}]->(o) SET x.push = $push"


def _rel_row(r: RelRecord, push_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {"s": r.start, "o": r.end, "g": r.graph}
    if r.via:
        row["via"] = r.via
        row["props"] = {**dict(r.props), "graph": r.graph, "via": r.via, "push": push_id}
    return row


def _sweep(conn: Neo4jConnection, keys: list[str], push_id: str) -> int:
    """Delete relationships of ``keys`` that this push did not write (gone from their graph)."""
    rows = conn.run(f"MATCH (:{NODE_LABEL})-[x]->(:{NODE_LABEL}) WHERE x.graph IN $keys AND x.push <> $push "
                    "RETURN count(x) AS n", {"keys": keys, "push": push_id}, read=True)
    stale = int(rows[0]["n"])
    if stale:
        conn.autocommit(f"MATCH (:{NODE_LABEL})-[x]->(:{NODE_LABEL}) WHERE x.graph IN $keys AND x.push <> $push "
                        "CALL (x) { DELETE x } IN TRANSACTIONS OF 10000 ROWS", {"keys": keys, "push": push_id})
    return stale


class _Writer:
    """Runs one query per batch of rows, each batch in its own transaction, and reports progress."""

    def __init__(self, conn: Neo4jConnection, batch_size: int, say: Progress) -> None:
        self.conn = conn
        self.batch_size = max(1, batch_size)
        self.say = say
        self.done = 0
        self.total = 0
        self.phases: dict[str, float] = {}

    def batches(self, what: str, query: str, name: str, rows: list[Any], **params: Any) -> None:
        started = time.perf_counter()
        for chunk in _chunks(rows, self.batch_size):
            self.conn.run(query, {name: chunk, **params})
            self.done += len(chunk)
            self.say(what, self.done, self.total)
        if rows:
            self.phases[what] = self.phases.get(what, 0.0) + time.perf_counter() - started


    def packed(self, what: str, groups: list[tuple[str, list[Any]]], **params: Any) -> None:
        """Several queries (one per relationship type) with their rows, packed into transactions of up to
        ``batch_size`` rows: one commit for many small types, not one each."""
        started = time.perf_counter()
        pending: list[tuple[str, list[Any]]] = []

        def flush() -> None:
            def work(tx: Any) -> None:
                for query, rows in pending:
                    tx.run(query, {"rows": rows, **params}).consume()

            self.conn.write(work)
            self.done += sum(len(rows) for _, rows in pending)
            self.say(what, self.done, self.total)
            pending.clear()

        for query, rows in groups:
            for chunk in _chunks(rows, self.batch_size):
                if pending and sum(len(r) for _, r in pending) + len(chunk) > self.batch_size:
                    flush()
                pending.append((query, chunk))
        if pending:
            flush()
        if groups:
            self.phases[what] = self.phases.get(what, 0.0) + time.perf_counter() - started


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def gk_labels(meta: dict[str, Any]) -> list[str]:
    """The labels that stand for GovKG classes, from the mapping recorded on the meta node."""
    return [label for iri, label in zip(meta.get("classIris", []), meta.get("classLabels", []), strict=False)
            if iri.startswith(GK)]
