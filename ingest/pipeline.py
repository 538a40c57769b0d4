"""The ingest pipeline: prepare every source, check and validate it all, then write it all in one switch.

Nothing is written until every source of the run has passed its checks (schema, references, dates, SHACL).
Then each changed source is written to a new graph and the store's catalog switches to all of them at once
(see graph/backends/embedded.py). Any failure before the switch leaves the store exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from graph.backends import Backend
from graph.backends.types import RDF_FORMATS
from graph.derived import DERIVED_KEY
from graph.errors import InputError
from graph.namespaces import ID, slug
from graph.validation import ontology_graph, referenced_iris, validate, violations_only
from ingest import curated, registry
from ontology import vocabulary_files

Progress = Callable[[str], None]

RDF_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".rdf": "rdf", ".owl": "rdf"}
SHACL_LIMIT = 200_000  # triples; bigger RDF files are loaded without SHACL (reported in the summary)


@dataclass
class Prepared:
    """One source, mapped and ready to write."""

    key: str
    title: str
    origin: str
    ingester: str
    content_hash: str
    graph: Graph | None = None  # small sources: an rdflib graph (validated with SHACL)
    data: bytes | None = None  # big RDF files: the bytes, loaded by Oxigraph directly
    rdf_format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES
    report: dict[str, Any] = field(default_factory=dict)
    locate: Callable[[str], str] | None = None
    validated: bool = True
    skipped_note: str = ""  # why it was not SHACL-validated
    name: str = ""  # the graph IRI the source is published under (``govkg ingest FILE --graph IRI``)

    def serialised(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.graph is not None
        return self.graph.serialize(format="nt", encoding="utf-8")


@dataclass
class SourceOutcome:
    key: str
    status: str  # "added", "replaced", "unchanged", "removed"
    triples: int
    note: str = ""


@dataclass(frozen=True)
class NotRead:
    """A file of a folder that no ingester read, and why."""

    path: str
    reason: str


@dataclass
class Summary:
    outcomes: list[SourceOutcome]
    seconds: float
    total_triples: int
    not_read: list[NotRead] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": [o.__dict__ for o in self.outcomes],
            "seconds": round(self.seconds, 3),
            "total_triples": self.total_triples,
            "not_read": [n.__dict__ for n in self.not_read],
        }


def ontology_source() -> Prepared:
    g = ontology_graph()
    digest = _hash(b"".join(p.read_bytes() for p in vocabulary_files()))
    return Prepared("ontology", "GovKG ontology and concept schemes", "ontology/", "ontology", digest, graph=g,
                    validated=False, skipped_note="the vocabulary itself; its shapes are tested")


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Discovered:
    yaml_files: list[Path] = field(default_factory=list)
    rdf_files: list[Path] = field(default_factory=list)
    other: list[tuple[Path | str, ModuleType]] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)


# YAML read with another file of the folder, not as curated data: a document's sidecar, a lessons CSV's mapping
COMPANIONS = ((".meta.yaml", ""), (".mapping.yaml", ".csv"))  # the companion's suffix, and its partner's
UNRECOGNISED = ("no ingester recognises it (not curated YAML, RDF, a report document, nor a dataset that an "
                "ingester detects: GOV.UK organisations JSON, NHS ODS trusts, GMPP year files, a lessons CSV with "
                "its mapping)")


def _companion_of(item: Path) -> Path | None:
    for suffix, partner_suffix in COMPANIONS:
        partner = item.with_name(item.name.removesuffix(suffix) + partner_suffix)
        if item.name.endswith(suffix) and partner.is_file():
            return partner
    return None


def _folder(path: Path, found: Discovered) -> None:
    """Each file of a folder no ingester claims as a whole: curated YAML, RDF, or what an ingester detects.
    The others are listed as not read (see :func:`_nothing_read` for a run that reads nothing at all)."""
    taken: list[Path] = []
    skipped: list[NotRead] = []
    for item in sorted(path.iterdir()):
        if item.name.startswith("."):
            continue
        if item.is_dir():
            skipped.append(NotRead(str(item), "a folder (folders inside a folder are not searched)"))
        elif item.suffix in (".yaml", ".yml"):
            if _companion_of(item) is None:
                found.yaml_files.append(item)
                taken.append(item)
        elif item.suffix in RDF_SUFFIXES:
            found.rdf_files.append(item)
            taken.append(item)
        elif (module := registry.detect(item)) is not None:
            found.other.append((item, module))
            taken.append(item)
        else:
            skipped.append(NotRead(str(item), UNRECOGNISED))
    if not taken and not skipped:
        found.not_read.append(NotRead(str(path), "the folder is empty"))
    found.not_read.extend(skipped)


def _nothing_read(found: Discovered) -> None:
    """Refuse a run in which no file given could be read, naming each one and why."""
    if found.yaml_files or found.rdf_files or found.other or not found.not_read:
        return
    listed = "".join(f"\n  {n.path}: {n.reason}" for n in found.not_read)
    raise InputError(f"nothing could be read:{listed}",
                     hint="give a file by name with --as FORMAT to read it as that format")


def discover(paths: Iterable[Path | str], as_format: str | None = None) -> Discovered:
    """Sort the given paths by format: curated YAML, RDF, or one of the registered ingesters.

    A folder that an ingester claims (a folder of GMPP year files) goes to it whole; in other folders (not
    searched recursively) each file is curated YAML, RDF, or offered to the ingesters, and the files none of
    them reads are listed in ``not_read`` (a folder with nothing readable is refused). A file given by name may
    be any format,
    detected from its name and content or forced with ``as_format``. ``http(s)://`` arguments go to the
    ingester that reads URLs (or the one ``as_format`` names).
    """
    found = Discovered()
    for given in paths:
        if isinstance(given, str) and given.startswith(("http://", "https://")):
            found.other.append((given, registry.by_name(as_format) if as_format else registry.for_url()))
            continue
        path = Path(given)
        if not path.exists():
            raise InputError("no such file or folder", where=str(path))
        if path.is_dir():
            claimed = registry.by_name(as_format) if as_format else registry.detect(path)
            if claimed is not None:
                found.other.append((path, claimed))
            else:
                _folder(path, found)
            continue
        if as_format:
            found.other.append((path, registry.by_name(as_format)))
        elif path.suffix in (".yaml", ".yml"):
            found.yaml_files.append(path)
        elif path.suffix in RDF_SUFFIXES:
            found.rdf_files.append(path)
        else:
            module = registry.detect(path)
            if module is None:
                raise InputError(
                    "cannot tell the format of this file", where=str(path),
                    hint="name one with --as (govkg ingest --help lists them)",
                )
            found.other.append((path, module))
    _nothing_read(found)
    return found


def known_iris(store: Backend, excluding: set[str]) -> set[str]:
    """IRIs typed in the store's live graphs, except in the sources being replaced."""
    graphs = [s.graph for k, s in store.sources().items() if k not in excluding]
    if not graphs:
        return set()
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}").rows
    return {r[0].value for r in rows if isinstance(r[0], ox.NamedNode)}


def prepare_curated(store: Backend, files: list[Path]) -> list[Prepared]:
    cfs = curated.read_files(files)
    keys = {cf.source_key for cf in cfs}
    defined = curated.defined_iris(cfs, known_iris(store, keys))
    curated.check_references(cfs, defined)
    labels = curated.labels_of(cfs) | _store_labels(store)
    where: dict[str, str] = {}
    for cf in cfs:
        for rec in cf.records:
            where[curated.iri_of(cf.kind.iri_kind, rec["id"])] = rec.where()
    prepared = []
    for cf in cfs:
        prepared.append(Prepared(
            key=cf.source_key, title=f"Curated {cf.kind.key}", origin=str(cf.path), ingester=curated.INGESTER,
            content_hash=cf.content_hash, graph=curated.to_graph(cf, labels, defined),
            locate=lambda iri, _w=where: _w.get(iri, iri),  # type: ignore[misc]
        ))
    return prepared


def _store_labels(store: Backend) -> dict[str, str]:
    if not store.sources():
        return {}
    rows = store.select(
        f"SELECT ?s ?l WHERE {{ ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), \"{ID}\")) }}"
    )
    return {r["s"]: r["l"] for r in rows}


def prepare_rdf(path: Path, name: str = "") -> Prepared:
    data = path.read_bytes()
    fmt = RDF_FORMATS[RDF_SUFFIXES[path.suffix]]
    key = f"rdf-{slug(path.stem)}"
    digest = _hash(b"rdf:1:" + (name.encode("utf-8") + b"\n" if name else b"") + data)
    prepared = Prepared(key, path.name, str(path), "rdf-file", digest, data=data, rdf_format=fmt, name=name)
    try:
        count = sum(1 for _ in ox.parse(data, fmt))
    except SyntaxError as exc:
        raise InputError(f"malformed RDF: {exc}", where=str(path)) from exc
    if count <= SHACL_LIMIT:
        g = Graph()
        g.parse(data=data, format={"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[
            RDF_SUFFIXES[path.suffix]])
        prepared.graph, prepared.data = g, None
    else:
        prepared.validated = False
        prepared.skipped_note = f"loaded without SHACL validation (over {SHACL_LIMIT:,} triples)"
    return prepared


def check_shapes(store: Backend, prepared: list[Prepared]) -> None:
    """SHACL-validate the prepared graphs together, with the types of what they reference from elsewhere."""
    graphs = [p for p in prepared if p.graph is not None and p.validated]
    if not graphs:
        return
    data = Graph()
    for p in graphs:
        assert p.graph is not None
        data += p.graph
    records = {str(s) for s in data.subjects(RDF.type, None)}
    external = referenced_iris(data) - {str(s) for s in ontology_graph().subjects()}
    for iri, rdf_type in _types(store, external, {p.key for p in prepared}):
        data.add((URIRef(iri), RDF.type, URIRef(rdf_type)))
    results = validate(data, focus=records)
    problems = violations_only(results)
    if problems:
        locate = _locator(graphs)
        lines = [v.render(locate) for v in problems]
        shown = "\n  ".join(lines[:15])
        more = f"\n  … and {len(lines) - 15} more" if len(lines) > 15 else ""
        raise InputError(f"{len(lines)} SHACL violation(s):\n  {shown}{more}")
    _record_shacl(graphs, results)


def _record_shacl(prepared: list[Prepared], results: list[Any]) -> None:
    """Keep the warnings and notes of the SHACL check in the report of the source each is about, so that the
    explorer's data-quality view shows them without validating the whole store again."""
    for p in prepared:
        p.report.pop("shacl", None)
    for v in results:
        owner = next((p for p in prepared if p.graph is not None and (URIRef(v.focus), None, None) in p.graph), None)
        if owner is not None:
            owner.report.setdefault("shacl", []).append(
                {"severity": v.severity, "focus": v.focus, "path": v.path, "message": v.message, "shape": v.shape,
                 "value": v.value})


def _locator(prepared: list[Prepared]) -> Callable[[str], str]:
    def locate(iri: str) -> str:
        for p in prepared:
            if p.locate is not None:
                found = p.locate(iri)
                if found != iri:
                    return found
        return iri

    return locate


def _types(store: Backend, iris: set[str], replacing: set[str]) -> list[tuple[str, str]]:
    if not iris or not store.sources():
        return []
    graphs = " ".join(f"<{s.graph}>" for k, s in store.sources().items() if k not in replacing)
    if not graphs:
        return []
    out: list[tuple[str, str]] = []
    items = sorted(iris)
    for start in range(0, len(items), 500):
        values = " ".join(f"<{i}>" for i in items[start:start + 500])
        rows = store.query(
            f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s a ?t }} }}"
        ).rows
        out.extend((r[0].value, r[1].value) for r in rows)
    return out


def ingest(
    store: Backend,
    paths: Sequence[Path | str],
    *,
    force: bool = False,
    progress: Progress | None = None,
    extra: list[Prepared] | None = None,
    as_format: str | None = None,
    options: dict[str, Any] | None = None,
    graph_name: str | None = None,
) -> Summary:
    """Ingest curated YAML, RDF files and other registered formats in one atomic switch.

    ``as_format`` forces the format of files given by name; ``options`` (document metadata and the like)
    are handed to the ingesters; ``graph_name`` publishes the one RDF file given as the named graph of that
    IRI (the SPARQL protocol's datasets and ``GRAPH <IRI>`` then name it).
    """
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    say("reading sources")
    found = discover(paths, as_format)
    if graph_name is not None and (len(found.rdf_files) != 1 or found.yaml_files or found.other):
        raise InputError(f"--graph {graph_name} names the graph of one RDF file (.ttl .nt .jsonld .rdf); "
                         f"{len(paths)} path(s) were given", hint="ingest each file with its own --graph")
    prepared: list[Prepared] = [ontology_source()]
    if found.yaml_files:
        say(f"checking {len(found.yaml_files)} curated file(s)")
        prepared += prepare_curated(store, found.yaml_files)
    for path in found.rdf_files:
        say(f"parsing {path.name}")
        prepared.append(prepare_rdf(path, graph_name or ""))
    ctx = registry.Context(store, dict(options or {}))
    for target, module in found.other:
        say(f"reading {target.name if isinstance(target, Path) else target} as {module.NAME}")
        prepared += module.prepare(target, ctx)
    prepared += extra or []
    _no_duplicate_keys(prepared)
    current = store.sources()
    changed = [p for p in prepared if force or current.get(p.key) is None
               or current[p.key].content_hash != p.content_hash]
    say(f"validating {len(changed)} changed source(s) against the SHACL shapes")
    check_shapes(store, changed)
    outcomes = [SourceOutcome(p.key, "unchanged", current[p.key].triples) for p in prepared if p not in changed]
    if changed or DERIVED_KEY not in current:  # (a store written before derived views gets them now)
        with store.staging() as stage:
            for p in changed:
                say(f"writing {p.key}")
                staged = stage.put(p.key, p.serialised(), rdf_format=p.rdf_format, content_hash=p.content_hash,
                                   origin=p.origin, ingester=p.ingester, title=p.title,
                                   report=json.dumps(p.report) if p.report else "", name=p.name)
                status = "replaced" if p.key in current else "added"
                note = p.skipped_note
                outcomes.append(SourceOutcome(p.key, status, staged.triples, note))
            say("working out accountability overlaps and gaps")
            view = stage.derive()
            if view is not None and view.status == "written":
                outcomes.append(SourceOutcome(DERIVED_KEY, "replaced" if DERIVED_KEY in current else "added",
                                              view.triples, view.note()))
            elif view is not None and view.status == "removed":
                outcomes.append(SourceOutcome(DERIVED_KEY, "removed", 0, "no accountabilities left"))
            say("switching the catalog")
    outcomes.sort(key=lambda o: o.key)
    not_read = found.not_read + [NotRead(p, why) for p, why in ctx.not_read]
    return Summary(outcomes, time.perf_counter() - started, store.triple_count(), not_read)


def _no_duplicate_keys(prepared: list[Prepared]) -> None:
    seen: dict[str, str] = {}
    for p in prepared:
        if p.key in seen:
            raise InputError(f"two inputs map to the same source {p.key!r}: {seen[p.key]} and {p.origin}")
        seen[p.key] = p.origin
