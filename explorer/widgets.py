"""Small layout helpers shared by the pages: tables with links to other views, clear error messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from explorer import state
from graph.errors import GovKGError

# a column holding refs → (view it opens, the parameter that takes the ref, the column's title)
LINKS: dict[str, tuple[str, str, str]] = {
    "fact": ("provenance", "fact", "provenance"),
    "ref": ("provenance", "fact", "provenance"),
}


def show_error(exc: BaseException, doing: str = "") -> None:
    """One clear message (with what to do next), never a traceback."""
    if isinstance(exc, GovKGError):
        text = f"{exc.where}: {exc.message}" if exc.where else exc.message
        st.error(f"{doing}: {text}" if doing else text)
        if exc.hint:
            st.caption(f"What to do: {exc.hint}")
    else:
        st.error(f"{doing}: {exc}" if doing else str(exc))


def not_available(what: str, why: str) -> None:
    st.info(f"**{what} is not available yet.** {why}")


def table(rows: Sequence[dict[str, Any]], *, links: dict[str, tuple[str, str, str]] | None = None,
          hide: Sequence[str] = (), empty: str = "Nothing to show.", key: str | None = None,
          plain: bool = False) -> None:
    """A table of ``rows``; columns named in ``links`` (and fact, ref unless ``plain``) become links to another
    view, and a url column a link out."""
    if not rows:
        st.caption(empty)
        return
    frame = pd.DataFrame(list(rows))
    frame = frame.drop(columns=[c for c in hide if c in frame.columns])
    config: dict[str, Any] = {}
    for column, (view, param, title) in {**({} if plain else LINKS), **(links or {})}.items():
        if column in frame.columns:
            frame[column] = [state.link(view, **{param: v}) if v else None for v in frame[column]]
            config[column] = st.column_config.LinkColumn(title, display_text=f"{param}=([^&]*)")
    for column in frame.columns:
        if column == "url" and not plain:
            config[column] = st.column_config.LinkColumn("url", display_text="open")
    st.dataframe(frame, hide_index=True, column_config=config, key=key)


def external_link(url: str, text: str) -> str:
    return f"[{text}]({url})" if url else text
