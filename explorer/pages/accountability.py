"""Accountability: a scope × body matrix for a chosen date (everything in force that day, the major-projects
portfolio's SROs included) with overlaps and gaps marked, what changed between two dates, and the SROs'
tenure and turnover. Every table downloads as CSV."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import table
from graph.views.matrix import CHANGES, bodies_holding, difference, matrix
from graph.views.refs import parse_day
from graph.views.sro import sro_departments, sro_tables
from graph.views.tables import csv_bytes

DEFAULT_DAY = date(2020, 6, 1)
DEFAULT_YEARS_BEFORE = 5  # the comparison starts this many years before the day shown, unless the URL says
ALL = "all"


def _bounds(ctx: Explorer) -> tuple[date, date]:
    accs = ctx.data().accountabilities
    first = min((a.start for a in accs), default=date(2000, 1, 1))
    return date(first.year, 1, 1), date.today()


def download(rows: Sequence[dict[str, Any]], name: str, key: str, *, hide: Sequence[str] = ()) -> None:
    """A button that downloads ``rows`` as ``govkg-<name>.csv`` (nothing when there are none)."""
    if rows:
        st.download_button(f"Download as CSV ({len(rows)} rows)", csv_bytes(rows, hide=hide),
                           file_name=f"govkg-{name}.csv", mime="text/csv", key=f"{key}.csv")


def _years_before(day: date, years: int, first: date) -> date:
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - years, day=28)
    return max(earlier, first)


def render(ctx: Explorer) -> None:
    st.title("Who was accountable for what, on a given day")
    first, last = _bounds(ctx)
    day = min(max(parse_day(state.get("date"), DEFAULT_DAY), first), last)
    st.session_state["acc.date"] = day
    st.slider("Date: everything in force on this day", min_value=first, max_value=last, key="acc.date",
              step=timedelta(days=1), format="YYYY-MM-DD", on_change=lambda: state.put(
                  date=st.session_state["acc.date"].isoformat()))
    left, right = st.columns(2)
    shared = left.toggle("Count shared roles (oversight, scrutiny, funding, delivery) as overlaps",
                         value=state.get("shared") == "1", key="acc.shared")
    holders = {ALL: "every body", **ctx.memo("acc.holders", lambda: bodies_holding(ctx.data()))}
    asked = state.get("body", ALL)
    state.show("acc.body", asked if asked in holders else ALL)
    body = right.selectbox("Scopes in which this body holds a role", list(holders), format_func=holders.__getitem__,
                           key="acc.body", on_change=state.writes("body", "acc.body")) or ALL
    state.put(date=day.isoformat(), shared="1" if shared else None, body=None if body == ALL else body)

    found = ctx.memo("acc.matrix", lambda: matrix(ctx.data(), day, include_shared=shared,
                                                  body=None if body == ALL else body), day, shared, body)
    if not found.cells and not found.gaps:
        st.info(f"Nothing was in force on {day.isoformat()}.")
    else:
        st.altair_chart(charts.matrix(found.records()), width="stretch")
        st.caption("Each cell lists the kinds of role a body held for a scope (itself, through a post or a "
                   "person in one: a major project's SRO is a person in its department's post \"SRO of …\"). "
                   "Orange: an overlap — another line of accountability held the same kind of role at the same "
                   "time (⚠ marks the role). Red: a gap — no leading holder that day, though there was one before "
                   "and is one after. \"(end unknown)\": the role has ended on a day our sources do not give; it "
                   "shows only up to the latest day it can have been held. Hover a cell for its records.")
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Overlaps on {day.isoformat()}**")
        table(found.overlaps, hide=("scope ref",), empty="No overlaps that day.", key="acc.overlaps")
        download(found.overlaps, f"overlaps-{day}", "acc.overlaps", hide=("scope ref",))
    with right:
        st.markdown(f"**Gaps on {day.isoformat()}**")
        table(found.gaps, hide=("scope ref",), empty="No gaps that day.", key="acc.gaps")
        download(found.gaps, f"gaps-{day}", "acc.gaps", hide=("scope ref",))
    with st.expander("The matrix as a table"):
        rows = found.table()
        st.table(rows)  # a plain table: lighter to draw than a data grid
        download(rows, f"matrix-{day}", "acc.matrix")
    download(found.records(), f"matrix-cells-{day}", "acc.cells")

    _changes(ctx, day, first, last)
    _sros(ctx)


def _changes(ctx: Explorer, day: date, first: date, last: date) -> None:
    st.subheader("What changed between two dates")
    before = min(max(parse_day(state.get("from"), _years_before(day, DEFAULT_YEARS_BEFORE, first)), first), last)
    c1, c2 = st.columns(2)
    start = c1.date_input("From", value=before, min_value=first, max_value=last, key="acc.from")
    after = min(max(parse_day(state.get("to"), day), first), last)
    end = c2.date_input("To", value=after, min_value=first, max_value=last, key="acc.to")
    state.put(**{"from": start.isoformat(), "to": end.isoformat() if end != day else None})
    if start == end:
        st.caption("Pick two different dates.")
        return
    diff = ctx.memo("acc.diff", lambda: difference(ctx.data(), start, end), start, end)
    if diff["note"]:
        st.info(f"“From” is after “To”, so the dates were swapped: {diff['note']}.")
    notes = {"added": "In force on the second date, not on the first, and not passed on from anything in force "
                      "on the first (the hand-over steps say when one came from something that came and went).",
             "removed": "In force on the first date, not on the second, and not passed on to anything.",
             "transferred": "Passed from one holder to another: the same scope and kind taken over, or along a "
                            "lineage step (renamed, merged…). The path lists every holder on the way.",
             "came and went": "Began after the first date and ended before the second.",
             "unchanged": "In force on both dates.",
             "hand-over steps": "Every hand-over between the two dates, and which of the parts above it joins."}
    counts = ", ".join(f"{len(diff[name])} {name}" for name in CHANGES)
    st.caption(f"From {diff['start']} to {diff['end']}: {counts}.")
    state.show("acc.change", state.get("change", "added") if state.get("change") in notes else "added")
    shown = st.segmented_control("Changes", list(CHANGES), key="acc.change", label_visibility="collapsed",
                                 format_func=lambda name: f"{name.capitalize()} ({len(diff[name])})",
                                 on_change=state.writes("change", "acc.change")) or "added"
    st.caption(notes[shown])
    table(diff[shown], empty=f"Nothing {shown}.", key=f"acc.{shown}")
    download(diff[shown], f"{shown.replace(' ', '-')}-{diff['start']}-to-{diff['end']}", f"acc.{shown}")


def _sros(ctx: Explorer) -> None:
    st.subheader("Senior Responsible Owners: tenure and turnover")
    st.caption("The Public Accounts Committee has found that frequent changes of SRO weaken accountability for "
               "major projects. A change is an SRO who began after the project's first, with nobody of their "
               "line in the role the day before. The GMPP data names SROs only in some years, so a tenure there is "
               "the run of reporting years that name the person, not their appointment.")
    choices = [ALL, *ctx.memo("acc.sro.departments", lambda: sro_departments(ctx.data()))]
    asked = state.get("sro", ALL)
    state.show("acc.sro", asked if asked in choices else ALL)
    department = st.selectbox("Department", choices, key="acc.sro", on_change=state.writes("sro", "acc.sro"),
                              format_func=lambda d: "every department" if d == ALL else d) or ALL
    found = ctx.memo("acc.sro.tables", lambda: sro_tables(ctx.data(), None if department == ALL else department),
                     department)
    if not found["projects"]:
        st.caption("No accountability of kind SRO in the graph (ingest the GMPP data to see the portfolio's).")
        return
    st.markdown(f"**{len(found['projects'])}** project(s), **{found['tenure count']}** tenure(s), "
                f"**{found['changes']}** change(s) of SRO")
    for name, title in (("departments", "Per department"), ("projects", "Per project"),
                        ("tenures", "Who held the role, from when to when")):
        st.markdown(f"#### {title}")
        hide = ("ref", "scope ref")
        table(found[name], hide=hide, key=f"acc.sro.{name}")
        download(found[name], f"sro-{name}", f"acc.sro.{name}", hide=hide)
