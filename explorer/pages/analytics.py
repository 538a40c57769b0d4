"""Analytics: are the lessons applied, which lessons recur, which bodies were orphaned, who is central."""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer import state
from explorer.context import Explorer
from explorer.widgets import table
from graph.analytics.narrow import LessonFilter
from graph.views.analytics import (
    coverage_rows,
    lesson_filter_choices,
    network_file,
    network_rows,
    orphan_rows,
    recurring_rows,
)

TABS = ("coverage", "recurring", "orphans", "network")


def render(ctx: Explorer) -> None:
    st.title("Are the lessons applied?")
    st.caption("Lessons of earlier programmes against today's recommendations, commitments and programmes "
               "(by explicit links and by meaning), lessons raised again and again, bodies closed with no "
               "successor, and the network of bodies. The similarity threshold is a setting, shown with the results.")
    tab = state.get("tab", "coverage")
    chosen = st.radio("Analysis", TABS, index=TABS.index(tab) if tab in TABS else 0, horizontal=True,
                      key="an.tab")
    state.put(tab=chosen)
    data = ctx.data()
    if chosen in ("coverage", "recurring"):
        narrow = _narrowing(ctx)
        vectors, embedder = _vectors(ctx)
        key = tuple(sorted((k, str(v)) for k, v in narrow.as_dict().items()))
    if chosen == "coverage":
        threshold = st.slider("Similarity threshold", 0.3, 0.9,
                              state.get_float("threshold", ctx.settings.coverage_threshold, 0.3, 0.9), 0.05,
                              key="an.cov")
        state.put(threshold=threshold)
        with st.spinner("Comparing lessons with current recommendations, targets and programmes…"):
            result = ctx.memo("an.coverage", lambda: coverage_rows(
                data, threshold, ctx.settings.model, vectors=vectors, embedder=embedder, narrow=narrow),
                threshold, key)
        counts = ", ".join(f"{n} {s}" for s, n in sorted(result["counts"].items()))
        st.markdown(f"**{counts}** — threshold {result['threshold']}, current since {result['since']}")
        table(result["lessons"], key="an.lessons")
        st.markdown("#### Current commitments and their precedents among the lessons")
        table(result["commitments"], key="an.commitments")
    elif chosen == "recurring":
        threshold = st.slider("Similarity threshold", 0.3, 0.9,
                              state.get_float("threshold", ctx.settings.recurring_threshold, 0.3, 0.9), 0.05,
                              key="an.rec")
        state.put(threshold=threshold)
        with st.spinner("Grouping lessons that say the same thing…"):
            found = ctx.memo("an.recurring", lambda: recurring_rows(
                data, threshold, ctx.settings.model, vectors=vectors, embedder=embedder, narrow=narrow),
                threshold, key)
        if found["total"] > len(found["groups"]):
            st.caption(f"{found['total']} groups among {found['lessons']:,} lessons; the {len(found['groups'])} "
                       "raised on most occasions are listed, by theme. Narrow the lessons above to see others.")
        table(found["groups"], key="an.groups", empty="No lesson was raised twice at this threshold.")
    elif chosen == "orphans":
        table(ctx.memo("an.orphans", lambda: orphan_rows(data)), key="an.orphan",
              empty="Every closed body has a successor.")
    else:
        net = ctx.memo("an.network", lambda: network_rows(data))
        st.markdown(f"**{net['nodes']}** bodies, **{net['edges']}** ties (lineage, parents, shared scopes, "
                    f"recommendations); **{len(net['communities'])}** communities.")
        table(net["bodies"], key="an.bodies")
        for fmt in ("graphml", "gexf"):
            st.download_button(f"Download for Gephi ({fmt.upper()})", network_file(data, fmt),
                               file_name=f"govkg-bodies.{fmt}", key=f"an.dl.{fmt}")


def _narrowing(ctx: Explorer) -> LessonFilter:
    """The lessons to analyse: by programme, source and raising body (searchable pickers), and years."""
    choices = ctx.memo("an.choices", lambda: lesson_filter_choices(ctx.data()))
    c1, c2, c3 = st.columns(3)
    picked: dict[str, Any] = {}
    for col, facet, label in ((c1, "programme", "Programme"), (c2, "source", "Source"),
                              (c3, "body", "Raised by")):
        options: list[str] = ["", *choices[facet]]
        names = choices[facet]
        asked = state.get(facet)
        picked[facet] = col.selectbox(label, options, format_func=_namer(names),
                                      index=options.index(asked) if asked in options else 0, key=f"an.{facet}")
    state.put(**picked)
    return LessonFilter.of(picked)


def _namer(names: dict[str, str]) -> Any:
    def name(key: str) -> str:
        return names.get(key, "any")

    return name


def _vectors(ctx: Explorer) -> tuple[Any, Any]:
    """The search index's vectors (and an embedder for what it lacks); (None, None) without search."""
    try:
        from graph.search.vectors import vectors_of

        return vectors_of(ctx.searcher())
    except ImportError:
        return None, None
