"""The SPARQL endpoint, graph store and JSON API of ``govkg serve``.

========================= ==============================================================================
``server.py``             life cycle: the writer guard, the query workers, uvicorn (limits, keep-alive,
                          graceful shutdown)
``asgi.py``               the Starlette application: routes (the typed JSON API table), CORS, body limit,
                          the one JSON error shape, YASGUI and Swagger UI
``protocol.py``           the SPARQL 1.1 Protocol's request forms, UTF-8 bodies, using-graph-uri as USING
``gsp.py``                the Graph Store HTTP Protocol at ``/data``
``formats.py``            content negotiation (SPARQL JSON/XML/CSV/TSV; Turtle, N-Triples, JSON-LD, RDF/XML)
``workers.py``            query worker processes: read-only store, timeouts by killing and replacing
``jobs.py``               the jobs handed to workers and the replies they send back
``execute.py``            what a worker does with a job: Oxigraph, pyoxigraph serialisers, the result limit,
                          updates applied to the editable dataset in a scratch store
``updates.py``            SPARQL Update and graph store writes with a token, into the store's sources
``api.py``, ``models.py`` the JSON API (health, sources, canned queries, entities, search) and its types
``openapi.py``            the OpenAPI document, generated from the route table and the models
``description.py``        the SPARQL service description
``static/``               YASGUI (``/``), Swagger UI (``/api/docs``): built by scripts/build_web_assets.sh
========================= ==============================================================================
"""

from __future__ import annotations

from graph.endpoint.server import EndpointServer

__all__ = ["EndpointServer"]
