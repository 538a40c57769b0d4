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

Individual NHS trusts are not the same body as the curated collective "NHS trusts and foundation trusts"
(``id/body/nhs-trusts``, which the curated accountabilities, findings and figures name): each one is a
*member* of it, written ``org:memberOf`` (W3C ORG) in the same source graph, with its reason — an ODS record
of an NHS trust in England, a body of kind trust, a GOV.UK title that names an NHS trust, or the
``owl:sameAs`` of such a record. Trusts outside England (ODS region W00, Wales) are listed as not members.

The GMPP ingester decides itself which rows of different years are one project (by GMPP id, else by name
and department) and which SRO names are one person (one department, or one project naming them in two);
the report repeats those decisions with their reasons — matches, ambiguous names left apart, people with
one name in different departments left apart — from the ingest report of the GMPP source (``portfolio``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Graph, URIRef

from graph.backends import Backend
from graph.namespaces import GK, shorten
from ingest.datasets import OWL, TYPE, adder, digest, gk, iri
from ingest.pipeline import Prepared

KEY = "reconciliation"
VERSION = b"reconcile:2"
DATASET_INGESTERS = ("govuk", "ods", "gmpp", "lessons")
_STOP = {"and", "of", "for", "the", "in", "on", "at", "to", "a"}
_TRUST_SUFFIX = re.compile(r"\s(?:nhs\s)?(?:foundation\s)?trust$")
# A normalised NHS trust name: "… NHS Trust", "… NHS Foundation Trust", "… NHS FT", and "… National Health
# Service Trust" (as ODS writes Portsmouth's and GOV.UK NHS Direct's).
_NHS_TRUST_NAME = re.compile(
    r"^(?P<core>.+?)\s(?:nhs|national health service)\s(?:(?P<foundation>foundation\s)?trust|(?P<ft>f)t)$")
ORG = "http://www.w3.org/ns/org#"


@dataclass(frozen=True)
class Collective:
    """A curated body that stands for many bodies taken together, and which records are its members."""

    key: str  # the curated body's key
    member_kind: str  # body kind of its members (body-kind/<notation>)
    country: str  # the members are the trusts of this country …
    outside: dict[str, str]  # … so an ODS national grouping beginning with one of these is not a member


NHS_TRUSTS = Collective("nhs-trusts", "trust", "England", {"W": "Wales"})


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
    kind: str = ""  # body kind notation (trust, executive-ndpb…)
    region_code: str = ""  # ODS national grouping (Y56…, W00)
    region: str = ""
    end: str = ""

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
class NotMember:
    subject: dict[str, str]
    reason: str  # outside-england
    detail: str


@dataclass
class Reconciliation:
    matches: list[Match]
    ambiguous: list[Ambiguity]
    records: dict[str, int]  # records considered, per source
    unmatched: list[dict[str, str]] = field(default_factory=list)  # identifiers that name nothing elsewhere
    memberships: list[Match] = field(default_factory=list)  # org:memberOf the collective
    not_members: list[NotMember] = field(default_factory=list)
    collective: dict[str, str] | None = None  # the collective body, when the store holds it
    portfolio: dict[str, list[Any]] = field(default_factory=dict)  # the GMPP ingester's matches (PORTFOLIO)

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "links": len(self.matches), "by_reason": _count(self.matches),
                "portfolio": self.portfolio,
                "matches": [asdict(m) for m in self.matches], "ambiguous": [asdict(a) for a in self.ambiguous],
                "unmatched_identifiers": self.unmatched,
                "collective": self.collective, "members": len(self.memberships),
                "membership_by_reason": _count(self.memberships),
                "memberships": [asdict(m) for m in self.memberships],
                "not_members": [asdict(n) for n in self.not_members]}

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
        matched = summary(_count(self.matches))
        members = (f"; {len(self.memberships)} org:memberOf links to the collective “{self.collective['label']}” "
                   f"({summary(_count(self.memberships))}), {len(self.not_members)} trusts outside it"
                   if self.collective else "")
        add(doc, "dcterms:description", f"{len(self.matches)} links ({matched}){members}; {len(self.ambiguous)} "
                                        "ambiguous candidates left unlinked. `govkg reconcile --report` lists them.")
        for m in [*self.matches, *self.memberships]:
            pred = URIRef({"owl:sameAs": OWL + "sameAs", "org:memberOf": ORG + "memberOf"}.get(
                m.link, GK + "sameInitiativeAs"))
            g.add((URIRef(m.subject["iri"]), pred, URIRef(m.target["iri"])))
        return g

    def prepared(self) -> Prepared:
        g = self.graph()
        links = sorted(f"{m.subject['iri']} {m.link} {m.target['iri']}" for m in [*self.matches, *self.memberships])
        content_hash = digest(VERSION, "\n".join(links).encode(),
                              json.dumps([asdict(a) for a in self.ambiguous], sort_keys=True).encode(),
                              json.dumps([asdict(n) for n in self.not_members], sort_keys=True).encode())
        report = {"links": len(self.matches), "by_reason": _count(self.matches),
                  "ambiguous": len(self.ambiguous), "records": self.records,
                  "portfolio": {k: len(v) for k, v in self.portfolio.items()},
                  "members": len(self.memberships), "membership_by_reason": _count(self.memberships),
                  "not_members": len(self.not_members)}
        return Prepared(KEY, "Reconciliation of curated and dataset records", "govkg reconcile", "reconcile",
                        content_hash, graph=g, report=report)


def _count(links: list[Match]) -> dict[str, int]:
    by_reason: dict[str, int] = defaultdict(int)
    for m in links:
        by_reason[m.reason] += 1
    return dict(sorted(by_reason.items()))


def summary(by_reason: dict[str, int]) -> str:
    return ", ".join(f"{n} by {r}" for r, n in by_reason.items()) or "none"


# ------------------------------------------------------------------------------------------- names
def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def core_name(name: str) -> str:
    """A normalised name without an NHS trust suffix ('Public Health Wales NHS Trust' → 'public health wales')."""
    core = _TRUST_SUFFIX.sub("", trust_name(name))
    return core if core != name and len(core.split()) >= 2 else ""


def trust_name(name: str) -> str:
    """The usual form of a normalised NHS trust name: 'National Health Service Trust' → 'nhs trust', 'NHS FT' →
    'nhs foundation trust', 'Saint' → 'st'; any other name is returned as it is."""
    found = _NHS_TRUST_NAME.match(name)
    if not found:
        return name
    core = re.sub(r"\bsaint\b", "st", found["core"])
    return f"{core} nhs {'foundation ' if found['foundation'] or found['ft'] else ''}trust"


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
def _records(store: Backend) -> tuple[dict[str, Record], dict[str, Record]]:
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
                       ("gk:govukSlug", "govuk_slug"), ("gk:odsCode", "ods_code"), ("gk:gmppId", "gmpp_id"),
                       ("gk:bodyKind/skos:notation", "kind"), ("gk:regionCode", "region_code"),
                       ("gk:region", "region"), ("gk:endDate", "end")):
        for row in store.select(f"SELECT ?s ?v WHERE {{ ?s {prop} ?v }}"):
            rec = bodies.get(row["s"]) or initiatives.get(row["s"])
            if rec is None or row["v"] is None:
                continue
            value = str(row["v"]).strip()
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
        rec.names.add(trust_name(norm))  # 'x nhs ft' and 'x national health service trust' as usually written
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


def reconcile(store: Backend) -> Reconciliation:
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
    result = Reconciliation(matches, _distinct(ambiguous), dict(sorted(counts.items())), unmatched)
    _members(result, NHS_TRUSTS, bodies, clusters, _source_of(bodies, "ods"), _source_of(bodies, "govuk"))
    result.portfolio = portfolio(store)
    result.matches += document_links(store)
    return result


# ------------------------------------------------------------------------------------------- the portfolio
# the GMPP ingest report's lists that say which rows are one project and which SRO names one person
PORTFOLIO = {"matched_by_name": "GMPP rows without an id matched to a project of another year by name and department",
             "ambiguous_names": "GMPP rows without an id that could be more than one project: not merged",
             "sro_people_merged": "SROs named in several departments, one person because one project names them "
                                  "in both",
             "sro_same_name_not_merged": "SROs with the same name in different departments: not merged (no "
                                         "project names them in both)"}


def portfolio(store: Backend) -> dict[str, list[Any]]:
    """The matching decisions of the GMPP sources in the store, from their ingest reports."""
    out: dict[str, list[Any]] = {name: [] for name in PORTFOLIO}
    for src in sorted(store.sources().values(), key=lambda s: s.key):
        if src.ingester != "gmpp" or not src.report:
            continue
        report = json.loads(src.report)
        for name in PORTFOLIO:
            out[name] += [{**entry, "source": src.key} for entry in report.get(name, [])]
    return out


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


# ------------------------------------------------------------------------------------------- membership
def _members(result: Reconciliation, collective: Collective, bodies: dict[str, Record], clusters: _Clusters,
             ods_group: str, govuk_group: str) -> None:
    """Link every record that is one of the collective's members to it (``org:memberOf``), with its reason.

    A record's own evidence comes first: an ODS trust record (a member unless its national grouping is outside
    the country), a body of the members' kind, a GOV.UK title that names an NHS trust. Then each record that is
    ``owl:sameAs`` one with evidence takes it on; a body that ODS places outside the country is not a member
    under any of its records."""
    whole = next((r for r in bodies.values() if r.group == "curated" and r.iri == str(iri("body", collective.key))),
                 None)
    if whole is None:
        return
    result.collective = whole.brief()
    home = clusters.find(whole.iri)
    own: dict[str, tuple[bool, str, str]] = {}  # iri → (member?, reason, detail)
    for rec in bodies.values():
        if clusters.find(rec.iri) == home:
            continue
        if rec.group == ods_group and rec.ods_code and rec.kind == collective.member_kind:
            away = next((c for p, c in collective.outside.items() if rec.region_code.upper().startswith(p)), "")
            where = f"{rec.region or 'unknown'} ({rec.region_code or 'no code'})"
            if away:
                own[rec.iri] = (False, f"outside-{collective.country.lower()}",
                                f"ODS record type: NHS trust, region {where}: a trust in {away}, and the collective "
                                f"is the trusts in {collective.country}")
            else:
                own[rec.iri] = (True, "ods-trust", f"ODS record type: NHS trust, ODS code {rec.ods_code}, region "
                                                   f"{where}{_closed(rec)}")
        elif rec.kind == collective.member_kind:
            own[rec.iri] = (True, "body-kind", f"body kind {rec.kind} in {rec.source}{_closed(rec)}")
        elif rec.group == govuk_group and any(_NHS_TRUST_NAME.match(n) for n in rec.names):
            own[rec.iri] = (True, "govuk-title", f"the GOV.UK title “{rec.label}” names an NHS trust; no ODS record "
                                                 f"is linked to it, so its country is not checked{_closed(rec)}")
    evidence: dict[str, list[Record]] = defaultdict(list)  # cluster → records with evidence, ODS first
    for record_iri in sorted(own, key=lambda i: (bodies[i].group != ods_group, i)):
        evidence[clusters.find(record_iri)].append(bodies[record_iri])
    for rec in sorted(bodies.values(), key=lambda r: r.iri):
        root = clusters.find(rec.iri)
        if root not in evidence:
            continue
        against = [r for r in evidence[root] if not own[r.iri][0]]
        first = (against or evidence[root])[0]  # ODS speaks for the body when it holds it
        agrees = rec.iri in own and own[rec.iri][0] == own[first.iri][0]
        if rec is first or (agrees and first.group != ods_group):
            reason, detail = own[rec.iri][1:]
        else:
            reason = own[first.iri][1] if against else "same-as-member"
            detail = f"same body (owl:sameAs) as {who(first.brief())}: {own[first.iri][2]}"
        if against:
            result.not_members.append(NotMember(rec.brief(), reason, detail))
        else:
            result.memberships.append(Match(rec.brief(), whole.brief(), "org:memberOf", reason, detail))
    result.memberships.sort(key=lambda m: (m.reason, m.subject["label"], m.subject["iri"]))
    result.not_members.sort(key=lambda n: (n.subject["label"], n.subject["iri"]))


def _closed(rec: Record) -> str:
    return f"; closed {rec.end}, a member until then" if rec.end else ""


def who(rec: dict[str, str]) -> str:
    """A record as the report names it: its short IRI, label and source."""
    return f"{shorten(rec['iri'])} “{rec['label']}” [{rec['source']}]"


# ------------------------------------------------------------------------------------------- document records
def document_links(store: Backend) -> list[Match]:
    """Findings, recommendations and lessons read from a document that say the same thing as a curated record of
    the same source: for each document recognised as a copy of a curated source (``prov:alternateOf``, see
    ingest/documents/sameas.py), its records paired one to one with the curated records citing that source,
    by the similarity of their texts. Each pair is an ``owl:sameAs`` with the reason ``same-statement`` and the
    cosine; nothing is merged. None when the sentence encoder is not installed."""
    from ingest.documents.model import ModelUnavailable, encoder
    from ingest.documents.sameas import KINDS, Said, curated_statements, pair

    rows = store.select("""SELECT ?doc ?k ?src ?r ?t ?text WHERE { ?doc a gk:SourceDocument ; gk:key ?k ;
        prov:alternateOf ?src . ?r gk:extractedFrom ?st ; prov:wasDerivedFrom ?doc ; a ?t .
        VALUES ?t { gk:Finding gk:Recommendation gk:Lesson }
        OPTIONAL { ?r gk:text ?x } OPTIONAL { ?r gk:lessonText ?y } BIND(COALESCE(?x, ?y) AS ?text)
        FILTER(BOUND(?text)) }""")
    if not rows:
        return []
    try:
        enc = encoder()
    except ModelUnavailable:
        return []
    curated = curated_statements(store)
    by_doc: dict[tuple[str, str], list[Said]] = defaultdict(list)
    for r in rows:
        by_doc[(str(r["k"]), str(r["src"]).rsplit("/", 1)[-1])].append(
            Said(str(r["r"]), KINDS[str(r["t"]).rsplit("#", 1)[-1]], str(r["text"])))
    out: list[Match] = []
    for (doc, source), ours in sorted(by_doc.items()):
        theirs = [c for c in curated if source in c.sources]
        for p in pair(sorted(ours, key=lambda s: s.iri), theirs, enc.encode):
            out.append(Match({"iri": p.ours.iri, "label": p.ours.text, "source": doc},
                             {"iri": p.theirs.iri, "label": p.theirs.label, "source": "curated"}, "owl:sameAs",
                             "same-statement", f"cosine {p.cosine:.3f} (next best {p.cosine - p.margin:.3f}); "
                                               f"the document is a copy of {source}, which the curated record cites"))
    return out


__all__ = ["NHS_TRUSTS", "Collective", "Reconciliation", "document_links", "reconcile", "summary", "trust_name", "who"]
