"""Where a model class is declared, as ``file:line``, for the reference.

``inspect.getsourcelines`` parses the whole module for each class (Python
3.11), which is quadratic on a module of thousands of models; the class
statements of a module are found here with one pass over its text instead.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import sys
from pathlib import Path

_CLASS = re.compile(r"^[ \t]*class[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


@functools.cache
def _module_classes(module: str) -> tuple[Path, dict[str, int]] | None:
    loaded = sys.modules.get(module)
    origin = getattr(loaded, "__file__", None) if loaded is not None else None
    if origin is None:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            return None
        origin = spec.origin if spec is not None else None
    if not origin or not origin.endswith(".py"):
        return None
    try:
        text = Path(origin).read_text(encoding="utf-8")
    except OSError:
        return None
    lines: dict[str, int] = {}
    for found in _CLASS.finditer(text):
        lines.setdefault(found.group(1), text.count("\n", 0, found.start()) + 1)
    return Path(origin), lines


def declared_at(declared_by: str, cwd: Path | None = None) -> str:
    """``path:line`` of the class named by ``module:Class`` (the path relative to ``cwd``
    where it is inside it), or "" when it cannot be found."""
    module, _, qualname = declared_by.partition(":")
    found = _module_classes(module) if module and qualname else None
    if found is None:
        return ""
    path, lines = found
    line = lines.get(qualname.rsplit(".", 1)[-1])
    if line is None:
        return ""
    base = cwd or Path.cwd()
    try:
        shown = os.path.relpath(path, base) if path.is_relative_to(base) else str(path)
    except ValueError:
        shown = str(path)
    return f"{Path(shown).as_posix()}:{line}"
