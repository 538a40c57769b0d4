"""The curated YAML format as data: for each kind of record, its fields, their types and their RDF mapping.

docs/curated-format.md describes the same format for people; a test checks that the two name the same
fields. The checks (schema, references, dates) and the mapping to RDF in ingest/curated.py are both driven
from this table, so a field cannot be checked one way and mapped another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.kinds import ACCOUNTABILITY_KINDS
from graph.namespaces import GK, PREFIXES

DCT = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]
ORG = PREFIXES["org"]
PROV = PREFIXES["prov"]


CERTAINTY = ("sourced", "secondary", "inferred", "uncertain")
BODY_KINDS = ("department", "ministerial-department", "non-ministerial-department", "executive-agency", "ndpb",
              "executive-ndpb", "advisory-ndpb", "tribunal", "special-health-authority", "trust", "supplier",
              "parliamentary-committee", "audit-office", "joint-unit", "board", "public-corporation",
              "devolved-administration", "court", "sub-organisation", "civil-service",
              "independent-monitoring-body", "ad-hoc-advisory-group", "other")
LINEAGE_KINDS = ("merged", "renamed", "replaced", "split", "absorbed", "devolved", "closed")
RECOMMENDATION_STATUS = ("open", "accepted", "implemented", "partly-implemented", "superseded", "unknown")
TARGET_STATUS = ("met", "missed", "replaced", "open", "unknown")
UNITS = ("GBP", "percent", "count", "year")
# what a figure measures (ontology/schemes.ttl, gk:FigureKindScheme); a figure can be of more than one kind
FIGURE_KINDS = ("total-cost-estimate", "cost-estimate-part", "budget", "spend-to-date", "contract-value",
                "benefit-forecast", "benefit-realised", "count", "percentage", "year")
# the special values of an ``end`` field besides a date
END_UNKNOWN = "unknown"  # it ended (or cannot be shown to go on) on a day our sources do not give
END_CURRENT = "current"  # still in force as far as our latest source shows
END_WORDS = (END_UNKNOWN, END_CURRENT)
INITIATIVE_KINDS = ("programme", "project", "strategy", "review", "fund", "contract")
SOURCE_KINDS = ("report", "press-release", "committee-report", "evidence", "news", "review", "strategy", "dataset",
                "encyclopedia", "letter", "parliamentary-question", "other")
QUALIFIERS = ("exact", "approximate", "up-to", "at-least", "range-low", "range-high")

HOLDER_KINDS = ("body", "post", "person")


@dataclass(frozen=True)
class Field:
    """One field of a record.

    ``type`` is one of: text, texts, date, end-date (the last day of a coarse date), end (an end-date, or
    ``unknown`` or ``current``), ended-by (the latest day an ``end: unknown`` can be: an end-date), number,
    integer, url, enum (``choices``, a plain literal), concept (``choices``, an IRI in the ``scheme`` concept
    scheme), concepts (one or a list of them), ref / refs (IRIs of records of the ``targets`` kinds), or a
    nested list handled by the ingester (lineage, tenures).
    """

    name: str
    type: str
    predicate: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    scheme: str = ""
    precision: str = ""  # predicate that records a coarse date's precision


@dataclass(frozen=True)
class Kind:
    """A kind of record: its file, top-level key, IRI segment, class and fields."""

    file: str
    key: str
    iri_kind: str
    rdf_class: str
    fields: tuple[Field, ...]
    label_field: str = "label"
    cites_sources: bool = True
    extra_classes: tuple[str, ...] = field(default_factory=tuple)
    scheme: str = ""  # for SKOS concepts: the concept scheme they belong to

    def field_map(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


def _start(name: str = "start", *, required: bool = False) -> Field:
    return Field(name, "date", GK + "startDate", required=required, precision=GK + "startPrecision")


def _end(name: str = "end") -> Field:
    return Field(name, "end", GK + "endDate", precision=GK + "endPrecision")


def _span(*, start_required: bool = False) -> tuple[Field, ...]:
    """A record's life: start, end (a date, ``unknown`` or ``current``), the latest end when it is unknown, and
    how certain each date is."""
    return (_start(required=start_required), _end(),
            Field("ended_by", "ended-by", GK + "endDate", precision=GK + "endPrecision"),
            Field("start_certainty", "enum", GK + "startCertainty", choices=CERTAINTY),
            Field("end_certainty", "enum", GK + "endCertainty", choices=CERTAINTY))


DESCRIPTION = Field("description", "text", DCT + "description")

KINDS: tuple[Kind, ...] = (
    Kind("sources.yaml", "sources", "source", GK + "SourceDocument", (
        Field("title", "text", DCT + "title", required=True),
        Field("publisher", "text", GK + "publisherName"),
        Field("publisher_body", "ref", DCT + "publisher", targets=("body",)),
        Field("date", "date", DCT + "issued", precision=GK + "issuedPrecision"),
        Field("identifier", "text", DCT + "identifier"),
        Field("url", "url", GK + "url"),
        Field("kind", "enum", GK + "sourceKind", required=True, choices=SOURCE_KINDS),
        Field("reliability", "enum", GK + "reliability", required=True, choices=("primary", "secondary")),
    ), label_field="title", cites_sources=False),
    Kind("themes.yaml", "themes", "theme", GK + "Theme", (
        Field("label", "text", SKOS + "prefLabel", required=True),
        Field("definition", "text", SKOS + "definition", required=True),
        Field("broader", "ref", SKOS + "broader", targets=("theme",)),
    ), extra_classes=(SKOS + "Concept",), scheme=GK + "ThemeScheme"),
    Kind("scopes.yaml", "scopes", "scope", GK + "Scope", (
        Field("label", "text", SKOS + "prefLabel", required=True),
        Field("definition", "text", SKOS + "definition", required=True),
        Field("initiative", "ref", GK + "initiative", targets=("programme",)),
    ), extra_classes=(SKOS + "Concept",), scheme=GK + "ScopeScheme"),
    Kind("bodies.yaml", "bodies", "body", GK + "Body", (
        Field("label", "text", RDFS + "label", required=True),
        Field("abbreviations", "texts", GK + "abbreviation"),
        Field("aliases", "texts", SKOS + "altLabel"),
        Field("kind", "concept", GK + "bodyKind", required=True, choices=BODY_KINDS, scheme="body-kind"),
        *_span(),
        Field("parent", "ref", GK + "parent", targets=("body",)),
        Field("govuk_slug", "text", GK + "govukSlug"),
        Field("ods_code", "text", GK + "odsCode"),
        DESCRIPTION,
        Field("lineage", "lineage"),
    )),
    Kind("programmes.yaml", "programmes", "programme", GK + "Programme", (
        Field("label", "text", RDFS + "label", required=True),
        Field("kind", "enum", GK + "initiativeKind", required=True, choices=INITIATIVE_KINDS),
        Field("part_of", "ref", GK + "partOf", targets=("programme",)),
        *_span(), DESCRIPTION,
        Field("led_by", "refs", GK + "ledBy", targets=("body",)),
        Field("suppliers", "refs", GK + "supplier", targets=("body",)),
        Field("gmpp_id", "text", GK + "gmppId"),
        Field("aliases", "texts", SKOS + "altLabel"),
    )),
    Kind("people.yaml", "people", "person", GK + "Person", (
        Field("label", "text", RDFS + "label", required=True),
        DESCRIPTION,
    )),
    Kind("posts.yaml", "posts", "post", GK + "Post", (
        Field("label", "text", RDFS + "label", required=True),
        Field("in_body", "ref", ORG + "postIn", targets=("body",)),
        *_span(),
        DESCRIPTION,
        Field("tenures", "tenures"),
    )),
    Kind("accountabilities.yaml", "accountabilities", "accountability", GK + "Accountability", (
        Field("holder", "ref", GK + "holder", required=True, targets=HOLDER_KINDS),
        Field("scope", "ref", GK + "scope", required=True, targets=("scope",)),
        Field("kind", "concept", GK + "accountabilityKind", required=True, choices=ACCOUNTABILITY_KINDS,
              scheme="accountability-kind"),
        *_span(start_required=True), DESCRIPTION,
    ), label_field=""),
    Kind("lessons.yaml", "lessons", "lesson", GK + "Lesson", (
        Field("title", "text", DCT + "title", required=True),
        Field("context", "text", GK + "context"),
        Field("lesson", "text", GK + "lessonText", required=True),
        Field("recommendation", "text", GK + "recommendationText"),
        Field("themes", "refs", GK + "theme", required=True, targets=("theme",)),
        Field("learned_from", "ref", GK + "learnedFrom", targets=("programme",)),
        Field("raised_by", "ref", GK + "raisedBy", targets=("body",)),
        Field("date", "date", DCT + "date"),
    ), label_field="title"),
    Kind("findings.yaml", "findings", "finding", GK + "Finding", (
        Field("text", "text", GK + "text", required=True),
        Field("made_by", "ref", GK + "madeBy", targets=("body",)),
        Field("about", "ref", GK + "about", targets=("programme", "body")),
        Field("date", "date", DCT + "date"),
    ), label_field="text"),
    Kind("recommendations.yaml", "recommendations", "recommendation", GK + "Recommendation", (
        Field("text", "text", GK + "text", required=True),
        Field("made_by", "ref", GK + "madeBy", required=True, targets=("body",)),
        Field("addressed_to", "refs", GK + "addressedTo", required=True, targets=("body",)),
        Field("date", "date", DCT + "date"),
        Field("number", "integer", GK + "number"),
        Field("status", "concept", GK + "recommendationStatus", choices=RECOMMENDATION_STATUS,
              scheme="recommendation-status"),
        Field("addresses_lessons", "refs", GK + "addressesLesson", targets=("lesson",)),
        Field("about", "ref", GK + "about", targets=("programme", "body")),
    ), label_field="text"),
    Kind("targets.yaml", "targets", "target", GK + "Target", (
        Field("label", "text", RDFS + "label", required=True),
        Field("text", "text", GK + "text"),
        Field("set_by", "ref", GK + "setBy", targets=("body",)),
        Field("set_on", "date", GK + "setOn"),
        Field("deadline", "end-date", GK + "deadline"),
        Field("outcome", "text", GK + "outcome"),
        Field("status", "concept", GK + "targetStatus", choices=TARGET_STATUS, scheme="target-status"),
        Field("replaced_by", "ref", GK + "replacedBy", targets=("target",)),
        Field("initiative", "ref", GK + "initiative", targets=("programme",)),
    )),
    Kind("figures.yaml", "figures", "figure", GK + "Figure", (
        Field("label", "text", RDFS + "label", required=True),
        Field("amount", "number", GK + "amount", required=True),
        Field("unit", "concept", GK + "unit", required=True, choices=UNITS, scheme="unit"),
        Field("kind", "concepts", GK + "figureKind", choices=FIGURE_KINDS, scheme="figure-kind"),
        Field("measures", "text", GK + "measures", required=True),
        Field("about", "ref", GK + "about", targets=("programme", "body")),
        Field("period_start", "date", GK + "periodStart"),
        Field("period_end", "end-date", GK + "periodEnd"),
        Field("estimate_date", "date", GK + "estimateDate", precision=GK + "estimatePrecision"),
        Field("price_base", "text", GK + "priceBase"),
        Field("made_by", "ref", GK + "madeBy", targets=("body",)),
        Field("includes", "refs", GK + "includes", targets=("figure",)),
        Field("qualifier", "enum", GK + "qualifier", choices=QUALIFIERS),
    )),
)

COMMON_FIELDS = ("id", "sources", "certainty", "note")
LINEAGE_FIELDS = {"successor": True, "date": False, "kind": True, "sources": False, "note": False,
                  "certainty": False}
TENURE_FIELDS = {"person": True, "start": False, "end": False, "ended_by": False, "start_certainty": False,
                 "end_certainty": False, "sources": False, "note": False, "certainty": False}

KIND_BY_KEY = {k.key: k for k in KINDS}
KIND_BY_IRI_KIND = {k.iri_kind: k for k in KINDS}
