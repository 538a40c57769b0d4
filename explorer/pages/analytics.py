"""Analytics: are the lessons applied, which lessons recur, which bodies were orphaned, who is central."""

from __future__ import annotations

import streamlit as st

from explorer import state
from explorer.context import Explorer
from explorer.widgets import table
from graph.views.analytics import coverage_rows, network_file, network_rows, orphan_rows, recurring_rows

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
    if chosen == "coverage":
        threshold = st.slider("Similarity threshold", 0.3, 0.9,
                              state.get_float("threshold", ctx.settings.coverage_threshold, 0.3, 0.9), 0.05,
                              key="an.cov")
        state.put(threshold=threshold)
        with st.spinner("Comparing lessons with current recommendations, targets and programmes…"):
            result = ctx.memo("an.coverage", lambda: coverage_rows(data, threshold, ctx.settings.model), threshold)
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
            rows = ctx.memo("an.recurring", lambda: recurring_rows(data, threshold, ctx.settings.model), threshold)
        table(rows, key="an.groups", empty="No lesson was raised twice at this threshold.")
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
