"""Provenance: from any fact to its source documents and the passages that support it."""

from __future__ import annotations

import streamlit as st

from explorer import state
from explorer.context import Explorer
from explorer.widgets import external_link, show_error, table
from graph.errors import NotFoundError
from graph.views.provenance import provenance

DEFAULT_FACT = "accountability/nhsx-national-digital-strategy"
CERTAINTY = {"sourced": "stated by a primary source", "secondary": "only secondary sources seen",
             "inferred": "derived by the curators from sourced facts", "uncertain": "sources disagree or are vague"}


def render(ctx: Explorer) -> None:
    st.title("Provenance")
    state.show("prov.fact", state.get("fact", DEFAULT_FACT))
    asked = st.text_input("Fact: kind/key (e.g. accountability/…, lesson/…, body/nhsx), a key, a label or an IRI",
                          key="prov.fact", on_change=state.writes("fact", "prov.fact", str.strip)).strip()
    if not asked:
        st.info("Name a fact to see where it comes from: every table in the explorer links its rows here.")
        return
    try:
        found = ctx.memo("prov.fact", lambda: provenance(ctx.store, asked), asked)
    except NotFoundError as exc:
        show_error(exc)
        return
    state.put(fact=found.ref)
    st.subheader(found.label)
    kinds = ", ".join(t.removeprefix("gk:") for t in found.types) or "resource"
    st.markdown(f"**{kinds}** · `{found.ref}` · certainty: **{found.certainty}** "
                f"({CERTAINTY.get(found.certainty, 'as recorded')})")
    if found.note:
        st.caption(f"Curators' note: {found.note}")
    links = [f"[graph neighbourhood]({state.link('graph', node=found.ref)})"]
    if "gk:Body" in found.types:
        links.insert(0, f"[body page]({state.link('body', body=found.ref.removeprefix('body/'))})")
    st.markdown(" · ".join(links))
    if found.linked:
        st.markdown(f"#### One thing, {len(found.linked)} linked records")
        st.caption("Reconciliation linked these records of different sources as the same thing; what they say "
                   "is shown together below, each statement with the sources that make it.")
        table(found.linked, links={"ref": ("provenance", "fact", "open")}, key="prov.linked")
    if found.also_named:
        st.caption("Also named so: " + ", ".join(f"[{o['record']}]({state.link('provenance', fact=o['ref'])}) "
                                                 f"({o['kinds']})" for o in found.also_named))
    if found.reports:
        st.markdown("#### Ratings and whole-life cost by year (Government Major Projects Portfolio)")
        table(found.reports, links={"ref": ("provenance", "fact", "report")}, key="prov.reports")
    if found.accountabilities:
        st.markdown("#### Accountabilities")
        table(found.accountabilities, links={"ref": ("provenance", "fact", "open")}, key="prov.accountabilities")

    st.markdown("#### Source documents")
    if found.documents:
        for d in found.documents:
            title = external_link(d["url"], d["title"] or d["source"])
            ident = f", {d['identifier']}" if d["identifier"] else ""
            publisher = d["publisher"] or "publisher not recorded"
            st.markdown(f"- {title} — {publisher}{ident}, {d['date'] or 'undated'}  \n"
                        f"  :gray[{d['kind'] or 'document'}; {d['reliability'] or 'reliability not recorded'}; "
                        f"licence: {d['licence']}; key `{d['source']}`]")
    else:
        st.caption("This fact cites no source document (vocabulary terms and the catalog's own records do not).")

    st.markdown("#### Evidence")
    if found.evidence:
        for e in found.evidence:
            where = ", ".join(x for x in (e["document"], f"characters {e['characters']}" if e["characters"] else "",
                                          f"page {e['page']}" if e["page"] else "") if x)
            st.markdown(f"> {e['passage']}\n\n:gray[{where} — evidence of {e['evidence of']}]")
    else:
        st.caption("No quoted passage: curated records cite whole documents (see their note and description); "
                   "records read from ingested documents carry the exact passage.")

    st.markdown("#### What the graph says about it")
    table(found.statements, links={"ref": ("provenance", "fact", "open")}, key="prov.statements")
    st.markdown("#### Ingested from")
    table(found.ingested_from, key="prov.ingested", empty="Not in any ingested source.")
