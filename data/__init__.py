"""The data that ships with GovKG, installed as the package ``govkg_data`` (see pyproject.toml):

=================== ==========================================================================================
``curated/``        the curated YAML dataset that ``govkg ingest`` loads when given no path
``mappings/``       how each public dataset's columns and codes map to the graph (GOV.UK, ODS, GMPP, lessons)
``evaluation/``     evaluation sets (``search.yaml``: the queries ``govkg eval-search`` scores; ``ask.yaml``: the
                    questions ``govkg eval-ask`` scores)
``documents/``      labelled documents the document classifier is trained on (``labelled/train``) and judged on
                    (``labelled/held-out``); exercises, not sources
``datasets/``       a snapshot of the four public datasets (GOV.UK organisations, NHS ODS trusts, GMPP, NASA
                    lessons) with ``manifest.yaml``: where each came from, when, its licence and sha256 per file
``vectors/``        the search index's vectors of the bundled data's texts, so the default ingest need not embed
                    them (graph/embeddings/seed.py)
=================== ==========================================================================================

This package holds no code beyond the paths to those folders, so that they ship with an install and are found
from any working folder.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATED_DIR = HERE / "curated"
MAPPINGS_DIR = HERE / "mappings"
EVALUATION_DIR = HERE / "evaluation"
SEARCH_EVAL = EVALUATION_DIR / "search.yaml"
ASK_EVAL = EVALUATION_DIR / "ask.yaml"
LABELLED_DOCUMENTS_DIR = HERE / "documents" / "labelled"
DATASETS_DIR = HERE / "datasets"
DATASETS_MANIFEST = DATASETS_DIR / "manifest.yaml"
VECTORS_DIR = HERE / "vectors"
