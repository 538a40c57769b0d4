"""Accountability: a scope × body matrix for a chosen date (everything in force that day) with overlaps and
gaps marked, and what changed between two dates (added, removed, transferred)."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import table
from graph.views.matrix import difference, matrix
from graph.views.refs import parse_day

DEFAULT_DAY = date(2020, 6, 1)
DEFAULT_BEFORE = date(2015, 1, 1)


def _bounds(ctx: Explorer) -> tuple[date, date]:
    accs = ctx.data().accountabilities
    first = min((a.start for a in accs), default=date(2000, 1, 1))
    return date(first.year, 1, 1), date.today()


def render(ctx: Explorer) -> None:
    st.title("Who was accountable for what, on a given day")
    first, last = _bounds(ctx)
    day = min(max(parse_day(state.get("date"), DEFAULT_DAY), first), last)
    st.session_state["acc.date"] = day
    st.slider("Date: everything in force on this day", min_value=first, max_value=last, key="acc.date",
              step=timedelta(days=1), format="YYYY-MM-DD", on_change=lambda: state.put(
                  date=st.session_state["acc.date"].isoformat()))
    shared = st.toggle("Count shared roles (oversight, scrutiny, funding, delivery) as overlaps",
                       value=state.get("shared") == "1", key="acc.shared")
    state.put(date=day.isoformat(), shared="1" if shared else None)

    found = ctx.memo("acc.matrix", lambda: matrix(ctx.data(), day, include_shared=shared), day, shared)
    if not found.cells and not found.gaps:
        st.info(f"Nothing was in force on {day.isoformat()}.")
    else:
        st.altair_chart(charts.matrix(found.records()), width="stretch")
        st.caption("Each cell lists the kinds of role a body held for a scope (itself, through a post or a "
                   "person in one). Orange: an overlap — another line of accountability held the same kind of "
                   "role at the same time (⚠ marks the role). Red: a gap — no leading holder that day, "
                   "though there was one before and is one after. \"(end unknown)\": the role has ended on a day "
                   "our sources do not give; it shows only up to the latest day it can have been held. Hover a "
                   "cell for its records.")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Overlaps on {day.isoformat()}**")
        table(found.overlaps, hide=("scope ref",), empty="No overlaps that day.", key="acc.overlaps")
    with right:
        st.markdown(f"**Gaps on {day.isoformat()}**")
        table(found.gaps, hide=("scope ref",), empty="No gaps that day.", key="acc.gaps")
    with st.expander("The matrix as a table"):
        st.table(found.table())  # a plain table: lighter to draw than a data grid

    st.subheader("What changed between two dates")
    before = min(max(parse_day(state.get("from"), DEFAULT_BEFORE), first), last)
    c1, c2 = st.columns(2)
    start = c1.date_input("From", value=before, min_value=first, max_value=last, key="acc.from")
    after = min(max(parse_day(state.get("to"), day), first), last)
    end = c2.date_input("To", value=after, min_value=first, max_value=last, key="acc.to")
    state.put(**{"from": start.isoformat(), "to": end.isoformat() if end != day else None})
    if start == end:
        st.caption("Pick two different dates.")
        return
    diff = ctx.memo("acc.diff", lambda: difference(ctx.data(), start, end), start, end)
    notes = {"added": "In force on the second date, not on the first, and not passed on from anything.",
             "removed": "In force on the first date, not on the second, and not passed on to anything.",
             "transferred": "Passed from one holder to another: the same scope and kind taken over, or along a "
                            "lineage step (renamed, merged…). The path lists every holder on the way.",
             "came and went": "Began after the first date and ended before the second."}
    state.show("acc.change", state.get("change", "added") if state.get("change") in notes else "added")
    shown = st.segmented_control("Changes", list(notes), key="acc.change", label_visibility="collapsed",
                                 format_func=lambda name: f"{name.capitalize()} ({len(diff[name])})",
                                 on_change=state.writes("change", "acc.change")) or "added"
    st.caption(notes[shown])
    table(diff[shown], empty=f"Nothing {shown}.", key=f"acc.{shown}")
