"""``govkg serve``'s life cycle: the store's writer guard, the query worker processes, and uvicorn serving the
ASGI application (graph/endpoint/asgi.py) with request limits, keep-alive and a graceful shutdown.

uvicorn is a maintained production ASGI server: HTTP/1.1 through h11 with a cap on the size of a request's
line and headers, idle keep-alive connections closed after :data:`KEEP_ALIVE` seconds, at most
:data:`MAX_CONNECTIONS` connections at once (503 beyond), and on SIGINT or SIGTERM no new connections while
running requests get :data:`GRACE` seconds to finish. The query workers stay processes killed at the timeout:
that is what really stops a runaway query.
"""

from __future__ import annotations

import asyncio
import socket
import threading

import uvicorn

from graph.backends import open_backend, writer_guard
from graph.endpoint import api
from graph.endpoint.asgi import ROUTES, build
from graph.endpoint.workers import WorkerPool
from graph.errors import StoreError
from graph.queries import canned_queries
from graph.settings import Settings

KEEP_ALIVE = 120  # seconds an idle keep-alive connection is kept
GRACE = 10  # seconds running requests get to finish at shutdown
MAX_CONNECTIONS = 512  # connections and requests at once; more get 503
MAX_HEADER = 64 * 1024  # bytes of request line and headers

__all__ = ["ROUTES", "EndpointServer"]


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket. It is made with the TCP protocol number, as asyncio's own are: asyncio turns
    Nagle's algorithm off only on such sockets, and with it on, the body (written after the headers) waits
    for the client's delayed ACK, about 40 ms per answer."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         proto=socket.IPPROTO_TCP)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


class EndpointServer:
    """``govkg serve``: the store's writer guard (held), query workers, and the HTTP server.

    ``with EndpointServer(settings, port=0).start() as server: … server.url …`` runs it in a thread (tests);
    :meth:`serve_forever` runs it in the calling thread (the command line), stopping gracefully on SIGINT
    and SIGTERM.
    """

    def __init__(self, settings: Settings, *, host: str = "127.0.0.1", port: int = 8000,
                 workers: int | None = None, quiet: bool = True) -> None:
        self.lock = writer_guard(settings)
        # a store held alone is opened for writing first: that creates an empty one and drops graphs a dead
        # ingest left; a SPARQL server is only asked for its catalog (and may refuse updates)
        writable = self.lock.exclusive or bool(settings.update_password)
        with open_backend(settings, read_only=not writable) as store:
            self.sources = store.sources()
        self.lock.acquire()
        try:
            self.pool = WorkerPool(settings, workers or settings.endpoint_workers)
        except BaseException:
            self.lock.release()
            raise
        self.app = api.App(settings, self.lock, self.pool, canned_queries(), quiet=quiet)
        try:
            self.socket = listen(host, port)
        except OSError as exc:
            self.pool.close()
            self.lock.release()
            raise StoreError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="choose another --port") from exc
        config = uvicorn.Config(
            build(self.app), http="h11", lifespan="off", ws="none", interface="asgi3",
            log_level="warning" if quiet else "info", access_log=not quiet, server_header=False,
            timeout_keep_alive=KEEP_ALIVE, timeout_graceful_shutdown=GRACE, limit_concurrency=MAX_CONNECTIONS,
            h11_max_incomplete_event_size=MAX_HEADER, backlog=128)
        self.uvicorn = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.socket.getsockname()[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until SIGINT or SIGTERM (in the main thread), then let running requests finish."""
        self.uvicorn.run(sockets=[self.socket])

    def start(self) -> EndpointServer:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            task = loop.create_task(self.uvicorn.serve(sockets=[self.socket]))
            loop.call_soon(ready.set)
            loop.run_until_complete(task)
            loop.close()

        self._thread = threading.Thread(target=run, name="govkg-endpoint", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._thread is not None:
            self.uvicorn.should_exit = True
            self._thread.join(GRACE + 5)
        self.socket.close()
        self.app.drop_search_pool()
        self.pool.close()
        self.lock.release()

    def __enter__(self) -> EndpointServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
