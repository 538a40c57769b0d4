"""SPARQL Update and Graph Store Protocol writes through the endpoint: refused unless the server has an update
token and the request carries it.

The store keeps every source in its own catalogued graph, and ingested sources change only through
``govkg ingest``. What the endpoint may change is its *editable dataset*: the default graph is a source of its
own, ``sparql-update``, and each named graph is a source published under that name (``govkg ingest FILE
--graph IRI``, or a graph an update or a Graph Store Protocol request created). A worker applies the update to
the editable dataset in a scratch store (with the usual timeout, so a runaway ``DELETE … WHERE`` is stopped
like a runaway query) and sends back the graphs that changed; the server then stops the workers, writes those
graphs as sources through the store's own staging and atomic catalog switch (derived views included), and
starts fresh workers. Updates are serialised, and queries wait while one is written.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable

from graph.backends import WriterGuard, open_backend
from graph.endpoint.jobs import Reply, UpdateJob, error_reply, json_reply
from graph.endpoint.workers import WorkerPool
from graph.namespaces import slug
from graph.settings import Settings

UPDATE_SOURCE = "sparql-update"


def key_for(name: str) -> str:
    """The source key of a graph first written through the endpoint: readable, and unique by its hash."""
    readable = slug(name.split("://", 1)[-1])[:48].strip("-") or "graph"
    return f"graph-{readable}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


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
                 stop_readers: Callable[[], None] = lambda: None, base_iri: str | None = None) -> Reply:
    """Run ``update`` against the editable dataset and make the graphs it changed live in one switch. A store
    the server holds alone is written with every reader stopped (``stop_readers`` stops the search worker
    too); on a SPARQL server the readers keep answering and see the change at their next job."""
    with pool.exclusive() as access:
        reply = access.run(UpdateJob(update, UPDATE_SOURCE, base_iri), timeout)
        if reply.status != 200:
            return reply
        answer = json.loads(reply.body)
        changed: dict[str, str] = answer["changed"]
        if changed:
            def write() -> None:
                with open_backend(settings) as store, store.staging() as stage:
                    sources = store.sources()
                    by_name = {s.name: s.key for s in sources.values() if s.name}
                    for name, ntriples in changed.items():
                        key = by_name.get(name) or key_for(name) if name else UPDATE_SOURCE
                        data = ntriples.encode("utf-8")
                        if data.strip():
                            title = f"Graph {name}, written through the endpoint" if name else \
                                "Changes made with SPARQL Update through the endpoint"
                            stage.put(key, data, content_hash=hashlib.sha256(data).hexdigest(),
                                      origin="govkg serve", ingester="sparql-update", title=title, name=name)
                        elif key in sources:
                            stage.remove(key)

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
                access.changed()  # the query workers read the new catalog before their next job
                stop_readers()  # the search worker builds its index again from the changed store
    return json_reply({"ok": True, "source": UPDATE_SOURCE, "changed": bool(changed),
                       "graphs": sorted(changed), "triples": int(answer["triples"])})


def refused(has_token: bool) -> Reply:
    if not has_token:
        return error_reply(403, "this server is read-only: SPARQL Update is refused",
                           hint="start `govkg serve` with GOVKG_UPDATE_PASSWORD set and send that token as "
                                "Authorization: Bearer <token>")
    return error_reply(403, "SPARQL Update needs the server's update token",
                       hint="send it as Authorization: Bearer <token>")
