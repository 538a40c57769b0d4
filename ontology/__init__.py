"""The GovKG vocabulary, SHACL shapes, concept schemes and canned queries, as files.

Vocabulary files: ``govkg.ttl``, ``schemes.ttl`` and any ``ext-*.ttl`` (terms added for one source family,
such as the major-projects data). Shape files: ``shapes.ttl`` and any ``shapes-*.ttl``. This package holds
no code beyond the paths to those files, so that they ship with an install.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
ONTOLOGY_TTL = HERE / "govkg.ttl"
SCHEMES_TTL = HERE / "schemes.ttl"
SHAPES_TTL = HERE / "shapes.ttl"
QUERIES_DIR = HERE / "queries"


def vocabulary_files() -> list[Path]:
    return [ONTOLOGY_TTL, SCHEMES_TTL, *sorted(HERE.glob("ext-*.ttl"))]


def shape_files() -> list[Path]:
    return [SHAPES_TTL, *sorted(HERE.glob("shapes-*.ttl"))]
ASK_DIR = QUERIES_DIR / "ask"  # kinds of question for `govkg ask` that are not canned queries of their own
