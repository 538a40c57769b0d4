"""The explorer's charts, as Altair (Vega-Lite) specifications: Streamlit draws them with the Vega it bundles,
so nothing is fetched from a CDN. Data preparation is in graph/views; this module only encodes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from graph.views.console import ChartSpec
from graph.views.matrix import GAP_COLUMN
from graph.views.network import Network
from graph.views.overview import Lane

STATUS_COLOURS = {"held": "#9ecae1", "overlap": "#fd8d3c", "gap": "#de2d26"}


def timeline(lanes: Sequence[Lane], events: Sequence[dict[str, Any]]) -> tuple[alt.LayerChart, alt.Chart | None]:
    """Lifespans of bodies and programmes (bars, with today dashed), and their key events (diamonds) as a second
    chart on the same time axis (concatenated charts cannot stretch to the page's width)."""
    frame = pd.DataFrame([{"name": x.label, "group": x.group, "kind": x.kind, "start": x.start.isoformat(),
                           "end": x.end.isoformat(), "until": "still running" if x.ongoing else x.end.isoformat()}
                          for x in lanes])
    order = list(frame["name"]) if len(frame) else []
    first = min([x.start for x in lanes] + [date.fromisoformat(e["date"]) for e in events])
    last = max([x.end for x in lanes] + [date.today()])
    x_scale = alt.Scale(domain=[first.isoformat(), last.isoformat()])
    def label_axis() -> alt.Axis:  # the same width on both charts, so their time axes line up
        return alt.Axis(labelLimit=260, labelOverlap=False, minExtent=270, maxExtent=270)

    bars = alt.Chart(frame).mark_bar(cornerRadius=2, height=13).encode(
        x=alt.X("start:T", title=None, scale=x_scale, axis=alt.Axis(format="%Y", orient="top")),
        x2="end:T",
        y=alt.Y("name:N", sort=order, title=None, axis=label_axis()),
        color=alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["body", "programme"], range=["#4c78a8", "#f58518"])),
        tooltip=["name", "group", "kind", "start", "until"],
    ).properties(height=alt.Step(20))
    today = alt.Chart(pd.DataFrame([{"today": date.today().isoformat()}])).mark_rule(
        color="#888888", strokeDash=[4, 3]).encode(x="today:T", tooltip=["today"])
    if not events:
        return bars + today, None
    marks = pd.DataFrame(list(events))
    ticks = alt.Chart(marks).mark_point(shape="diamond", filled=True, size=90, opacity=0.85).encode(
        x=alt.X("date:T", title=None, scale=x_scale, axis=alt.Axis(format="%Y")),
        y=alt.Y("type:N", title=None, axis=label_axis()),
        color=alt.Color("type:N", legend=None, scale=alt.Scale(range=["#54a24b", "#b279a2"])),
        tooltip=["date", "event", "type"],
    ).properties(height=alt.Step(32))
    return bars + today, ticks


def spans(rows: Sequence[dict[str, Any]], *, y: str, colour: str, label: str = "") -> alt.Chart:
    """Bars from ``start`` to ``until`` for each row, one lane per ``y`` value (e.g. accountabilities)."""
    frame = pd.DataFrame(list(rows))
    tips = [c for c in ("scope", "kind", "holder", "start", "end", "certainty", "sources") if c in frame.columns]
    chart: alt.Chart = alt.Chart(frame).mark_bar(cornerRadius=2, height=14, opacity=0.8).encode(
        x=alt.X("start:T", title=label or None, axis=alt.Axis(format="%Y", tickCount="year")),
        x2="until:T",
        y=alt.Y(f"{y}:N", title=None, axis=alt.Axis(labelLimit=300, labelOverlap=False)),
        color=alt.Color(f"{colour}:N", legend=alt.Legend(orient="bottom")),
        tooltip=tips,
    ).properties(height=alt.Step(30))
    return chart


def matrix(records: Sequence[dict[str, Any]]) -> alt.LayerChart:
    """Scope × body heatmap: the kinds of role held, overlaps in orange, gaps in red."""
    frame = pd.DataFrame(list(records))
    bodies = sorted({r["body"] for r in records if r["body"] != GAP_COLUMN}) + (
        [GAP_COLUMN] if any(r["body"] == GAP_COLUMN for r in records) else [])
    scopes = sorted({r["scope"] for r in records})
    base = alt.Chart(frame).encode(
        x=alt.X("body:N", sort=bodies, title=None,
                axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=180, labelOverlap=False)),
        y=alt.Y("scope:N", sort=scopes, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))),
        tooltip=["scope", "body", "roles", "status", "via", "facts"],
    )
    text = base.mark_text(fontSize=10, color="#111").encode(text="roles:N")
    layered: alt.LayerChart = (cells + text).properties(height=alt.Step(34))
    return layered


def themes(rows: Sequence[dict[str, Any]]) -> alt.Chart:
    """Lessons per theme; the themes of the current search results stand out."""
    frame = pd.DataFrame(list(rows))
    chart: alt.Chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("lessons:Q", title="lessons"),
        y=alt.Y("theme:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("in results:N", title="in these results",
                        scale=alt.Scale(domain=[True, False], range=["#f58518", "#9ecae1"])),
        tooltip=["theme", "broader theme", "lessons"],
    ).properties(height=alt.Step(22))
    return chart


KIND_COLOURS = {"body": "#4c78a8", "accountability": "#f58518", "programme": "#e45756", "lesson": "#72b7b2",
                "recommendation": "#54a24b", "finding": "#eeca3b", "source": "#b279a2", "scope": "#ff9da6",
                "figure": "#9d755d", "lineage": "#bab0ac", "target": "#8c6d31", "post": "#393b79",
                "person": "#637939", "theme": "#7b4173"}


def network(net: Network, *, edge_labels: bool = True) -> alt.LayerChart:
    """The neighbourhood as a node-link diagram; clicking a node selects it (the page expands it); dragging
    pans and the mouse wheel zooms."""
    nodes = pd.DataFrame(net.nodes)
    edges = pd.DataFrame(net.edges) if net.edges else pd.DataFrame(
        columns=["source", "target", "relation", "x", "y", "x2", "y2", "mx", "my"])
    pick = alt.selection_point(name="node", fields=["ref"], on="click", empty=False)
    zoom = alt.selection_interval(name="zoom", bind="scales")  # drag to pan, wheel to zoom; the layout stays put
    kinds = sorted(set(nodes["kind"]))
    colour = alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom", columns=8), scale=alt.Scale(
        domain=kinds, range=[KIND_COLOURS.get(k, "#999999") for k in kinds]))
    def x(field: str) -> alt.X:  # no axes on a node-link diagram; the same scale on every layer
        return alt.X(field, axis=None, scale=alt.Scale(zero=False, nice=False, padding=40))

    def y(field: str) -> alt.Y:
        return alt.Y(field, axis=None, scale=alt.Scale(zero=False, nice=False, padding=40))

    lines = alt.Chart(edges).mark_rule(color="#bbbbbb", strokeWidth=1).encode(
        x=x("x:Q"), y=y("y:Q"), x2="x2:Q", y2="y2:Q",
        tooltip=["relation", "source", "target"])
    layers: list[Any] = [lines]
    if edge_labels:
        layers.append(alt.Chart(edges).mark_text(fontSize=8, color="#888888").encode(
            x=x("mx:Q"), y=y("my:Q"), text="relation:N"))  # every layer: the same axes
    dots = alt.Chart(nodes).mark_circle(stroke="#333333").encode(
        x=x("x:Q"), y=y("y:Q"), color=colour,
        size=alt.Size("role:O", scale=alt.Scale(domain=["centre", "expanded", "neighbour"], range=[700, 380, 180]),
                      legend=None),
        strokeWidth=alt.condition(pick, alt.value(3), alt.value(0.5)),
        tooltip=["label", "kind", "ref", "role"],
    ).add_params(pick, zoom)
    names = alt.Chart(nodes).mark_text(dy=-14, fontSize=10).encode(
        x=x("x:Q"), y=y("y:Q"), text="label:N")
    drawing: alt.LayerChart = alt.layer(*layers, dots, names).properties(height=620).configure_view(strokeWidth=0)
    return drawing


def result_chart(spec: ChartSpec) -> alt.Chart:
    """A SELECT result as bars (one per label, a colour per numeric column) or lines over years or dates."""
    frame = pd.DataFrame(spec.rows).melt(id_vars=[spec.label], value_vars=spec.values, var_name="column",
                                         value_name="value")
    if spec.mark == "line":
        chart: alt.Chart = alt.Chart(frame).mark_line(point=True).encode(
            x=alt.X(f"{spec.label}:T", title=spec.label), y=alt.Y("value:Q", title=None),
            color=alt.Color("column:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=[spec.label, "column", "value"])
        return chart
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y(f"{spec.label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("value:Q", title=", ".join(spec.values)), yOffset="column:N",
        color=alt.Color("column:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[spec.label, "column", "value"]).properties(height=alt.Step(18))
    return chart
