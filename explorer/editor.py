"""The SPARQL editor of the console: YASQE (explorer/sparql_editor/, built from the npm registry by
scripts/build_web_assets.sh and shipped with the package) as a Streamlit component. SPARQL colouring, prefix
completion, and completion of the graph's own classes and properties; Ctrl-Enter runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import streamlit.components.v1 as components

FOLDER = Path(__file__).with_name("sparql_editor")


@cache
def _component() -> Any:
    return components.declare_component("govkg_sparql_editor", path=str(FOLDER))


def sparql_editor(text: str, *, version: int, prefixes: dict[str, str], classes: list[str],
                  properties: list[str], height: int = 260, key: str) -> dict[str, Any] | None:
    """Show the editor; ``text`` goes into it when ``version`` changes. Returns ``{"text", "run"}`` as the
    browser last sent it (``run`` counts the Ctrl-Enters), or None before it has sent anything."""
    value = _component()(value=text, version=version, prefixes=prefixes, classes=classes,
                         properties=properties, height=height, key=key, default=None)
    return value if isinstance(value, dict) else None
