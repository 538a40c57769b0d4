"""What the explorer shows, as plain data: each module prepares one view from the store (or from the
analytics' :class:`~graph.analytics.GovernanceData`) and knows nothing about Streamlit.

``refs`` (short references for URLs), ``overview`` (counts, sources, licences, the timeline), ``body`` (a body's
profile, one for all its linked records), ``matrix`` (the accountability matrix on a date, and what changed
between two dates), ``sro`` (SRO tenure and turnover), ``tables`` (any rows as CSV), ``lessons``
(search hits, similar lessons, the themes chart), ``console`` (the SPARQL console: canned queries and a
timed-out runner), ``network`` (a node's neighbourhood with a layout), ``provenance`` (a fact's sources and
evidence) and ``quality`` (SHACL results and ingest reports, grouped).
"""
