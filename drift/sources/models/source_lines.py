"""Where a model class declares an object: its source file and line.

``Table.declared_by`` names the declaring class ("module:Class", models side).
The line of a column's attribute (searched through the class and its mixins, in
MRO order) or of a quoted constraint/index name, else the class statement's.
Used by the SARIF output and by the plan's manual steps.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class SourceLine:
    file: Path
    line: int


@cache
def _class_source(declared_by: str) -> tuple[type, Path, list[str], int] | None:
    module_name, _, qualname = declared_by.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return _source_of(obj)
    except (ImportError, AttributeError):
        return None  # a class we cannot find again has no location; the result still stands


def _source_of(cls: Any) -> tuple[type, Path, list[str], int] | None:
    if not inspect.isclass(cls):
        return None
    try:
        lines, start = inspect.getsourcelines(cls)
        file = inspect.getsourcefile(cls)
    except (OSError, TypeError):
        return None  # built at run time, or from a zip: no source to point at
    return (cls, Path(file), lines, start) if file else None


def locate(declared_by: str, name: str | None = None) -> SourceLine | None:
    """The source line of ``name`` (a column attribute or a quoted constraint/index name) in the
    class ``declared_by`` or its bases; else the class's own line; None if it cannot be found."""
    found = _class_source(declared_by)
    if found is None:
        return None
    cls, file, _, start = found
    if name:
        attribute = re.compile(rf"^\s*{re.escape(name)}\s*[:=]")
        quoted = re.compile(rf"""["']{re.escape(name)}["']""")
        for pattern in (attribute, quoted):
            for klass in cls.__mro__:
                source = _source_of(klass)
                if source is None or klass is object:
                    continue
                _, kfile, lines, kstart = source
                for offset, text in enumerate(lines):
                    if pattern.search(text):
                        return SourceLine(kfile, kstart + offset)
    return SourceLine(file, start)
