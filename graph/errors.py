"""One error base class for the whole project.

Every error says what went wrong, where (file, line, field, query position) and, where it helps, what to do
next. The command line turns each into one ``Error: …`` line and the exit code of its class.
"""

from __future__ import annotations


class GovKGError(Exception):
    """Base class: ``message`` says what, ``where`` says where, ``hint`` says what to do next."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(GovKGError):
    """Bad input: malformed file, unknown reference, bad date, shape violation. Nothing was written."""

    exit_code = 2


class QueryError(GovKGError):
    """A SPARQL or Cypher query that cannot be parsed or run, or a bad parameter for a canned query."""

    exit_code = 2


class QueryTimeout(QueryError):
    """A query ran past its timeout and was stopped (by the store itself, or by stopping the process that ran
    it)."""


class NotFoundError(GovKGError):
    """An entity, source or canned query that does not exist."""

    exit_code = 2


class StoreError(GovKGError):
    """The store cannot be opened or written (locked, unreadable, a server that does not answer)."""

    exit_code = 3


class SettingsError(GovKGError):
    """A setting with a value it cannot take."""

    exit_code = 2
