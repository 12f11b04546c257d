"""Where a run's settings come from: flags, then environment, then ``[tool.drift]``, then defaults.

``[tool.drift]`` lives in a ``pyproject.toml`` found in the current directory or
one of its parents (the nearest one that has the table, as ruff and black do).
Relative paths in it are resolved from that file's directory, so the same
settings work from any sub-directory of the project.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drift.errors import DriftError
from drift.result import DEFAULT_SCHEMAS, CheckConfig
from drift.sources.database.connection import with_connect_timeout

PYPROJECT = "pyproject.toml"
URL_ENVIRONMENT = ("DRIFT_DATABASE_URL", "DATABASE_URL")  # first one set wins
FILE_KEYS = ("url", "models", "schemas", "expectations", "connect_timeout", "migrations", "code",
             "sql_calls", "python", "migrations_base")


@dataclass(frozen=True, slots=True)
class FileConfig:
    """The ``[tool.drift]`` table of one pyproject.toml, validated."""

    path: Path | None = None  # None: no pyproject.toml with [tool.drift] was found
    url: str | None = None
    models: tuple[str, ...] = ()
    schemas: tuple[str, ...] = ()
    expectations: Path | None = None
    connect_timeout: int | None = None  # seconds
    migrations: Path | None = None
    code: tuple[Path, ...] = ()
    sql_calls: tuple[str, ...] = ()
    python: Path | None = None  # the interpreter (or virtual environment) of the models
    migrations_base: Path | None = None  # SQL run before the first revision


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` that has a ``[tool.drift]`` table."""
    for directory in (start, *start.parents):
        candidate = directory / PYPROJECT
        if candidate.is_file() and "drift" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_file_config(path: Path | None = None, start: Path | None = None) -> FileConfig:
    """``[tool.drift]`` of ``path``, or of the pyproject.toml found from ``start`` (cwd)."""
    if path is None:
        path = find_pyproject(Path.cwd() if start is None else start)
        if path is None:
            return FileConfig()
    elif not path.is_file():
        raise DriftError(f"config file {path} does not exist")
    table = _read_toml(path).get("tool", {}).get("drift")
    if table is None:
        raise DriftError(f"{path}: no [tool.drift] table")
    return parse_file_config(path, table)


def parse_file_config(path: Path, table: Any) -> FileConfig:
    """Validate a ``[tool.drift]`` table; every message names the file."""
    if not isinstance(table, Mapping):
        raise DriftError(f"{path}: [tool.drift] must be a table")
    unknown = sorted(set(table) - set(FILE_KEYS))
    if unknown:
        raise DriftError(
            f"{path}: unknown key(s) in [tool.drift]: {', '.join(unknown)} "
            f"(known: {', '.join(FILE_KEYS)})"
        )
    base = path.parent
    expectations = _string(path, table, "expectations")
    migrations = _string(path, table, "migrations")
    python = _string(path, table, "python")
    migrations_base = _string(path, table, "migrations_base")
    return FileConfig(
        path=path,
        url=_string(path, table, "url"),
        models=_strings(path, table, "models"),
        schemas=_strings(path, table, "schemas"),
        # relative to the pyproject, not to wherever drift happens to be run from
        expectations=(base / expectations) if expectations is not None else None,
        connect_timeout=_seconds(path, table, "connect_timeout"),
        migrations=(base / migrations) if migrations is not None else None,
        code=tuple(base / p for p in _strings(path, table, "code")),
        sql_calls=_strings(path, table, "sql_calls"),
        python=(base / Path(python).expanduser()) if python is not None else None,
        migrations_base=(base / migrations_base) if migrations_base is not None else None,
    )


def environment_url(environ: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    for name in URL_ENVIRONMENT:
        if env.get(name):
            return env[name]
    return None


def config_from_options(
    url: str | None = None,
    models: tuple[str, ...] = (),
    schemas: tuple[str, ...] = (),
    expectations: Path | None = None,
    snapshot: Path | None = None,
    strict: bool = False,
    config: Path | None = None,
    connect_timeout: int | None = None,
    migrations: Path | None | bool = False,
    scratch_url: str | None = None,
    no_cache: bool = False,
    downgrades: bool = False,
    code: tuple[Path, ...] = (),
    python: str | None = None,
    no_env_database: bool = False,
    migrations_base: Path | None = None,
    env_vars: tuple[str, ...] = (),
    **_other: Any,  # a command's own options pass through untouched
) -> CheckConfig:
    """Resolve a run's settings: flags > environment > ``[tool.drift]`` > defaults.

    ``migrations`` False (the default): the command has no --migrations option of the
    check's kind (``drift plan``'s is where revisions go), so ``[tool.drift]
    migrations`` is not read; None: the option was not given, the file's is used.
    """
    from drift.sources.cache import CACHE_DIR
    from drift.sources.models.project_python import resolve_python

    from_file = load_file_config(config)
    project = from_file.path.parent if from_file.path is not None else None
    interpreter = resolve_python(python, from_file.python, project)
    if not no_env_database:  # else only --url names a database (the pre-commit hook)
        url = url or environment_url() or from_file.url
    timeout = connect_timeout or from_file.connect_timeout
    if url and timeout:
        url = with_connect_timeout(url, timeout)
    return CheckConfig(
        migrations=None if migrations is False else (
            migrations if isinstance(migrations, Path) else from_file.migrations),
        scratch_url=scratch_url,
        downgrades=downgrades,
        python=None if interpreter.own else interpreter.path,
        migrations_base=migrations_base or from_file.migrations_base,
        env_vars=tuple(env_vars),
        cache=None if no_cache else (
            (from_file.path.parent if from_file.path is not None else Path.cwd()) / CACHE_DIR),
        url=url,
        snapshot=snapshot,
        models=tuple(models) or from_file.models,
        schemas=tuple(schemas) or from_file.schemas or DEFAULT_SCHEMAS,
        schemas_given=bool(schemas or from_file.schemas),
        expectations=expectations if expectations is not None else from_file.expectations,
        strict=strict,
        code=tuple(code) or from_file.code,
        sql_calls=from_file.sql_calls,
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise DriftError(f"cannot read {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DriftError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise DriftError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from None
    except RecursionError:
        raise DriftError(f"{path}: not valid TOML: nested too deeply") from None


def _seconds(path: Path, table: Mapping[str, Any], key: str) -> int | None:
    value = table.get(key)
    if value is None:
        return None
    return positive_seconds(value, f"{path}: [tool.drift] {key}")


def _string(path: Path, table: Mapping[str, Any], key: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise DriftError(f"{path}: [tool.drift] {key} must be a non-empty string")
    return value


def _strings(path: Path, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DriftError(f"{path}: [tool.drift] {key} must be a list of non-empty strings")
    return tuple(value)


def positive_seconds(value: Any, what: str) -> int:
    """``value`` as a positive whole number of seconds, or a DriftError naming ``what``."""
    if isinstance(value, bool):
        raise DriftError(f"{what} must be a positive whole number of seconds, not {value!r}")
    try:
        seconds = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: inf
        seconds = 0
    if seconds < 1 or (isinstance(value, float) and value != seconds):
        shown = str(value)[:40]
        raise DriftError(f"{what} must be a positive whole number of seconds, not {shown!r}")
    return seconds
