"""A view's state in the URL: read parameters, write them back, and build links to other views."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import streamlit as st

VIEWS = {
    "overview": "Overview",
    "body": "Bodies",
    "accountability": "Accountability",
    "lessons": "Lessons",
    "sparql": "SPARQL console",
    "graph": "Graph",
    "provenance": "Provenance",
    "quality": "Data quality",
    "analytics": "Analytics",
}


def get(name: str, default: str = "") -> str:
    value = st.query_params.get(name)
    return value if value is not None else default


def get_list(name: str) -> list[str]:
    """A list parameter, written as repeated ``name=`` or one comma-separated value."""
    out: list[str] = []
    for value in st.query_params.get_all(name):
        out += [v for v in value.split(",") if v]
    return out


def get_int(name: str, default: int, lowest: int, highest: int) -> int:
    try:
        return min(max(int(get(name, str(default))), lowest), highest)
    except ValueError:
        return default


def get_float(name: str, default: float, lowest: float, highest: float) -> float:
    try:
        return min(max(float(get(name, str(default))), lowest), highest)
    except ValueError:
        return default


def put(**values: Any) -> None:
    """Write parameters into the URL; None, "" and [] remove them. Unchanged values are not rewritten."""
    for name, value in values.items():
        if value is None or value == "" or value == [] or value is False:
            if name in st.query_params:
                del st.query_params[name]
            continue
        text: str | list[str] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        if isinstance(text, list):
            text = ",".join(text)
        if st.query_params.get(name) != text:
            st.query_params[name] = text


def keep_only(view: str, names: Iterable[str]) -> None:
    """Drop every parameter a view does not use (after switching views)."""
    allowed = {"view", *names}
    for name in list(st.query_params.keys()):
        if name not in allowed:
            del st.query_params[name]
    put(view=view)


def link(view: str, **params: Any) -> str:
    """A relative link that opens ``view`` with ``params`` (the explorer's shareable URLs)."""
    query = {"view": view, **{k: v for k, v in params.items() if v not in (None, "", [])}}
    return "?" + urlencode(query, safe="/:")


def here() -> str:
    """The full address of the current view (what a user would share)."""
    base = st.context.url or ""
    query = urlencode({k: st.query_params.get(k) for k in st.query_params})
    return f"{base}?{query}" if query else base


def show(key: str, value: Any) -> None:
    """Make the widget ``key`` show ``value`` (what the URL says) on this run; call before creating it."""
    st.session_state[key] = value


def writes(param: str, key: str, to_text: Any = None) -> Any:
    """An ``on_change`` callback that writes the widget ``key``'s new value into the URL parameter ``param``."""

    def callback() -> None:
        value = st.session_state.get(key)
        put(**{param: to_text(value) if to_text and value is not None else value})

    return callback
