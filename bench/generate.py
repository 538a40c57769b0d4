"""Generate a synthetic GovKG graph in N-Triples, deterministically, at a target size.

    python bench/generate.py --triples 1000000 -o /tmp/govkg-1m.nt [--seed 42] [--check]

The graph uses the same vocabulary and IRI patterns as the curated ingester (ingest/curated.py): sources,
a three-level SKOS theme tree, scopes, bodies with kinds and lineage (gk:LineageEvent + gk:succeededBy, as
chains, merges, splits and absorptions), posts, people and tenures, programmes with parts (two or three
levels), dated accountabilities per scope (hand-overs, overlaps, gaps, dormant periods, coarse dates,
open-ended current holders), lessons (20-60 word texts) on themes, findings, recommendations addressed to
bodies, targets and figures (series of estimates). The concept schemes of ontology/schemes.ttl
(accountability kinds, lineage kinds, units … with their skos:notation) are included as they are, so the
canned queries find them. No blank nodes are written.

Beside the output it writes ``<output>.params.json``: the counts, the exact triple count, and for every
canned query the parameters to run it with (typical entities, chosen from the generated structure so that
each query returns rows). Every entity count scales with the target size, so a per-body/scope/theme query
returns about as many rows at 10k as at 1M; only the whole-graph queries grow.

The same seed and target always give the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
XSD = "http://www.w3.org/2001/XMLSchema#"

SCHEMES_TTL = Path(__file__).resolve().parent.parent / "ontology" / "schemes.ttl"
GENERATOR_VERSION = "3"

# Entity counts per 1M triples (the calibration below scales them to hit the target).
BASE = {
    "sources": 2500, "themes": 1800, "scopes": 3500, "body_groups": 2300, "posts": 800, "people": 1500,
    "programmes": 1000, "lessons": 18000, "findings": 4000, "recommendations": 9000, "figure_series": 2400,
    "targets": 900,
}
MINIMUM = {
    "sources": 8, "themes": 12, "scopes": 12, "body_groups": 12, "posts": 3, "people": 5, "programmes": 4,
    "lessons": 30, "findings": 8, "recommendations": 20, "figure_series": 8, "targets": 3,
}

# ------------------------------------------------------------------------------------------- vocabulary
W_ADJ = ("national", "regional", "digital", "shared", "integrated", "central", "local", "strategic", "clinical",
         "financial", "operational", "public", "joint", "independent", "secure", "modern", "common", "core",
         "electronic", "statutory", "interim", "long-term", "cross-government", "front-line", "legacy")
W_NOUN = ("records", "services", "payments", "identity", "data", "procurement", "benefits", "care", "health",
          "justice", "defence", "tax", "borders", "education", "transport", "housing", "pensions", "courts",
          "infrastructure", "networks", "licensing", "grants", "workforce", "estates", "case management",
          "customer contact", "information", "cyber security", "analytics", "platforms", "registration")
W_BODY_HEAD = ("Department for", "Office of", "Agency for", "Board of", "Authority for", "Service for",
               "Directorate of", "Commission for", "Unit for", "Council for")
W_BODY_TAIL = ("Agency", "Authority", "Service", "Executive", "Office", "Board", "Trust", "Directorate",
               "Unit", "Commission")
W_PROG = ("Programme", "Transformation", "Modernisation", "Replacement", "Platform", "Service", "Strategy",
          "Initiative", "Project", "Contract", "Fund", "Review")
W_SUBJ = ("the department", "the programme board", "the senior responsible owner", "the delivery team",
          "the supplier", "the accounting officer", "the sponsoring body", "ministers", "the agency",
          "the oversight board", "the project team", "the commissioning body", "local organisations",
          "the central unit", "users", "the authority", "the finance team", "the technical lead")
W_VERB = ("did not assess", "underestimated", "failed to test", "set out", "reviewed", "agreed",
          "could not demonstrate", "revised", "extended", "procured", "delayed", "reported", "tracked",
          "challenged", "replanned", "escalated", "scoped", "funded", "integrated", "withdrew",
          "overcommitted", "de-scoped", "validated", "piloted", "handed over")
W_OBJ = ("the business case", "the delivery timetable", "the benefits", "the contract", "the requirements",
         "the costs", "the risks", "user needs", "the data migration", "the governance arrangements",
         "the technical architecture", "the savings", "the milestones", "the exit plan", "the dependencies",
         "the assurance reviews", "the supplier performance", "the legacy systems", "the transition plan",
         "the workforce plan", "the funding", "the scope", "the deployment", "the testing strategy")
W_CLAUSE = ("before the contract was signed", "after the first release", "despite repeated warnings",
            "within the original budget", "without a clear owner", "across several organisations",
            "at the start of the programme", "during the pilot", "when the policy changed",
            "as the scope grew", "over several spending reviews", "once the supplier was appointed",
            "in line with the Green Book", "before go-live", "ahead of the spending review",
            "while the legacy contracts ran on", "without enough specialist staff")
W_SHOULD = ("should", "must", "needs to", "ought to")
W_DO = ("agree", "publish", "test", "fund", "assure", "simplify", "stabilise", "prioritise", "own",
        "track", "review", "plan", "staff", "contract for", "re-baseline", "explain")
W_MEASURE = ("whole-life cost", "spend to date", "expected savings", "contract value", "budget",
             "benefits realised", "users migrated", "systems replaced", "staff affected", "delay",
             "share of milestones met", "write-off", "annual running cost")
W_THEME = ("governance", "leadership", "commercial", "contracting", "skills", "capability", "benefits",
           "requirements", "data", "architecture", "security", "assurance", "finance", "risk",
           "user research", "transition", "legacy", "integration", "testing", "planning", "scope control",
           "stakeholders", "accountability", "transparency", "change management", "supplier management",
           "portfolio", "estimating", "programme control", "culture")
PUBLISHERS = ("National Audit Office", "Committee of Public Accounts", "Infrastructure and Projects Authority",
              "Cabinet Office", "HM Treasury", "Institute for Government", "Government Digital Service",
              "Health and Social Care Committee", "Public Administration Committee", "GOV.UK")

BODY_KINDS_GOV = ("department", "ministerial-department", "non-ministerial-department", "executive-agency",
                  "ndpb", "executive-ndpb", "special-health-authority", "trust", "joint-unit", "board",
                  "public-corporation", "sub-organisation")
BODY_KINDS_OTHER = ("supplier", "parliamentary-committee", "audit-office", "advisory-ndpb",
                    "independent-monitoring-body", "other")
CHAIN_KINDS = (("accountable", 1.0), ("responsible", 0.6), ("sro", 0.35), ("delivery", 0.5),
               ("sponsor", 0.2), ("policy", 0.2))
# A dormant period stops every chain kind, so accountability-gaps finds it whichever of these kinds it counts
# (as long as "accountable" is one of them).
KEY_KINDS = tuple(k for k, _ in CHAIN_KINDS)
SHARED_KINDS = (("oversight", 0.6), ("scrutiny", 0.3), ("funding", 0.4))
REC_STATUS = ("open", "accepted", "implemented", "partly-implemented", "superseded", "unknown")
TARGET_STATUS = ("met", "missed", "replaced", "open", "unknown")
QUALIFIERS = ("exact", "approximate", "up-to", "at-least", "range-low", "range-high")
SOURCE_KINDS = ("report", "press-release", "committee-report", "evidence", "news", "review", "strategy",
                "dataset", "letter", "parliamentary-question")
CERTAINTY = ("sourced",) * 14 + ("secondary", "secondary", "inferred", "uncertain")

TODAY = dt.date(2025, 6, 30).toordinal()
Y = 365


def iri(kind: str, key: str) -> str:
    return f"<{ID}{kind}/{key}>"


def esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(text: str) -> str:
    return f'"{esc(text)}"'


def dlit(ordinal: int) -> str:
    return f'"{dt.date.fromordinal(ordinal).isoformat()}"^^<{XSD}date>'


def year_of(ordinal: int) -> int:
    return dt.date.fromordinal(ordinal).year


def ymd(y: int, m: int = 1, d: int = 1) -> int:
    return dt.date(y, m, d).toordinal()


def label90(text: str) -> str:
    return text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"


def slugify(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(p for p in "".join(out).split("-") if p)


@dataclass
class Acc:
    key: str
    scope: int
    kind: str
    holder: str  # IRI
    start: int
    end: int | None  # None: still in force


@dataclass
class World:
    """What was generated, kept to choose query parameters."""

    sources: list[str] = field(default_factory=list)
    citations: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    theme_children: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    theme_level: list[int] = field(default_factory=list)
    theme_keys: list[str] = field(default_factory=list)
    lessons_by_theme: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    scope_keys: list[str] = field(default_factory=list)
    accs: list[Acc] = field(default_factory=list)
    body_keys: list[str] = field(default_factory=list)
    succ: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    pred: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    groups: list[list[int]] = field(default_factory=list)
    recs_to_body: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    prog_keys: list[str] = field(default_factory=list)
    prog_parts: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    top_programmes: list[int] = field(default_factory=list)
    figures_about_prog: dict[int, int] = field(default_factory=lambda: defaultdict(int))


class Generator:
    def __init__(self, counts: dict[str, int], seed: int) -> None:
        self.n = counts
        self.rng = random.Random(seed)
        self.out: list[str] = []
        self.w = World()

    # -------------------------------------------------------------------------------- helpers
    def t(self, s: str, p: str, o: str) -> None:
        self.out.append(f"{s} {p} {o} .\n")

    def words(self, lo: int, hi: int) -> str:
        """Text of lo..hi words in plausible sentences."""
        rng = self.rng
        target = rng.randint(lo, hi)
        sentences: list[str] = []
        count = 0
        while count < target:
            if rng.random() < 0.55:
                parts = [rng.choice(W_SUBJ), rng.choice(W_VERB), rng.choice(W_OBJ)]
                if rng.random() < 0.6:
                    parts.append(rng.choice(W_CLAUSE))
            else:
                parts = [rng.choice(W_SUBJ), rng.choice(W_SHOULD), rng.choice(W_DO), rng.choice(W_OBJ)]
                if rng.random() < 0.5:
                    parts.append(rng.choice(W_CLAUSE))
            sentence = " ".join(parts)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            count += sentence.count(" ") + 1
        text = " ".join(sentences).split(" ")
        return " ".join(text[:target]).rstrip(".,") + "."

    def title(self) -> str:
        rng = self.rng
        text = f"{rng.choice(W_SUBJ)} {rng.choice(W_VERB)} {rng.choice(W_OBJ)}"
        return text[0].upper() + text[1:]

    def cite(self, subject: str) -> None:
        """prov:wasDerivedFrom 1-2 sources (skewed: a few big reports are cited a lot) and gk:certainty."""
        first = self.pick_source()
        sources = [first] if self.rng.random() < 0.7 else [first, self.pick_source()]
        for src in dict.fromkeys(sources):  # two different sources, or one
            self.w.citations[src] += 1
            self.t(subject, f"<{PROV}wasDerivedFrom>", iri("source", src))
        self.t(subject, f"<{GK}certainty>", lit(self.rng.choice(CERTAINTY)))

    def pick_source(self) -> str:
        i = bisect.bisect_left(self._src_cum, self.rng.random() * self._src_cum[-1])
        return self.w.sources[min(i, len(self.w.sources) - 1)]

    def date_between(self, a: int, b: int) -> int:
        return self.rng.randint(a, max(a, b))

    def coarse(self, subject: str, pred: str, ordinal: int, *, end: bool,
               p_month: float = 0.12, p_year: float = 0.06) -> int:
        """A date with the curated precision rules: month/year precision → first (start) or last (end) day."""
        r = self.rng.random()
        d = dt.date.fromordinal(ordinal)
        precision = ""
        if r < p_month:
            precision = "month"
            if end:
                nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
                d = nxt - dt.timedelta(days=1)
            else:
                d = d.replace(day=1)
        elif r < p_month + p_year:
            precision = "year"
            d = dt.date(d.year, 12, 31) if end else dt.date(d.year, 1, 1)
        self.t(subject, f"<{GK}{pred}Date>", dlit(d.toordinal()))
        if precision:
            self.t(subject, f"<{GK}{pred}Precision>", lit(precision))
        return d.toordinal()

    # -------------------------------------------------------------------------------- sections
    def run(self) -> World:
        self.schemes()
        self.sources()
        self.themes()
        self.bodies()
        self.people_and_posts()
        self.programmes()
        self.scopes()
        self.accountabilities()
        self.lessons()
        self.findings()
        self.recommendations()
        self.targets()
        self.figures()
        return self.w

    def schemes(self) -> None:
        import pyoxigraph as ox

        data = ox.serialize(ox.parse(path=str(SCHEMES_TTL), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
        lines = sorted(set(data.decode("utf-8").splitlines()))
        self.out.extend(line + "\n" for line in lines if line.strip())

    def sources(self) -> None:
        rng, w = self.rng, self.w
        n = self.n["sources"]
        for i in range(n):
            pub = rng.choice(PUBLISHERS)
            year = rng.randint(1995, 2025)
            key = f"{slugify(pub)[:12].rstrip('-')}-{year}-{i:05d}"
            w.sources.append(key)
            s = iri("source", key)
            title = f"{rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN)}: {self.title().lower()}"
            self.t(s, RDF_TYPE, f"<{GK}SourceDocument>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{DCT}title>", lit(title))
            self.t(s, f"<{RDFS}label>", lit(label90(title)))
            self.t(s, f"<{GK}publisherName>", lit(pub))
            self.t(s, f"<{DCT}issued>", dlit(self.date_between(ymd(year), ymd(year, 12, 31))))
            if rng.random() < 0.6:
                self.t(s, f"<{DCT}identifier>", lit(f"HC {rng.randint(10, 2000)}"))
            self.t(s, f"<{GK}url>", f'"https://example.org/{key}"^^<{XSD}anyURI>')
            self.t(s, f"<{GK}sourceKind>", lit(rng.choice(SOURCE_KINDS)))
            self.t(s, f"<{GK}reliability>", lit("primary" if rng.random() < 0.8 else "secondary"))
        # Citation weights: Zipf-like (a few big reports support hundreds of records), order shuffled.
        weights = [1.0 / (r + 5) ** 0.9 for r in range(n)]
        rng.shuffle(weights)
        self._src_cum = list(accumulate(weights))

    def themes(self) -> None:
        rng, w = self.rng, self.w
        n = self.n["themes"]
        n_top = max(3, n // 60)
        n_mid = max(4, n // 6)
        n_leaf = max(4, n - n_top - n_mid)
        levels = [0] * n_top + [1] * n_mid + [2] * n_leaf
        parents: list[int | None] = []
        for i, level in enumerate(levels):
            if level == 0:
                parents.append(None)
            elif level == 1:
                parents.append(rng.randrange(n_top))
            else:  # leaves: each middle theme gets about the same number of leaves
                parents.append(n_top + (i - n_top - n_mid) % n_mid)
        for i, (level, parent) in enumerate(zip(levels, parents, strict=True)):
            base = W_THEME[i % len(W_THEME)]
            label = base if i < len(W_THEME) and level == 0 else f"{base} {rng.choice(W_NOUN)} {i}"
            key = slugify(label)
            w.theme_keys.append(key)
            w.theme_level.append(level)
            s = iri("theme", key)
            self.t(s, RDF_TYPE, f"<{GK}Theme>")
            self.t(s, RDF_TYPE, f"<{SKOS}Concept>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{SKOS}prefLabel>", lit(label.capitalize()))
            self.t(s, f"<{SKOS}definition>", lit(self.words(8, 20)))
            if parent is not None:
                self.t(s, f"<{SKOS}broader>", iri("theme", w.theme_keys[parent]))
                w.theme_children[parent].append(i)
            self.cite(s)

    def body_label(self, gov: bool) -> str:
        rng = self.rng
        if not gov:
            return f"{rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN).title()} {rng.choice(('Ltd', 'plc', 'Committee', 'Review', 'Panel'))}"
        if rng.random() < 0.5:
            return f"{rng.choice(W_BODY_HEAD)} {rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN).title()}"
        return f"{rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN).title()} {rng.choice(W_BODY_TAIL)}"

    def bodies(self) -> None:
        """Lineage groups: one body alone, or a DAG grown by renames, replacements, merges, splits, absorptions."""
        rng, w = self.rng, self.w
        self._gov_bodies: list[int] = []
        self._other_bodies: list[int] = []
        self._body_start: list[int] = []
        self._body_end: list[int | None] = []
        self._body_labels: list[str] = []
        self._body_gov: list[bool] = []
        edges: list[tuple[int, int, str, int]] = []

        def new_body(gov: bool, start: int) -> int:
            i = len(w.body_keys)
            label = self.body_label(gov)
            w.body_keys.append(f"{slugify(label)[:40].rstrip('-')}-{i:05d}")
            self._body_labels.append(label)
            self._body_start.append(start)
            self._body_end.append(None)
            self._body_gov.append(gov)
            (self._gov_bodies if gov else self._other_bodies).append(i)
            return i

        for _ in range(self.n["body_groups"]):
            gov = rng.random() < 0.75
            start = ymd(rng.randint(1965, 2018), rng.randint(1, 12), rng.randint(1, 28))
            first = new_body(gov, start)
            group = [first]
            w.groups.append(group)
            r = rng.random()
            steps = 0 if (not gov or r < 0.45) else (rng.randint(1, 3) if r < 0.85 else rng.randint(4, 9))
            live = [first]
            when = start
            for _step in range(steps):
                when += rng.randint(1 * Y, 7 * Y)
                if when > TODAY - 30:
                    break
                op = rng.random()
                if op < 0.45:  # rename / replace
                    p = rng.choice(live)
                    b = new_body(True, when)
                    group.append(b)
                    edges.append((p, b, rng.choice(("renamed", "replaced")), when))
                    live.remove(p)
                    live.append(b)
                elif op < 0.75:  # merge two live bodies (or one live + a newcomer) into a new body
                    p1, p2 = rng.sample(live, 2) if len(live) >= 2 else (live[0], None)
                    if p2 is None:
                        p2 = new_body(True, when - rng.randint(2 * Y, 10 * Y))
                        group.append(p2)
                        live.append(p2)
                    b = new_body(True, when)
                    group.append(b)
                    edges += [(p1, b, "merged", when), (p2, b, "merged", when)]
                    live.remove(p1)
                    live.remove(p2)
                    live.append(b)
                elif op < 0.88 and len(live) < 4:  # split
                    p = rng.choice(live)
                    b1, b2 = new_body(True, when), new_body(True, when)
                    group += [b1, b2]
                    edges += [(p, b1, "split", when), (p, b2, "split", when)]
                    live.remove(p)
                    live += [b1, b2]
                elif len(live) >= 2:  # absorbed into another live body
                    p, q = rng.sample(live, 2)
                    edges.append((p, q, "absorbed", when))
                    live.remove(p)
                else:  # nothing to absorb into: a rename
                    p = live[0]
                    b = new_body(True, when)
                    group.append(b)
                    edges.append((p, b, "renamed", when))
                    live = [b]
            for b in live:
                if rng.random() < 0.08:  # closed without a successor
                    self._body_end[b] = min(TODAY - 1, max(self._body_start[b] + Y, when + rng.randint(Y, 5 * Y)))
        for p, s, _kind, when in edges:
            w.succ[p].append(s)
            w.pred[s].append(p)
            self._body_end[p] = when - 1
        departments = [b for b in self._gov_bodies if not w.pred[b]][: max(3, len(self._gov_bodies) // 20)]
        for i, key in enumerate(w.body_keys):
            s = iri("body", key)
            gov = self._body_gov[i]
            label = self._body_labels[i]
            self.t(s, RDF_TYPE, f"<{GK}Body>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{RDFS}label>", lit(label))
            abbrev = "".join(p[0] for p in label.split() if p[0].isupper())
            if rng.random() < 0.6:
                self.t(s, f"<{GK}abbreviation>", lit(abbrev))
            if rng.random() < 0.3:
                self.t(s, f"<{SKOS}altLabel>", lit(f"{label} ({rng.choice(('England', 'UK', 'GB'))})"))
            kind = rng.choice(BODY_KINDS_GOV if gov else BODY_KINDS_OTHER)
            self.t(s, f"<{GK}bodyKind>", iri("body-kind", kind))
            self.coarse(s, "start", self._body_start[i], end=False)
            if self._body_end[i] is not None:
                self.coarse(s, "end", self._body_end[i], end=True)
            if gov and departments and rng.random() < 0.4 and i not in departments:
                self.t(s, f"<{GK}parent>", iri("body", w.body_keys[rng.choice(departments)]))
            if gov and rng.random() < 0.3:
                self.t(s, f"<{GK}govukSlug>", lit(slugify(label)))
            self.t(s, f"<{DCT}description>", lit(self.words(10, 30)))
            self.cite(s)
            for succ in w.succ[i]:
                self.t(s, f"<{GK}succeededBy>", iri("body", w.body_keys[succ]))
        for p, succ, kind, when in edges:
            pk, sk = w.body_keys[p], w.body_keys[succ]
            e = iri("lineage", f"{pk}--{sk}")
            self.t(e, RDF_TYPE, f"<{GK}LineageEvent>")
            self.t(e, f"<{GK}key>", lit(f"{pk}--{sk}"))
            self.t(e, f"<{GK}predecessor>", iri("body", pk))
            self.t(e, f"<{GK}successor>", iri("body", sk))
            self.t(e, f"<{GK}lineageKind>", iri("lineage-kind", kind))
            if rng.random() < 0.95:
                self.t(e, f"<{GK}date>", dlit(when))
            self.t(e, f"<{RDFS}label>", lit(f"{pk} {kind} into {sk}"))
            self.cite(e)
        # holders are skewed: a quarter of the government bodies hold most accountabilities
        self._holder_weights = list(accumulate(1.0 / (r + 3) for r in range(len(self._gov_bodies))))

    def people_and_posts(self) -> None:
        rng, w = self.rng, self.w
        first = ("Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Ruth", "David", "Priya", "Tom", "Aisha", "Mark",
                 "Helen", "Ian", "Fiona", "Gareth", "Nadia", "Owen", "Sarah", "Kwame")
        last = ("Smith", "Jones", "Patel", "Brown", "Taylor", "Khan", "Evans", "Wilson", "Hughes", "Clarke",
                "Ahmed", "Walker", "Wright", "Green", "Hall", "Wood", "Lewis", "Shaw", "Moore", "Bell")
        self._people: list[str] = []
        for i in range(self.n["people"]):
            label = f"{rng.choice(first)} {rng.choice(last)}"
            key = f"{slugify(label)}-{i:05d}"
            self._people.append(key)
            s = iri("person", key)
            self.t(s, RDF_TYPE, f"<{GK}Person>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{RDFS}label>", lit(label))
            self.cite(s)
        self._posts: list[str] = []
        for i in range(self.n["posts"]):
            body = rng.choice(self._gov_bodies)
            role = rng.choice(("Permanent Secretary", "Chief Executive", "Chief Digital Officer",
                               "Director General", "Programme Director", "Senior Responsible Owner"))
            label = f"{role}, {self._body_labels[body]}"
            key = f"{slugify(role)}-{i:05d}"
            self._posts.append(key)
            s = iri("post", key)
            self.t(s, RDF_TYPE, f"<{GK}Post>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{RDFS}label>", lit(label))
            self.t(s, f"<{ORG}postIn>", iri("body", w.body_keys[body]))
            self.cite(s)
            when = max(self._body_start[body], ymd(1990))
            for n in range(1, rng.randint(1, 4) + 1):
                person = rng.choice(self._people)
                tk = f"{key}--{person}-{n}"
                ten = iri("tenure", tk)
                end = when + rng.randint(Y, 6 * Y)
                self.t(ten, RDF_TYPE, f"<{GK}Tenure>")
                self.t(ten, f"<{GK}key>", lit(tk))
                self.t(ten, f"<{GK}post>", s)
                self.t(ten, f"<{GK}person>", iri("person", person))
                self.coarse(ten, "start", when, end=False)
                if end < TODAY:
                    self.coarse(ten, "end", end, end=True)
                self.cite(ten)
                when = end + 1
                if when >= TODAY:
                    break

    def programmes(self) -> None:
        """Top programmes with 0-8 parts; some parts have parts of their own (three levels)."""
        rng, w = self.rng, self.w
        self._prog_start: list[int] = []
        self._prog_end: list[int] = []

        def new(kind: str, parent: int | None, start: int, end: int) -> int:
            i = len(w.prog_keys)
            label = f"{rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN).title()} {rng.choice(W_PROG)}"
            key = f"{slugify(label)[:40].rstrip('-')}-{i:05d}"
            w.prog_keys.append(key)
            self._prog_start.append(start)
            self._prog_end.append(end)
            s = iri("programme", key)
            cls = "Project" if kind in ("project", "contract") else "Programme"
            self.t(s, RDF_TYPE, f"<{GK}{cls}>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{RDFS}label>", lit(label))
            self.t(s, f"<{GK}initiativeKind>", lit(kind))
            if parent is not None:
                self.t(s, f"<{GK}partOf>", iri("programme", w.prog_keys[parent]))
                w.prog_parts[parent].append(i)
            self.coarse(s, "start", start, end=False)
            if end < TODAY:
                self.coarse(s, "end", end, end=True)
            self.t(s, f"<{DCT}description>", lit(self.words(15, 40)))
            for b in rng.sample(self._gov_bodies, min(len(self._gov_bodies), rng.randint(1, 2))):
                self.t(s, f"<{GK}ledBy>", iri("body", w.body_keys[b]))
            if self._other_bodies and rng.random() < 0.6:
                for b in rng.sample(self._other_bodies, min(len(self._other_bodies), rng.randint(1, 2))):
                    self.t(s, f"<{GK}supplier>", iri("body", w.body_keys[b]))
            if rng.random() < 0.3:
                self.t(s, f"<{GK}gmppId>", lit(f"GMPP-{i:05d}"))
            if rng.random() < 0.2:
                self.t(s, f"<{SKOS}altLabel>", lit(label.upper()[:12]))
            self.cite(s)
            return i

        for _ in range(self.n["programmes"]):
            start = ymd(rng.randint(1990, 2022), rng.randint(1, 12), 1)
            end = start + rng.randint(2 * Y, 14 * Y)
            top = new(rng.choice(("programme", "programme", "strategy", "fund", "review")), None, start, end)
            w.top_programmes.append(top)
            n_parts = rng.choice((0, 0, 1, 2, 3, 3, 4, 5, 6, 8))
            for _p in range(n_parts):
                ps = self.date_between(start, end - Y)
                part = new(rng.choice(("project", "project", "contract", "programme")), top, ps,
                           min(end, ps + rng.randint(Y, 6 * Y)))
                if rng.random() < 0.2:
                    for _q in range(rng.randint(1, 3)):
                        qs = self.date_between(ps, self._prog_end[part] - 30)
                        new(rng.choice(("project", "contract")), part, qs, min(self._prog_end[part], qs + 2 * Y))

    def scopes(self) -> None:
        rng, w = self.rng, self.w
        for i in range(self.n["scopes"]):
            label = f"{rng.choice(W_ADJ).capitalize()} {rng.choice(W_NOUN)} {rng.choice(('delivery', 'policy', 'strategy', 'service', 'programme', 'contracts', 'systems'))}"
            key = f"{slugify(label)[:40].rstrip('-')}-{i:05d}"
            w.scope_keys.append(key)
            s = iri("scope", key)
            self.t(s, RDF_TYPE, f"<{GK}Scope>")
            self.t(s, RDF_TYPE, f"<{SKOS}Concept>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{SKOS}prefLabel>", lit(label))
            self.t(s, f"<{SKOS}definition>", lit(self.words(10, 25)))
            if rng.random() < 0.7:
                self.t(s, f"<{GK}initiative>", iri("programme", rng.choice(w.prog_keys)))
            self.cite(s)

    def pick_holder(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.75 or not self._posts:
            i = bisect.bisect_left(self._holder_weights, rng.random() * self._holder_weights[-1])
            return iri("body", self.w.body_keys[self._gov_bodies[min(i, len(self._gov_bodies) - 1)]])
        if r < 0.95:
            return iri("post", rng.choice(self._posts))
        return iri("person", rng.choice(self._people))

    def chain(self, scope: int, kind: str, start: int, end: int, open_ended: bool) -> None:
        """Successive holders of one kind for a scope: hand-overs, some overlaps, some gaps."""
        rng = self.rng
        s = start
        prev = ""
        while s < end:
            length = rng.randint(Y, 8 * Y)
            e = s + length
            holder = self.pick_holder()
            while holder == prev:
                holder = self.pick_holder()
            prev = holder
            last = e >= end
            self.w.accs.append(Acc("", scope, kind, holder, s, None if (last and open_ended) else min(e, end)))
            if last:
                break
            r = rng.random()
            if r < 0.75:  # hand-over, mostly at the turn of a month
                d = dt.date.fromordinal(e)
                if rng.random() < 0.7 and e + 31 < end:
                    s = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal()
                    self.w.accs[-1].end = s - 1
                else:
                    s = e + 1
            elif r < 0.87:
                s = e - rng.randint(30, 540)  # overlap: the next holder starts before this one ends
            else:
                s = e + rng.randint(60, 900)  # a short gap

    def accountabilities(self) -> None:
        rng, w = self.rng, self.w
        for sc in range(len(w.scope_keys)):
            life0 = ymd(rng.randint(1985, 2019), rng.randint(1, 12), rng.randint(1, 28))
            open_ended = rng.random() < 0.5
            life1 = TODAY if open_ended else min(TODAY - 1, life0 + rng.randint(3 * Y, 25 * Y))
            if life1 - life0 < Y:
                life1, open_ended = TODAY, True
            # a dormant period (whole calendar years) with no holder of any chain kind
            dormant = None
            y0, y1 = year_of(life0) + 2, year_of(life1) - 2
            if rng.random() < 0.12 and y1 - y0 >= 2:
                g0 = rng.randint(y0, y1 - 1)
                dormant = (g0, min(y1 - 1, g0 + rng.randint(0, 2)))
            for kind, p in CHAIN_KINDS:
                if rng.random() >= p:
                    continue
                ks = life0 + (0 if kind == "accountable" else rng.randint(0, 2 * Y))
                if ks >= life1:
                    continue
                if dormant and kind in KEY_KINDS:
                    before_end = ymd(dormant[0] - 1, 12, 31) - rng.randint(0, 200)
                    after_start = ymd(dormant[1] + 1) + rng.randint(0, 200)
                    if ks < before_end:
                        self.chain(sc, kind, ks, before_end, open_ended=False)
                    self.chain(sc, kind, max(ks, after_start), life1, open_ended)
                else:
                    self.chain(sc, kind, ks, life1, open_ended)
            for kind, p in SHARED_KINDS:
                if rng.random() >= p:
                    continue
                for _ in range(rng.randint(1, 2)):  # shared by design: concurrent holders
                    ks = self.date_between(life0, life1 - 200)
                    self.chain(sc, kind, ks, life1, open_ended)
        for n, a in enumerate(w.accs):
            a.key = f"acc-{n:06d}"
            s = iri("accountability", a.key)
            self.t(s, RDF_TYPE, f"<{GK}Accountability>")
            self.t(s, f"<{GK}key>", lit(a.key))
            self.t(s, f"<{GK}holder>", a.holder)
            self.t(s, f"<{GK}scope>", iri("scope", w.scope_keys[a.scope]))
            self.t(s, f"<{GK}accountabilityKind>", iri("accountability-kind", a.kind))
            # most accountability dates are known to the day; keep the dates as written
            a.start = self.coarse(s, "start", a.start, end=False, p_month=0.08, p_year=0.03)
            if a.end is not None:
                a.end = self.coarse(s, "end", a.end, end=True, p_month=0.08, p_year=0.03)
            if rng.random() < 0.5:
                self.t(s, f"<{DCT}description>", lit(self.words(8, 25)))
            holder_key = a.holder.rsplit("/", 1)[1][:-1]
            self.t(s, f"<{RDFS}label>", lit(f"{holder_key}: {a.kind} for {w.scope_keys[a.scope]}"))
            self.cite(s)

    def lessons(self) -> None:
        rng, w = self.rng, self.w
        # lessons are filed under middle or leaf themes (rarely directly under a top theme)
        pool = [i for i, lv in enumerate(w.theme_level) if lv > 0] or list(range(len(w.theme_keys)))
        tops = [i for i, lv in enumerate(w.theme_level) if lv == 0]
        self._lessons: list[str] = []
        for i in range(self.n["lessons"]):
            title = self.title()
            key = f"lesson-{i:06d}"
            self._lessons.append(key)
            s = iri("lesson", key)
            self.t(s, RDF_TYPE, f"<{GK}Lesson>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{DCT}title>", lit(title))
            self.t(s, f"<{RDFS}label>", lit(label90(title)))
            if rng.random() < 0.7:
                self.t(s, f"<{GK}context>", lit(self.words(15, 35)))
            self.t(s, f"<{GK}lessonText>", lit(self.words(20, 60)))
            if rng.random() < 0.5:
                self.t(s, f"<{GK}recommendationText>", lit(self.words(10, 25)))
            themes = set(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 2, 3)))))
            if rng.random() < 0.03:
                themes.add(rng.choice(tops))
            for th in sorted(themes):
                self.t(s, f"<{GK}theme>", iri("theme", w.theme_keys[th]))
                w.lessons_by_theme[th] += 1
            if rng.random() < 0.85:
                self.t(s, f"<{GK}learnedFrom>", iri("programme", rng.choice(w.prog_keys)))
            if rng.random() < 0.8:
                self.t(s, f"<{GK}raisedBy>", iri("body", w.body_keys[self.reviewer()]))
            self.t(s, f"<{DCT}date>", dlit(ymd(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))))
            self.cite(s)

    def reviewer(self) -> int:
        if self._other_bodies and self.rng.random() < 0.7:
            return self.rng.choice(self._other_bodies[: max(3, len(self._other_bodies) // 5)])
        return self.rng.choice(self._gov_bodies)

    def findings(self) -> None:
        rng, w = self.rng, self.w
        for i in range(self.n["findings"]):
            text = self.words(15, 40)
            s = iri("finding", f"finding-{i:06d}")
            self.t(s, RDF_TYPE, f"<{GK}Finding>")
            self.t(s, f"<{GK}key>", lit(f"finding-{i:06d}"))
            self.t(s, f"<{GK}text>", lit(text))
            self.t(s, f"<{RDFS}label>", lit(label90(text)))
            self.t(s, f"<{GK}madeBy>", iri("body", w.body_keys[self.reviewer()]))
            if rng.random() < 0.8:
                self.t(s, f"<{GK}about>", iri("programme", rng.choice(w.prog_keys)))
            self.t(s, f"<{DCT}date>", dlit(ymd(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))))
            self.cite(s)

    def recommendations(self) -> None:
        rng, w = self.rng, self.w
        # addressed mostly to government bodies, more often to those in a lineage (big departments change)
        lineage_bodies = [b for g in w.groups if len(g) > 1 for b in g]
        for i in range(self.n["recommendations"]):
            text = self.words(15, 45)
            key = f"rec-{i:06d}"
            s = iri("recommendation", key)
            self.t(s, RDF_TYPE, f"<{GK}Recommendation>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{GK}text>", lit(text))
            self.t(s, f"<{RDFS}label>", lit(label90(text)))
            self.t(s, f"<{GK}madeBy>", iri("body", w.body_keys[self.reviewer()]))
            addressees = set()
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                pool = lineage_bodies if lineage_bodies and rng.random() < 0.5 else self._gov_bodies
                addressees.add(rng.choice(pool))
            for b in sorted(addressees):
                self.t(s, f"<{GK}addressedTo>", iri("body", w.body_keys[b]))
                w.recs_to_body[b] += 1
            self.t(s, f"<{DCT}date>", dlit(ymd(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))))
            self.t(s, f"<{GK}number>", f'"{rng.randint(1, 30)}"^^<{XSD}integer>')
            if rng.random() < 0.9:
                self.t(s, f"<{GK}recommendationStatus>", iri("recommendation-status", rng.choice(REC_STATUS)))
            if rng.random() < 0.3:
                self.t(s, f"<{GK}addressesLesson>", iri("lesson", rng.choice(self._lessons)))
            if rng.random() < 0.6:
                self.t(s, f"<{GK}about>", iri("programme", rng.choice(w.prog_keys)))
            self.cite(s)

    def targets(self) -> None:
        rng, w = self.rng, self.w
        prev = None
        for i in range(self.n["targets"]):
            key = f"target-{i:05d}"
            s = iri("target", key)
            label = f"{rng.choice(W_DO).capitalize()} {rng.choice(W_OBJ)} by {rng.randint(2000, 2030)}"
            self.t(s, RDF_TYPE, f"<{GK}Target>")
            self.t(s, f"<{GK}key>", lit(key))
            self.t(s, f"<{RDFS}label>", lit(label))
            self.t(s, f"<{GK}text>", lit(self.words(10, 30)))
            self.t(s, f"<{GK}setBy>", iri("body", w.body_keys[rng.choice(self._gov_bodies)]))
            set_on = ymd(rng.randint(1995, 2022), rng.randint(1, 12), 1)
            self.t(s, f"<{GK}setOn>", dlit(set_on))
            self.t(s, f"<{GK}deadline>", dlit(set_on + rng.randint(Y, 6 * Y)))
            self.t(s, f"<{GK}targetStatus>", iri("target-status", rng.choice(TARGET_STATUS)))
            if prev is not None and rng.random() < 0.15:
                self.t(s, f"<{GK}replacedBy>", iri("target", prev))
            self.t(s, f"<{GK}initiative>", iri("programme", rng.choice(w.prog_keys)))
            self.cite(s)
            prev = key

    def figures(self) -> None:
        """Series of estimates: the same measure about the same thing, re-estimated over the years."""
        rng, w = self.rng, self.w
        n = 0
        for _ in range(self.n["figure_series"]):
            about_prog = rng.random() < 0.85
            thing = rng.randrange(len(w.prog_keys)) if about_prog else rng.choice(self._gov_bodies)
            about = iri("programme", w.prog_keys[thing]) if about_prog else iri("body", w.body_keys[thing])
            measure = rng.choice(W_MEASURE)
            unit = "GBP" if measure in ("whole-life cost", "spend to date", "expected savings", "contract value",
                                        "budget", "write-off", "annual running cost", "benefits realised") \
                else rng.choice(("percent", "count", "year"))
            amount = rng.randint(1, 900) * (10 ** rng.randint(5, 9) if unit == "GBP" else 1)
            when = ymd(rng.randint(1995, 2023), rng.randint(1, 12), 1)
            for _e in range(rng.choice((1, 1, 2, 3, 4))):
                key = f"figure-{n:06d}"
                n += 1
                s = iri("figure", key)
                label = f"{measure.capitalize()} of {w.prog_keys[thing] if about_prog else w.body_keys[thing]}"
                self.t(s, RDF_TYPE, f"<{GK}Figure>")
                self.t(s, f"<{GK}key>", lit(key))
                self.t(s, f"<{RDFS}label>", lit(label))
                self.t(s, f"<{GK}amount>", f'"{amount}"^^<{XSD}decimal>')
                self.t(s, f"<{GK}unit>", iri("unit", unit))
                self.t(s, f"<{GK}measures>", lit(measure))
                self.t(s, f"<{GK}about>", about)
                if rng.random() < 0.7:
                    self.t(s, f"<{GK}periodStart>", dlit(when - rng.randint(Y, 5 * Y)))
                    self.t(s, f"<{GK}periodEnd>", dlit(when + rng.randint(0, 5 * Y)))
                self.t(s, f"<{GK}estimateDate>", dlit(when))
                self.t(s, f"<{GK}qualifier>", lit(rng.choice(QUALIFIERS)))
                self.cite(s)
                if about_prog:
                    w.figures_about_prog[thing] += 1
                when += rng.randint(180, 3 * Y)
                amount = int(amount * rng.uniform(0.8, 1.6))


# ------------------------------------------------------------------------------------ parameters
def _median_pick(items: list[tuple[int, str]]) -> str:
    """The item whose size is the median (ties broken by name, so the choice is deterministic)."""
    items = sorted(items)
    return items[len(items) // 2][1]


def choose_params(w: World) -> dict[str, dict[str, str]]:
    """Typical entities for the per-entity queries; a year with gaps for accountability-gaps."""
    params: dict[str, dict[str, str]] = {}
    # accountable-for-scope: the scope with the median number of accountabilities; the year in which the
    # most of them are in force.
    by_scope: dict[int, list[Acc]] = defaultdict(list)
    for a in w.accs:
        by_scope[a.scope].append(a)
    scope = int(_median_pick([(len(v), f"{k:08d}") for k, v in by_scope.items()]))
    best_year, best_n = 2020, -1
    for year in range(1985, 2026):
        y0, y1 = ymd(year), ymd(year, 12, 31)
        n = sum(1 for a in by_scope[scope] if a.start <= y1 and (a.end is None or a.end >= y0))
        if n > best_n:
            best_year, best_n = year, n
    params["accountable-for-scope"] = {"scope": w.scope_keys[scope], "year": str(best_year)}

    # body-lineage and recommendations-to-body: a body in the middle of a lineage (with predecessors and
    # successors), from the group of median size among groups of 4 or more, whose lineage was addressed.
    def ancestors(b: int) -> set[int]:
        seen, todo = {b}, [b]
        while todo:
            for p in w.pred[todo.pop()]:
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return seen

    def descendants(b: int) -> set[int]:
        seen, todo = {b}, [b]
        while todo:
            for s in w.succ[todo.pop()]:
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        return seen

    candidates = []
    for g in w.groups:
        if len(g) < 4:
            continue
        middle = [b for b in g if w.pred[b] and w.succ[b]]
        for b in middle:
            todays = [d for d in descendants(b) if not w.succ[d]]
            lineage = set().union(*(ancestors(t) for t in todays))
            recs = sum(w.recs_to_body[x] for x in lineage)
            if recs:
                candidates.append((len(g), w.body_keys[b]))
                break
    if not candidates:  # tiny graphs: any body with a successor
        candidates = [(1, w.body_keys[b]) for g in w.groups for b in g if w.succ[b]][:1]
    body = _median_pick(candidates)
    params["body-lineage"] = {"body": body}
    params["recommendations-to-body"] = {"body": body}

    # lessons-on-theme: the middle-level theme (with narrower themes) whose subtree has the median lessons.
    mids = []
    for t, level in enumerate(w.theme_level):
        if level == 1 and w.theme_children[t]:
            n = w.lessons_by_theme[t] + sum(w.lessons_by_theme[c] for c in w.theme_children[t])
            if n:
                mids.append((n, w.theme_keys[t]))
    params["lessons-on-theme"] = {"theme": _median_pick(mids)}

    # figures-about-programme: the top programme with parts whose tree has the median number of figures.
    def tree(p: int) -> list[int]:
        out, todo = [p], [p]
        while todo:
            for c in w.prog_parts[todo.pop()]:
                out.append(c)
                todo.append(c)
        return out

    progs = []
    for p in w.top_programmes:
        if w.prog_parts[p]:
            n = sum(w.figures_about_prog[x] for x in tree(p))
            if n:
                progs.append((n, w.prog_keys[p]))
    params["figures-about-programme"] = {"programme": _median_pick(progs)}

    # source-supports: the source with the median number of citing records (among cited sources).
    params["source-supports"] = {"source": _median_pick([(n, k) for k, n in w.citations.items() if n])}

    # accountability-gaps: the default year (2008) if it has gaps, else the year with the most.
    key_accs: dict[int, list[Acc]] = defaultdict(list)
    for a in w.accs:
        if a.kind in KEY_KINDS:
            key_accs[a.scope].append(a)

    def gaps(year: int) -> int:
        y0, y1 = ymd(year), ymd(year, 12, 31)
        n = 0
        for accs in key_accs.values():
            before = any(a.end is not None and a.end < y0 for a in accs)
            after = any(a.start > y1 for a in accs)
            during = any(a.start <= y1 and (a.end is None or a.end >= y0) for a in accs)
            n += before and after and not during
        return n

    year = 2008 if gaps(2008) else max(range(1990, 2025), key=lambda y: (gaps(y), -y))
    params["accountability-gaps"] = {"year": str(year)}
    params["accountability-overlaps"] = {}
    return params


# ------------------------------------------------------------------------------------ driver
def counts_for(scale: float) -> dict[str, int]:
    return {k: max(MINIMUM[k], round(v * scale)) for k, v in BASE.items()}


def _run(scale: float, seed: int) -> tuple[Generator, World]:
    gen = Generator(counts_for(scale), seed)
    return gen, gen.run()


def generate(target: int, seed: int = 42) -> tuple[bytes, dict]:
    """N-Triples bytes of about ``target`` triples, and the report (counts, triples, query parameters)."""
    # calibrate: triples grow linearly with the scale (plus the fixed concept schemes)
    probes = []
    for scale in (0.02, 0.04):
        g = Generator(counts_for(scale), seed)
        g.run()
        probes.append((scale, len(g.out)))
    (s1, t1), (s2, t2) = probes
    per_scale = (t2 - t1) / (s2 - s1)
    fixed = t1 - per_scale * s1
    scale = max(0.0005, (target - fixed) / per_scale)
    best: tuple[int, float] | None = None
    for _attempt in range(4):  # random structure makes the count drift a little: rescale until within 2 %
        got = len(_run(scale, seed)[0].out)
        if best is None or abs(got - target) < abs(best[0] - target):
            best = (got, scale)
        if abs(got - target) <= 0.02 * target:
            break
        scale *= (target - fixed) / max(1.0, got - fixed)
    scale = best[1]
    gen, world = _run(scale, seed)
    assert len(set(gen.out)) == len(gen.out), "duplicate triples"
    data = "".join(gen.out).encode("utf-8")
    report = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "target_triples": target,
        "triples": len(gen.out),
        "bytes": len(data),
        "scale": round(scale, 5),
        "counts": {**gen.n, "bodies": len(world.body_keys), "programmes_all": len(world.prog_keys),
                   "accountabilities": len(world.accs), "lineage_events": sum(len(v) for v in world.succ.values())},
        "params": choose_params(world),
    }
    return data, report


def check(data: bytes, report: dict) -> list[tuple[str, int]]:
    """Run every canned query on the data (pyoxigraph in memory) with the reported parameters."""
    import pyoxigraph as ox

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from graph.namespaces import PREFIXES
    from graph.queries import canned_queries

    store = ox.Store()
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    out = []
    for name, q in canned_queries().items():
        text = q.bind(report["params"].get(name, {}))
        out.append((name, len(list(store.query(text, prefixes=PREFIXES)))))
    return out


def params_path(output: Path) -> Path:
    return output.with_name(output.name + ".params.json") if output.suffix != ".nt" \
        else output.with_suffix(".params.json")


def parse_size(text: str) -> int:
    text = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if mult > 1 else text) * mult)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=parse_size, default=100_000, help="target size, e.g. 10000, 100k, 1M")
    ap.add_argument("-o", "--output", type=Path, required=True, help="the N-Triples file to write")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--check", action="store_true", help="load it and run every canned query")
    args = ap.parse_args(argv)
    started = time.perf_counter()
    data, report = generate(args.triples, args.seed)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    pp = params_path(args.output)
    pp.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {report['triples']:,} triples ({len(data) / 1e6:.1f} MB) to {args.output} "
          f"in {time.perf_counter() - started:.1f} s; parameters in {pp}")
    if args.check:
        bad = 0
        for name, rows in check(data, report):
            print(f"  {name:28s} {rows:6d} rows  {report['params'].get(name, {})}")
            bad += rows == 0
        if bad:
            print(f"{bad} canned queries returned no rows", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
