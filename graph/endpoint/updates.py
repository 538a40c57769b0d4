"""SPARQL Update through the endpoint: refused unless the server has an update token and the request carries it.

The embedded store keeps every source in its own catalogued graph, and ingested sources change only through
``govkg ingest``. An update through the endpoint therefore edits one source of its own, ``sparql-update``:
a worker applies the update to that source's triples in a scratch store (with the usual timeout, so a
runaway ``DELETE … WHERE`` is stopped like a runaway query); if they changed, the server stops the workers,
writes the new triples through the store's own staging and atomic catalog switch, and starts fresh workers.
Updates are serialised, and queries wait while one is written. Updates that name graphs are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable

from graph.backends import WriterGuard, open_backend
from graph.endpoint.execute import ROWS
from graph.endpoint.jobs import Reply, UpdateJob, error_reply, json_reply
from graph.endpoint.workers import WorkerPool
from graph.settings import Settings

UPDATE_SOURCE = "sparql-update"


def token_given(authorization: str | None) -> str | None:
    """The token in ``Authorization: Bearer <token>`` (or the password of HTTP Basic)."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2]
    return None


def authorised(authorization: str | None, token: str) -> bool:
    given = token_given(authorization)
    return bool(token) and given is not None and hmac.compare_digest(given.encode(), token.encode())


def apply_update(settings: Settings, guard: WriterGuard, pool: WorkerPool, update: str, timeout: float,
                 stop_readers: Callable[[], None] = lambda: None) -> Reply:
    """Run ``update`` against the sparql-update source and make the result live in one switch. A store the
    server holds alone is written with every reader stopped (``stop_readers`` stops the search worker too);
    on a SPARQL server the readers keep answering and see the change at their next job."""
    with pool.exclusive() as access:
        reply = access.run(UpdateJob(update, UPDATE_SOURCE), timeout)
        if reply.status != 200:
            return reply
        changed = reply.headers.get("GovKG-Changed") == "true"
        new = reply.body
        if changed:
            def write() -> None:
                with open_backend(settings) as store, store.staging() as stage:
                    if new.strip():
                        stage.put(UPDATE_SOURCE, new, content_hash=hashlib.sha256(new).hexdigest(),
                                  origin="govkg serve", ingester="sparql-update",
                                  title="Changes made with SPARQL Update through the endpoint")
                    elif UPDATE_SOURCE in store.sources():
                        stage.remove(UPDATE_SOURCE)

            if guard.exclusive:
                def alone() -> None:
                    stop_readers()
                    guard.release()
                    try:
                        write()
                    finally:
                        guard.acquire()

                access.write(alone)
            else:
                write()
                stop_readers()  # the search worker builds its index again from the changed store
    return json_reply({"ok": True, "source": UPDATE_SOURCE, "changed": changed,
                       "triples": int(reply.headers.get(ROWS, "0"))})


def refused(has_token: bool) -> Reply:
    if not has_token:
        return error_reply(403, "this server is read-only: SPARQL Update is refused",
                           hint="start `govkg serve` with GOVKG_UPDATE_PASSWORD set and send that token as "
                                "Authorization: Bearer <token>")
    return error_reply(403, "SPARQL Update needs the server's update token",
                       hint="send it as Authorization: Bearer <token>")
