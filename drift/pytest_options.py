"""The options of the ``drift_check`` fixture, checked before anything runs.

Python keywords are not click flags: nothing parses them, so a misspelled name
would be ignored, ``schemas="public"`` would become six one-letter schemas, and
``migrations="other"`` (a string, not a ``Path``) would fall back on
``[tool.drift]``. Each option is given a kind here; a value of another kind is
a message naming the option.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any


class Kind(Enum):
    TEXT = "a string"
    PATH = "a path (str or pathlib.Path)"
    NAMES = "a string or a list of strings"
    FLAG = "True or False"
    SECONDS = "a whole number of seconds"


OPTIONS: dict[str, Kind] = {
    "url": Kind.TEXT,
    "models": Kind.NAMES,
    "schemas": Kind.NAMES,
    "expectations": Kind.PATH,
    "snapshot": Kind.PATH,
    "migrations": Kind.PATH,
    "config": Kind.PATH,
    "scratch_url": Kind.TEXT,
    "connect_timeout": Kind.SECONDS,
    "strict": Kind.FLAG,
    "no_cache": Kind.FLAG,
    "downgrades": Kind.FLAG,
}


class OptionError(ValueError):
    """An option drift_check does not take, or a value of the wrong kind."""


def check_options(given: Mapping[str, Any]) -> dict[str, Any]:
    """``given`` as ``config_from_options`` takes it (paths as ``Path``, names as tuples), or
    an ``OptionError`` naming the first bad option."""
    unknown = sorted(set(given) - set(OPTIONS))
    if unknown:
        raise OptionError(f"drift_check() got an unknown option {unknown[0]!r}; it takes "
                          f"{', '.join(sorted(OPTIONS))}")
    return {name: _converted(name, OPTIONS[name], value) for name, value in given.items()}


def _converted(name: str, kind: Kind, value: Any) -> Any:
    if value is None and kind is not Kind.FLAG:
        return None if kind is not Kind.NAMES else ()
    converted = _convert(kind, value)
    if converted is None:
        raise OptionError(f"drift_check({name}=...) takes {kind.value}, not "
                          f"{type(value).__name__} {_short(value)}")
    return converted


def _convert(kind: Kind, value: Any) -> Any:
    if kind is Kind.TEXT:
        return value if isinstance(value, str) and value else None
    if kind is Kind.PATH:
        return Path(value) if isinstance(value, str | Path) and str(value) else None
    if kind is Kind.NAMES:
        names = (value,) if isinstance(value, str) else value
        if isinstance(names, list | tuple) and all(isinstance(n, str) and n for n in names):
            return tuple(names)
        return None
    if kind is Kind.FLAG:
        return value if isinstance(value, bool) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
