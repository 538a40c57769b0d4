"""Overview: a question box (answers from the graph, with their sources), the NHS story (the curated bodies and programmes on a timeline with their key events), the public
datasets summarised and browsable by kind, department and status, and where the data comes from with dates
and licences."""

from __future__ import annotations

import streamlit as st

from explorer import charts, state
from explorer.ask import ask_box
from explorer.context import Explorer
from explorer.widgets import table
from graph.views import overview as views

SHOWN = 500  # dataset records listed at once (the filters and the name search narrow them)


def render(ctx: Explorer) -> None:
    st.title("GovKG: NHS digital governance at a glance")
    ask_box(ctx)
    counts = ctx.memo("overview.counts", lambda: views.counts(ctx.store))
    records = counts["records"]
    data = ctx.data()
    datasets = ctx.memo("overview.dataset-records", lambda: views.dataset_record_iris(ctx.store))
    story = ctx.memo("overview.story", lambda: views.story_counts(data, datasets))
    cols = st.columns(6)
    for col, name in zip(cols, ("bodies", "programmes", "accountabilities", "lessons", "recommendations",
                                "source documents"), strict=True):
        col.metric(name.capitalize(), story[name])
    st.caption(f"From the curated data: the NHS story from NPfIT to today. The graph holds {counts['triples']:,} "
               f"triples from {counts['sources']} ingested sources: in all {records['bodies']:,} bodies, "
               f"{records['projects']:,} projects, {records['lessons']:,} lessons, {records['findings']} findings, "
               f"{records['targets']} targets and {records['figures']:,} figures"
               + (" (the public datasets are summarised below)." if datasets else "."))

    st.subheader("Timeline")
    shown = state.get_list("show") or ["body", "programme"]
    left, right = st.columns([3, 1])
    picked = left.multiselect("Show", ["body", "programme"], default=[g for g in shown if g in ("body", "programme")],
                              format_func=lambda g: {"body": "bodies", "programme": "programmes"}[g],
                              key="overview.show")
    with_events = right.toggle("Key events", value=state.get("events", "1") == "1", key="overview.events")
    state.put(show=picked if picked != ["body", "programme"] else None, events=None if with_events else "0")
    lanes = views.timeline(data, groups=tuple(picked), leave_out=datasets)
    events = ctx.memo("overview.events", lambda: views.key_events(ctx.store, data)) if with_events else []
    if lanes:
        spans, marks = charts.timeline(lanes, events)
        st.altair_chart(spans, width="stretch")
        if marks is not None:
            st.markdown("**Key events**: lineage steps (renamed, merged, split …) and the main reports")
            st.altair_chart(marks, width="stretch")
        st.caption("The curated bodies and programmes. Bars run from a body's or programme's start to its end (to "
                   "today, dashed, when it still runs); undated records are left out. Hover over a bar or a "
                   "diamond for details.")
    else:
        st.caption("Pick bodies or programmes to draw the timeline.")

    if datasets:
        _datasets(ctx)

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


def _datasets(ctx: Explorer) -> None:
    """The public datasets: one row each, then one of them browsed by kind, department and status."""
    st.subheader("Public datasets")
    summary = ctx.memo("overview.datasets", lambda: views.datasets_summary(ctx.store))
    table(summary, hide=("from",), key="overview.datasets", plain=True)
    if not summary:
        return
    names = {row["source"]: row["dataset"] for row in summary}
    asked = state.get("dataset")
    source = st.selectbox("Browse a dataset", list(names), format_func=names.__getitem__, key="overview.dataset",
                          index=list(names).index(asked) if asked in names else 0)
    records = ctx.memo("overview.records", lambda: views.dataset_records(ctx.store, source), source)
    facets = views.record_facets(records)
    c1, c2, c3, c4 = st.columns([2, 3, 2, 3])
    kind = c1.selectbox("Kind", ["", *facets["kind"]], format_func=lambda v: v or "any", key="overview.kind",
                        index=_index(["", *facets["kind"]], state.get("kind")))
    department = c2.selectbox("Department, region or organisation", ["", *facets["department"]],
                              format_func=lambda v: v or "any", key="overview.department",
                              index=_index(["", *facets["department"]], state.get("department")))
    status = c3.selectbox("Status", ["", *facets["status"]], format_func=lambda v: v or "any",
                          key="overview.status", index=_index(["", *facets["status"]], state.get("status")))
    text = c4.text_input("Name contains", value=state.get("name"), key="overview.name")
    state.put(dataset=source if source != next(iter(names)) else None, kind=kind, department=department,
              status=status, name=text.strip())
    found = views.filter_records(records, kind=kind, department=department, status=status, text=text)
    st.caption(f"{len(found):,} of {len(records):,} records" + (f"; the first {SHOWN} listed" if len(found) > SHOWN
                                                                 else ""))
    table(found[:SHOWN], key="overview.records", empty="No record matches these filters.")


def _index(options: list[str], value: str) -> int:
    return options.index(value) if value in options else 0
