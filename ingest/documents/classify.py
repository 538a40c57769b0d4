"""What each statement of a document is: a finding, a recommendation, a lesson, a figure statement or other.

Two kinds of evidence, in this order:

1. the *topic* of the section it sits in, set by a heading or by the lead-in line of a list ("Key findings",
   "The recommendations from the report are that the Department should:", "Lessons learned", "Key facts");
   a subsection without a topic of its own inherits its parent's. A list item under a topic takes it with
   confidence 0.9 (0.95 when its own cue phrases agree); a sentence of prose takes it with 0.75 when its cues
   agree (always for findings), else it is a figure statement if it states a figure, else the topic at 0.5;
2. outside such sections, cue phrases in the statement itself: "we recommend", "should", "must" and
   "<body> need(s) to" for recommendations; "lessons learned", "should have" for lessons; "has found",
   "remain confused", "is uncertain", "has not", "challenge"… for findings; a money, percentage or count
   figure for a figure statement. Recommendation cues are tried first, then lessons, findings and figures.

Also here: the body a recommendation is addressed to, read from the text before its modal verb ("the
Department should …", "We recommend that NHSX …"), else from its list's lead-in or heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("finding", "recommendation", "lesson", "figure", "other")
RECORD_KINDS = ("finding", "recommendation", "lesson")

_LEAD = (r"^(?:\d+(?:\.\d+)*[.)]?\s+)?(?:(?:the|our|its|their|key|main|summary|of|some|a|few|several|major|"
         r"principal|biggest|central|top|specific|other|further|wider|most|important|common|recurring|critical|"
         r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|\d+|report'?s|review'?s)\s+)*")
_KIND_WORDS = (
    ("recommendation", r"recommendations?|actions?(?:\s+(?:required|needed|for|to take))?|next steps|proposals?|asks|"
                       r"what (?:needs to|should|must) (?:happen|change)|what (?:we|you) should do"),
    ("lesson", r"lessons?(?:\s+(?:learned|learnt|for|from|to|of))?|learning points|takeaways?|insights|"
               r"what (?:we|i|they) (?:learned|learnt|would do differently)|(?:what |things )?(?:we|i) would do "
               r"differently|things to do differently|with hindsight|advice(?:\s+(?:for|to))?|learning"),
    ("finding", r"findings?|conclusions?|problems?|issues?|failures?|failings?|challenges?|difficulties|weaknesses|"
                r"shortcomings|concerns|risks?|criticisms?|observations|successes|strengths|achievements|"
                r"what (?:went wrong|worked|went well|did not work|didn't work|failed|we found|the review found)|"
                r"where (?:it|things|the programme) went wrong|why (?:it|the programme) failed|key (?:points|messages)|"
                r"main points|(?:our )?assessment|(?:our )?verdict"),
    ("figure", r"key (?:facts|figures|statistics|numbers)|facts and figures|in numbers|by the numbers|statistics|"
               r"the numbers|at a glance|costs? at a glance"),
)
_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(_LEAD + rf"(?:{words})(?![\w-])", re.I)) for kind, words in _KIND_WORDS)
# strong phrases anywhere in a heading or lead-in ("The report's key findings are:", "… that the Department should:")
_ANYWHERE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("recommendation", re.compile(r"\brecommendations\b.*\b(?:are|is|for|to)\b|\bwe recommend\b|\bshould:\s*$|"
                                  r"\brecommends?:\s*$|\b(?:is|are) (?:asked|invited) to:?\s*$", re.I)),
    ("lesson", re.compile(r"\blessons (?:learned|learnt|are|include)\b|\bwould do differently\b", re.I)),
    ("finding", re.compile(r"\bkey findings\b|\bfindings (?:are|were|include)\b|\bwe (?:found|conclude)\b|"
                           r"\b(?:what|where) (?:went wrong|worked)\b", re.I)),
    ("figure", re.compile(r"\bkey (?:facts|figures)\b|\bfacts and figures\b|\bin numbers\b", re.I)),
)


def topic_of_heading(text: str) -> str | None:
    """The kind of statement a heading (or a list's lead-in line) introduces, read from its words: the kind's
    word at its head ("Key findings", "The key challenges faced by the programme included:", "What went
    wrong", "Lessons we would do differently"), or a phrase that says it anywhere ("The report's key findings
    are:", "… that the Department should:"). None when it introduces no kind."""
    text = text.strip().strip("*_#").strip()
    for kind, pattern in _TOPICS:
        head = pattern.match(text)
        if head:
            rest = text[head.end():]
            if any(other != kind and re.match(rf"\s*(?:and|&)\s+{_LEAD[1:]}(?:{words})(?![\w-])", rest, re.I)
                   for other, words in _KIND_WORDS):
                return None  # "Conclusions and recommendations": statements of both kinds follow
            return kind
    for kind, pattern in _ANYWHERE:
        if pattern.search(text):
            return kind
    return None


MODAL = re.compile(r"\b(?:should(?! have)|must|ought to|needs? to|is (?:asked|urged) to|are (?:asked|urged) to)\b",
                   re.I)
_RECOMMEND = re.compile(r"\bwe (?:would )?recommend\b|\brecommends? that\b|\brecommendation is\b|\bwe urge\b", re.I)
_SHOULD = re.compile(r"\b(?:should(?! have)|must|ought to)\b", re.I)
_NEED = re.compile(r"\bneeds? to\b", re.I)
_LESSON = re.compile(r"\blessons? (?:learned|learnt|is|are|from|for|was|were)\b|\blearn(?:ed|t)? (?:from|that)\b|"
                     r"\bshould have\b|\bwith hindsight\b|\bthe lesson\b", re.I)
_FINDING = re.compile(
    r"\b(?:has|have) found\b|\bwe found\b|\bfound that\b|\bwe conclude\b|\bconclu(?:ded|des) that\b|"
    r"\bnot convinced\b|\b(?:is|are|was|were|remains?|been) (?:still )?(?:uncertain|unclear|confused|inadequate|"
    r"insufficient|poor|limited|under-developed|fragmented)\b|\buncertain(?:ty)?\b|\b(?:has|have|had) not\b|"
    r"\bhas been (?:slower|poor|inadequate|limited)\b|\bnot (?:been )?(?:enough|sufficient)\b|\bdoes not have\b|"
    r"\bdo not have\b|\bthere (?:is|was|are|were) no\b|\bchallenges?\b|\bchallenging\b|\bhas improved\b|"
    r"\bhave improved\b|\brisks?\b|\btension\b|\bslower than expected\b|\bunsuccessful\b|\bfailed\b|"
    r"\bnot in place\b|\bunlikely\b(?=.*\b(?:meet|achieve|deliver)\b)|\bshortfall\b|\bdelays?\b|\boverr?an\b",
    re.I)


@dataclass(frozen=True)
class Classification:
    kind: str
    confidence: float
    reason: str


def classify(text: str, *, topic: str | None, form: str, has_figure: bool, subject_names_body: bool,
             first_in_paragraph: bool) -> Classification:
    """Classify one statement (``form``: "item", "sentence" or "key-fact"); see the module doc."""
    if form == "key-fact":
        return Classification("figure", 0.9 if has_figure else 0.5, "key fact: a value line and what it counts")
    cue = _cue(text, subject_names_body)
    if topic in RECORD_KINDS:
        agrees = cue is not None and cue[0] == topic
        if form == "item":
            return Classification(topic, 0.95 if agrees else 0.9, f"list item under a {topic} heading")
        if agrees or topic == "finding":
            return Classification(topic, 0.75, f"sentence under a {topic} heading")
        if has_figure:
            return Classification("figure", 0.6, f"figure in a sentence under a {topic} heading")
        return Classification(topic, 0.5, f"sentence under a {topic} heading, without a cue of its own")
    if topic == "figure":
        if has_figure:
            return Classification("figure", 0.85, "figure under a key facts heading")
        if text[:1].islower():
            return Classification("figure", 0.5, "description under a key facts heading (its number is missing)")
    if cue is not None:
        kind, confidence, reason = cue
        if kind == "finding" and first_in_paragraph:
            confidence += 0.1
        return Classification(kind, round(confidence, 2), reason)
    if has_figure:
        return Classification("figure", 0.7, "states a money, percentage or count figure")
    return Classification("other", 0.6, "no heading topic or cue phrase")


def _cue(text: str, subject_names_body: bool) -> tuple[str, float, str] | None:
    if text.rstrip().endswith("?"):
        return None
    if _RECOMMEND.search(text):
        return "recommendation", 0.9, "cue: 'recommend(s) that'"
    if _LESSON.search(text):
        return "lesson", 0.7, "cue: lessons"
    if _SHOULD.search(text):
        return "recommendation", 0.75, "cue: 'should' / 'must'"
    if _NEED.search(text) and subject_names_body:
        return "recommendation", 0.65, "cue: '<body> need(s) to'"
    if _FINDING.search(text):
        return "finding", 0.6, "cue: evaluative phrase"
    return None


_SHOULD_HAVE = re.compile(r"\b(?:should|could|would|might) (?:not )?have\b", re.I)
_WILL = re.compile(r"\b(?:will|shall)\b", re.I)


def cues(text: str) -> dict[str, bool]:
    """The cue phrases in a statement, as features for the model (features.py)."""
    return {"modal": bool(_SHOULD.search(text)), "should_have": bool(_SHOULD_HAVE.search(text)),
            "need_to": bool(_NEED.search(text)), "will": bool(_WILL.search(text)),
            "recommend": bool(_RECOMMEND.search(text)), "lesson": bool(_LESSON.search(text)),
            "finding": bool(_FINDING.search(text))}


# ------------------------------------------------------------------------------------------- addressees
_SUBJECT_AFTER = re.compile(r"\b(?:recommends?|urges?|recommended) that\b|\brecommendations? (?:to|for)\b", re.I)
_ANAPHORA = re.compile(r"\b(?:these|those|the) (?:organisations|bodies|departments|agencies)\b|\bthey\b|"
                       r"\bthem\b|\bboth\b", re.I)


def subject_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the subject of a recommendation in ``text[start:end]``: what comes before its modal verb,
    after any "recommends that". None when there is no modal verb."""
    segment = text[start:end]
    modal = MODAL.search(segment)
    head_end = modal.start() if modal else None
    after = None
    for m in _SUBJECT_AFTER.finditer(segment):
        if head_end is None or m.end() <= head_end:
            after = m
    if head_end is None:
        if after is None:
            return None
        return start + after.end(), end
    begin = after.end() if after else 0
    clause = max(segment.rfind(";", begin, head_end), segment.rfind(". ", begin, head_end))
    if clause >= 0:
        begin = clause + 1
    return start + begin, start + head_end


_ORG = re.compile(r"^(?:the\s+)?(?:[A-Z][\w&'’-]*)(?:\s+(?:of|for|and|&)?\s*[A-Z][\w&'’-]*){0,5}"
                  r"(?:\s+and\s+(?:its|their|the)\s+[a-z’'\- ]+)?$")


def organisation_subject(text: str, start: int, end: int) -> bool:
    """Whether the subject of the statement's modal verb reads as an organisation: "the" and a capitalised
    name, a capitalised name of two words or more, or an acronym ("the Department", "NHS England and its
    arm's-length bodies", "NHSX"), after any opening phrase ("To meet their aims, …")."""
    span = subject_span(text, start, end)
    if span is None or text[start:end].rstrip().endswith("?"):
        return False
    subject = text[span[0]:span[1]].strip()
    subject = subject[subject.rfind(",") + 1:].strip() if "," in subject else subject
    if not _ORG.match(subject):
        return False
    words = [w for w in subject.split() if w.lower() not in ("the", "and", "of", "for", "&")]
    definite = subject.lower().startswith("the ")
    return bool(words) and (definite or len(words) >= 2 or (len(words[0]) > 1 and words[0].isupper()))


def refers_back(text: str) -> bool:
    """Whether a recommendation's subject points back at the bodies named before ("these organisations")."""
    return bool(_ANAPHORA.search(text))
