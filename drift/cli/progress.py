"""Which stage runs, on one rewritten line of stderr, only when stderr is a terminal.

The line says what the stage works on and ticks its elapsed seconds, so a long
models import (minutes for thousands of classes) does not look hung. Nothing
of it reaches stdout, a file or a pipe: reports stay byte-stable and CI logs
stay clean.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO


class StageLine:
    """A ``drift.api.Progress`` callback; use as a context manager so the line is cleared."""

    TICK_SECONDS = 0.5

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self._shown = False
        self._stage = ""
        self._started = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, stage: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self._stage, self._started = stage, time.monotonic()
            self._draw()
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="drift-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(self.TICK_SECONDS):
            with self._lock:
                self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self._started
        # \r and erase-to-end-of-line: each draw overwrites the previous one
        self.stream.write(f"\r\x1b[Kdrift: {self._stage}... {elapsed:.0f} s")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
            self._ticker = None
        with self._lock:
            if self._shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self._shown = False

    def __enter__(self) -> StageLine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.clear()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or file-like without isatty
        return False
