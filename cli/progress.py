"""How the command line shows the stages of a long run (graph/progress.py): on a terminal, a tqdm bar for each
stage that lasts more than a second (a bar with a count when the stage knows its size, the time so far when
not); otherwise (a log, a pipe) one line per such stage when it ends; with ``--json`` or ``--quiet``, nothing.
"""

from __future__ import annotations

import sys
import threading
from typing import IO, Any

from graph.progress import Stage, Stages

SHOW_AFTER = 1.0  # seconds: quicker stages are not shown
TICK = 0.2


class TerminalDisplay:
    """A tqdm bar per stage, drawn once the stage has run SHOW_AFTER seconds and kept (with its time) when it
    ends. A ticker thread redraws it, so a stage that reports no counts (SHACL validation) still shows its
    clock moving."""

    def __init__(self, stream: IO[str] | None = None, *, ticking: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.stage: Stage | None = None
        self.bar: Any = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="govkg-progress", daemon=True)
        if ticking:
            self._ticker.start()

    def begin(self, stage: Stage) -> None:
        with self._lock:
            self.stage, self.bar = stage, None

    def update(self, stage: Stage) -> None:
        with self._lock:
            if self.bar is not None:
                self._sync(stage)

    def end(self, stage: Stage) -> None:
        with self._lock:
            if self.bar is not None:
                self._sync(stage)
                self.bar.close()
            self.stage, self.bar = None, None

    def close(self) -> None:
        self._stop.set()
        if self._ticker.is_alive():
            self._ticker.join(timeout=1)

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self.tick()

    def tick(self) -> None:
        """Draw the current stage's bar once it has run SHOW_AFTER seconds, and redraw it."""
        with self._lock:
            stage = self.stage
            if stage is None:
                return
            if self.bar is None and stage.elapsed() >= SHOW_AFTER:
                self.bar = self._open(stage)
            if self.bar is not None:
                self._sync(stage)

    def _open(self, stage: Stage) -> Any:
        from tqdm import tqdm

        counted = "{desc}: {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"
        return tqdm(total=stage.total, desc=stage.name, file=self.stream, leave=True, dynamic_ncols=True,
                    bar_format=counted if stage.total else "{desc} [{elapsed}]", mininterval=TICK)

    def _sync(self, stage: Stage) -> None:
        bar = self.bar
        if stage.total and bar.total != stage.total:
            bar.total = stage.total
            bar.bar_format = "{desc}: {percentage:3.0f}%|{bar:24}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}]"
        bar.n = stage.done
        bar.refresh()


class LinesDisplay:
    """One line per stage that took SHOW_AFTER seconds or more, written when it ends."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr

    def begin(self, stage: Stage) -> None:
        pass

    def update(self, stage: Stage) -> None:
        pass

    def end(self, stage: Stage) -> None:
        if stage.seconds < SHOW_AFTER:
            return
        counted = f" ({stage.done:,} of {stage.total:,})" if stage.total else ""
        self.stream.write(f"{stage.name}{counted}: {stage.seconds:.1f} s\n")
        self.stream.flush()

    def close(self) -> None:
        pass


class Shown(Stages):
    """Stages shown the command line's way; close it (or use ``with``) to stop the display."""

    def __init__(self, *, quiet: bool, prefix: str = "", stream: IO[str] | None = None) -> None:
        out = stream or sys.stderr
        self._display: TerminalDisplay | LinesDisplay | None = None
        if not quiet:
            self._display = TerminalDisplay(out) if out.isatty() else LinesDisplay(out)
        super().__init__(self._display, prefix=prefix)

    def close(self) -> None:
        super().close()
        if self._display is not None:
            self._display.close()


def shown(*, quiet: bool, prefix: str = "") -> Shown:
    return Shown(quiet=quiet, prefix=prefix)
