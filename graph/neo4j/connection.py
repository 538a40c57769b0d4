"""A connection to Neo4j through the official driver, with every failure turned into a GovKG error.

Connecting checks the server at once (``verify_connectivity`` and the version), so a wrong password, an
unreachable server or a missing database is one clear ``StoreError`` within the ``neo4j_timeout`` setting,
not a stack trace. The driver is imported here, when a connection is made, never at package import.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from graph.errors import QueryError, StoreError
from graph.settings import Settings

INSTALL = 'pip install -e ".[neo4j]"'
MIN_VERSION = (5, 26)  # dynamic labels (SET n:$(…)), CALL (x) { … } subqueries, vector indexes
START_HINT = "start one with scripts/servers/neo4j.sh start, or set GOVKG_NEO4J_URI"
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where to connect: the settings, with any command-line overrides applied."""

    uri: str
    user: str
    password: str
    database: str
    timeout: float

    @classmethod
    def of(cls, settings: Settings, **overrides: Any) -> Target:
        given = {k: v for k, v in overrides.items() if v is not None}
        return cls(uri=str(given.get("uri", settings.neo4j_uri)), user=str(given.get("user", settings.neo4j_user)),
                   password=str(given.get("password", settings.neo4j_password)),
                   database=str(given.get("database", settings.neo4j_database)),
                   timeout=float(given.get("timeout", settings.neo4j_timeout)))


class Neo4jConnection:
    """An open, checked driver for one database. Use :func:`connect`; close when done."""

    def __init__(self, target: Target) -> None:
        try:
            import neo4j
        except ImportError as exc:
            raise StoreError("the Neo4j projection needs the neo4j driver", hint=f"install it with {INSTALL}") \
                from exc
        self.target = target
        self._neo4j = neo4j
        auth = (target.user, target.password) if target.password else None
        if not re.match(r"(bolt|neo4j)(\+s|\+ssc)?://[^/]", target.uri):
            raise StoreError(f"GOVKG_NEO4J_URI={target.uri!r} is not a Neo4j URI",
                             hint="use bolt://host:port or neo4j://host:port (with +s for TLS)")
        try:
            self.driver = neo4j.GraphDatabase.driver(
                target.uri, auth=auth, connection_timeout=target.timeout,
                connection_acquisition_timeout=target.timeout * 2, max_transaction_retry_time=target.timeout,
                user_agent="govkg")
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise StoreError(f"GOVKG_NEO4J_URI={target.uri!r} is not a Neo4j URI: {exc}",
                             hint="use bolt://host:port or neo4j://host:port") from exc
        try:
            with self._errors():
                self.driver.verify_connectivity()
            self.version = self._check_version()
        except BaseException:
            self.driver.close()
            raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (StoreError, QueryError):
            raise
        except Exception as exc:  # driver errors of every kind become GovKG errors
            translated = translate(exc, self.target)
            if translated is exc:
                raise
            raise translated from exc

    def _check_version(self) -> str:
        records = self.run("CALL dbms.components() YIELD name, versions RETURN versions[0] AS version",
                           read=True)
        version = str(records[0]["version"]) if records else "?"
        numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
        if len(numbers) == 2 and numbers < MIN_VERSION:
            raise StoreError(f"Neo4j at {self.target.uri} is version {version}; GovKG needs "
                             f"{MIN_VERSION[0]}.{MIN_VERSION[1]} or later")
        return version

    # ---------------------------------------------------------------- running
    def run(self, cypher: str, params: Mapping[str, Any] | None = None, *, read: bool = False,
            timeout: float | None = None) -> list[dict[str, Any]]:
        """Run one query in its own (retried) transaction; its records as dicts."""
        neo4j = self._neo4j
        query = neo4j.Query(cypher, timeout=timeout) if timeout else cypher
        with self._errors():
            result = self.driver.execute_query(
                query, dict(params or {}), database_=self.target.database,
                routing_=neo4j.RoutingControl.READ if read else neo4j.RoutingControl.WRITE)
        return [dict(r) for r in result.records]

    def run_keys(self, cypher: str, params: Mapping[str, Any] | None = None, *, read: bool = True,
                 timeout: float | None = None, limit: int | None = None) -> tuple[list[str], list[list[Any]], bool]:
        """Column names and rows (cut at ``limit``, and whether it was cut), for queries typed by people."""
        neo4j = self._neo4j
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS

        @neo4j.unit_of_work(timeout=timeout)  # type: ignore[untyped-decorator]
        def work(tx: Any) -> tuple[list[str], list[list[Any]], bool]:
            result = tx.run(cypher, dict(params or {}))
            rows: list[list[Any]] = []
            for record in result:
                if limit is not None and len(rows) >= limit:
                    return list(result.keys()), rows, True
                rows.append(list(record.values()))
            return list(result.keys()), rows, False

        with self._errors(), self.driver.session(database=self.target.database, default_access_mode=mode) as s:
            out: tuple[list[str], list[list[Any]], bool] = (s.execute_read(work) if read else s.execute_write(work))
            return out

    def autocommit(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Run in an auto-commit transaction (needed by ``CALL { … } IN TRANSACTIONS``)."""
        with self._errors(), self.driver.session(database=self.target.database) as session:
            session.run(cypher, dict(params or {})).consume()

    def write(self, work: Callable[[Any], T]) -> T:
        """Run ``work(tx)`` in one managed write transaction."""
        with self._errors(), self.driver.session(database=self.target.database) as session:
            return session.execute_write(work)

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _first_line(exc: BaseException | str) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def connect(settings: Settings, **overrides: Any) -> Neo4jConnection:
    """A checked connection to the Neo4j the settings name (``uri``, ``user``, ``password``, ``database``,
    ``timeout`` override them); StoreError when it cannot be reached or refuses the credentials."""
    return Neo4jConnection(Target.of(settings, **overrides))


def translate(exc: Exception, target: Target) -> Exception:
    """The GovKG error for a driver exception (``exc`` itself when it is not one)."""
    import neo4j

    ex = neo4j.exceptions
    where = f"Neo4j at {target.uri}"
    if isinstance(exc, ex.AuthError):
        hint = ("set GOVKG_NEO4J_PASSWORD or --password" if not target.password
                else "check GOVKG_NEO4J_USER and GOVKG_NEO4J_PASSWORD, or --user and --password")
        return StoreError(f"{where} refused user {target.user!r}: wrong user or password", hint=hint)
    if isinstance(exc, ex.ServiceUnavailable | ex.SessionExpired):
        return StoreError(f"cannot reach {where}: {_first_line(exc)}", hint=START_HINT)
    if isinstance(exc, ex.Neo4jError):
        code, message = exc.code or "", _first_line(exc.message or str(exc))
        if code.endswith("DatabaseNotFound"):
            return StoreError(f"{where} has no database {target.database!r}",
                              hint="set GOVKG_NEO4J_DATABASE (community edition has only 'neo4j')")
        if code.endswith("Statement.AccessMode"):
            return QueryError("the query writes, and `govkg cypher` runs read-only unless given --write")
        if code.startswith("Neo.ClientError.Statement.SyntaxError"):
            return QueryError(f"Cypher syntax error: {message}")
        if code.startswith("Neo.ClientError.Transaction.TransactionTimedOut"):
            return QueryError(f"the Cypher query ran out of time: {message}", hint="GOVKG_QUERY_TIMEOUT")
        if code.startswith(("Neo.ClientError.Statement", "Neo.ClientError.Procedure", "Neo.ClientError.Schema")):
            return QueryError(f"the Cypher query failed: {message}", hint=code)
        return StoreError(f"{where}: {message}", hint=code or None)
    if isinstance(exc, ex.DriverError):
        return StoreError(f"{where}: {_first_line(exc)}")
    return exc
