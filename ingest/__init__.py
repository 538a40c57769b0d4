"""Ingesters: each maps one source format into RDF and hands it to the store through the pipeline."""
