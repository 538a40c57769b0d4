"""IRIs used across GovKG: the vocabulary namespace, data IRIs and graph names."""

from __future__ import annotations

import re

GK = "https://w3id.org/govkg/ontology#"
ID = "https://w3id.org/govkg/id/"
GRAPH = "https://w3id.org/govkg/graph/"
CATALOG_GRAPH = "https://w3id.org/govkg/graph/catalog"

PREFIXES = {
    "gk": GK,
    "id": ID,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

_KEY = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def entity_iri(kind: str, key: str) -> str:
    """The IRI of a record: ``https://w3id.org/govkg/id/<kind>/<key>``."""
    return f"{ID}{kind}/{key}"


def is_key(text: str) -> bool:
    return bool(_KEY.match(text))


def slug(text: str) -> str:
    """A key made from free text: lowercase, runs of other characters turned into one hyphen."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "x"


def shorten(iri: str) -> str:
    """``gk:Body`` for a vocabulary IRI, ``id:body/dhsc`` style for data, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
