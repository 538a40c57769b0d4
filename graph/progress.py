"""Progress of long runs (an ingest, the search index, a dataset update), told to whoever shows it.

Everything that takes long takes a ``progress`` callable and calls it with the name of each stage as it
starts ("validating 19 sources against the SHACL shapes", "embedding 14,795 new texts"); within a stage whose
size is known it may also call :func:`count` with how much is done. A plain function of one string is enough
(tests pass ``list.append``); :class:`Stages` times the stages and hands them to a :class:`Display` — a
progress bar per stage on a terminal (cli/progress.py), a line per stage in a log, a Streamlit status box in
the explorer (explorer/startup.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

Progress = Callable[[str], None]


def count(progress: Progress | None, done: int, total: int) -> None:
    """Tell ``progress`` that ``done`` of ``total`` units of the current stage are finished (when it counts)."""
    counter = getattr(progress, "count", None)
    if counter is not None:
        counter(done, total)


class Display(Protocol):
    """Shows stages: ``begin`` when one starts, ``update`` as it counts, ``end`` when the next one starts."""

    def begin(self, stage: Stage) -> None: ...

    def update(self, stage: Stage) -> None: ...

    def end(self, stage: Stage) -> None: ...


@dataclass
class Stage:
    name: str
    started: float = field(default_factory=time.perf_counter)
    done: int = 0
    total: int | None = None
    seconds: float = 0.0

    def elapsed(self) -> float:
        return self.seconds or time.perf_counter() - self.started


class Stages:
    """A ``progress`` callable that times each stage and shows it on a display (none: only records it).

    Use it as a context manager (the last stage ends on exit) or call :meth:`close`. ``stages`` lists every
    stage with its time, for a summary."""

    def __init__(self, display: Display | None = None, *, prefix: str = "") -> None:
        self.display = display
        self.prefix = prefix
        self.stages: list[Stage] = []
        self._lock = threading.Lock()

    @property
    def current(self) -> Stage | None:
        stage = self.stages[-1] if self.stages else None
        return stage if stage is not None and not stage.seconds else None

    def __call__(self, message: str) -> None:
        with self._lock:
            self._end()
            stage = Stage(f"{self.prefix}{message}")
            self.stages.append(stage)
            if self.display is not None:
                self.display.begin(stage)

    def count(self, done: int, total: int) -> None:
        with self._lock:
            stage = self.current
            if stage is None:
                return
            stage.done, stage.total = done, total
            if self.display is not None:
                self.display.update(stage)

    def _end(self) -> None:
        stage = self.current
        if stage is not None:
            stage.seconds = max(time.perf_counter() - stage.started, 1e-9)
            if self.display is not None:
                self.display.end(stage)

    def close(self) -> None:
        with self._lock:
            self._end()

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def slow(self, seconds: float = 1.0) -> list[Stage]:
        """The stages that took at least ``seconds``."""
        return [s for s in self.stages if s.seconds >= seconds]
