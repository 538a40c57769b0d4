"""GOV.UK organisations API (a saved ``organisations.json`` or the API URL) → bodies and their lineage.

Every organisation becomes a ``gk:Body`` keyed ``govuk-<slug>`` (so that it never collides with a curated
body; ``govkg reconcile`` links the two), with its kind mapped from ``format``, its status, closing date and
reason. Parent/child links become ``gk:parent``; superseded/superseding links become ``gk:LineageEvent``s
(plus ``gk:succeededBy``) whose kind comes from the predecessor's ``govuk_closed_status``.

The register is not always consistent. References to slugs with no record, and edges that contradict each
other or the bodies' statuses (A supersedes B and B supersedes A; a body "superseded" while still live by one
that closed — the HSCIC ↔ Professional Standards Authority error), are left out and listed in the ingest
report; they never stop the ingest. Value mappings live in data/mappings/govuk.yaml.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import InputError
from ingest.datasets import (
    FOAF,
    TYPE,
    DatasetSource,
    Report,
    adder,
    bundled_mapping,
    check_text,
    digest,
    display,
    gk,
    iri,
    need,
    prepared,
)
from ingest.pipeline import Prepared
from ingest.registry import Context

ACCEPTS_URL = True  # https://www.gov.uk/api/organisations, followed page by page
NAME = "govuk"
VERSION = b"govuk:1"
API_URL = "https://www.gov.uk/api/organisations"
MAX_PAGES = 200


def detect(path: Path, head: bytes) -> bool:
    if path.is_dir() or path.suffix.lower() != ".json":
        return False
    return b'"govuk_status"' in head or b"gov.uk/api/organisations" in head


# ------------------------------------------------------------------------------------------- reading
def fetch(url: str = API_URL, *, timeout: float = 30.0) -> bytes:
    """All pages of the organisations API as one JSON array (the shape of a saved organisations.json)."""
    results: list[Any] = []
    next_url: str | None = url
    pages = 0
    while next_url:
        pages += 1
        if pages > MAX_PAGES:
            raise InputError(f"more than {MAX_PAGES} pages", where=url, hint="is this the organisations API?")
        request = urllib.request.Request(next_url, headers={"Accept": "application/json",
                                                             "User-Agent": "govkg"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise InputError(f"cannot fetch the organisations API: {exc}", where=next_url,
                             hint="save the JSON to a file and ingest the file") from exc
        except http.client.IncompleteRead as exc:
            raise InputError(f"the organisations API page stopped after {len(exc.partial):,} bytes "
                             f"(of {len(exc.partial) + (exc.expected or 0):,})", where=next_url,
                             hint="try again later") from exc
        page = _parse(body, next_url)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise InputError("not a page of the organisations API (no 'results' list)", where=next_url)
        results.extend(page["results"])
        next_url = page.get("next_page_url") or None
    return json.dumps(results).encode("utf-8")


def _parse(data: bytes, where: str) -> Any:
    check_text(data, where)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: bad byte at byte {exc.start}", where=where) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON at line {exc.lineno}, column {exc.colno} (character {exc.pos}): "
                         f"{exc.msg}", where=where, hint="the file may be truncated") from exc


@dataclass
class Organisation:
    slug: str
    title: str
    format: str
    abbreviation: str
    status: str
    closed_status: str
    closed_at: dt.date | None
    analytics_id: str
    web_url: str
    index: int
    links: dict[str, list[str]] = field(default_factory=dict)


LINK_FIELDS = ("parent_organisations", "child_organisations", "superseded_organisations",
               "superseding_organisations")


def read_organisations(data: Any, where: str, report: Report) -> dict[str, Organisation]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]  # one saved page of the API
    if not isinstance(data, list):
        raise InputError("expected a JSON array of organisations (or an API page with 'results')", where=where)
    orgs: dict[str, Organisation] = {}
    for index, item in enumerate(data):
        org = _organisation(item, index, where, report)
        if org is None:
            continue
        if org.slug in orgs:
            report.add("duplicate_slugs", {"slug": org.slug, "items": [orgs[org.slug].index, index]})
            continue
        orgs[org.slug] = org
    return orgs


def _organisation(item: Any, index: int, where: str, report: Report) -> Organisation | None:
    if not isinstance(item, dict):
        report.add("skipped_items", {"item": index, "problem": "not a JSON object"})
        return None
    raw_details = item.get("details")
    details: dict[str, Any] = raw_details if isinstance(raw_details, dict) else {}
    slug = _text(details.get("slug")) or _slug_of(_text(item.get("id")))
    title = _text(item.get("title"))
    if not slug or not title:
        report.add("skipped_items", {"item": index, "problem": "no slug or no title"})
        return None
    closed_at = None
    raw_closed = _text(details.get("closed_at"))
    if raw_closed:
        try:
            closed_at = dt.datetime.fromisoformat(raw_closed.replace("Z", "+00:00")).date()
        except ValueError:
            report.add("bad_dates", {"slug": slug, "closed_at": raw_closed})
    links = {}
    for name in LINK_FIELDS:
        refs = item.get(name) or []
        links[name] = [s for s in (_slug_of(_text(r.get("id")) if isinstance(r, dict) else "") for r in refs) if s]
    abbreviation = _text(details.get("abbreviation"))
    return Organisation(
        slug=slug, title=title, format=_text(item.get("format")), status=_text(details.get("govuk_status")),
        closed_status=_text(details.get("govuk_closed_status")), closed_at=closed_at,
        abbreviation="" if abbreviation == title else abbreviation,
        analytics_id=_text(item.get("analytics_identifier")), web_url=_text(item.get("web_url")),
        index=index, links=links,
    )


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _slug_of(ref: str) -> str:
    return ref.rstrip("/").rsplit("/", 1)[-1] if ref else ""


# ------------------------------------------------------------------------------------------- edges
@dataclass(frozen=True)
class Edge:
    source: str  # child / predecessor
    target: str  # parent / successor


def edges(orgs: dict[str, Organisation], forward: str, backward: str, what: str, report: Report) -> set[Edge]:
    """The union of the links listed on both ends, without dangling references (reported)."""
    stated_forward: set[Edge] = set()
    stated_backward: set[Edge] = set()
    for org in orgs.values():
        for ref in org.links[forward]:
            stated_forward.add(Edge(org.slug, ref))
        for ref in org.links[backward]:
            stated_backward.add(Edge(ref, org.slug))
    out = set()
    for e in sorted(stated_forward | stated_backward, key=lambda e: (e.source, e.target)):
        missing = [s for s in (e.source, e.target) if s not in orgs]
        if missing:
            listed_on = e.source if e in stated_forward else e.target
            report.add("dangling_references", {"on": listed_on, "field": forward if e in stated_forward else backward,
                                               "missing": missing[0]})
            continue
        if e not in stated_forward or e not in stated_backward:
            report.count(f"{what}_links_listed_on_one_side")
        out.add(e)
    return out


def clean_parents(orgs: dict[str, Organisation], links: set[Edge], report: Report) -> set[Edge]:
    kept = set()
    for e in links:
        if e.source == e.target:
            report.add("contradictory_edges", {"edge": "parent", "from": e.source, "to": e.target,
                                               "problem": "a body is its own parent"})
        elif Edge(e.target, e.source) in links:
            report.add("contradictory_edges", {"edge": "parent", "from": e.source, "to": e.target,
                                               "problem": f"{e.source} and {e.target} are each other's parent"})
        else:
            kept.add(e)
    return kept


def clean_supersessions(orgs: dict[str, Organisation], links: set[Edge], report: Report) -> set[Edge]:
    """Drop (and report) supersession edges that contradict each other or the bodies' status and dates."""
    kept = set()
    for e in sorted(links, key=lambda e: (e.source, e.target)):
        pred, succ = orgs[e.source], orgs[e.target]
        problem = _contradiction(pred, succ, links)
        if problem:
            report.add("contradictory_edges", {"edge": "supersedes", "from": pred.slug, "to": succ.slug,
                                               "problem": problem})
        elif pred.status != "closed" and not pred.closed_status:
            report.add("superseded_but_not_closed", {
                "from": pred.slug, "to": succ.slug,
                "problem": f"{pred.slug} is listed as superseded by {succ.slug} but is {pred.status or 'not closed'} "
                           "with no closing reason; not taken as lineage"})
        else:
            kept.add(e)
    return kept


def _contradiction(pred: Organisation, succ: Organisation, links: set[Edge]) -> str:
    if pred.slug == succ.slug:
        return "a body supersedes itself"
    if Edge(succ.slug, pred.slug) in links:
        return f"{pred.slug} supersedes {succ.slug} and {succ.slug} supersedes {pred.slug}"
    if pred.status != "closed" and not pred.closed_status and succ.status == "closed":
        when = f" on {succ.closed_at}" if succ.closed_at else ""
        return (f"{pred.slug} is still {pred.status or 'open'} but its supposed successor {succ.slug} "
                f"closed{when}")
    if pred.closed_at and succ.closed_at and succ.closed_at < pred.closed_at:
        return f"the successor {succ.slug} closed ({succ.closed_at}) before {pred.slug} did ({pred.closed_at})"
    return ""


# ------------------------------------------------------------------------------------------- mapping
def body_iri(slug: str) -> URIRef:
    return iri("body", f"govuk-{slug}")


def prepare(path: Path | str, ctx: Context) -> list[Prepared]:
    """The organisations of a saved API dump (or of the API itself, given its URL)."""
    mapping = bundled_mapping("govuk")
    if isinstance(path, str) and path.startswith(("http://", "https://")):
        raw, where = fetch(path), path
    else:
        path = Path(path)
        raw, where = path.read_bytes(), display(path)
    report = Report()
    orgs = read_organisations(_parse(raw, where), where, report)
    content_hash = digest(VERSION, raw, json.dumps(mapping, sort_keys=True).encode())
    source = DatasetSource.from_mapping(mapping, "data/mappings/govuk.yaml")
    g = Graph()
    src = source.add_to(g, content_hash)
    locations = _bodies(g, orgs, mapping, src, where, report)
    parents = clean_parents(orgs, edges(orgs, "parent_organisations", "child_organisations", "parent", report),
                            report)
    for e in parents:
        g.add((body_iri(e.source), gk("parent"), body_iri(e.target)))
    supersessions = clean_supersessions(
        orgs, edges(orgs, "superseding_organisations", "superseded_organisations", "supersession", report), report)
    for e in sorted(supersessions, key=lambda e: (e.source, e.target)):
        _lineage(g, orgs[e.source], orgs[e.target], mapping, src, report)
    report.count("organisations", len(orgs))
    report.count("parent_links", len(parents))
    report.count("lineage_events", len(supersessions))
    headline = f"{len(orgs):,} organisations, {len(supersessions):,} lineage events, {len(parents):,} parent links"
    return [prepared(source, NAME, path, content_hash, g, report, locations, headline=headline)]


def _bodies(g: Graph, orgs: dict[str, Organisation], mapping: dict[str, Any], src: URIRef, where: str,
            report: Report) -> dict[str, str]:
    formats = need(mapping, "formats", dict, "data/mappings/govuk.yaml")
    add = adder(g)
    locations = {}
    for org in orgs.values():
        b = body_iri(org.slug)
        locations[str(b)] = f"{where}: organisation {org.slug} (item {org.index + 1})"
        kind = formats.get(org.format)
        if kind is None:
            report.add("unknown_formats", {"slug": org.slug, "format": org.format})
            kind = "other"
        g.add((b, TYPE, gk("Body")))
        add(b, "gk:key", f"govuk-{org.slug}")
        add(b, "rdfs:label", org.title)
        add(b, "gk:govukSlug", org.slug)
        add(b, "gk:abbreviation", org.abbreviation)
        add(b, "gk:bodyKind", iri("body-kind", kind))
        add(b, "gk:status", org.status)
        add(b, "gk:closedReason", org.closed_status)
        if org.closed_at:
            add(b, "gk:endDate", Literal(org.closed_at, datatype=XSD.date))
        elif org.status == "closed":
            report.add("closed_without_date", org.slug)
        add(b, "dcterms:identifier", org.analytics_id)
        if org.web_url.startswith("https://"):
            g.add((b, URIRef(FOAF + "homepage"), URIRef(org.web_url)))
        add(b, "prov:wasDerivedFrom", src)
        add(b, "gk:certainty", "sourced")
        report.count(f"status {org.status or 'unknown'}")
    return locations


def _lineage(g: Graph, pred: Organisation, succ: Organisation, mapping: dict[str, Any], src: URIRef,
             report: Report) -> None:
    kinds = need(mapping, "closed_status", dict, "data/mappings/govuk.yaml")
    kind = kinds.get(pred.closed_status)
    if kind is None:
        report.add("lineage_kind_guessed", {"from": pred.slug, "to": succ.slug,
                                            "closed_status": pred.closed_status or None, "kind": "replaced"})
        kind = "replaced"
    key = f"govuk-{pred.slug}--{succ.slug}"
    event = iri("lineage", key)
    add = adder(g)
    g.add((event, TYPE, gk("LineageEvent")))
    add(event, "gk:key", key)
    add(event, "gk:predecessor", body_iri(pred.slug))
    add(event, "gk:successor", body_iri(succ.slug))
    add(event, "gk:lineageKind", iri("lineage-kind", kind))
    if pred.closed_at:
        add(event, "gk:date", Literal(pred.closed_at, datatype=XSD.date))
    add(event, "rdfs:label", f"{pred.title} {kind} into {succ.title}")
    add(event, "prov:wasDerivedFrom", src)
    add(event, "gk:certainty", "sourced")
    g.add((body_iri(pred.slug), gk("succeededBy"), body_iri(succ.slug)))
    report.count(f"lineage {kind}")
