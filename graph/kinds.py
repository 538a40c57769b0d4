"""The kinds of accountability, written once: which exist (the ``accountability-kind`` concept scheme in
ontology/schemes.ttl has the same notations; a test keeps them equal), which *lead* a scope (someone must hold
one of them in every year of a scope's life, or there is a gap), and which are normally *shared* (several
holders at once are not an overlap)."""

from __future__ import annotations

ACCOUNTABILITY_KINDS = ("accountable", "responsible", "oversight", "funding", "delivery", "sponsor", "policy",
                        "scrutiny", "sro")
LEADING_KINDS = ("accountable", "responsible", "sro", "delivery", "policy", "sponsor")
SHARED_KINDS = ("oversight", "scrutiny", "funding", "delivery")
