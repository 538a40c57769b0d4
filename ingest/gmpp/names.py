"""Names in the GMPP data: project names compared across years, and the people a Senior Responsible Owner
cell names.

A project name is compared in a normal form (case, accents, punctuation, "&", a parenthesised abbreviation and
a closing "Programme" or "Project" set aside), so that "FRONTLINE DIGITISATION" and "Frontline Digitisation
Programme" are one name. An SRO cell may name one person, several ("Toby Nation, Claire Wren",
"Charlotte Spencer|Caroline Crowther"), or none (an exemption under the Freedom of Information Act, a
footnote); each person's name is kept as published and compared without titles and ranks ("Air Cdre",
"Dr" — the list is in data/mappings/gmpp.yaml) or a nickname in brackets or quotes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.gmpp.cells import cell_kind

_SPLIT = re.compile(r"\s*(?:[,;|/&]|\band\b)\s*")
_NICKNAME = re.compile(r"\s*(?:\([^)]*\)|\"[^\"]*\"|“[^”]*”)\s*")
_NAME_WORD = re.compile(r"^[A-Z][A-Za-z'’.\-]*$|^(?:de|van|von|der|den|la|le|du|da|di|bin|al)$")
_TRAILING = re.compile(r"\s+(?:programme|project|programme project|prog)$")


def plain(text: str) -> str:
    """Lower case ASCII words: accents dropped, "&" read as "and", punctuation as spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def project_name_key(name: str) -> str:
    """The form in which two years' names of one project are compared."""
    text = plain(re.sub(r"\([^)]*\)", " ", name))
    text = re.sub(r"^the ", "", text)
    return _TRAILING.sub("", text).strip()


@dataclass(frozen=True)
class PersonName:
    published: str  # as the cell gives it: "Air Cdre Alun Roberts"
    name: str  # without title, rank or nickname: "Alun Roberts"
    key: str  # compared: "alun roberts"


def person_names(cell: str, titles: Iterable[str]) -> tuple[list[PersonName], str]:
    """The people an SRO cell names and what kind of cell it is: ``named``, or ``exempt``, ``empty``,
    ``not-applicable``, ``footnote`` (text that is not a list of names) with no people."""
    text = " ".join(cell.split())
    kind = cell_kind(text)
    if kind in ("empty", "exempt", "not-applicable"):
        return [], kind
    known = {plain(t) for t in titles if plain(t)}
    lines = [line for line in cell.splitlines() if line.strip()]
    if len(lines) > 1:  # a line break separates people ("Charlotte Spencer\nCaroline Crowther") when every line
        # reads as names; otherwise it only wrapped the text ("Air Vice-Marshal\nAlun Roberts")
        parts = [_people(" ".join(line.split()), known) for line in lines]
        if all(parts):
            return _unique([p for part in parts for p in part or []]), "named"
    people = _people(text, known)
    return (people, "named") if people else ([], "footnote")


def _people(text: str, known: set[str]) -> list[PersonName] | None:
    """The people one line of a cell names, or None when a part of it is not a name."""
    people: list[PersonName] = []
    for part in _SPLIT.split(text):
        if not part:
            continue
        name = _strip_titles(_NICKNAME.sub(" ", part).strip(), known)
        if not _looks_like_a_name(name) or _only_titles(name, known):
            return None
        people.append(PersonName(part.strip(), name, plain(name)))
    return _unique(people) or None


def _unique(people: list[PersonName]) -> list[PersonName]:
    out: list[PersonName] = []
    for person in people:
        if person.key not in {p.key for p in out}:
            out.append(person)
    return out


def _strip_titles(name: str, titles: set[str]) -> str:
    """Drop leading titles and ranks, however many, matching whole words ("Air Vice-Marshal" as published)."""
    words = name.split()
    while len(words) > 2:
        cut = next((k for k in range(min(4, len(words) - 2), 0, -1) if plain(" ".join(words[:k])) in titles), 0)
        if not cut:
            break
        words = words[cut:]
    return " ".join(words)


def _only_titles(name: str, titles: set[str]) -> bool:
    """"Air Vice-Marshal", "Rt Hon": words that are all titles or ranks."""
    words = plain(name).split()
    i = 0
    while i < len(words):
        k = next((k for k in range(min(4, len(words) - i), 0, -1) if " ".join(words[i:i + k]) in titles), 0)
        if not k:
            return False
        i += k
    return True


def _looks_like_a_name(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words)
