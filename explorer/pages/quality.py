"""Data quality: the SHACL report of the whole store (as checked when each source was ingested, or validated
again on demand) and the ingest reports (dangling references, ambiguous matches, unparsed rows), grouped by
shape or by source."""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer import state
from explorer.context import Explorer
from explorer.widgets import table
from graph.views.quality import (
    CATEGORIES,
    focus_sources,
    group,
    recorded_shacl,
    report_rows,
    report_summary,
    shacl_rows,
)

GROUPINGS = {"shape": "by shape", "source": "by source"}


def _shacl(ctx: Explorer) -> list[dict[str, Any]]:
    from graph.validation import store_graph, validate

    results = validate(store_graph(ctx.store))
    return shacl_rows(results, focus_sources(ctx.store, {v.focus for v in results}))


def _recorded(ctx: Explorer) -> list[dict[str, Any]]:
    results, sources = recorded_shacl(ctx.store)
    return shacl_rows(results, sources)


def render(ctx: Explorer) -> None:
    st.title("Data quality")
    by = state.get("by", "shape")
    by = by if by in GROUPINGS else "shape"
    state.show("quality.by", by)
    by = st.segmented_control("Group", list(GROUPINGS), format_func=GROUPINGS.__getitem__, key="quality.by",
                              on_change=state.writes("by", "quality.by")) or "shape"
    state.put(by=by if by != "shape" else None)

    st.subheader("SHACL validation of the whole store")
    again = state.get("validate") == "1"
    if again:
        with st.spinner("Validating every record against the SHACL shapes (up to a minute on the full graph, once "
                        "per store version)…"):
            rows = ctx.memo("quality.shacl", lambda: _shacl(ctx))
        st.caption("Validated now, all sources together.")
    else:
        rows = ctx.memo("quality.recorded", lambda: _recorded(ctx))
        st.caption("As checked when each source was ingested (an ingest stops on any violation; warnings and "
                   "notes are kept with the source).")
        if st.button("Validate the whole store again now", key="quality.validate"):
            state.put(validate="1")
            st.rerun()
    violations = sum(1 for r in rows if r["severity"] == "Violation")
    if not rows:
        st.success("The store conforms: every record passes every SHACL shape.")
    else:
        st.warning(f"{violations} violations and {len(rows) - violations} warnings or notes.")
        for name, members in group(rows, by).items():
            with st.expander(f"{name} — {len(members)}"):
                table(members, hide=(by,), key=f"quality.shacl.{name}")

    st.subheader("Ingest reports")
    st.caption("What each ingester noticed but could still load: references to records it could not find, "
               "names that matched more than one record, rows it could not read.")
    problems = report_rows(ctx.store)
    summary = report_summary(ctx.store)
    if not problems:
        st.success(f"No problems reported by the ingesters of the {len(summary)} sources.")
    report_by = "category" if by == "shape" else "source"
    for name, members in group(problems, report_by).items():
        with st.expander(f"{name} — {len(members)}", expanded=len(problems) <= 20):
            table(members, hide=(report_by,), key=f"quality.report.{name}")
    with st.expander("Problems per source"):
        table([{k: v for k, v in r.items() if k in ("source", "ingester", "report", *CATEGORIES)} for r in summary],
              key="quality.summary")
