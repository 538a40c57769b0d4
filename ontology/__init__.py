"""The GovKG vocabulary, SHACL shapes, concept schemes and canned queries, as files.

This package holds no code beyond the paths to those files, so that they ship with an install.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
ONTOLOGY_TTL = HERE / "govkg.ttl"
SCHEMES_TTL = HERE / "schemes.ttl"
SHAPES_TTL = HERE / "shapes.ttl"
QUERIES_DIR = HERE / "queries"
