"""Graph view: the interactive neighbourhood of any node. Click a node to expand it; filter by relation; cap
the number of nodes. Drawn with Altair (Vega-Lite, bundled with Streamlit: it works offline)."""

from __future__ import annotations

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import show_error, table
from graph.entity import resolve
from graph.errors import NotFoundError
from graph.views.network import neighbourhood
from graph.views.refs import iri_of, ref_of

DEFAULT_NODE = "body/nhsx"


def render(ctx: Explorer) -> None:
    st.title("Graph neighbourhood")
    _take_click()
    c1, c2 = st.columns([3, 1])
    state.show("graph.node", state.get("node", DEFAULT_NODE))
    typed = c1.text_input("Node: a key, a label, kind/key or an IRI", key="graph.node",
                          on_change=_new_centre)
    state.show("graph.cap", state.get_int("cap", 40, 5, 150))
    cap = c2.slider("Node cap", 5, 150, key="graph.cap", on_change=state.writes("cap", "graph.cap"))
    centre = _centre(ctx, typed.strip() or DEFAULT_NODE)
    if centre is None:
        return
    state.put(node=centre)
    expanded = [e for e in state.get_list("expand") if e != centre]
    wanted = state.get_list("rel")
    net = neighbourhood(ctx.store, centre, expanded=expanded, relations=set(wanted) or None, cap=cap)
    every = net.relations
    state.show("graph.rel", [r for r in wanted if r in every])
    st.multiselect("Relations (none picked: all)", list(every), key="graph.rel",
                   format_func=lambda r: f"{r} ({every[r]})", on_change=state.writes("rel", "graph.rel"))
    labels = st.toggle("Relation names on the links", value=True, key="graph.labels")
    st.altair_chart(charts.network(net, edge_labels=labels), on_select="rerun", selection_mode="node",
                    key="graph.chart", width="stretch")
    shown = f"{len(net.nodes)} nodes, {len(net.edges)} links"
    if net.hidden:
        shown += f"; {net.hidden} more neighbours left out by the node cap"
    st.caption(f"{shown}. Click a node to expand it (its neighbours join the picture); hover for details.")
    c1, c2, c3 = st.columns([2, 1, 1])
    others = [n["ref"] for n in net.nodes if n["role"] == "neighbour"]
    names = {n["ref"]: n["label"] for n in net.nodes}
    pick = c1.selectbox("Or expand a node from the list", ["", *others], key="graph.pick",
                        format_func=lambda r: names.get(r, "—"))
    if c2.button("Expand", key="graph.expand", disabled=not pick):
        state.put(expand=[*expanded, pick])
        st.rerun()
    if c3.button("Collapse all", key="graph.reset", disabled=not expanded):
        state.put(expand=None)
        st.rerun()
    with st.expander("The links as a table"):
        table([{"from": names.get(e["source"], e["source"]), "relation": e["relation"],
                "to": names.get(e["target"], e["target"]), "fact": e["source"]} for e in net.edges],
              key="graph.links")


def _new_centre() -> None:
    """Another node typed: its neighbourhood starts unexpanded and unfiltered."""
    state.put(node=st.session_state["graph.node"].strip(), expand=None, rel=None)


def _take_click() -> None:
    """A node clicked in the chart (kept by Streamlit under the chart's key) joins the expanded nodes."""
    event = st.session_state.get("graph.chart")
    if not event:
        return
    picked = [p.get("ref") for p in event.get("selection", {}).get("node", []) if p.get("ref")]
    expanded = state.get_list("expand")
    new = [p for p in picked if p not in expanded and p != state.get("node")]
    if new:
        state.put(expand=[*expanded, *new])


def _centre(ctx: Explorer, typed: str) -> str | None:
    """The ref of the node the user named; a choice when the name fits several, a message when none."""
    try:
        found = resolve(ctx.store, iri_of(typed) if "/" in typed and " " not in typed else typed)
    except NotFoundError as exc:
        show_error(exc)
        return None
    if not found:
        st.warning(f"Nothing in the graph is named {typed!r}. Try a key (nhs-digital), a label (NHS Digital) "
                   "or kind/key (body/nhs-digital).")
        return None
    if len(found) == 1:
        return ref_of(found[0][0])
    options = {ref_of(iri): f"{label} ({ref_of(iri)})" for iri, label in found}
    picked: str = st.selectbox(f"{typed!r} names {len(found)} nodes; pick one", list(options),
                               format_func=options.__getitem__, key="graph.which")
    return picked
