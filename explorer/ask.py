"""The ask box at the top of the overview: a question in plain English, answered from the graph (graph/ask) with
the rows, their sources, links to the things' pages and to the query behind the answer in the SPARQL console."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from explorer import state
from explorer.context import Explorer
from explorer.widgets import table

EXAMPLES = ("who was accountable for the national digital strategy in June 2020?",
            "what replaced NHS Connecting for Health?", "what did NPfIT cost?")


@st.cache_resource(max_entries=2, show_spinner="Reading the graph's names…")
def _asker(where: str, stamp: str, _ctx: Explorer) -> Any:
    from graph.ask import Asker

    return Asker(_ctx.store, _ctx.settings, searcher=_ctx.searcher, governance=_ctx.data)  # the explorer's own


def page_of(iri: str) -> str:
    """The explorer link of a thing: its body page, or its provenance (every record has one)."""
    kind, _, key = iri.removeprefix("https://w3id.org/govkg/id/").partition("/")
    if kind == "body":
        return state.link("body", body=key)
    return state.link("provenance", fact=f"{kind}/{key}")


def _words(column: str) -> str:
    """A query's column name as words: holderLabel → holder, endStatus → end status."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", column.removesuffix("Label")).lower()


def ask_box(ctx: Explorer) -> None:
    state.show("overview.ask", state.get("ask"))
    question = st.text_input("Ask a question", key="overview.ask", placeholder=EXAMPLES[0],
                             help="For example: " + "; ".join(EXAMPLES) + ". The answer comes from the graph's "
                                  "own records with their sources; nothing is made up.",
                             on_change=state.writes("ask", "overview.ask"))
    if not question:
        return
    try:
        answer = _asker(ctx.where, ctx.stamp, ctx).ask(question)
    except ImportError as exc:
        st.info(f"Questions need semantic search, which this build does not have ({exc}).")
        return
    show_answer(answer)


def show_answer(answer: Any) -> None:
    if answer.refused:
        st.warning(answer.message)
        if answer.did_you_mean:
            st.markdown("Did you mean: " + ", ".join(f"[{d['label']}]({page_of(d['iri'])})"
                                                     for d in answer.did_you_mean))
        if answer.alternatives:
            st.caption("Closest readings: " + "; ".join(f"{a['title']} ({a['score']:.2f})"
                                                        for a in answer.alternatives))
        if answer.search:
            st.markdown(f"[Search the lessons and findings for it]({state.link('lessons', q=answer.search)})")
        return
    st.success(answer.summary)
    if answer.message:
        st.info(answer.message)
    read = [f"**{p.name}** = {p.label}" for p in answer.params if p.read_from != "default"]
    how = f"Read as *{answer.kind_title}*" + (": " + ", ".join(read) if read else "") + "."
    links = []
    if answer.sparql:
        links.append(f"[the query in the SPARQL console]({answer.console_link()})")
    view = answer.view_link()
    if view and view != answer.console_link():
        links.append(f"[the {answer.view} view]({view})")
    st.caption(how + (" Open " + " or ".join(links) + "." if links else ""))
    if answer.also_named:
        st.caption("The name also names: " + "; ".join(f"[{a['label']}]({page_of(a['iri'])}) (“{a['name']}”)"
                                                        for a in answer.also_named) + " — not used here.")
    things = {e["iri"]: e for e in answer.entities}
    if things:
        st.markdown("About: " + ", ".join(f"[{e['label']}]({page_of(e['iri'])})" for e in things.values()))
    rows = []
    for r in answer.rows:
        values = {_words(k): v for k, v in r.values.items() if not (isinstance(v, str) and v.startswith("https://"))}
        values["sources"] = "; ".join(s["title"] + (f" ({s['date']})" if s["date"] else "") for s in r.sources)
        if r.evidence:
            values["evidence"] = " … ".join(r.evidence[:2])
        if r.record:
            values["record"] = r.record.removeprefix("https://w3id.org/govkg/id/")
        rows.append(values)
    table(rows, key="overview.ask.rows", links={"record": ("provenance", "fact", "record")}, plain=True)
