"""One module per view, each with ``render(ctx)``; ``PAGES`` maps the view names of the URL to them."""

from __future__ import annotations

from collections.abc import Callable

from explorer.context import Explorer
from explorer.pages import (
    accountability,
    analytics,
    body,
    graph,
    lessons,
    overview,
    provenance,
    quality,
    sparql,
)

PAGES: dict[str, Callable[[Explorer], None]] = {
    "overview": overview.render,
    "body": body.render,
    "accountability": accountability.render,
    "lessons": lessons.render,
    "sparql": sparql.render,
    "graph": graph.render,
    "provenance": provenance.render,
    "quality": quality.render,
    "analytics": analytics.render,
}
