"""Checks on ontology/govkg.ttl, ontology/schemes.ttl and ontology/shapes.ttl.

The documentation tests make sure every term is labelled and defined; the validation tests build a
small graph by hand, check that it conforms, then plant one fault at a time and check that pyshacl
reports it on the right node and property.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from graph.kinds import ACCOUNTABILITY_KINDS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"

GK = Namespace("https://w3id.org/govkg/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
# A plain Namespace: rdflib's closed XSD namespace warns when pytest probes module attributes.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/govkg/ontology")
ID = "https://w3id.org/govkg/id/"


def iri(kind: str, key: str) -> URIRef:
    return URIRef(f"{ID}{kind}/{key}")


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "govkg.ttl")


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "schemes.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl")


@pytest.fixture(scope="module")
def vocab(ontology: Graph, schemes: Graph) -> Graph:
    """Ontology and schemes together: the part of every validation data graph that is fixed."""
    g = Graph()
    g += ontology
    g += schemes
    return g


def gk_terms(g: Graph, rdf_type: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, rdf_type) if isinstance(s, URIRef) and str(s).startswith(str(GK))}


# Records of the sample graph.
SRC = iri("source", "nao11")
BODY = iri("body", "doh")
AUDITOR = iri("body", "nao")
PROGRAMME = iri("programme", "npfit")
SCOPE = iri("scope", "npfit-delivery")
ACC = iri("accountability", "doh-npfit-accountable")
THEME = iri("theme", "governance")
LESSON = iri("lesson", "central-procurement-without-local-buy-in")
FIGURE = iri("figure", "npfit-spend-2011")
EVIDENCE = iri("evidence", "nao11-spend")
FINDING = iri("finding", "npfit-value-not-shown")

BK = Namespace(f"{ID}body-kind/")
AK = Namespace(f"{ID}accountability-kind/")
UNIT = Namespace(f"{ID}unit/")


def sample_records() -> Graph:
    """A small, made-up but well-formed set of records, one of each of the main kinds."""
    g = Graph()
    g.bind("gk", GK)

    g.add((SRC, RDF.type, GK.SourceDocument))
    g.add((SRC, GK.key, Literal("nao11")))
    g.add((SRC, DCTERMS.title, Literal("Example audit report on a national IT programme")))
    g.add((SRC, GK.publisherName, Literal("National Audit Office")))
    g.add((SRC, DCTERMS.publisher, AUDITOR))
    g.add((SRC, DCTERMS.issued, Literal("2011-05-18", datatype=XSD.date)))
    g.add((SRC, DCTERMS.identifier, Literal("HC 888")))
    g.add((SRC, GK.url, Literal("https://www.nao.org.uk/example", datatype=XSD.anyURI)))
    g.add((SRC, GK.sourceKind, Literal("report")))
    g.add((SRC, GK.reliability, Literal("primary")))
    g.add((SRC, GK.documentText, Literal("The Department had spent about 6.4 billion pounds.")))

    for body, key, label, kind in (
        (BODY, "doh", "Department of Health", BK["ministerial-department"]),
        (AUDITOR, "nao", "National Audit Office", BK["audit-office"]),
    ):
        g.add((body, RDF.type, GK.Body))
        g.add((body, GK.key, Literal(key)))
        g.add((body, RDFS.label, Literal(label)))
        g.add((body, GK.bodyKind, kind))
        g.add((body, PROV.wasDerivedFrom, SRC))
    g.add((BODY, GK.abbreviation, Literal("DH")))
    g.add((BODY, SKOS.altLabel, Literal("DoH")))
    g.add((BODY, GK.startDate, Literal("1988-07-25", datatype=XSD.date)))
    g.add((BODY, GK.endDate, Literal("2018-01-08", datatype=XSD.date)))
    g.add((BODY, GK.certainty, Literal("sourced")))

    g.add((PROGRAMME, RDF.type, GK.Programme))
    g.add((PROGRAMME, GK.key, Literal("npfit")))
    g.add((PROGRAMME, RDFS.label, Literal("National Programme for IT")))
    g.add((PROGRAMME, GK.initiativeKind, Literal("programme")))
    g.add((PROGRAMME, GK.startDate, Literal("2002-01-01", datatype=XSD.date)))
    g.add((PROGRAMME, GK.startPrecision, Literal("year")))
    g.add((PROGRAMME, GK.ledBy, BODY))
    g.add((PROGRAMME, PROV.wasDerivedFrom, SRC))

    g.add((SCOPE, RDF.type, GK.Scope))
    g.add((SCOPE, GK.key, Literal("npfit-delivery")))
    g.add((SCOPE, RDFS.label, Literal("Delivery of the national programme")))
    g.add((SCOPE, SKOS.inScheme, GK.ScopeScheme))
    g.add((SCOPE, GK.initiative, PROGRAMME))
    g.add((SCOPE, PROV.wasDerivedFrom, SRC))

    g.add((ACC, RDF.type, GK.Accountability))
    g.add((ACC, GK.key, Literal("doh-npfit-accountable")))
    g.add((ACC, GK.holder, BODY))
    g.add((ACC, GK.scope, SCOPE))
    g.add((ACC, GK.accountabilityKind, AK.accountable))
    g.add((ACC, GK.startDate, Literal("2002-01-01", datatype=XSD.date)))
    g.add((ACC, GK.startPrecision, Literal("year")))
    g.add((ACC, PROV.wasDerivedFrom, SRC))

    g.add((THEME, RDF.type, GK.Theme))
    g.add((THEME, GK.key, Literal("governance")))
    g.add((THEME, SKOS.prefLabel, Literal("Governance")))  # concepts may use either label property
    g.add((THEME, SKOS.inScheme, GK.ThemeScheme))

    g.add((LESSON, RDF.type, GK.Lesson))
    g.add((LESSON, GK.key, Literal("central-procurement-without-local-buy-in")))
    g.add((LESSON, DCTERMS.title, Literal("Central buying without local support")))
    g.add((LESSON, GK.context, Literal("Systems were bought nationally for local organisations.")))
    g.add((LESSON, GK.lessonText, Literal("Local users must want what is bought for them.")))
    g.add((LESSON, GK.recommendationText, Literal("Involve the organisations that will use a system.")))
    g.add((LESSON, GK.theme, THEME))
    g.add((LESSON, GK.learnedFrom, PROGRAMME))
    g.add((LESSON, GK.raisedBy, AUDITOR))
    g.add((LESSON, DCTERMS.date, Literal("2011-05-18", datatype=XSD.date)))
    g.add((LESSON, PROV.wasDerivedFrom, SRC))

    g.add((EVIDENCE, RDF.type, GK.Evidence))
    g.add((EVIDENCE, GK.quote, Literal("about 6.4 billion pounds")))
    g.add((EVIDENCE, GK.startOffset, Literal(26)))
    g.add((EVIDENCE, GK.endOffset, Literal(50)))
    g.add((EVIDENCE, PROV.wasQuotedFrom, SRC))

    g.add((FIGURE, RDF.type, GK.Figure))
    g.add((FIGURE, GK.key, Literal("npfit-spend-2011")))
    g.add((FIGURE, RDFS.label, Literal("Spending on the programme to 2011")))
    g.add((FIGURE, GK.amount, Literal(Decimal("6400000000"))))
    g.add((FIGURE, GK.unit, UNIT.GBP))
    g.add((FIGURE, GK.measures, Literal("Money spent on the programme so far")))
    g.add((FIGURE, GK.about, PROGRAMME))
    g.add((FIGURE, GK.qualifier, Literal("approximate")))
    g.add((FIGURE, GK.estimateDate, Literal("2011-03-31", datatype=XSD.date)))
    g.add((FIGURE, GK.evidence, EVIDENCE))
    g.add((FIGURE, PROV.wasDerivedFrom, SRC))
    return g


def run_shacl(data: Graph, vocab: Graph, shapes: Graph) -> tuple[bool, Graph, str]:
    g = Graph()
    g += vocab
    g += data
    conforms, results, text = validate(g, shacl_graph=shapes)
    return bool(conforms), results, str(text)


def reported(results: Graph) -> set[tuple[Node | None, Node | None]]:
    """(focus node, result path) of every validation result."""
    return {
        (results.value(r, SH.focusNode), results.value(r, SH.resultPath))
        for r in results.subjects(RDF.type, SH.ValidationResult)
    }


# --------------------------------------------------------------------------------------------------
# The ontology documents itself
# --------------------------------------------------------------------------------------------------

EXPECTED_CLASSES = {
    "Initiative", "Programme", "Project", "Body", "Post", "Person", "Tenure", "Accountability", "Scope",
    "LineageEvent", "Lesson", "Theme", "Finding", "Recommendation", "Target", "Figure", "SourceDocument",
    "Evidence", "BodyKind", "AccountabilityKind", "LineageKind", "RecommendationStatus", "TargetStatus",
    "Unit", "FigureKind", "AccountabilityOverlap", "AccountabilityGap",
}  # fmt: skip


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title) is not None


def test_expected_classes_are_declared(ontology: Graph) -> None:
    declared = {str(c)[len(str(GK)) :] for c in gk_terms(ontology, OWL.Class)}
    assert declared == EXPECTED_CLASSES


@pytest.mark.parametrize(
    "rdf_type", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty]
)
def test_every_term_is_labelled_defined_and_attributed(ontology: Graph, rdf_type: URIRef) -> None:
    terms = gk_terms(ontology, rdf_type)
    assert terms, f"no gk: terms of type {rdf_type}"
    for term in terms:
        label = ontology.value(term, RDFS.label)
        definition = ontology.value(term, SKOS.definition)
        assert label is not None and str(label).strip(), f"{term} has no rdfs:label"
        assert definition is not None and str(definition).strip(), f"{term} has no skos:definition"
        assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in ontology, f"{term} lacks rdfs:isDefinedBy"


def test_every_gk_subject_is_declared(ontology: Graph) -> None:
    """Catches typos: anything described in the gk: namespace must be a class or property."""
    declared = set()
    for t in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        declared |= gk_terms(ontology, t)
    described = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(GK))}
    assert described <= declared


@pytest.mark.parametrize("name", ["govkg.ttl", "schemes.ttl"])
def test_vocabulary_has_no_blank_nodes(name: str) -> None:
    """The vocabulary is loaded into the store as a source, and re-ingesting must give identical
    triples; blank nodes get fresh labels on every parse, so the vocabulary files avoid them."""
    g = Graph().parse(ONTOLOGY_DIR / name)
    assert not [t for t in g if any(isinstance(x, BNode) for x in t)]


def test_properties_are_typed_once(ontology: Graph) -> None:
    obj, dat = gk_terms(ontology, OWL.ObjectProperty), gk_terms(ontology, OWL.DatatypeProperty)
    assert not obj & dat


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (GK.Initiative, PROV.Activity),
        (GK.Programme, GK.Initiative),
        (GK.Project, GK.Initiative),
        (GK.Body, ORG.Organization),
        (GK.Body, PROV.Agent),
        (GK.Post, ORG.Post),
        (GK.Person, FOAF.Person),
        (GK.Person, PROV.Person),
        (GK.Scope, SKOS.Concept),
        (GK.Theme, SKOS.Concept),
        (GK.SourceDocument, PROV.Entity),
        (GK.SourceDocument, FOAF.Document),
        (GK.Evidence, PROV.Entity),
        (GK.BodyKind, SKOS.Concept),
        (GK.AccountabilityKind, SKOS.Concept),
        (GK.LineageKind, SKOS.Concept),
        (GK.RecommendationStatus, SKOS.Concept),
        (GK.TargetStatus, SKOS.Concept),
        (GK.Unit, SKOS.Concept),
        (GK.FigureKind, SKOS.Concept),
    ],
)
def test_alignment_to_w3c_classes(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (GK.parent, ORG.subOrganizationOf),
        (GK.partOf, DCTERMS.isPartOf),
        (GK.abbreviation, SKOS.altLabel),
    ],
)
def test_alignment_to_w3c_properties(ontology: Graph, sub: URIRef, sup: URIRef) -> None:
    assert (sub, RDFS.subPropertyOf, sup) in ontology


def test_succession_properties_are_inverse(ontology: Graph) -> None:
    assert (GK.succeededBy, OWL.inverseOf, GK.precededBy) in ontology


def test_dates_point_to_owl_time(ontology: Graph) -> None:
    time_ns = "http://www.w3.org/2006/time#"
    assert (GK.startDate, RDFS.seeAlso, URIRef(time_ns + "hasBeginning")) in ontology
    assert (GK.endDate, RDFS.seeAlso, URIRef(time_ns + "hasEnd")) in ontology


# --------------------------------------------------------------------------------------------------
# Concept schemes
# --------------------------------------------------------------------------------------------------

EXPECTED_SCHEMES = {
    "body-kind": (GK.BodyKindScheme, GK.BodyKind, {
        "department", "ministerial-department", "non-ministerial-department", "executive-agency", "ndpb",
        "executive-ndpb", "advisory-ndpb", "tribunal", "special-health-authority", "trust", "supplier",
        "parliamentary-committee", "audit-office", "joint-unit", "board", "public-corporation",
        "devolved-administration", "court", "sub-organisation", "civil-service",
        "independent-monitoring-body", "ad-hoc-advisory-group", "other",
    }),
    "accountability-kind": (GK.AccountabilityKindScheme, GK.AccountabilityKind, set(ACCOUNTABILITY_KINDS)),
    "lineage-kind": (GK.LineageKindScheme, GK.LineageKind, {
        "merged", "renamed", "replaced", "split", "absorbed", "devolved", "closed",
    }),
    "recommendation-status": (GK.RecommendationStatusScheme, GK.RecommendationStatus, {
        "open", "accepted", "implemented", "partly-implemented", "superseded", "unknown",
    }),
    "target-status": (GK.TargetStatusScheme, GK.TargetStatus, {"met", "missed", "replaced", "open", "unknown"}),
    "unit": (GK.UnitScheme, GK.Unit, {"GBP", "percent", "count", "year"}),
    "figure-kind": (GK.FigureKindScheme, GK.FigureKind, {
        "total-cost-estimate", "cost-estimate-part", "budget", "spend-to-date", "contract-value",
        "benefit-forecast", "benefit-realised", "count", "percentage", "year",
    }),
}  # fmt: skip


def test_every_concept_is_documented(schemes: Graph) -> None:
    concepts = set(schemes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == sum(len(keys) for _, _, keys in EXPECTED_SCHEMES.values())
    for c in concepts:
        assert schemes.value(c, SKOS.prefLabel) is not None, f"{c} has no skos:prefLabel"
        assert schemes.value(c, SKOS.definition) is not None, f"{c} has no skos:definition"
        assert schemes.value(c, SKOS.inScheme) is not None, f"{c} has no skos:inScheme"
        assert str(schemes.value(c, SKOS.notation)) == str(c).rsplit("/", 1)[1], (
            f"{c}: notation is not its key"
        )


@pytest.mark.parametrize("scheme_key", sorted(EXPECTED_SCHEMES))
def test_scheme_contents(schemes: Graph, scheme_key: str) -> None:
    scheme, cls, keys = EXPECTED_SCHEMES[scheme_key]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in schemes
    members = set(schemes.subjects(SKOS.inScheme, scheme))
    assert {str(m) for m in members} == {f"{ID}{scheme_key}/{k}" for k in keys}
    for m in members:
        assert (m, RDF.type, cls) in schemes
        # every concept is either a top concept or hangs from one in the same scheme
        broader = schemes.value(m, SKOS.broader)
        if broader is None:
            assert (m, SKOS.topConceptOf, scheme) in schemes
            assert (scheme, SKOS.hasTopConcept, m) in schemes
        else:
            assert (broader, SKOS.inScheme, scheme) in schemes


def test_body_kind_hierarchy(schemes: Graph) -> None:
    for narrower, broader in (
        ("ministerial-department", "department"),
        ("non-ministerial-department", "department"),
        ("executive-ndpb", "ndpb"),
        ("advisory-ndpb", "ndpb"),
        ("tribunal", "ndpb"),
    ):
        assert (BK[narrower], SKOS.broader, BK[broader]) in schemes


def test_data_driven_schemes_are_declared(schemes: Graph) -> None:
    for scheme in (GK.ThemeScheme, GK.ScopeScheme):
        assert (scheme, RDF.type, SKOS.ConceptScheme) in schemes
        assert schemes.value(scheme, SKOS.definition) is not None


# --------------------------------------------------------------------------------------------------
# Shapes are complete and well formed
# --------------------------------------------------------------------------------------------------


def test_every_class_has_a_shape(ontology: Graph, shapes: Graph) -> None:
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = gk_terms(ontology, OWL.Class) - targeted
    assert not missing, f"classes without a shape: {sorted(missing)}"


def test_shapes_only_mention_declared_terms(ontology: Graph, shapes: Graph) -> None:
    classes = gk_terms(ontology, OWL.Class)
    props = gk_terms(ontology, OWL.ObjectProperty) | gk_terms(ontology, OWL.DatatypeProperty)
    props |= gk_terms(ontology, OWL.AnnotationProperty)
    for cls in set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"])):
        if str(cls).startswith(str(GK)):
            assert cls in classes, f"shapes mention undeclared class {cls}"
    for path in shapes.objects(None, SH.path):
        if isinstance(path, URIRef) and str(path).startswith(str(GK)):
            assert path in props, f"shapes mention undeclared property {path}"


def test_every_shape_explains_itself(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    property_shapes = set(shapes.objects(None, SH.property)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert node_shapes and property_shapes
    for shape in node_shapes:
        assert shapes.value(shape, SH.description) is not None, f"{shape} has no sh:description"
    for shape in property_shapes:
        assert shapes.value(shape, SH.name) is not None, f"{shape} has no sh:name"
        assert shapes.value(shape, SH.message) is not None, f"{shape} has no sh:message"


def test_record_key_pattern(shapes: Graph) -> None:
    pattern = shapes.value(URIRef("https://w3id.org/govkg/shapes#key"), SH.pattern)
    assert str(pattern) == "^[a-z0-9][a-z0-9._-]*$"


def test_certainty_values(shapes: Graph) -> None:
    in_list = shapes.value(URIRef("https://w3id.org/govkg/shapes#certainty"), SH["in"])
    assert in_list is not None
    assert [str(v) for v in Collection(shapes, in_list)] == ["sourced", "secondary", "inferred", "uncertain"]


def test_shapes_graph_is_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_fixed_vocabulary_conforms(vocab: Graph, shapes: Graph) -> None:
    """The scheme concepts are themselves targets of the concept-class shapes."""
    conforms, _, text = run_shacl(Graph(), vocab, shapes)
    assert conforms, text


# --------------------------------------------------------------------------------------------------
# Validation of data
# --------------------------------------------------------------------------------------------------


def test_sample_conforms(vocab: Graph, shapes: Graph) -> None:
    conforms, _, text = run_shacl(sample_records(), vocab, shapes)
    assert conforms, text


def test_validation_is_fast(vocab: Graph, shapes: Graph) -> None:
    data = sample_records()
    start = time.perf_counter()
    run_shacl(data, vocab, shapes)
    # Around 0.05 s on a laptop; the bound is loose so that slow CI machines do not fail.
    assert time.perf_counter() - start < 2.0


def _drop(p: URIRef, s: URIRef) -> object:
    def plant(g: Graph) -> None:
        g.remove((s, p, None))

    return plant


def _set(s: URIRef, p: URIRef, o: object) -> object:
    def plant(g: Graph) -> None:
        g.set((s, p, o() if callable(o) else o))  # type: ignore[arg-type]

    return plant


PLANTED = {
    "body without kind": (_drop(GK.bodyKind, BODY), BODY, GK.bodyKind),
    "figure with string amount": (_set(FIGURE, GK.amount, Literal("6.4bn")), FIGURE, GK.amount),
    "figure with integer amount": (_set(FIGURE, GK.amount, Literal(6400000000)), FIGURE, GK.amount),
    "accountability without scope": (_drop(GK.scope, ACC), ACC, GK.scope),
    "lesson without source": (_drop(PROV.wasDerivedFrom, LESSON), LESSON, PROV.wasDerivedFrom),
    "programme without source": (_drop(PROV.wasDerivedFrom, PROGRAMME), PROGRAMME, PROV.wasDerivedFrom),
    "certainty outside list": (_set(BODY, GK.certainty, Literal("probably")), BODY, GK.certainty),
    "key with capitals": (_set(BODY, GK.key, Literal("DoH")), BODY, GK.key),
    "body without label": (_drop(RDFS.label, BODY), BODY, RDFS.label),
    "lesson without theme": (_drop(GK.theme, LESSON), LESSON, GK.theme),
    "holder is a theme": (_set(ACC, GK.holder, THEME), ACC, GK.holder),
    "scope is a body": (_set(ACC, GK.scope, BODY), ACC, GK.scope),
    "kind from wrong scheme": (_set(BODY, GK.bodyKind, AK.accountable), BODY, GK.bodyKind),
    "ill-formed date": (_set(PROGRAMME, GK.startDate, lambda: Literal("2002", datatype=XSD.date)), PROGRAMME, GK.startDate),
    "ends before it starts": (
        _set(BODY, GK.endDate, Literal("1980-01-01", datatype=XSD.date)), BODY, GK.startDate,
    ),
    "precision outside list": (_set(PROGRAMME, GK.startPrecision, Literal("decade")), PROGRAMME, GK.startPrecision),
    "qualifier outside list": (_set(FIGURE, GK.qualifier, Literal("about")), FIGURE, GK.qualifier),
    "figure without unit": (_drop(GK.unit, FIGURE), FIGURE, GK.unit),
    "evidence offsets reversed": (_set(EVIDENCE, GK.endOffset, Literal(3)), EVIDENCE, GK.startOffset),
    "scope outside its scheme": (_set(SCOPE, SKOS.inScheme, GK.ThemeScheme), SCOPE, SKOS.inScheme),
    "source without title": (_drop(DCTERMS.title, SRC), SRC, DCTERMS.title),
    "source kind outside list": (_set(SRC, GK.sourceKind, Literal("blog")), SRC, GK.sourceKind),
    "empty lesson text": (_set(LESSON, GK.lessonText, Literal("")), LESSON, GK.lessonText),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_planted_violation_is_reported(vocab: Graph, shapes: Graph, case: str) -> None:
    plant, focus, path = PLANTED[case]
    g = sample_records()
    plant(g)  # type: ignore[operator]
    conforms, results, text = run_shacl(g, vocab, shapes)
    assert not conforms
    found = reported(results)
    assert (focus, path) in found, text
    # the fault is reported where it was planted and nowhere else
    assert {f for f, _ in found} == {focus}, text
    for r in results.subjects(RDF.type, SH.ValidationResult):
        assert results.value(r, SH.resultMessage) is not None


def test_record_without_any_source_names_the_property(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    g.remove((ACC, PROV.wasDerivedFrom, None))
    _, results, _ = run_shacl(g, vocab, shapes)
    messages = [
        str(results.value(r, SH.resultMessage))
        for r in results.subjects(RDF.type, SH.ValidationResult)
        if results.value(r, SH.resultPath) == PROV.wasDerivedFrom
    ]
    assert messages and "prov:wasDerivedFrom" in messages[0]


def test_concept_records_need_some_label(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    g.remove((THEME, SKOS.prefLabel, None))
    conforms, results, text = run_shacl(g, vocab, shapes)
    assert not conforms
    assert reported(results) == {(THEME, None)}, text  # a node-level sh:or: no single path
    g.add((THEME, RDFS.label, Literal("Governance")))
    conforms, _, text = run_shacl(g, vocab, shapes)
    assert conforms, text


def test_missing_scheme_is_only_a_warning(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    g.remove((SCOPE, SKOS.inScheme, None))
    g.remove((THEME, SKOS.inScheme, None))
    data = Graph()
    data += vocab
    data += g
    conforms, results, text = validate(data, shacl_graph=shapes, allow_warnings=True)
    assert conforms, text
    assert reported(results) == {(SCOPE, SKOS.inScheme), (THEME, SKOS.inScheme)}
    severities = set(results.objects(None, SH.resultSeverity))
    assert severities == {SH.Warning}


def test_programme_typed_as_project_kind(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    g.set((PROGRAMME, GK.initiativeKind, Literal("project")))
    conforms, results, text = run_shacl(g, vocab, shapes)
    assert not conforms
    assert reported(results) == {(PROGRAMME, GK.initiativeKind)}, text


def test_programme_and_project_are_disjoint(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    g.add((PROGRAMME, RDF.type, GK.Project))
    conforms, results, text = run_shacl(g, vocab, shapes)
    assert not conforms
    assert {f for f, _ in reported(results)} == {PROGRAMME}, text


def own_results(results: Graph, own: set[Node]) -> set[tuple[Node | None, Node | None]]:
    """(focus, path) of the results about the source's own records, ignoring the type-only stubs."""
    return {(f, p) for f, p in reported(results) if f in own}


def test_references_to_other_sources(vocab: Graph, shapes: Graph) -> None:
    """How the loader validates one source at a time.

    The graph holds one source's records plus bare rdf:type triples for the nodes they point to that
    are defined in other sources. sh:class needs those types, but the stubs are instances of target
    classes too, so the shapes report them as incomplete; the loader keeps only the results whose
    focus node is one of the source's own records. (pyshacl's focus_nodes option is not a substitute:
    in pyshacl 0.40 it also filters the value nodes handed to sh:or and sh:not, which then pass
    vacuously.)
    """
    record = Graph()
    record.add((FINDING, RDF.type, GK.Finding))
    record.add((FINDING, GK.key, Literal("npfit-value-not-shown")))
    record.add((FINDING, GK.text, Literal("Value for money had not been shown.")))
    record.add((FINDING, GK.madeBy, AUDITOR))
    record.add((FINDING, GK.about, PROGRAMME))
    record.add((FINDING, DCTERMS.date, Literal("2011-05-18", datatype=XSD.date)))
    record.add((FINDING, PROV.wasDerivedFrom, SRC))
    stubs = Graph()
    stubs.add((AUDITOR, RDF.type, GK.Body))
    stubs.add((PROGRAMME, RDF.type, GK.Programme))
    stubs.add((SRC, RDF.type, GK.SourceDocument))
    own = set(record.subjects(RDF.type, None))

    _, results, _ = run_shacl(record + stubs, vocab, shapes)
    assert {f for f, _ in reported(results)} == {AUDITOR, PROGRAMME, SRC}  # only the stubs
    assert own_results(results, own) == set()

    # a reference to something of the wrong kind is still caught, including inside sh:or
    bad = record + stubs
    bad.set((FINDING, GK.about, SRC))
    bad.set((FINDING, GK.madeBy, PROGRAMME))
    _, results, _ = run_shacl(bad, vocab, shapes)
    assert own_results(results, own) == {(FINDING, GK.about), (FINDING, GK.madeBy)}

    # and so is a reference to a node whose type is unknown
    missing = record + stubs
    missing.remove((AUDITOR, RDF.type, GK.Body))
    _, results, _ = run_shacl(missing, vocab, shapes)
    assert own_results(results, own) == {(FINDING, GK.madeBy)}


def test_blank_node_evidence_is_checked(vocab: Graph, shapes: Graph) -> None:
    g = sample_records()
    ev = BNode()
    g.add((ev, RDF.type, GK.Evidence))
    g.add((ev, GK.quote, Literal("spent")))
    g.add((ev, PROV.wasQuotedFrom, SRC))
    g.add((FIGURE, GK.evidence, ev))
    conforms, results, _ = run_shacl(g, vocab, shapes)
    assert not conforms
    assert reported(results) == {(ev, GK.startOffset), (ev, GK.endOffset)}
