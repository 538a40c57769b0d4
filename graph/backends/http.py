"""A small HTTP client for SPARQL servers: keep-alive connections per thread, Basic or Bearer auth.

The standard library only (``http.client``), so the remote backend needs no extra package. A connection
that the server closed while it was idle is reopened once; any other failure becomes a :class:`StoreError`
that names the server.
"""

from __future__ import annotations

import base64
import http.client
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from graph.errors import StoreError

_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest)


@dataclass
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self, limit: int = 600) -> str:
        """The body as text, cut to ``limit`` characters, for error messages."""
        text = self.body.decode("utf-8", errors="replace").strip()
        return text if len(text) <= limit else text[:limit] + "…"


class ServerTimeout(StoreError):
    """The server did not answer within the timeout (any request; a query's own timeout is a QueryTimeout)."""


class HttpClient:
    """HTTP requests to one or more servers, with a persistent connection per thread and server."""

    def __init__(self, *, timeout: float, user: str = "", password: str = "") -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._auth = ""
        if user:
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self._auth = f"Basic {token}"
        elif password:
            self._auth = f"Bearer {password}"

    def _connections(self) -> dict[tuple[str, str], http.client.HTTPConnection]:
        conns: dict[tuple[str, str], http.client.HTTPConnection] | None = getattr(self._local, "conns", None)
        if conns is None:
            conns = {}
            self._local.conns = conns
        return conns

    def _connect(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        if scheme == "https":
            return http.client.HTTPSConnection(netloc, timeout=self.timeout)
        return http.client.HTTPConnection(netloc, timeout=self.timeout)

    def request(self, method: str, url: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float | None = None) -> Response:
        """Send one request and read the whole response."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise StoreError(f"not an http(s) URL: {url}")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        sent = {"User-Agent": "govkg", **(headers or {})}
        if self._auth and "Authorization" not in sent:
            sent["Authorization"] = self._auth
        key = (parts.scheme, parts.netloc)
        conns = self._connections()
        for attempt in (1, 2):
            reused = key in conns
            conn = conns.get(key) or self._connect(parts.scheme, parts.netloc)
            conns[key] = conn
            conn.timeout = timeout or self.timeout
            if conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            try:
                conn.request(method, target, body=body, headers=sent)
                resp = conn.getresponse()
                data = resp.read()
            except _STALE as exc:
                conn.close()
                del conns[key]
                if reused and attempt == 1:
                    continue  # the server closed an idle keep-alive connection: open a new one
                raise StoreError(f"the SPARQL server at {parts.netloc} closed the connection: {exc}") from exc
            except TimeoutError as exc:
                conn.close()
                del conns[key]
                raise ServerTimeout(f"the SPARQL server at {parts.netloc} did not answer within "
                                    f"{conn.timeout:g} s", hint="raise GOVKG_QUERY_TIMEOUT") from exc
            except OSError as exc:
                conn.close()
                del conns[key]
                raise StoreError(f"the SPARQL server at {url} does not answer: {exc}",
                                 hint="check GOVKG_SPARQL_QUERY_URL and that the server is running") from exc
            if resp.will_close:
                conn.close()
                del conns[key]
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
        raise AssertionError("unreachable")

    def close(self) -> None:
        for conn in self._connections().values():
            conn.close()
        self._connections().clear()
