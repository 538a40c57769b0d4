"""Report documents (plain text, Markdown, HTML, PDF) → a source document with its sections, statements,
findings, recommendations, lessons, figures and mentions, each with the exact passage it comes from.

``govkg ingest report.pdf`` (or ``--as document`` for a file of another name). The pieces:

* ``read`` (and ``html``): bytes → the document text (the encoding policy is there);
* ``meta``: title, publisher, date, URL, identifiers from flags, a ``<file>.meta.yaml`` sidecar, front
  matter or the HTML head / PDF information;
* ``structure``: sections, list items, sentences and key facts as spans of the text;
* ``classify``: finding, recommendation, lesson, figure statement or other, with a confidence;
* ``figures``: money, percentages, counts, durations, dates and periods, normalised;
* ``mentions``: bodies and programmes named, resolved against the store, with the document's own aliases;
* ``rdf``: all of it as RDF.

One source per document, keyed ``doc-<slug>`` (of the ``key`` or ``title`` given as metadata, else of the file
name), so that ingesting a document again replaces its graph. When the content differs from what the store
holds under that key, the new graph records the old version (``gk:DocumentVersion``: its content hash,
number and ingest time) and the report gives the previous hash.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from graph.backends import Backend
from graph.errors import InputError
from graph.namespaces import ID
from ingest.dates import parse_date
from ingest.documents.classify import RECORD_KINDS
from ingest.documents.mentions import (
    Entity,
    Mention,
    NameIndex,
    author,
    find_mentions,
    load_index,
    load_themes,
    resolve_name,
)
from ingest.documents.meta import Metadata, resolve
from ingest.documents.model import MODEL_FILE, Reader, try_reader
from ingest.documents.people import PeopleIndex, find_people, load_people
from ingest.documents.rdf import DocumentGraph, OldVersion, Reading
from ingest.documents.read import Extracted, media_type, read
from ingest.documents.sameas import Identified, Said, curated_statements, identify, source_facts
from ingest.documents.statements import Analysis, analyse, heading_kinds, outline
from ingest.documents.structure import Structure
from ingest.pipeline import Prepared
from ingest.registry import Context

NAME = "document"
VERSION = b"document:2"
IDENTITY_DAYS = 62


def detect(path: Path, head: bytes) -> bool:
    return not path.is_dir() and media_type(path, head) is not None


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def prepare(path: Path, ctx: Context) -> list[Prepared]:
    where = display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=where) from exc
    extracted = read(raw, media_type(path, raw[:65536]) or "text/plain", where)
    reader, why_not = try_reader()
    structure = outline(extracted, heading_kinds(reader))
    meta = resolve(path, where, extracted, ctx.options, structure.title)
    index = load_index(ctx.store)
    names_digest = _names_digest(index)
    analysis = analyse(extracted, structure, index, meta.date.first if meta.date else None, reader, why_not=why_not)
    text = extracted.text
    identified = _identify(ctx.store, text, analysis, reader, meta)
    if identified is not None and _adopt(meta, identified):  # the date changes how renamed bodies are read
        analysis.mentions, analysis.definitions, analysis.ambiguous = find_mentions(
            text, load_index(ctx.store), meta.date.first if meta.date else None)
    publisher = resolve_name(index, meta.publisher) if meta.publisher else None
    if publisher is not None and publisher.kind != "body":
        publisher = None
    made_by = _author(meta, index, publisher, text, analysis.mentions, structure)
    doc_hash = hashlib.sha256(raw).hexdigest()
    version, older, previous_hash = _versions(ctx.store, meta.key, doc_hash, where)
    themes = load_themes(ctx.store)
    people_index = load_people(ctx.store)
    people = find_people(text, people_index, structure.speeches, analysis.mentions, meta.key)
    reading = Reading(meta.key, meta, extracted, structure, analysis.classes, analysis.periods, analysis.figures,
                      analysis.mentions, made_by, publisher, themes, doc_hash, version, older, people,
                      {p.iri: p for p in people_index.posts}, identified,
                      {e.iri: e.parent for e in index.entities.values() if e.parent})
    builder = DocumentGraph(reading)
    graph = builder.build()
    report = _report(reading, builder, analysis, previous_hash, _same_content(ctx.store, meta.key, doc_hash))
    content_hash = hashlib.sha256(b"\0".join((
        VERSION, raw, json.dumps(meta.as_json(), sort_keys=True).encode(), names_digest.encode(),
        json.dumps(sorted(themes.items())).encode(), str(version).encode(), _model_digest(reader),
        _people_digest(people_index).encode(),
        json.dumps(identified.as_json() if identified else None, sort_keys=True).encode()))).hexdigest()
    lines = _line_locator(text, where, extracted)
    return [Prepared(
        key=meta.key, title=meta.title, origin=str(path), ingester=NAME, content_hash=content_hash, graph=graph,
        report=report, locate=lambda iri: lines(builder.where[iri]) if iri in builder.where else iri)]


def _identify(store: Backend, text: str, analysis: Analysis, reader: Reader | None, meta: Metadata
              ) -> Identified | None:
    """The curated source the document is a copy of, recognised by its records (sameas.py); not when the
    document states a date more than IDENTITY_DAYS from the source's (another document on the same report)."""
    if reader is None:
        return None
    ours = [Said("", c.kind, " ".join(text[u.start:u.end].split()))
            for u, c in zip(analysis.structure.units, analysis.classes, strict=True) if c.kind in RECORD_KINDS]
    curated = curated_statements(store) if ours else []
    found = identify(ours, curated, reader.embed, source_facts(store)) if curated else None
    if found is not None and meta.date is not None and found.date:
        gap = abs((meta.date.first - parse_date(found.date).first).days)
        if gap > IDENTITY_DAYS and meta.date.precision == "day":
            return None
    return found


def _adopt(meta: Metadata, found: Identified) -> bool:
    """Take the curated source's date and title where the document gave none; whether the date changed."""
    origin = f"curated source {found.source} ({found.reason()})"
    if meta.origins.get("title", "the file name") == "the file name" and found.title:
        meta.title, meta.origins["title"] = found.title, origin
    if meta.date is None and found.date:
        meta.date, meta.origins["date"] = parse_date(found.date), origin
        return True
    return False


def _people_digest(index: PeopleIndex) -> str:
    """The people and posts the names were resolved against."""
    h = hashlib.sha256()
    for key in sorted(index.people):
        h.update(f"{' '.join(key)}\t{[p.iri for p in index.people[key]]}\n".encode())
    for post in index.posts:
        h.update(f"{post.iri}\t{post.label}\t{sorted(post.words)}\t{post.body}\n".encode())
    return h.hexdigest()


def _model_digest(reader: Reader | None) -> bytes:
    """What classified the statements: the model file, or the cue phrases (a document is read again when it
    changes)."""
    if reader is None:
        return b"cue phrases"
    return hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest().encode()


def _names_digest(index: NameIndex) -> str:
    """The names the mentions were resolved against: a document is read again when they change."""
    h = hashlib.sha256()
    for key in sorted(index.exact):
        for name in sorted(index.exact[key], key=lambda n: (n.entity.iri, n.how)):
            h.update(f"{'|'.join(key)}\t{name.entity.iri}\t{name.how}\t{name.entity.renamed_to}\n".encode())
    return h.hexdigest()


def _author(meta: Metadata, index: NameIndex, publisher: Entity | None, text: str, mentions: list[Mention],
            structure: Structure) -> Entity | None:
    """The body that made the document's findings and recommendations: ``made_by`` in the metadata, else the
    publisher when it is a body, else the body the text names as the author."""
    if meta.made_by:
        found = resolve_name(index, meta.made_by)
        if found is None or found.kind != "body":
            raise InputError(f"field 'made_by': no body named {meta.made_by!r} in the store",
                             where=meta.origins.get("made_by"), hint="give a body's key or name")
        return found
    if publisher is not None:
        return publisher
    title = next(((s.start, s.end) for s in structure.sections if s.level == 1), None)
    return author(text, mentions, title)


def _versions(store: Backend, key: str, doc_hash: str, where: str) -> tuple[int, list[OldVersion], str]:
    """This version's number, the older versions to keep, and the previous content hash if it changed."""
    record = store.sources().get(key)
    if record is None:
        return 1, [], ""
    if record.ingester != NAME:
        raise InputError(f"the source key {key!r} is taken by {record.origin} ({record.ingester})", where=where,
                         hint="give the document another key (key: in its .meta.yaml sidecar)")
    doc = f"{ID}source/{key}"
    rows = store.select(f"""SELECT ?h ?v ?t WHERE {{ GRAPH <{record.graph}> {{ <{doc}> gk:contentHash ?h .
        OPTIONAL {{ <{doc}> gk:version ?v }} OPTIONAL {{ <{doc}> dcterms:title ?t }} }} }}""")
    olds = store.select(f"""SELECT ?h ?v ?at ?t WHERE {{ GRAPH <{record.graph}> {{ ?x a gk:DocumentVersion ;
        gk:contentHash ?h ; gk:version ?v . OPTIONAL {{ ?x gk:ingestedAt ?at }} OPTIONAL {{ ?x dcterms:title ?t }}
        }} }}""")
    older = [OldVersion(int(o["v"]), str(o["h"]), str(o["at"] or ""), str(o["t"] or "")) for o in olds]
    if not rows:
        return 1, older, ""
    current = rows[0]
    number = int(current["v"] or 1)
    if current["h"] == doc_hash:
        return number, older, ""
    older.append(OldVersion(number, str(current["h"]), record.ingested_at, str(current["t"] or "")))
    return number + 1, older, str(current["h"])


def _same_content(store: Backend, key: str, doc_hash: str) -> list[str]:
    if not store.sources():
        return []
    rows = store.select(f'SELECT ?k WHERE {{ ?s a gk:SourceDocument ; gk:key ?k ; gk:contentHash "{doc_hash}" }}')
    return sorted({str(r["k"]) for r in rows} - {key})


def _report(r: Reading, builder: DocumentGraph, analysis: Analysis, previous_hash: str, same: list[str]
            ) -> dict[str, object]:
    definitions, ambiguous = analysis.definitions, analysis.ambiguous
    kinds: dict[str, int] = {}
    for c in r.classes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    counts = {name: builder.counts.get(kind, 0) for name, kind in (
        ("sections", "section"), ("statements", "statement"), ("findings", "finding"),
        ("recommendations", "recommendation"), ("lessons", "lesson"), ("figures", "figure"), ("mentions", "mention"),
        ("evidence", "evidence"))}
    counts["periods"] = len(r.periods)
    counts["people"] = len({pm.person.iri for pm in r.people})
    counts["tenures"] = builder.counts.get("tenure", 0)
    counts["entities_mentioned"] = len({m.entity.iri for m in r.mentions})
    out: dict[str, object] = {
        "format": r.extracted.media_type, "encoding": r.extracted.encoding or "n/a", "characters": len(r.extracted.text),
        "counts": counts, "statements_by_kind": kinds, "classified_by": analysis.method,
        "version": r.version, "content_hash": r.content_hash,
        "metadata_from": r.meta.origins, "made_by": r.author.iri if r.author else None,
        "aliases": [{"alias": d.alias, "offset": d.start, "refers_to": d.entity.iri} for d in definitions if d.entity],
    }
    unresolved = [{"alias": d.alias, "offset": d.start, "long_form": d.long_form} for d in definitions if not d.entity]
    notes = list(r.extracted.notes)
    if analysis.note:
        notes.append(f"statements classified by cue phrases: the trained classifier cannot be used: {analysis.note}")
    if builder.skipped.get("recommendations_without_author"):
        notes.append("recommendations need the body that made them: give made_by (a body) or a publisher that is "
                     "a body")
    if builder.skipped.get("lessons_without_theme"):
        notes.append("lessons need a theme: ingest the curated themes first")
    optional: dict[str, object] = {"previous_hash": previous_hash, "same_content_as": same,
                                   "identified_as": r.alternate.as_json() if r.alternate else None,
                                   "unresolved_aliases": unresolved, "ambiguous_names": ambiguous,
                                   "ignored_metadata": r.meta.ignored, "notes": notes}
    out.update({name: value for name, value in optional.items() if value})
    out.update(builder.skipped)
    return out


def _line_locator(text: str, where: str, extracted: Extracted) -> Callable[[int], str]:
    """Where an offset of the document text is, for messages: file and line, else page and text line."""

    def locate(offset: int) -> str:
        line = text.count("\n", 0, offset) + 1
        if extracted.media_type not in ("text/html", "application/pdf") and extracted.lines_exact:
            return f"{where}:{line + extracted.skipped_lines}"
        if extracted.pages:
            return f"{where}, page {bisect.bisect_right(extracted.pages, offset)}, text line {line}"
        return f"{where}, text line {line}"

    return locate
