"""Overview: what the graph holds, the data sources with dates and licences, and a timeline of bodies and
programmes with their key events."""

from __future__ import annotations

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import table
from graph.views import overview as views


def render(ctx: Explorer) -> None:
    st.title("GovKG: NHS digital governance at a glance")
    counts = ctx.memo("overview.counts", lambda: views.counts(ctx.store))
    records = counts["records"]
    cols = st.columns(6)
    for col, name in zip(cols, ("bodies", "programmes", "accountabilities", "lessons", "recommendations",
                                "source documents"), strict=True):
        col.metric(name.capitalize(), records[name])
    st.caption(f"{counts['triples']:,} triples from {counts['sources']} ingested sources; also "
               f"{records['projects']} projects, {records['findings']} findings, {records['targets']} targets and "
               f"{records['figures']} figures.")

    st.subheader("Timeline")
    shown = state.get_list("show") or ["body", "programme"]
    left, right = st.columns([3, 1])
    picked = left.multiselect("Show", ["body", "programme"], default=[g for g in shown if g in ("body", "programme")],
                              format_func=lambda g: {"body": "bodies", "programme": "programmes"}[g],
                              key="overview.show")
    with_events = right.toggle("Key events", value=state.get("events", "1") == "1", key="overview.events")
    state.put(show=picked if picked != ["body", "programme"] else None, events=None if with_events else "0")
    data = ctx.data()
    lanes = views.timeline(data, groups=tuple(picked))
    events = ctx.memo("overview.events", lambda: views.key_events(ctx.store, data)) if with_events else []
    if lanes:
        spans, marks = charts.timeline(lanes, events)
        st.altair_chart(spans, width="stretch")
        if marks is not None:
            st.markdown("**Key events**: lineage steps (renamed, merged, split …) and the main reports")
            st.altair_chart(marks, width="stretch")
        st.caption("Bars run from a body's or programme's start to its end (to today, dashed, when it still runs); "
                   "undated records are left out. Hover over a bar or a diamond for details.")
    else:
        st.caption("Pick bodies or programmes to draw the timeline.")

    st.subheader("Where the data comes from")
    documents = ctx.memo("overview.documents", lambda: views.source_documents(ctx.store))
    tabs = st.tabs(["Source documents", "Licences", "Ingested sources"])
    with tabs[0]:
        table(documents, hide=("licence basis",), key="overview.documents")
    with tabs[1]:
        table(views.licence_summary(documents), key="overview.licences")
        st.caption("A document's own licence when the data states one; otherwise the publisher's, as listed in "
                   "the README (Open Government Licence for NAO and GOV.UK, Open Parliament Licence for "
                   "Parliament). Secondary sources are cited for facts only, in our own words.")
    with tabs[2]:
        table(views.ingested_sources(ctx.store), key="overview.catalog")
