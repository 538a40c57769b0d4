"""Short references for the URLs of the explorer: ``body/nhs-digital`` for a GovKG IRI, the IRI otherwise."""

from __future__ import annotations

from datetime import date

from graph.namespaces import ID, shorten


def ref_of(iri: str) -> str:
    """``https://w3id.org/govkg/id/body/nhs-digital`` → ``body/nhs-digital``; other IRIs unchanged."""
    return iri[len(ID):] if iri.startswith(ID) else iri


def iri_of(ref: str) -> str:
    """The IRI a reference names: an IRI as it is, ``kind/key`` as a GovKG IRI."""
    ref = ref.strip()
    if ref.startswith(("http://", "https://", "urn:")):
        return ref
    return f"{ID}{ref}"


def kind_of(iri: str) -> str:
    """The record kind of a GovKG IRI (``body``, ``lesson`` …), ``""`` for others."""
    rest = ref_of(iri)
    return rest.split("/", 1)[0] if rest != iri and "/" in rest else ""


def short(iri: str) -> str:
    """A readable form of any IRI: ``gk:holder``, ``body/nhs-digital``."""
    return ref_of(iri) if iri.startswith(ID) else shorten(iri)


def iso(value: date | None, missing: str = "") -> str:
    return value.isoformat() if value else missing


def parse_day(text: str | None, default: date) -> date:
    """A ``YYYY-MM-DD`` from a URL, or ``default`` when it is missing or malformed."""
    if not text:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return default
