"""The command line's own parameter types: a bad path or number is one line (exit 2).

Click's own checks (``click.Path(dir_okay=False)``, ``click.IntRange``) print
its four-line usage text; these raise ``DriftError`` instead, which the CLI
prints as one line, like every other bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from drift.config import positive_seconds
from drift.errors import DriftError


def _option_name(param: click.Parameter | None) -> str:
    if param is None:
        return "a path"
    opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
    return opts[0] if opts else (param.name or "a path")


class FilePath(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A path that must not be a directory (existence is checked by drift where it matters)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.is_dir():
            raise DriftError(f"{_option_name(param)}: {path} is a directory, not a file")
        return path


class DirectoryPath(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A path that must not be an existing file (it is created if missing)."""

    name = "directory"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        if path.exists() and not path.is_dir():
            raise DriftError(f"{_option_name(param)}: {path} is not a directory")
        return path


class Seconds(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """A positive whole number of seconds."""

    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        return positive_seconds(value, _option_name(param))
