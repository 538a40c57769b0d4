"""Body page: kind, dates, lineage, accountabilities over time, recommendations to it and its predecessors,
mentions in documents and major-project ratings."""

from __future__ import annotations

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import show_error, table
from graph.errors import NotFoundError
from graph.views.body import body_choices, body_profile
from graph.views.tables import csv_bytes

DEFAULT = "nhs-digital"
BODY_LINK = {"ref": ("body", "body", "open")}


def render(ctx: Explorer) -> None:
    data = ctx.data()
    choices = body_choices(data)
    asked = state.get("body", DEFAULT)
    try:
        profile = ctx.memo("body.profile", lambda: body_profile(ctx.store, data, asked), asked)
    except NotFoundError as exc:
        st.title("Bodies")
        show_error(exc)
        profile = None
    st.session_state["body.pick"] = profile.ref if profile and profile.ref in choices else None  # the URL decides
    st.selectbox("Body", list(choices), format_func=choices.__getitem__, key="body.pick", on_change=_picked,
                 placeholder="pick a body", width=420)
    if profile is None:
        return
    state.put(body=profile.ref.removeprefix("body/"))

    st.title(profile.label)
    facts = [f"**{profile.kind or 'body'}**", profile.lifespan]
    if profile.abbreviations:
        facts.append("also " + ", ".join(profile.abbreviations))
    if profile.parents:
        facts.append("part of " + " › ".join(f"[{p['body']}]({state.link('body', body=p['ref'][5:])})"
                                             for p in profile.parents))
    st.markdown(" · ".join(facts))
    if profile.description:
        st.write(profile.description)
    st.markdown(f"[Provenance]({state.link('provenance', fact=profile.ref)}) · "
                f"[Neighbourhood in the graph]({state.link('graph', node=profile.ref)})")
    if profile.linked:
        with st.expander(f"One body, {len(profile.linked)} records from different sources"):
            st.caption("Reconciliation linked these records as the same body (owl:sameAs); this page shows what "
                       "all of them say.")
            table(profile.linked, links={"ref": ("provenance", "fact", "record")}, key="body.linked")

    st.subheader("Lineage")
    steps = [{"side": "before", **p} for p in reversed(profile.predecessors)] + [
        {"side": "after", **p} for p in profile.successors]
    table([{"side": p["side"], "from": p["predecessor"], "kind": p["kind"], "date": p["date"], "to": p["successor"],
            "ref": p["ref"], "fact": p["fact"], "steps away": p["steps away"], "certainty": p["certainty"]}
           for p in steps], links=BODY_LINK, empty="No lineage recorded: no predecessor and no successor.",
          key="body.lineage")
    st.caption("Before: the bodies it descends from (however many steps back); after: the bodies that took it "
               "over, up to today's. *open* goes to the other body's page, *provenance* to the step's sources.")
    if profile.children:
        st.markdown("**Units and bodies under it**: " + ", ".join(
            f"[{c['body']}]({state.link('body', body=c['ref'][5:])})" for c in profile.children))

    st.subheader("Accountabilities over time")
    if profile.accountabilities:
        st.altair_chart(charts.spans(profile.accountabilities, y="scope", colour="kind"), width="stretch")
    table(profile.accountabilities, hide=("until", "ongoing", "scope ref"),
          empty="No accountabilities recorded for this body, its posts or their holders.", key="body.accountabilities")
    if profile.accountabilities:
        st.download_button("Download as CSV", csv_bytes(profile.accountabilities, hide=("until", "ongoing")),
                           file_name=f"govkg-{profile.ref.replace('/', '-')}-accountabilities.csv", mime="text/csv",
                           key="body.accountabilities.csv")

    st.subheader("Recommendations to it and to its predecessors")
    table(profile.recommendations, empty="No recommendations addressed to it or its predecessors.",
          key="body.recommendations")

    st.subheader("Mentions in documents")
    table(profile.mentions, empty="No ingested document mentions it (the curated data cites documents but "
          "holds no passages; `govkg ingest` a report to see them here).", key="body.mentions")

    st.subheader("Major-project ratings")
    table(profile.ratings, links={"ref": ("provenance", "fact", "project")},
          empty="No Government Major Projects Portfolio ratings linked to it (ingest the GMPP data to see them).",
          key="body.ratings")


def _picked() -> None:
    ref = st.session_state.get("body.pick")
    if ref:
        state.put(body=ref.removeprefix("body/"))
