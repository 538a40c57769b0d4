"""GovKG explorer, the Streamlit script: ``govkg explore`` (or ``streamlit run`` of this file, or of app.py in a
checkout). Reads the settings, opens the store read-only — the embedded store folder or a SPARQL server
(GOVKG_BACKEND) — ingesting the bundled data first when it is empty, and shows the view the URL names. Pages are
in explorer/pages."""

from __future__ import annotations

import streamlit as st

from explorer import state
from explorer.context import Explorer, open_explorer
from explorer.pages import PAGES
from explorer.widgets import show_error
from graph.backends import store_state
from graph.errors import GovKGError, StoreError
from graph.settings import Settings


def main() -> None:
    st.set_page_config(page_title="GovKG explorer", page_icon="🏛️", layout="wide")
    st.set_option("client.toolbarMode", "viewer")  # no "Deploy" button: this app is run, not deployed
    try:
        settings = Settings.load()
    except GovKGError as exc:
        show_error(exc, "The settings are not valid")
        return
    try:
        found = store_state(settings)
    except GovKGError as exc:
        show_error(exc, "The store cannot be read")
        return
    if found == "not a folder":
        st.error(f"The store path {settings.store} is a file, not a folder. Point GOVKG_STORE at a folder "
                 "(a new one is created and filled with the bundled data).")
        return
    if found != "ready":
        from explorer.startup import first_run

        if first_run(settings):
            st.rerun()
        return
    try:
        ctx = open_explorer(settings)
    except StoreError as exc:
        show_error(exc, "The store cannot be opened")
        return
    view = sidebar(ctx)
    try:
        PAGES[view](ctx)
    except GovKGError as exc:
        show_error(exc)


def sidebar(ctx: Explorer) -> str:
    requested = state.get("view", "overview")
    if requested not in state.VIEWS:
        st.sidebar.warning(f"There is no view {requested!r}; showing the overview.")
        requested = "overview"
    st.session_state["nav.view"] = requested  # the URL decides (links, back button, pages that navigate)
    with st.sidebar:
        st.title("GovKG")
        st.caption("NHS digital programme governance, from NPfIT to today")
        view: str = st.radio("View", list(state.VIEWS), format_func=state.VIEWS.__getitem__, key="nav.view",
                             on_change=_switched)
        st.divider()
        sources = ctx.store.sources()
        st.caption(f"{len(sources)} sources, {ctx.store.triple_count():,} triples (read-only) from "
                   f"{ctx.store.location}", help=ctx.describe())
        st.caption("Every view's address (in the address bar) is a link that restores it.")
    state.put(view=view)
    return view


def _switched() -> None:
    """The user picked another view: its address starts clean."""
    state.keep_only(st.session_state["nav.view"], ())


if __name__ == "__main__":  # not when a query worker (multiprocessing spawn) imports this script as __mp_main__
    main()
