"""Where a model class is declared, as ``file:line``, for the reference.

The models' snapshot carries it (``Table.locations``, found while the models
were imported; the entry named "" is the class statement), so a run that reads
the snapshot from the cache shows the same references as the run that imported
them.
"""

from __future__ import annotations

import os
from pathlib import Path

from drift.schema import Location


def declared_at(where: Location | None, cwd: Path | None = None) -> str:
    """``path:line`` of a class statement (the path relative to ``cwd`` where it is inside
    it), or "" when unknown."""
    if where is None:
        return ""
    path = Path(where.file)
    base = cwd or Path.cwd()
    try:
        shown = os.path.relpath(path, base) if path.is_relative_to(base) else str(path)
    except ValueError:
        shown = str(path)
    return f"{Path(shown).as_posix()}:{where.line}"
