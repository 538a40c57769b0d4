"""Reconciliation: which curated and dataset records describe the same body (or initiative).

Each source keeps its own IRIs (``id/body/nhs-digital`` from the curated data, ``id/body/govuk-nhs-digital``
from GOV.UK, ``id/body/ods-rj1`` from ODS, ``id/body/gmpp-dept-dhsc`` from the GMPP data). This module
finds the pairs that are the same organisation and writes them as ``owl:sameAs`` links into one source
graph, ``reconciliation``, so that they can be reviewed, recomputed and removed like any other source, and
no record is merged silently. The order of evidence:

1. identifiers: the same GOV.UK slug (curated ``govuk_slug``, the GOV.UK record, the GMPP department
   mapping) or the same ODS code; GMPP identifiers for initiatives (``gk:sameInitiativeAs``);
2. names: the same normalised name or alternative name, then the same name apart from an NHS trust suffix;
3. an abbreviation that both bodies share and that spells a name of each (so that "CSC" the supplier is
   not taken for the Civil Service Commission).

A match by name or abbreviation is made only when it is unique both ways; otherwise every candidate is
listed as ambiguous and nothing is linked. Records from one source are never linked to each other.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from graph.namespaces import GK, shorten
from graph.store import Store
from ingest._datasets import OWL, TYPE, adder, digest, gk, iri
from ingest.pipeline import Prepared

KEY = "reconciliation"
VERSION = b"reconcile:1"
DATASET_INGESTERS = ("govuk", "ods", "gmpp", "lessons")
_STOP = {"and", "of", "for", "the", "in", "on", "at", "to", "a"}
_TRUST_SUFFIX = re.compile(r"\s(?:nhs\s)?(?:foundation\s)?trust$")


@dataclass
class Record:
    iri: str
    source: str
    group: str  # "curated" for every curated file; otherwise the source key
    label: str = ""
    names: set[str] = field(default_factory=set)
    abbreviations: set[str] = field(default_factory=set)
    words: list[list[str]] = field(default_factory=list)
    govuk_slug: str = ""
    ods_code: str = ""
    gmpp_id: str = ""

    def brief(self) -> dict[str, str]:
        return {"iri": self.iri, "label": self.label, "source": self.source}


@dataclass
class Match:
    subject: dict[str, str]
    target: dict[str, str]
    link: str  # owl:sameAs or gk:sameInitiativeAs
    reason: str  # govuk-slug, ods-code, gmpp-id, name, name-without-trust-suffix, abbreviation
    detail: str


@dataclass
class Ambiguity:
    subject: dict[str, str]
    candidates: list[dict[str, str]]
    reason: str
    detail: str


@dataclass
class Reconciliation:
    matches: list[Match]
    ambiguous: list[Ambiguity]
    records: dict[str, int]  # records considered, per source
    unmatched: list[dict[str, str]] = field(default_factory=list)  # identifiers that name nothing elsewhere

    def as_dict(self) -> dict[str, Any]:
        by_reason: dict[str, int] = defaultdict(int)
        for m in self.matches:
            by_reason[m.reason] += 1
        return {"records": self.records, "links": len(self.matches), "by_reason": dict(sorted(by_reason.items())),
                "matches": [asdict(m) for m in self.matches], "ambiguous": [asdict(a) for a in self.ambiguous],
                "unmatched_identifiers": self.unmatched}

    def graph(self) -> Graph:
        g = Graph()
        add = adder(g)
        doc = iri("source", KEY)
        g.add((doc, TYPE, gk("SourceDocument")))
        add(doc, "gk:key", KEY)
        add(doc, "dcterms:title", "GovKG reconciliation of curated and dataset records")
        add(doc, "rdfs:label", "GovKG reconciliation of curated and dataset records")
        add(doc, "gk:publisherName", "GovKG (govkg reconcile)")
        add(doc, "gk:sourceKind", "other")
        add(doc, "gk:reliability", "secondary")
        summary = ", ".join(f"{n} by {r}" for r, n in self.as_dict()["by_reason"].items()) or "none"
        add(doc, "dcterms:description", f"{len(self.matches)} links ({summary}); {len(self.ambiguous)} ambiguous "
                                        "candidates left unlinked. `govkg reconcile --report` lists them.")
        for m in self.matches:
            pred = URIRef(OWL + "sameAs") if m.link == "owl:sameAs" else URIRef(GK + "sameInitiativeAs")
            g.add((URIRef(m.subject["iri"]), pred, URIRef(m.target["iri"])))
        return g

    def prepared(self) -> Prepared:
        g = self.graph()
        links = sorted(f"{m.subject['iri']} {m.link} {m.target['iri']}" for m in self.matches)
        content_hash = digest(VERSION, "\n".join(links).encode(),
                              json.dumps([asdict(a) for a in self.ambiguous], sort_keys=True).encode())
        report = {"links": len(self.matches), "by_reason": self.as_dict()["by_reason"],
                  "ambiguous": len(self.ambiguous), "records": self.records}
        return Prepared(KEY, "Reconciliation of curated and dataset records", "govkg reconcile", "reconcile",
                        content_hash, graph=g, report=report)


# ------------------------------------------------------------------------------------------- names
def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def core_name(name: str) -> str:
    """A normalised name without an NHS trust suffix ('Public Health Wales NHS Trust' → 'public health wales')."""
    core = _TRUST_SUFFIX.sub("", name)
    return core if core != name and len(core.split()) >= 2 else ""


def spells(abbreviation: str, words: list[str]) -> bool:
    """Whether the abbreviation is made of a prefix of each significant word, in order (stop words may give
    a letter or nothing): DHSC ← Department of Health and Social Care, NHSE ← NHS England."""
    letters = re.sub(r"[^a-z]", "", abbreviation.lower())

    def walk(i: int, j: int) -> bool:
        if j == len(letters):
            return all(w in _STOP for w in words[i:])
        if i == len(words):
            return False
        word = words[i]
        if word in _STOP and walk(i + 1, j):
            return True
        k = 1
        while k <= len(word) and j + k <= len(letters) and letters[j:j + k] == word[:k]:
            if walk(i + 1, j + k):
                return True
            k += 1
        return False

    return bool(letters) and walk(0, 0)


# ------------------------------------------------------------------------------------------- reading
def _records(store: Store) -> tuple[dict[str, Record], dict[str, Record]]:
    """Bodies and GMPP-identified initiatives of the store, with the source that types them."""
    graphs = {s.graph: s for s in store.sources().values()}
    bodies: dict[str, Record] = {}
    initiatives: dict[str, Record] = {}
    rows = store.select("""SELECT ?s ?g ?t WHERE { GRAPH ?g { ?s a ?t }
                           VALUES ?t { gk:Body gk:Programme gk:Project } }""")
    for row in rows:
        src = graphs.get(row["g"])
        if src is None or src.key == KEY:
            continue
        group = "curated" if src.ingester == "curated-yaml" else src.key
        target = bodies if row["t"] == GK + "Body" else initiatives
        target.setdefault(row["s"], Record(row["s"], src.key, group))
    for prop, attr in (("rdfs:label", "label"), ("skos:altLabel", "alt"), ("gk:abbreviation", "abbr"),
                       ("gk:govukSlug", "govuk_slug"), ("gk:odsCode", "ods_code"), ("gk:gmppId", "gmpp_id")):
        for row in store.select(f"SELECT ?s ?v WHERE {{ ?s {prop} ?v }}"):
            rec = bodies.get(row["s"]) or initiatives.get(row["s"])
            if rec is None or not isinstance(row["v"], str):
                continue
            value = row["v"].strip()
            if attr == "label":
                rec.label = rec.label or value
                _add_name(rec, value)
            elif attr == "alt":
                _add_name(rec, value)
            elif attr == "abbr":
                rec.abbreviations.add(value.upper())
            else:
                setattr(rec, attr, value)
    return bodies, initiatives


def _add_name(rec: Record, name: str) -> None:
    norm = normalise(name)
    if norm:
        rec.names.add(norm)
    if re.fullmatch(r"[A-Z][A-Z&]{1,7}", name):  # a label that is itself an acronym, like JPL
        rec.abbreviations.add(name)
    elif norm:
        rec.words.append(norm.split())  # a name in words, that an abbreviation may spell


# ------------------------------------------------------------------------------------------- matching
class _Clusters:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def reconcile(store: Store) -> Reconciliation:
    bodies, initiatives = _records(store)
    clusters = _Clusters()
    matches: list[Match] = []
    ambiguous: list[Ambiguity] = []
    groups_of: dict[str, set[str]] = defaultdict(set)  # cluster root → groups in it

    def link(a: Record, b: Record, reason: str, detail: str, kind: str = "owl:sameAs") -> None:
        ra, rb = clusters.find(a.iri), clusters.find(b.iri)
        joined = groups_of.pop(ra, {a.group}) | groups_of.pop(rb, {b.group})
        clusters.union(a.iri, b.iri)
        groups_of[clusters.find(a.iri)] = joined
        matches.append(Match(a.brief(), b.brief(), kind, reason, detail))

    def groups(rec: Record) -> set[str]:
        return groups_of.get(clusters.find(rec.iri), {rec.group})

    unmatched: list[dict[str, str]] = []
    for attr, reason, hub_group in (("govuk_slug", "govuk-slug", _source_of(bodies, "govuk")),
                                    ("ods_code", "ods-code", _source_of(bodies, "ods"))):
        _by_identifier(list(bodies.values()), attr, reason, hub_group, link, ambiguous)
        if hub_group:  # an identifier that the register itself does not hold is worth a look
            held = {getattr(r, attr).lower() for r in bodies.values() if r.group == hub_group}
            unmatched += [{**r.brief(), reason: getattr(r, attr)} for r in bodies.values()
                          if r.group != hub_group and getattr(r, attr) and getattr(r, attr).lower() not in held]
    ordered = sorted({r.group for r in bodies.values()}, key=_group_order)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1:]:
            left = [r for r in bodies.values() if r.group == first]
            right = [r for r in bodies.values() if r.group == second]
            for reason, keys in (("name", lambda r: r.names),
                                 ("name-without-trust-suffix", lambda r: {core_name(n) or n for n in r.names}),
                                 ("abbreviation", lambda r: r.abbreviations)):
                _by_key(left, right, reason, keys, groups, link, ambiguous)
    _initiatives(list(initiatives.values()), link, ambiguous)
    counts: dict[str, int] = defaultdict(int)
    for rec in [*bodies.values(), *initiatives.values()]:
        counts[rec.source] += 1
    return Reconciliation(matches, _distinct(ambiguous), dict(sorted(counts.items())), unmatched)


def _distinct(ambiguous: list[Ambiguity]) -> list[Ambiguity]:
    """One entry per subject and set of candidates (a later, looser phase finds the same ones again)."""
    seen: set[tuple[str, frozenset[str]]] = set()
    out = []
    for a in ambiguous:
        key = (a.subject["iri"], frozenset(c["iri"] for c in a.candidates))
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _source_of(bodies: dict[str, Record], prefix: str) -> str:
    keys = {r.group for r in bodies.values() if r.group.startswith(f"dataset-{prefix}")}
    return sorted(keys)[0] if keys else ""


def _group_order(group: str) -> tuple[int, str]:
    if group == "curated":
        return 0, group
    for n, name in enumerate(("dataset-govuk", "dataset-ods", "dataset-gmpp"), start=1):
        if group.startswith(name):
            return n, group
    return (9 if group.startswith("dataset-") else 5), group


def _by_identifier(records: list[Record], attr: str, reason: str, hub_group: str, link: Any,
                   ambiguous: list[Ambiguity]) -> None:
    by_value: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        value = getattr(rec, attr)
        if value:
            by_value[value.lower()].append(rec)
    label = {"govuk-slug": "GOV.UK slug", "ods-code": "ODS code"}[reason]
    for value, recs in sorted(by_value.items()):
        per_group: dict[str, list[Record]] = defaultdict(list)
        for rec in recs:
            per_group[rec.group].append(rec)
        if len(per_group) < 2:
            continue
        hub_candidates = per_group.get(hub_group) or per_group.get("curated") or per_group[sorted(per_group)[0]]
        if len(hub_candidates) > 1:
            ambiguous.append(Ambiguity(hub_candidates[0].brief(), [r.brief() for r in hub_candidates[1:]], reason,
                                       f"several records of one source share the {label} {value}"))
            continue
        hub = hub_candidates[0]
        value = getattr(hub, attr)
        for group, members in sorted(per_group.items()):
            if group == hub.group:
                continue
            if len(members) > 1:
                ambiguous.append(Ambiguity(hub.brief(), [r.brief() for r in members], reason,
                                           f"{len(members)} records of {group} have the {label} {value}"))
                continue
            link(members[0], hub, reason, f"same {label} {value}")


def _by_key(left: list[Record], right: list[Record], reason: str, keys: Any, groups: Any, link: Any,
            ambiguous: list[Ambiguity]) -> None:
    """Link left and right records that share a key, when the pairing is unique both ways."""
    index: dict[str, list[Record]] = defaultdict(list)
    for rec in right:
        for k in keys(rec):
            index[k].append(rec)
    if not index:
        return
    candidates: dict[str, dict[str, tuple[Record, str]]] = {}
    back: dict[str, set[str]] = defaultdict(set)
    lookup = {r.iri: r for r in [*left, *right]}
    for rec in left:
        if right and right[0].group in groups(rec):
            continue  # already linked to that source
        found: dict[str, tuple[Record, str]] = {}
        for k in keys(rec):
            for other in index.get(k, []):
                if rec.group in groups(other):
                    continue
                if reason == "abbreviation" and not (any(spells(k, w) for w in rec.words)
                                                     and any(spells(k, w) for w in other.words)):
                    continue  # both must have a name that the abbreviation spells
                found.setdefault(other.iri, (other, k))
        if found:
            candidates[rec.iri] = found
            for other_iri in found:
                back[other_iri].add(rec.iri)
    what = {"name": "name", "name-without-trust-suffix": "name apart from the trust suffix",
            "abbreviation": "abbreviation"}[reason]
    for rec_iri, found in candidates.items():
        rec = lookup[rec_iri]
        if len(found) > 1:
            shared = sorted({k for _, k in found.values()})
            ambiguous.append(Ambiguity(rec.brief(), [o.brief() for o, _ in found.values()], reason,
                                       f"{len(found)} records share the {what} {', '.join(map(repr, shared))}"))
            continue
        (other, key), = found.values()
        if len(back[other.iri]) > 1:
            ambiguous.append(Ambiguity(other.brief(), [lookup[i].brief() for i in sorted(back[other.iri])], reason,
                                       f"{len(back[other.iri])} records share the {what} {key!r}"))
            continue
        if rec.group in groups(other) or other.group in groups(rec):
            continue
        link(rec, other, reason, f"same {what} {key!r}")


def _initiatives(records: list[Record], link: Any, ambiguous: list[Ambiguity]) -> None:
    """A curated programme's GMPP id (DHSC_0071) names the dataset project whose id (DHSC_0071_2122-Q1) it is,
    or begins, when exactly one does."""
    dataset = [r for r in records if r.group != "curated" and r.gmpp_id]
    for rec in records:
        if rec.group != "curated" or not rec.gmpp_id:
            continue
        wanted = rec.gmpp_id.upper()
        exact = [d for d in dataset if d.gmpp_id.upper() == wanted]
        found = exact or [d for d in dataset if d.gmpp_id.upper().startswith(wanted + "_")]
        if len(found) == 1:
            how = "same GMPP id" if exact else "GMPP id"
            link(rec, found[0], "gmpp-id", f"{how} {rec.gmpp_id} ({found[0].gmpp_id})", "gk:sameInitiativeAs")
        elif found:
            ambiguous.append(Ambiguity(rec.brief(), [d.brief() for d in found], "gmpp-id",
                                       f"{len(found)} GMPP projects have ids beginning {rec.gmpp_id}"))


def render(result: Reconciliation, *, full: bool) -> Iterable[str]:
    """Lines for the command line: a summary, and with ``full`` every match and ambiguity."""
    data = result.as_dict()
    reasons = ", ".join(f"{n} by {r}" for r, n in data["by_reason"].items()) or "none"
    yield f"{sum(result.records.values()):,} records from {len(result.records)} sources; " \
          f"{len(result.matches)} links ({reasons}); {len(result.ambiguous)} ambiguous"
    if not full:
        return
    yield ""
    yield f"Matches ({len(result.matches)}):"
    for m in sorted(result.matches, key=lambda m: (m.reason, m.target["label"], m.subject["label"])):
        yield f"  {m.link}  {_who(m.subject)}"
        yield f"        ↔  {_who(m.target)}"
        yield f"        because: {m.reason}: {m.detail}"
    yield ""
    yield f"Ambiguous, not linked ({len(result.ambiguous)}):"
    for a in result.ambiguous:
        yield f"  {_who(a.subject)}: {a.reason}: {a.detail}"
        for c in a.candidates:
            yield f"        ?  {_who(c)}"
    if result.unmatched:
        yield ""
        yield f"Identifiers not in the register ({len(result.unmatched)}):"
        for u in result.unmatched:
            which = "govuk-slug" if "govuk-slug" in u else "ods-code"
            yield f"  {_who(u)}: {which} {u[which]}"


def _who(rec: dict[str, str]) -> str:
    return f"{shorten(rec['iri'])} “{rec['label']}” [{rec['source']}]"


__all__ = ["Reconciliation", "reconcile", "render"]
