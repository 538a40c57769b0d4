"""GovKG's graph layer: the store and everything that reads it (SPARQL, canned queries, entities)."""
