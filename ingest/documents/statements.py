"""A document's text read into statements, each with its kind: the step between reading a file and making RDF.

``analyse`` finds the turns and quotations (speech.py), the structure (structure.py), the dates and figures
(figures.py) and the names (mentions.py), then classifies every statement:

* a key fact is a figure statement (its value line says so);
* a whole list item takes the kind of its list: what its lead-in line or heading introduces ("The key
  challenges faced by the programme included:", "What we would do differently"), read from cue words
  (classify.topic_of_heading), else by the heading model when it is sure (probability ≥ HEADING_MIN);
* every other statement goes to the trained classifier (model.py): its embedding and its structure features
  (features.py) give a probability for each kind, and the most probable kind is taken, with that probability
  as the confidence; but an organisation as the subject of "should"/"must"/"need to" makes a recommendation,
  and a lower-case description under a key facts heading a figure statement (its value was lost);
* without the classifier (onnxruntime missing, or a model that does not match the encoder) the cue phrases of
  classify.py decide, and the ingest report says why.

The training script reads its labelled documents through the same function, so that what the model learns
from is what it will see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ingest.documents.classify import (
    RECORD_KINDS,
    Classification,
    classify,
    organisation_subject,
    subject_span,
    topic_of_heading,
)
from ingest.documents.features import STRUCTURE, Context, structure_vector
from ingest.documents.figures import FigureMatch, Period, find_figures, find_periods
from ingest.documents.mentions import AliasDefinition, Mention, NameIndex, find_mentions
from ingest.documents.model import Reader
from ingest.documents.read import Extracted
from ingest.documents.speech import find_speech
from ingest.documents.structure import Structure, Unit, parse, split_items

HEADING_MIN = 0.6
_DESCRIBE = {"item": "list item", "sentence": "sentence", "key-fact": "key fact"}


@dataclass
class Analysis:
    structure: Structure
    periods: list[Period]
    figures: list[FigureMatch]
    mentions: list[Mention]
    definitions: list[AliasDefinition]
    ambiguous: list[dict[str, object]]
    classes: list[Classification] = field(default_factory=list)
    features: list[list[float]] = field(default_factory=list)  # the structure features of each statement
    method: str = "model"  # "model" or "cue phrases"
    note: str = ""
    heading_probs: Callable[[str], tuple[float, ...]] | None = None


def heading_kinds(reader: Reader | None) -> Callable[[str], str | None]:
    """What a heading or lead-in introduces: cue words first, then the heading model when it is sure."""
    cache: dict[str, str | None] = {}

    def kind_of(text: str) -> str | None:
        if text not in cache:
            found = topic_of_heading(text)
            if found is None and reader is not None:
                kind, p = reader.heading_kinds([" ".join(text.split())])[0]
                found = kind if kind != "none" and p >= HEADING_MIN else None
            cache[text] = found
        return cache[text]

    return kind_of


def outline(extracted: Extracted, kind_of: Callable[[str], str | None]) -> Structure:
    """The document's turns, quotations and structure."""
    speeches, labels = find_speech(extracted.text, extracted.headings, extracted.quotes)
    return parse(extracted.text, extracted.headings, speeches=speeches, labels=labels, kind_of=kind_of)


HeadingProbs = Callable[[str], tuple[float, ...]]


def analyse(extracted: Extracted, structure: Structure, index: NameIndex, doc_date: dt.date | None,
            reader: Reader | None, *, why_not: str = "", heading_probs: HeadingProbs | None = None) -> Analysis:
    """The statements of a read document and its outline, classified (see the module doc); ``heading_probs``
    (the reader's heading model by default) gives the structure features their heading probabilities."""
    text = extracted.text
    periods = find_periods(text)
    figures = find_figures(text, periods)
    mentions, definitions, ambiguous = find_mentions(text, index, doc_date)
    out = Analysis(structure, periods, figures, mentions, definitions, ambiguous)
    out.heading_probs = heading_probs or (reader.heading_probs if reader is not None else None)
    if reader is None:
        out.method, out.note = "cue phrases", why_not
        contexts = _contexts(text, structure, out)
        out.features = _features(text, structure, contexts)
        out.classes = [classify(text[u.start:u.end], topic=u.lead_kind or u.topic, form=u.form,
                                first_in_paragraph=u.first_in_paragraph, has_figure=c.has_figure,
                                subject_names_body=c.body_subject) for u, c in zip(structure.units, contexts,
                                                                                   strict=True)]
        return out
    _settle_items(text, structure, out, reader)
    contexts = _contexts(text, structure, out)
    out.features = _features(text, structure, contexts)
    out.classes = _by_model(text, structure, out.features, contexts, reader)
    return out


def _contexts(text: str, structure: Structure, analysis: Analysis) -> list[Context]:
    figure_spans = [(f.start, f.end) for f in analysis.figures if f.unit != "year"]
    probs = analysis.heading_probs
    zero = (0.0, 0.0, 0.0, 0.0)
    title = structure.sections[0].title if structure.sections and structure.sections[0].level == 1 else ""
    title_probs = probs(title) if probs and title else zero
    out = []
    for unit in structure.units:
        spans = figure_spans
        if unit.form == "key-fact":  # a key fact's value may be a date ("July 2019")
            spans = spans + [(pd.start, pd.end) for pd in analysis.periods if pd.end <= (unit.value_end or 0)]
        section = structure.sections[unit.section].title if unit.section is not None else ""
        lead = " ".join(text[unit.lead[0]:unit.lead[1]].split()) if unit.lead else ""
        out.append(Context(has_figure=any(unit.start <= s and e <= unit.end for s, e in spans),
                           body_subject=_subject_has_body(text, unit.start, unit.end, analysis.mentions),

                           section=probs(section) if probs and section else zero,
                           leadin=probs(lead) if probs and lead else zero, title=title_probs))
    return out


def _features(text: str, structure: Structure, contexts: list[Context]) -> list[list[float]]:
    return [structure_vector(_statement(text, u), u, structure, c) for u, c in zip(structure.units, contexts,
                                                                                    strict=True)]


def _settle_items(text: str, structure: Structure, analysis: Analysis, reader: Reader) -> None:
    """A whole list item whose sentences the model puts in different kinds (other aside) becomes one statement
    per sentence (see structure.split_items)."""
    whole = [u for u in structure.units if u.parts]
    if not whole:
        return
    parts = Structure(sections=structure.sections, elements=structure.elements, speeches=structure.speeches)
    parts.units = [replace(u, start=a, end=b, form="sentence", first_in_paragraph=i == 0, parts=[])
                   for u in whole for i, (a, b) in enumerate(u.parts)]
    contexts = _contexts(text, parts, analysis)
    features = _features(text, parts, contexts)
    probs = reader.statement_probs([_statement(text, u) for u in parts.units], features)
    classes = reader.classifier.statements.classes
    kinds: dict[int, set[str]] = {}
    k = 0
    for u in whole:
        for _ in u.parts:
            ruled = _overruled(text, parts.units[k], features[k], contexts[k])
            kinds.setdefault(u.index, set()).add(ruled.kind if ruled else classes[int(probs[k].argmax())])
            k += 1
    split_items(structure, {i for i, found in kinds.items() if len(found - {"other"}) > 1})


def _statement(text: str, unit: Unit) -> str:
    return " ".join(text[unit.start:unit.end].split())


def _by_model(text: str, structure: Structure, features: list[list[float]], contexts: list[Context],
              reader: Reader) -> list[Classification]:
    units = structure.units
    asked = [i for i, u in enumerate(units) if u.form != "key-fact"]
    probs = reader.statement_probs([_statement(text, units[i]) for i in asked], [features[i] for i in asked])
    classes = reader.classifier.statements.classes
    found: dict[int, Classification] = {}
    for i, row in zip(asked, probs, strict=True):
        best = int(row.argmax())
        unit = units[i]
        listed = unit.lead_kind or unit.topic
        if unit.form == "item" and listed in RECORD_KINDS:  # a list takes its kind from its lead-in or heading
            p = float(row[classes.index(listed)]) if listed in classes else 0.0
            found[i] = Classification(listed, round(0.5 + 0.5 * p, 2), f"{_where(unit, structure)} (model: "
                                      f"{listed} {p:.2f})")
            continue
        found[i] = _overruled(text, unit, features[i], contexts[i]) or Classification(
            classes[best], round(float(row[best]), 2),
            f"model: {classes[best]} {float(row[best]):.2f}; {_where(unit, structure)}")
    return [found.get(i) or Classification("figure", 0.9 if contexts[i].has_figure else 0.5,
                                           "key fact: a value line and what it counts") for i in range(len(units))]


_MODAL_SLOTS = tuple(STRUCTURE.index(name) for name in ("modal", "need_to"))
_SHOULD_HAVE = STRUCTURE.index("should_have")


def _overruled(text: str, unit: Unit, features: list[float], context: Context) -> Classification | None:
    """Two shapes that settle a statement's kind whatever the model says: an organisation (a body in the store,
    or a capitalised name) as the subject of "should", "must" or "need(s) to" (a recommendation addressed to it),
    and, under a key facts heading, a description in lower case whose value line was lost (a figure statement)."""
    if any(features[k] for k in _MODAL_SLOTS) and not features[_SHOULD_HAVE] and (
            context.body_subject or organisation_subject(text, unit.start, unit.end)):
        return Classification("recommendation", 0.9, "an organisation as the subject of 'should', 'must' or "
                                                      "'need to'")
    if unit.topic == "figure" and text[unit.start:unit.start + 1].islower():
        return Classification("figure", 0.5, "description under a key facts heading (its value is missing)")
    return None


def _where(unit: Unit, structure: Structure) -> str:
    """The structure behind a classification, in words."""
    what = _DESCRIBE[unit.form]
    if unit.lead_kind in RECORD_KINDS or unit.lead_kind == "figure":
        what += f" after a {unit.lead_kind} lead-in"
    elif unit.topic:
        what += f" under a {unit.topic} heading"
    if unit.speech is not None:
        what += ", said by a speaker" if structure.speeches[unit.speech].kind == "turn" else ", in a quotation"
    return what


def _subject_has_body(text: str, start: int, end: int, mentions: list[Mention]) -> bool:
    span = subject_span(text, start, end)
    return span is not None and any(span[0] <= m.start < span[1] and m.entity.kind == "body" for m in mentions)
