"""Holding the embedded store's writer lock without opening the store.

Oxigraph (RocksDB) refuses a second writer through a POSIX lock on ``<store>/oxigraph/LOCK``, and allows
read-only opens beside a writer only while nothing writes: a read-only open can find the files of a
compaction half-replaced. ``govkg serve`` therefore keeps no writer open. It takes the same POSIX lock
itself, so that ``govkg ingest`` (or the explorer) gets the store's usual "in use by another process" error,
while its query workers open the store read-only. To write (an update through the endpoint) it stops the
workers, releases the lock, opens the store for writing, closes it, and takes the lock again.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from graph.backends.embedded import OXIGRAPH_DIR
from graph.errors import StoreError


class WriterLock:
    """The embedded store's writer lock, held without opening the store (see the module's text)."""

    exclusive = True

    def __init__(self, store_path: str | Path) -> None:
        self.folder = Path(store_path).expanduser()
        self.file = self.folder / OXIGRAPH_DIR / "LOCK"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            return
        fd = os.open(self.file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"the store at {self.folder} is in use by another process",
                             hint="stop the other govkg command or the explorer, or serve another --store") from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.lockf(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
