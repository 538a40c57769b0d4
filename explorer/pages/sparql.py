"""SPARQL console: the canned queries as examples (parameter widgets with their defaults), an editor (YASQE:
colouring, prefix and term completion), the results as a table, a chart and a graph with the query time, a
'truncated at N rows' notice, CSV and JSON downloads, and a timeout."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import streamlit as st

from explorer import charts, state
from explorer.context import Explorer
from explorer.editor import sparql_editor
from explorer.widgets import show_error, table
from graph.backends.sparql import declare_used_prefixes, expand_data_names
from graph.errors import GovKGError, QueryError, QueryTimeout
from graph.keys import UnknownKeyError
from graph.namespaces import PREFIXES
from graph.queries import CannedQuery, Param
from graph.results import to_csv, to_json, to_rdf
from graph.views.console import (
    chart_spec,
    count,
    examples,
    first_line,
    param_choices,
    result_network,
    vocabulary_terms,
)
from graph.views.console import table as result_table

OWN = ""  # the "example" of a query written by hand
DEFAULT_EXAMPLE = "accountable-for-scope"


def render(ctx: Explorer) -> None:
    st.title("SPARQL console")
    st.caption("Prefixes gk:, id:, rdfs:, skos:, prov:, dcterms:, org:, xsd: … are declared for you. "
               "Start from an example, change its parameters or its text, and run it.")
    canned = examples()
    names = [OWN, *canned]
    asked = state.get("example", DEFAULT_EXAMPLE if not state.get("query") else OWN)
    example = st.selectbox("Example", names, index=names.index(asked) if asked in names else 0,
                           format_func=lambda n: canned[n].title if n else "(my own query)", key="sparql.example")
    values: dict[str, str] = {}
    bound = ""
    unknown: UnknownKeyError | None = None
    if example:
        query = canned[example]
        st.caption(query.description)
        values = _params(ctx, query)
        try:
            bound = declare_used_prefixes(query.bind(values))  # self-contained: the editor checks it as it is
            query.check(ctx.store, values)
        except UnknownKeyError as exc:  # a key that is not in the graph: say so, with the nearest ones
            unknown = exc
            st.error(f"{exc.message}.")
            st.caption(f"What to do: {exc.hint}")
        except QueryError as exc:
            show_error(exc)
    _sync_editor(example, bound)
    classes, properties = ctx.memo("sparql.terms", lambda: vocabulary_terms(ctx.store))
    typed = sparql_editor(st.session_state["sparql.text"], version=st.session_state["sparql.version"],
                          prefixes=PREFIXES, classes=classes, properties=properties, key="sparql.editor")
    keyed = False
    if typed is not None:
        if typed.get("text", "") != st.session_state["sparql.text"]:
            st.session_state["sparql.text"] = typed.get("text", "")
        if int(typed.get("run", 0)) > st.session_state.get("sparql.runs", 0):
            st.session_state["sparql.runs"] = int(typed.get("run", 0))
            keyed = True
    text = st.session_state["sparql.text"]
    c1, c2, c3 = st.columns([1, 1, 3])
    limit = c1.number_input("Row limit", 1, ctx.settings.result_limit, min(
        state.get_int("limit", ctx.settings.result_limit, 1, ctx.settings.result_limit), ctx.settings.result_limit),
        key="sparql.limit")
    longest = float(ctx.settings.query_timeout)
    timeout = c2.number_input("Stop after (seconds)", 0.5, longest, state.get_float("timeout", longest, 0.5, longest),
                              step=0.5, key="sparql.timeout")
    ran = c3.button("Run", type="primary", key="sparql.run", help="or Ctrl-Enter in the editor") or keyed
    own_text = text if text.strip() != bound.strip() else None
    stale = [n for n in st.query_params if n.startswith("p.") and n[2:] not in values]
    state.put(example=example or None, query=own_text, limit=limit if limit != ctx.settings.result_limit else None,
              timeout=timeout if timeout != ctx.settings.query_timeout else None,
              **{f"p.{name}": value for name, value in values.items()}, **dict.fromkeys(stale))
    if ran:
        st.session_state["sparql.ran"] = text
        state.put(run="1")
    elif st.session_state.get("sparql.ran", text) != text:  # edited since it ran: run again to see results
        state.put(run=None)
    if state.get("run") != "1":
        return
    st.session_state["sparql.ran"] = text
    if not text.strip():
        st.warning("The query is empty: pick an example or write a query, then Run.")
        return
    if unknown is not None and text.strip() == bound.strip():
        st.warning("Not run: the example names a key that is not in the graph (see above); pick one of the keys "
                   "offered, or edit the query.")
        return
    _run(ctx, text, int(limit), float(timeout))


def _params(ctx: Explorer, query: CannedQuery) -> dict[str, str]:
    """A widget per parameter, defaulting to the URL's value, else the .rq header's default."""
    values: dict[str, str] = {}
    cols = st.columns(max(len(query.params), 1))
    for col, param in zip(cols, query.params, strict=False):
        wanted = state.get(f"p.{param.name}", param.default or "")
        key = f"sparql.{query.name}.{param.name}"
        label = f"{param.name} — {param.help}" if param.help else param.name
        values[param.name] = _widget(ctx, col, param, wanted, key, label)
    return values


def _widget(ctx: Explorer, col: Any, param: Param, wanted: str, key: str, label: str) -> str:
    if param.type.startswith("iri"):
        options = ctx.memo("sparql.choices", lambda: param_choices(ctx.store, param), param.type)
        if options:
            keys = list(options)
            if wanted and wanted not in options:
                keys.insert(0, wanted)
            picked: str = col.selectbox(label, keys, index=keys.index(wanted) if wanted in keys else 0, key=key,
                                        format_func=lambda k: f"{options.get(k, k)} ({k})")
            return picked
    if param.type == "integer":
        try:
            number = int(wanted)
        except ValueError:
            number = int(param.default or 0)
        return str(col.number_input(label, value=number, step=1, key=key))
    if param.type == "date":
        try:
            day = date.fromisoformat(wanted)
        except ValueError:
            day = date.today()
        return str(col.date_input(label, value=day, key=key).isoformat())
    return str(col.text_input(label, value=wanted, key=key))


def _sync_editor(example: str, bound: str) -> None:
    """Put the bound example into the editor when the example or its parameters change; on a first visit, the
    URL's own query (if any) wins."""
    if "sparql.text" not in st.session_state:
        st.session_state["sparql.text"] = state.get("query") or bound
        st.session_state["sparql.bound"] = (example, bound)
        st.session_state["sparql.version"] = 0
        return
    if st.session_state.get("sparql.bound") != (example, bound):
        st.session_state["sparql.bound"] = (example, bound)
        if example:
            st.session_state["sparql.text"] = bound
            st.session_state["sparql.version"] = st.session_state.get("sparql.version", 0) + 1


def _run(ctx: Explorer, text: str, limit: int, timeout: float) -> None:
    runner, note = ctx.runner()
    if note:
        st.caption(f"Note: {note}.")
    try:
        with st.spinner("Running the query…"):
            result = runner.run(expand_data_names(text), limit=limit, timeout=timeout)
    except QueryTimeout as exc:
        st.error(f"Timeout: {exc.message}. The query was stopped; nothing else was affected.")
        st.caption("What to do: narrow the query (a LIMIT, more specific patterns, fewer OPTIONALs) or raise "
                   "the limit with the GOVKG_QUERY_TIMEOUT setting.")
        return
    except GovKGError as exc:
        st.error(f"The query cannot run: {first_line(exc.message)}")
        if exc.hint:
            st.caption(f"What to do: {exc.hint}")
        if "\n" in exc.message.strip():
            with st.expander("The parser's full message"):
                st.code(exc.message)
        return
    rows = count(result)
    st.markdown(f"**{rows:,} {'row' if rows == 1 else 'rows'}** in **{result.seconds * 1000:.1f} ms**")
    if result.truncated:
        st.warning(f"Truncated at {result.limit:,} rows: the result has more. Add a LIMIT or narrow the query "
                   f"(the row limit is at most GOVKG_RESULT_LIMIT = {ctx.settings.result_limit:,}).")
    shown = result_table(result)
    tab_table, tab_chart, tab_graph = st.tabs(["Table", "Chart", "Graph"])
    with tab_table:
        if rows > len(shown):
            st.caption(f"The table shows the first {len(shown):,} rows; the downloads hold all {rows:,}.")
        table(shown, plain=True, key="sparql.results", empty="No rows.")
        _downloads(result)
    with tab_chart:
        spec = chart_spec(result)
        if spec is None:
            st.caption("A chart needs a SELECT with a numeric column (a COUNT, a SUM, an amount) and a label column.")
        else:
            st.altair_chart(charts.result_chart(spec), width="stretch", key="sparql.chart")
            st.caption(f"{spec.mark.capitalize()} chart of {', '.join(spec.values)} by {spec.label}.")
    with tab_graph:
        net = ctx.memo("sparql.graph", lambda: result_network(ctx.store, result), text, limit)
        if net is None:
            st.caption("A graph needs a CONSTRUCT (or DESCRIBE) linking resources, or a SELECT with two IRI "
                       "columns (from, to; a third column names the link).")
        else:
            st.altair_chart(charts.network(net), width="stretch", key="sparql.network")
            st.caption(f"{len(net.nodes)} nodes, {len(net.edges)} links; hover for details.")


def _downloads(result: Any) -> None:
    c1, c2, _ = st.columns([1, 1, 4])
    if result.kind == "graph":
        c1.download_button("Download N-Triples", to_rdf(result, "nt"), "result.nt", "application/n-triples")
        c2.download_button("Download Turtle", to_rdf(result, "ttl"), "result.ttl", "text/turtle")
        return
    c1.download_button("Download CSV", to_csv(result), "result.csv", "text/csv", key="sparql.csv")
    c2.download_button("Download JSON", json.dumps(to_json(result), indent=2, ensure_ascii=False), "result.json",
                       "application/sparql-results+json", key="sparql.json")
