"""The SPARQL endpoint and JSON API of ``govkg serve``.

========================= ==============================================================================
``server.py``             HTTP server, routing, CORS, the JSON error shape, start and stop
``protocol.py``           the SPARQL 1.1 Protocol's request forms (GET, POST URL-encoded and direct)
``formats.py``            content negotiation (SPARQL JSON/XML/CSV/TSV; Turtle, N-Triples, JSON-LD, RDF/XML)
``workers.py``            query worker processes: read-only store, timeouts by killing and replacing
``lock.py``               the store's writer lock, held without keeping a writer open
``execute.py``            what a worker does with a job: Oxigraph, pyoxigraph serialisers, the result limit
``updates.py``            SPARQL Update with a token, into the ``sparql-update`` source
``api.py``, ``openapi.py`` the JSON API (health, sources, canned queries, entities, search) and its document
``description.py``        the SPARQL service description
``query.html``            the query page served at ``/``
========================= ==============================================================================
"""

from __future__ import annotations

from graph.endpoint.server import EndpointServer

__all__ = ["EndpointServer"]
