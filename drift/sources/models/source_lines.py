"""Where a model class declares an object: its source file and line.

The models' snapshot carries them (``Table.locations``, found while the models
were imported, in drift's Python or the project's): the line of a column's
attribute or of a constraint or index name (searched through the class and its
mixins), else the class statement's. Read from the snapshot, never by importing
the models again, so a warm run (the cache) and the probe point at the same
lines. Used by the SARIF output and by the plan's manual steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drift.schema import Table


@dataclass(frozen=True, slots=True)
class SourceLine:
    file: Path
    line: int


def locate(table: Table, name: str | None = None) -> SourceLine | None:
    """The source line of ``name`` (a column, constraint or index name) in the class that
    declares the models' ``table`` or its bases; else the class's own line; None if unknown."""
    lines = {where.name: where for where in table.locations}
    where = (lines.get(name) if name else None) or lines.get("")
    return SourceLine(Path(where.file), where.line) if where is not None else None
