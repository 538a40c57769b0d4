"""The parts of an entity view that are more than its own triples: the annual reports of a major project
(ratings, whole-life cost and SRO by year) and the accountabilities that concern a record — held by it (or
by a post in it, or a person in such a post), or held for it (its scope, or a scope of its initiative)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from graph.backends import Backend
from graph.namespaces import shorten


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{i}>" for i in sorted(iris))


def reports_of(store: Backend, records: Iterable[str]) -> list[dict[str, Any]]:
    """One row per project annual report of any of ``records`` (GMPP data), by year."""
    rows = store.select(f"""
        SELECT ?r ?project ?year ?ipa ?ipaText ?sro ?sroText ?amount ?costText ?sroName ?scale ?source WHERE {{
          VALUES ?project {{ {_values(records)} }}
          ?r gk:reportOf ?project ; gk:financialYear ?year .
          OPTIONAL {{ ?r gk:ipaRating ?ic . ?ic skos:prefLabel ?ipa }} OPTIONAL {{ ?r gk:ipaRatingText ?ipaText }}
          OPTIONAL {{ ?r gk:sroRating ?sc . ?sc skos:prefLabel ?sro }} OPTIONAL {{ ?r gk:sroRatingText ?sroText }}
          OPTIONAL {{ ?r gk:wholeLifeCost ?f . ?f gk:amount ?amount }} OPTIONAL {{ ?r gk:wholeLifeCostText ?costText }}
          OPTIONAL {{ ?r gk:sroName ?sroName }} OPTIONAL {{ ?r gk:ratingScale ?scale }}
          OPTIONAL {{ ?r prov:wasDerivedFrom ?d . ?d gk:key ?source }}
        }} ORDER BY ?year ?project""")
    return [{"year": r["year"], "IPA rating": str(r["ipa"] or r["ipaText"] or ""),
             "SRO rating": str(r["sro"] or r["sroText"] or ""), "whole-life cost": _pounds(r["amount"], r["costText"]),
             "SRO": str(r["sroName"] or ""), "scale": str(r["scale"] or ""), "source": str(r["source"] or ""),
             "report": r["r"], "record": r["project"]} for r in rows]


def _pounds(amount: Any, text: Any) -> str:
    if amount is None:
        return str(text or "")
    millions = Decimal(str(amount)) / 1_000_000
    return "£" + format(millions, ",.2f").rstrip("0").rstrip(".") + "m"


def accountabilities_of(store: Backend, records: Iterable[str]) -> list[dict[str, Any]]:
    """Accountabilities held by, or held for, any of ``records``, in date order, with how each concerns them."""
    values = _values(records)
    rows = store.select(f"""
        SELECT DISTINCT ?a ?how ?holder ?holderLabel ?scope ?scopeLabel ?kind ?start ?end ?certainty WHERE {{
          VALUES ?m {{ {values} }}
          {{ ?a gk:holder ?m . BIND("held by it" AS ?how) }}
          UNION {{ ?a gk:holder ?post . ?post org:postIn ?m . BIND("held by a post in it" AS ?how) }}
          UNION {{ ?a gk:holder ?person . ?t gk:person ?person ; gk:post ?inpost . ?inpost org:postIn ?m .
                   BIND("held by a person in a post in it" AS ?how) }}
          UNION {{ ?a gk:scope ?m . BIND("for it" AS ?how) }}
          UNION {{ ?a gk:scope ?s . ?s gk:initiative ?m . BIND("for its scope" AS ?how) }}
          ?a a gk:Accountability ; gk:holder ?holder ; gk:scope ?scope ; gk:startDate ?start ;
             gk:accountabilityKind ?k .
          OPTIONAL {{ ?k skos:notation ?kind }} OPTIONAL {{ ?a gk:endDate ?end }}
          OPTIONAL {{ ?a gk:certainty ?certainty }}
          OPTIONAL {{ ?holder rdfs:label ?holderLabel }}
          OPTIONAL {{ ?scope rdfs:label ?scopeLabel }}
        }} ORDER BY ?start ?a ?how""")
    sources: dict[str, list[str]] = {}
    if rows:
        for r in store.select(f"""SELECT ?a ?key WHERE {{ VALUES ?a {{ {_values({r['a'] for r in rows})} }}
                                   ?a prov:wasDerivedFrom ?d . ?d gk:key ?key }}"""):
            sources.setdefault(r["a"], []).append(str(r["key"]))
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["a"] in out:
            continue  # the first way it concerns them (held by it before held by a post in it)
        out[r["a"]] = {"kind": str(r["kind"] or ""), "holder": str(r["holderLabel"] or shorten(r["holder"])),
                       "scope": str(r["scopeLabel"] or shorten(r["scope"])), "start": str(r["start"]),
                       "end": str(r["end"] or ""), "how": r["how"], "certainty": str(r["certainty"] or ""),
                       "sources": sorted(sources.get(r["a"], [])), "accountability": r["a"],
                       "holder iri": r["holder"]}
    return list(out.values())
