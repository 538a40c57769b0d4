"""Lessons: semantic search with filters, similar lessons for each, sources and evidence, a chart of themes."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.widgets import external_link, not_available, show_error, table
from graph.errors import GovKGError, NotFoundError
from graph.views.lessons import KINDS, LessonPage, filter_choices, hit_rows, lesson_page, theme_counts
from graph.views.refs import iri_of, kind_of

MODES = {"hybrid": "hybrid (meaning + words)", "dense": "meaning only", "lexical": "words only (BM25)"}
FIRST_YEAR = 1998


def render(ctx: Explorer) -> None:
    st.title("Lessons learned")
    choices = ctx.memo("lessons.choices", lambda: filter_choices(ctx.store))
    query, filters, mode, k = _search_form(choices)
    try:
        searcher = ctx.searcher()
    except ImportError as exc:
        not_available("Semantic search", f"This build has no graph.search ({exc}); install it with "
                      '`pip install "govkg[search]"`.')
        searcher = None
    hits: list[dict[str, Any]] = []
    results, detail = st.columns([3, 2], gap="large")
    with results:
        if searcher is not None and query is not None:
            hits = _results(searcher, query, filters, mode, k)
    with detail:
        like = state.get("like")
        if like:
            _detail(ctx, searcher, like)
        elif not hits:
            st.info("Pick **Similar lessons** on a result to see the lesson with its sources, evidence and the "
                    "lessons most like it.")
    st.subheader("Themes of the lessons")
    highlight = {t.strip() for h in hits for t in h["themes"].split(",") if t.strip()}
    st.altair_chart(charts.themes(theme_counts(ctx.store, highlight)), width="stretch")
    st.caption("Lessons per theme (a lesson with two themes counts in both), the 30 themes with most lessons; "
               "the themes of the current results are in orange.")


def _search_form(choices: dict[str, dict[str, str]]) -> tuple[str | None, dict[str, Any], str, int]:
    this_year = date.today().year
    years = state.get("years")
    try:
        low, high = (int(y) for y in years.split("-", 1)) if years else (FIRST_YEAR, this_year)
    except ValueError:
        low, high = FIRST_YEAR, this_year
    with st.form("lessons.search"):
        text = st.text_input("Search lessons, findings and recommendations", value=state.get("q"),
                             placeholder="e.g. suppliers walked away from their contracts", key="lessons.q")
        c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
        kinds = c1.multiselect("Kinds", KINDS, default=[x for x in (state.get_list("kind") or ["lesson"])
                                                        if x in KINDS], key="lessons.kind")
        themes = c2.multiselect("Themes", list(choices["theme"]), format_func=choices["theme"].__getitem__,
                                default=[t for t in state.get_list("theme") if t in choices["theme"]],
                                key="lessons.theme")
        programme = c3.selectbox("Programme", ["", *choices["programme"]], key="lessons.programme",
                                 format_func=lambda x: choices["programme"].get(x, "any"),
                                 index=_index(["", *choices["programme"]], state.get("programme")))
        k = c4.number_input("Results", 1, 50, state.get_int("k", 10, 1, 50), key="lessons.k")
        c5, c8, c6, c7 = st.columns([2, 2, 1, 2])
        body = c5.selectbox("Raised by or addressed to", ["", *choices["body"]], key="lessons.body",
                            format_func=lambda x: choices["body"].get(x, "any body"),
                            index=_index(["", *choices["body"]], state.get("body")))
        source = c8.selectbox("Source", ["", *choices["source"]], key="lessons.source",
                              format_func=lambda x: choices["source"].get(x, "any source"),
                              index=_index(["", *choices["source"]], state.get("source")))
        mode = c6.selectbox("Match on", list(MODES), format_func=MODES.__getitem__, key="lessons.mode",
                            index=_index(list(MODES), state.get("mode", "hybrid")))
        span = c7.slider("Years", FIRST_YEAR, this_year, (max(low, FIRST_YEAR), min(high, this_year)),
                         key="lessons.years")
        submitted = st.form_submit_button("Search", type="primary")
    filters = {"kind": kinds, "theme": themes, "programme": programme or None, "body": body or None,
               "source": source or None,
               "year_from": span[0] if span[0] > FIRST_YEAR else None,
               "year_to": span[1] if span[1] < this_year else None}
    years_param = f"{span[0]}-{span[1]}" if span != (FIRST_YEAR, this_year) else None
    if submitted:
        state.put(q=text.strip() or None, kind=kinds if kinds != ["lesson"] else None, theme=themes,
                  programme=programme, body=body, source=source, mode=mode if mode != "hybrid" else None,
                  k=k if k != 10 else None, years=years_param)
        if not text.strip():
            st.warning("The search is empty: type a few words (a question, a problem, a theme), then Search.")
            return None, filters, mode, int(k)
        return text, filters, mode, int(k)
    asked = state.get("q")
    return (asked or None), filters, mode, int(k)


def _index(options: list[str], value: str) -> int:
    return options.index(value) if value in options else 0


def _results(searcher: Any, query: str, filters: dict[str, Any], mode: str, k: int) -> list[dict[str, Any]]:
    try:
        with st.spinner("Searching (the first search loads the language model, which takes a few seconds)…"):
            found = searcher.search(query, k=k, mode=mode, filters={n: v for n, v in filters.items() if v})
    except GovKGError as exc:
        show_error(exc, "The search could not run")
        return []
    rows = hit_rows(found.hits)
    st.caption(f"{len(rows)} results for “{found.query}” ({MODES[mode]}; {found.items} items searched, "
               f"{found.seconds * 1000:.0f} ms)")
    if not rows:
        st.info("Nothing matches these filters. Remove a filter or widen the years.")
    for row in rows:
        _hit(row)
    return rows


def _hit(row: dict[str, Any]) -> None:
    with st.container(border=True):
        meta = " · ".join(x for x in (row["kind"], str(row["year"]), row["themes"]) if x)
        st.markdown(f"**{row['rank']}. {row['title']}**  \n:gray[{meta}]")
        st.write(row["text"])
        why = [f"best sentence: “{row['best sentence']}”"] if row["best sentence"] else []
        if row["matched terms"]:
            why.append(f"words: {row['matched terms']}")
        if row["shared"]:
            why.append(f"shares: {row['shared']}")
        if why:
            st.caption("Why: " + "; ".join(why))
        sources = ", ".join(external_link(d.get("url", ""), d["key"]) for d in row["documents"])
        c1, c2 = st.columns([3, 1])
        c1.markdown(f"Sources: {sources or '—'} · [provenance]({state.link('provenance', fact=row['ref'])})")
        if c2.button("Similar lessons", key=f"like.{row['ref']}"):
            state.put(like=row["ref"])
            st.rerun()


def _detail(ctx: Explorer, searcher: Any, ref: str) -> None:
    if kind_of(iri_of(ref)) == "lesson":
        try:
            page = ctx.memo("lessons.page", lambda: lesson_page(ctx.store, ref), ref)
        except NotFoundError as exc:
            show_error(exc)
            return
        _lesson(page)
    else:
        st.markdown(f"**{ref}** · [provenance]({state.link('provenance', fact=ref)})")
    if searcher is None:
        return
    st.markdown("**Similar lessons**")
    try:
        similar = searcher.like(ref, k=5, filters={"kind": "lesson"})
    except GovKGError as exc:
        show_error(exc, "Similar lessons")
        return
    for row in hit_rows(similar.hits):
        shared = f" — shares {row['shared']}" if row["shared"] else ""
        st.markdown(f"- [{row['title']}]({state.link('lessons', like=row['ref'], q=state.get('q'))})"
                    f" :gray[({row['year']}){shared}]")


def _lesson(page: LessonPage) -> None:
    with st.container(border=True):
        st.markdown(f"### {page.title}")
        meta = [page.date[:4]] if page.date else []
        if page.raised_by:
            meta.append(f"raised by [{page.raised_by[1]}]({state.link('body', body=page.raised_by[0][5:])})")
        if page.programme:
            meta.append(f"from {page.programme[1]}")
        meta.append(f"certainty: {page.certainty}")
        st.markdown(" · ".join(meta))
        if page.context:
            st.caption(page.context)
        st.markdown(f"**Lesson.** {page.lesson}")
        if page.recommendation:
            st.markdown(f"**What to do.** {page.recommendation}")
        if page.themes:
            st.markdown("Themes: " + ", ".join(label for _, label in page.themes))
        st.markdown("**Sources**")
        for d in page.documents:
            title = external_link(d["url"], d["title"] or d["source"])
            ident = f", {d['identifier']}" if d["identifier"] else ""
            st.markdown(f"- {title} — {d['publisher']}{ident}, {d['date'] or 'undated'} ({d['reliability']}; "
                        f"{d['licence']})")
        st.markdown("**Evidence**")
        if page.evidence:
            for e in page.evidence:
                st.markdown(f"> {e['passage']}\n\n:gray[{e['document']}, characters {e['characters']}]")
        else:
            st.caption("No quoted passage: the curated record cites its documents as a whole.")
        if page.addressed_by:
            st.markdown("**Recommendations that address it**")
            table(page.addressed_by, key=f"lessons.addressed.{page.ref}")
        st.markdown(f"[Provenance of this lesson]({state.link('provenance', fact=page.ref)})")
