"""Which stage runs, on one rewritten line of stderr, only when stderr is a terminal.

Nothing of it reaches stdout, a file or a pipe: reports stay byte-stable and
CI logs stay clean.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TextIO


class StageLine:
    """A ``drift.api.Progress`` callback; use as a context manager so the line is cleared."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self._shown = False

    def __call__(self, stage: str) -> None:
        if not self.enabled:
            return
        # \r and erase-to-end-of-line: the next stage overwrites the previous one
        self.stream.write(f"\r\x1b[Kdrift: {stage}...")
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
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
