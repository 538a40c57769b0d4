"""Filling a kind's parameters from a question: things from the names it mentions, dates from the period it
names, and the few closed lists (ratings, accountability and figure kinds, classes) from its words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from graph.ask.answer import Filled
from graph.ask.dates import Period
from graph.ask.entities import ACCEPTS, Entity, Mention
from graph.ask.kinds import AskKind
from graph.queries import Param

ALL_TIME = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
RATINGS = [("amber-red", r"amber[\s/-]*red"), ("amber-green", r"amber[\s/-]*green"), ("red", r"\bred\b"),
           ("amber", r"\bamber\b"), ("green", r"\bgreen\b")]
ACCOUNTABILITY_KINDS = [("sro", r"\bsros?\b|senior responsible"), ("oversight", r"\boversight|oversaw|oversee"),
                        ("scrutiny", r"\bscrutin"), ("funding", r"\bfund(ed|ing|er)\b"),
                        ("sponsor", r"\bsponsor"), ("policy", r"\bpolicy\b"),
                        ("delivery", r"\bdeliver(ed|y|ing)?\b")]
FIGURE_KINDS = [("total-cost-estimate", r"\btotal cost|\bwhole[- ]life cost"), ("budget", r"\bbudget"), ("spend-to-date", r"\bspend to date|spent (so far|to date)"),
                ("contract-value", r"\bcontract value|contracts? (were |was )?worth"),
                ("benefit-forecast", r"\bbenefits?\b")]
CLASSES = [("Recommendation", r"recommendations?"), ("Finding", r"findings?"), ("Lesson", r"lessons?"),
           ("Figure", r"figures?"), ("Person", r"people|persons?|individuals"), ("Post", r"posts?"),
           ("Project", r"(major )?projects?"), ("Programme", r"programmes?|programs?"),
           ("Accountability", r"accountabilit(y|ies)"), ("SourceDocument", r"sources?|source documents?|documents"),
           ("Target", r"targets?"), ("Theme", r"themes?"), ("Scope", r"scopes?"),
           ("LineageEvent", r"lineage (steps|events)"),
           ("Body", r"bod(y|ies)|organi[sz]ations?|agencies|departments?|trusts?")]
TOPIC_LEAD = re.compile(r"^.*?\b(?:lessons?|learn(?:ed|t)?|takeaways?)\b.*?\b(?:about|on|regarding|concerning|around|"
                        r"for|of|with)\b\s*", re.IGNORECASE)
QUOTED = re.compile(r"[\"“”'‘’](?P<text>[^\"“”]{8,})[\"“”'‘’]")


@dataclass
class Slots:
    """What the question gives: the names it mentions, the period it names, its words."""

    question: str
    mentions: list[Mention]
    period: Period | None
    plain: str = ""  # the question with its names replaced by words for their kinds
    posts: list[Entity] | None = None  # every post, for posts named by their body and title words

    def entity_for(self, param: Param) -> tuple[Entity, Mention] | None:
        """The thing the parameter asks for: of the first type it accepts that the question names; of two
        names, the one not introduced as the maker ("did the NAO find…", "by the PAC")."""
        accepts = ACCEPTS.get(param.type, ())
        words = self.question.lower().split()
        for wanted in accepts:
            found = [(e, m) for m in self.mentions for e in m.entities[:3] if e.type == wanted]
            found = list({e.iri: (e, m) for e, m in found}.values())
            if found:
                return min(found, key=lambda em: (_maker(em[1], self.question), em[1].start))
            if wanted == "post" and self.posts:
                post = self._post_by_body(words)
                if post:
                    return post
        return None

    def _post_by_body(self, words: list[str]) -> tuple[Entity, Mention] | None:
        """A post named as its body plus a title word: "who chaired the Committee of Public Accounts" is the
        Chair of the Committee of Public Accounts."""
        stems = {w[:5] for w in re.findall(r"[a-z]+", self.question.lower()) if len(w) > 3}
        for m in self.mentions:
            for body in m.entities[:2]:
                if body.type != "body":
                    continue
                for post in self.posts or []:
                    label = post.label.lower()
                    if body.label.lower() in label:
                        rest = {w[:5] for w in re.findall(r"[a-z]+", label.replace(body.label.lower(), ""))
                                if len(w) > 3}
                        if rest & stems:
                            return post, m
        return None


def fill(kind: AskKind, slots: Slots) -> tuple[list[Filled], list[str]]:
    """The parameters of the kind, filled, and the names of those the question needs but does not give."""
    filled: list[Filled] = []
    missing: list[str] = []
    for p in kind.params:
        got = _one(p, kind, slots)
        if got is None:
            if p.name in kind.needs:
                missing.append(p.name)
            elif p.default is not None:
                filled.append(Filled(p.name, p.default, p.default, "default"))
            continue
        filled.append(got)
    return filled, missing


def _one(p: Param, kind: AskKind, slots: Slots) -> Filled | None:
    q, period = slots.question, slots.period
    if p.type.startswith("iri"):
        found = slots.entity_for(p)
        return Filled(p.name, found[0].iri, found[0].label, found[1].text) if found else None
    if p.type == "date" and p.name in ("from", "to"):
        if period is None:
            if p.name in kind.needs:
                return None
            day = ALL_TIME[0] if p.name == "from" else ALL_TIME[1]
            return Filled(p.name, day.isoformat(), "at any time", "no period given")
        day = period.start if p.name == "from" else period.end
        label = period.label()
        if period.grain == "range":
            whole_years = (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31)
            label = str(day.year) if whole_years else day.isoformat()
        return Filled(p.name, day.isoformat(), label, period.text)
    if p.name == "year":
        if period is None:
            return None
        if p.type == "integer":
            return Filled(p.name, str(period.year), str(period.year), period.text)
        return Filled(p.name, period.financial_year, period.financial_year, period.text)
    words = slots.plain or q  # closed lists are read around the names, not inside them
    if p.name == "rating":
        return _closed(p.name, RATINGS, words)
    if p.name == "kind" and kind.query is not None and "figure" in kind.name:
        return _closed(p.name, FIGURE_KINDS, words)
    if p.name == "kind":
        return _closed(p.name, ACCOUNTABILITY_KINDS, words)
    if p.name == "class":
        return _closed(p.name, CLASSES, words)
    if p.name == "department":
        for m in slots.mentions:
            body = next((e for e in m.entities if e.type == "body"), None)
            if body is not None:
                return Filled(p.name, body.label, body.label, m.text)
        return None
    if p.name == "text":
        quoted = QUOTED.search(q)
        return Filled(p.name, quoted["text"].strip(), f"“{quoted['text'].strip()}”", quoted.group(0)) if quoted \
            else None
    if p.name == "topic":
        topic = topic_of(q)
        return Filled(p.name, topic, topic, topic) if topic else None
    return None


MAKER = re.compile(r"\b(did|by|from|according to)\s+(the\s+)?$", re.IGNORECASE)


def _maker(m: Mention, question: str) -> bool:
    """Whether the name is introduced as who made something ("what did the NAO find", "made by the PAC")."""
    words = question.split()
    before = " ".join(words[max(0, m.start - 2):m.start]) + " "
    return bool(MAKER.search(before))


def _closed(name: str, choices: list[tuple[str, str]], question: str) -> Filled | None:
    for value, pattern in choices:
        m = re.search(pattern, question, re.IGNORECASE)
        if m:
            return Filled(name, value, value, m.group(0))
    return None


def topic_of(question: str) -> str:
    """What a question about lessons is about: the words after "lessons … about", else the question."""
    text = TOPIC_LEAD.sub("", question.strip(), count=1)
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\s*(?:\?|\.|!)+$", "", text).strip()
    return text if len(text) >= 3 else ""
