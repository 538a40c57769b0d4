"""The Neo4j projection of the graph: mapping, push, Cypher queries and vector search.

    from graph.neo4j.connection import connect
    from graph.neo4j.push import push
    with connect(settings) as conn:
        report = push(store, conn)                 # every source graph, idempotent and resumable

Modules: ``mapping`` (RDF → labels, relationship types, properties; the in-memory projection), ``connection``
(the driver, with errors turned into GovKG errors), ``push`` (batched UNWIND + MERGE, wipe, counts),
``cypher`` (canned ``ontology/queries/*.cypher`` and typed-in queries) and ``search`` (the vector index as the
dense ranking of the semantic search). Importing this package imports neither the neo4j driver nor numpy:
``connection`` loads the driver when a connection is made, ``search`` loads the search index's modules.
See docs/neo4j.md.
"""
