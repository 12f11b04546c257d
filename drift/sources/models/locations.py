"""Where a table's declaring class and its names are written: ``Table.locations``.

Found while the models are imported (the classes are at hand then), and kept in
the snapshot, so a run that reads the snapshot from the cache points at the
same file and line as the run that imported them (SARIF results, the
reference's "declared at"). For each name of the table (columns, constraints,
indexes): the first line of the class or its bases (in MRO order) that assigns
an attribute of that name, else the first that quotes it; the class statement
is the entry named "".

``inspect.getsourcelines`` parses the whole module for each class (Python 3.11),
quadratic on a module of thousands of models: a module's text is read once and
its class statements found in one pass; a class's body is read once for all the
names it assigns and quotes. (Python 3.9: this module runs in the models probe.)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import cache
from typing import Any

from drift.schema import Location

_CLASS = re.compile(r"^([ \t]*)class[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
_ASSIGNED = re.compile(r"^\s*([A-Za-z_]\w*)\s*[:=]")
_QUOTED = re.compile(r"""(["'])(.*?)\1""")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


class _ClassSource:
    """One class's body: the lines that assign each attribute and quote each string."""

    def __init__(self, file: str, line: int, body: list[str]) -> None:
        self.file = file
        self.line = line
        self.body = body
        self.assigned: dict[str, int] = {}
        self.quoted: dict[str, int] = {}
        for offset, text in enumerate(body):
            number = line + offset
            found = _ASSIGNED.match(text)
            if found is not None:
                self.assigned.setdefault(found.group(1), number)
            for quote in _QUOTED.finditer(text):
                self.quoted.setdefault(quote.group(2), number)

    def first(self, name: str, attribute: bool) -> int | None:
        if _IDENTIFIER.fullmatch(name) or not attribute:
            return (self.assigned if attribute else self.quoted).get(name)
        return None  # not an identifier: no attribute has that name


@cache
def _module_text(file: str) -> tuple[list[str], dict[str, tuple[int, int]]] | None:
    """The module's lines, and each class name's first statement (index, indentation)."""
    try:
        with open(file, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    classes: dict[str, tuple[int, int]] = {}
    for found in _CLASS.finditer(text):
        indent = len(found.group(1).expandtabs())
        classes.setdefault(found.group(2), (text.count("\n", 0, found.start()), indent))
    return text.splitlines(), classes


@cache
def _class_source(cls: type) -> _ClassSource | None:
    module = sys.modules.get(cls.__module__)
    file = getattr(module, "__file__", None) if module is not None else None
    if not isinstance(file, str) or not file.endswith(".py"):
        return None  # built at run time, compiled, or from a zip: no source to point at
    found = _module_text(file)
    if found is None:
        return None
    lines, classes = found
    start = classes.get(cls.__qualname__.rsplit(".", 1)[-1])
    if start is None:
        return None
    index, indent = start
    end = index + 1
    while end < len(lines):
        text = lines[end]
        stripped = text.strip()
        if stripped and not stripped.startswith("#") and \
                len(text) - len(text.lstrip()) <= indent and not stripped.startswith(")"):
            break
        end += 1
    return _ClassSource(file, index + 1, lines[index:end])


def table_locations(cls: Any, names: Iterable[str]) -> tuple[Location, ...]:
    """The class statement of ``cls`` (name "") and the line of each of ``names`` found."""
    if not isinstance(cls, type):
        return ()
    own = _class_source(cls)
    if own is None:
        return ()
    sources = [s for s in (_class_source(k) for k in cls.__mro__ if k is not object)
               if s is not None]
    found = [Location("", own.file, own.line)]
    for name in sorted(set(names)):
        for attribute in (True, False):
            where = next(((s.file, line) for s in sources
                          for line in (s.first(name, attribute),) if line is not None), None)
            if where is not None:
                found.append(Location(name, where[0], where[1]))
                break
    return tuple(found)
