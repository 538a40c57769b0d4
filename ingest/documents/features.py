"""What the statement classifier sees of a statement besides its embedding: where it stands in the document
and a few words that carry its kind.

Every feature is a number from 0 to about 1, named in STRUCTURE (the model file records the names, so a model
trained on other features is refused). Structure: list item or sentence, the kind its heading and its list's
lead-in introduce, said in a transcript turn or a quotation, the first sentence of its paragraph, its place in
the document, a numbered paragraph, a question, a line that ends in a colon, and how likely the heading model
finds it that its heading, its lead-in and the document's title introduce each kind. Words: a modal verb ("should",
"must", "need to"), "should have", "we recommend", lesson and finding cue phrases (classify.py), "we"/"our", an
imperative opening ("Simplify …"), a body named as the subject of a modal verb, and a figure in it; whether
it ends without a sentence's closing mark (captions, labels, a web page's "Get the latest news …"), and whether it
addresses the reader ("you", "your").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.documents.classify import cues
from ingest.documents.structure import Structure, Unit

KIND_SLOTS = ("finding", "recommendation", "lesson", "figure")
STRUCTURE: tuple[str, ...] = (
    "item", *(f"heading_{k}" for k in KIND_SLOTS), *(f"lead_{k}" for k in KIND_SLOTS), "turn", "quote",
    "first_in_paragraph", "position", "numbered_paragraph", "question", "ends_in_colon", "modal", "should_have",
    "need_to", "will", "recommend_cue", "lesson_cue", "finding_cue", "we", "imperative", "action", "body_subject",
    "figure", "length", "no_stop", "you", *(f"{place}_{k}" for place in ("section", "leadin", "title") for k in KIND_SLOTS),
)
_IMPERATIVE = re.compile(
    r"^(?:ensure|develop|set|make|publish|review|establish|agree|consider|provide|introduce|create|improve|"
    r"strengthen|simplify|use|collect|maintain|build|put|clarify|define|identify|assess|monitor|report|take|"
    r"give|appoint|adopt|align|work|engage|invest|prioritise|prioritize|plan|prepare|keep|stop|start|avoid|"
    r"test|pilot|secure|commission|fund|share|reduce|increase|limit|require|record|track|measure|set out|"
    r"focus|learn|treat|bring|design|involve|write|tell|check|match|link|evaluate|budget|phase|hold|name|"
    r"document|resource|consult|communicate|protect|retain|recruit|train|sign|negotiate|renegotiate|"
    r"explain|confirm|decide|approve|note|endorse|support|implement|deliver|gather|draw|move|replace|map)\b",
    re.I)
_STOP = re.compile(r"[.!?:;…][\"'”’)\]]*$")  # no such ending: a caption, a label, a web page's sign-up line
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)  # the reader addressed
_QUESTION = re.compile(r"\?[\"'”’)\]]*$")
# an action in minutes: "The Programme Director to agree a revised plan …", "Finance Lead to prepare …"
_ACTION = re.compile(r"^(?:the\s+)?(?:[A-Z][\w&’'-]*\s+){1,5}(?:and\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s+){1,4})?to\s+"
                     r"(?!be\b|date\b)[a-z]+\b")


@dataclass(frozen=True)
class Context:
    """What features need that the structure alone does not give: a figure, a body as the subject, and how
    likely the heading model finds it that the statement's heading, lead-in and document title introduce each
    kind (KIND_SLOTS order)."""

    has_figure: bool = False
    body_subject: bool = False
    section: tuple[float, ...] = (0.0,) * len(KIND_SLOTS)
    leadin: tuple[float, ...] = (0.0,) * len(KIND_SLOTS)
    title: tuple[float, ...] = (0.0,) * len(KIND_SLOTS)


def structure_vector(text: str, unit: Unit, structure: Structure, context: Context) -> list[float]:
    """The STRUCTURE features of one statement, in that order."""
    heading = unit.topic if unit.topic in KIND_SLOTS else None
    if heading == "figure" and not context.has_figure:
        heading = None  # a key-facts heading introduces figures; a sentence under it with none is not one of them
    lead = unit.lead_kind if unit.lead_kind in KIND_SLOTS else None
    speech = structure.speeches[unit.speech] if unit.speech is not None else None
    flags = cues(text)
    words = text.split()
    values = {
        "item": float(unit.form == "item" or unit.lead is not None),
        **{f"heading_{k}": float(heading == k) for k in KIND_SLOTS},
        **{f"lead_{k}": float(lead == k) for k in KIND_SLOTS},
        "turn": float(speech is not None and speech.kind == "turn"),
        "quote": float(speech is not None and speech.kind == "quote"),
        "first_in_paragraph": float(unit.first_in_paragraph),
        "position": unit.paragraph / max(1, structure.elements - 1),
        "numbered_paragraph": float(bool(re.match(r"\d", unit.reference))),
        "question": float(bool(_QUESTION.search(text.rstrip()))),
        "ends_in_colon": float(text.rstrip().endswith(":")),
        "modal": float(flags["modal"]),
        "should_have": float(flags["should_have"]),
        "need_to": float(flags["need_to"]),
        "will": float(flags["will"]),
        "recommend_cue": float(flags["recommend"]),
        "lesson_cue": float(flags["lesson"]),
        "finding_cue": float(flags["finding"]),
        "we": float(bool(re.match(r"^(?:we|our|i)\b", text.strip(" \"“‘'"), re.I))),
        "imperative": float(bool(_IMPERATIVE.match(text.strip(" \"“‘'")))),
        "action": float(bool(_ACTION.match(text.strip(" \"“‘'")))),
        "body_subject": float(context.body_subject),
        "figure": float(context.has_figure),
        "length": min(len(words) / 40, 1.5),
        "no_stop": float(not _STOP.search(text.rstrip())),
        "you": float(bool(_YOU.search(text))),
        **{f"{place}_{k}": float(p) for place, probs in (("section", context.section), ("leadin", context.leadin),
                                                          ("title", context.title)) for k, p in zip(KIND_SLOTS, probs,
                                                                                                   strict=True)},
    }
    return [values[name] for name in STRUCTURE]
