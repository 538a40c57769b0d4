"""Query workers: processes that each open the store read-only and run one job at a time.

pyoxigraph cannot cancel a running query, so the timeout is enforced from outside: a job that has not
answered when its time is up has its worker killed (SIGKILL) and a new worker started in the background.
The other workers keep answering meanwhile. Workers are started with ``spawn`` (the server is threaded, so it
must not fork) and exit on their own when the server's end of their pipe closes.

Oxigraph allows read-only opens only while no process writes the store (graph/backends/lock.py). So nothing
writes while a worker runs or starts: a change to the store (an update through the endpoint) takes the pool's
exclusive gate, which waits for running jobs and holds new ones back, stops every worker, writes, and starts
fresh workers that open the changed store; replacement workers start only while holding the shared gate.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from graph.endpoint.execute import WorkerState, handle
from graph.endpoint.jobs import Job, Reply, error_reply, reply_for
from graph.errors import GovKGError, QueryTimeout, StoreError
from graph.settings import Settings

START_TIMEOUT = 60.0


def stopped(timeout: float) -> QueryTimeout:
    """What a query that ran past ``timeout`` gets, whoever stopped it (its worker killed, or the store)."""
    return QueryTimeout(f"the query was stopped after {timeout:g} s (the GOVKG_QUERY_TIMEOUT setting)",
                        hint="narrow the query (a LIMIT, more specific patterns) or raise the timeout")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the server dies, even in the middle of a query (a worker notices a
    closed pipe only between jobs)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the server died before prctl took effect
        os._exit(1)


def _worker_main(conn: Connection, settings: Settings) -> None:
    """A worker process: open the store, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    _die_with_parent()
    try:
        state = WorkerState.open(settings)
    except Exception as exc:
        conn.send(("error", exc.render() if isinstance(exc, GovKGError) else repr(exc)))
        return
    conn.send(("ready", os.getpid()))
    seen = 0  # the pool's count of the store changes it made itself
    while True:
        try:
            job, changes = conn.recv()
        except (EOFError, OSError):
            break
        try:
            if changes != seen:  # the server wrote the store since this worker's last job: look now
                seen = changes
                state.fresh(now_please=True)
            reply = handle(job, state)
        except GovKGError as exc:
            reply = reply_for(exc)
        except Exception as exc:
            reply = error_reply(500, f"internal error in a query worker: {exc!r}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            break
    state.close()


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)
        self.conn.close()


class _Gate:
    """Many jobs at once, or one store change alone (a change waits for jobs and goes before new ones)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._waiting = 0

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            while self._exclusive or self._waiting:
                self._cond.wait()
            self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                self._shared -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._exclusive or self._shared:
                self._cond.wait()
            self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class WorkerPool:
    """``size`` query worker processes; :meth:`run` hands a job to an idle one and enforces the timeout."""

    def __init__(self, settings: Settings, size: int) -> None:
        self.settings = settings
        self.size = size
        self.timeouts = 0
        self.replaced = 0
        self.changes = 0  # store changes made by the server itself (workers look at the catalog again)
        self._ctx = mp.get_context("spawn")
        # Linux delivers PR_SET_PDEATHSIG when the *thread* that started a worker ends, so every worker is
        # started from this one long-lived thread, never from a request's or a replacement's thread.
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govkg-worker-spawner")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._gate = _Gate()
        self._closed = False
        self._start_all()

    # ------------------------------------------------------------------ processes
    def _spawn(self) -> _Worker:
        return self._spawner.submit(self._spawn_here).result()

    def _spawn_here(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.settings),
                                    name="govkg-query-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if not worker.conn.poll(START_TIMEOUT):
                raise StoreError(f"a query worker did not start within {START_TIMEOUT:g} s")
            kind, info = worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.kill()
            raise StoreError(f"a query worker stopped while starting ({exc!r})") from exc
        except StoreError:
            worker.kill()
            raise
        if kind != "ready":
            worker.kill()
            raise StoreError(f"a query worker cannot open the store: {info}")

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background (the caller does not wait for it)."""
        with self._lock:
            self._workers.discard(worker)
            self.replaced += 1
        worker.kill()

        def start() -> None:
            while not self._closed:
                with self._gate.shared():  # never open the store while it is being written
                    with self._lock:
                        if self._closed or len(self._workers) >= self.size:  # a restart filled the pool
                            return
                    try:
                        fresh = self._spawn()
                        self._await_ready(fresh)
                    except StoreError as exc:
                        sys.stderr.write(f"govkg serve: {exc.render()}; retrying\n")
                        time.sleep(1.0)
                        continue
                    with self._lock:
                        if self._closed:
                            fresh.kill()
                            return
                        self._workers.add(fresh)
                    self._idle.put(fresh)
                    return

        threading.Thread(target=start, name="govkg-worker-replacer", daemon=True).start()

    # ------------------------------------------------------------------ jobs
    def run(self, job: Job, timeout: float) -> Reply:
        """Run ``job`` on an idle worker; a worker that takes longer than ``timeout`` seconds is killed."""
        with self._gate.shared():
            return self._dispatch(job, timeout)

    def _dispatch(self, job: Job, timeout: float) -> Reply:
        if self._closed:
            return error_reply(503, "the server is stopping")
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error_reply(503, f"all {self.size} query workers stayed busy for {timeout:g} s",
                               hint="try again, or start the server with more workers (GOVKG_ENDPOINT_WORKERS)")
        try:
            worker.conn.send((job, self.changes))
            if worker.conn.poll(timeout):
                reply: Reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError) as exc:
            self._replace(worker)
            return error_reply(500, f"the query worker stopped unexpectedly ({exc!r}); it has been replaced")
        self.timeouts += 1
        self._replace(worker)
        return reply_for(stopped(timeout))

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold off store changes while the caller reads the store some other way (the search worker)."""
        with self._gate.shared():
            yield

    @contextmanager
    def exclusive(self) -> Iterator[ExclusiveAccess]:
        """Wait for running jobs, hold new ones back, and let the caller change the store."""
        with self._gate.exclusive():
            yield ExclusiveAccess(self)

    def _start_all(self) -> None:
        started = [self._spawn() for _ in range(self.size)]
        try:
            for worker in started:
                self._await_ready(worker)
        except BaseException:
            for worker in started:
                worker.kill()
            raise
        with self._lock:
            self._workers.update(started)
        for worker in started:
            self._idle.put(worker)

    def _stop_all(self) -> None:
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for worker in workers:
            worker.conn.close()  # the worker sees the pipe close and exits
        deadline = time.monotonic() + 2.0
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            worker.kill()

    def alive(self) -> int:
        with self._lock:
            return sum(1 for w in self._workers if w.process.is_alive())

    def close(self) -> None:
        self._closed = True
        self._stop_all()
        self._spawner.shutdown(wait=False)


class ExclusiveAccess:
    """What the holder of the exclusive gate may do: run a job, and say that the store changed."""

    def __init__(self, pool: WorkerPool) -> None:
        self._pool = pool

    def run(self, job: Job, timeout: float) -> Reply:
        return self._pool._dispatch(job, timeout)

    def changed(self) -> None:
        """Say that the store was changed while the workers kept running (a SPARQL server): each looks at the
        catalog again before its next job."""
        self._pool.changes += 1

    def write(self, change: Callable[[], None]) -> None:
        """Stop every worker, run ``change`` (which may open the store for writing), start fresh workers."""
        self._pool._stop_all()
        try:
            change()
        finally:
            self._pool._start_all()
