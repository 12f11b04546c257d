"""Snapshots that are expensive to build, kept by the content of their inputs.

Two sides are cached in ``.drift_cache/`` (next to the project's pyproject.toml,
or in the current directory; git is told to ignore it by a ``.gitignore`` inside):

- the schema an Alembic history builds: keyed by the bytes of env.py,
  alembic.ini, script.py.mako and every revision file, the requested schemas,
  the target, ``PYTHONPATH``, and the versions of drift and of the PostgreSQL that
  ran it; valid while every other file, module and variable the run read is as it
  was (``drift.sources.migrations.inputs``);
- the declared snapshot of the models: an entry per models reference and
  versions of SQLAlchemy and drift, valid while every source file the import
  pulled in (recorded at the cold run, from ``sys.modules``) still has the
  bytes it had.

A cache entry is only a shortcut: an unreadable or stale one is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from drift.errors import DriftError
from drift.files import write_atomic
from drift.schema import Snapshot

CACHE_DIR = ".drift_cache"
_FORMAT = 1


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def drift_version() -> str:
    import drift

    return drift.__version__


def digest(parts: Iterable[str | bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))  # so that ("ab", "c") and ("a", "bc") differ
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class SnapshotCache:
    directory: Path

    @classmethod
    def beside(cls, project: Path | None) -> SnapshotCache:
        """The cache of the project whose pyproject.toml is ``project`` (else of the cwd)."""
        return cls((project.parent if project is not None else Path.cwd()) / CACHE_DIR)

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / f"{kind}-{key[:32]}.json"

    def load(self, kind: str, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(kind, key).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("key") != key:
            return None
        return data

    def store(self, kind: str, key: str, payload: Mapping[str, Any]) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                write_atomic(ignore, "# written by drift: a cache, never to be committed\n*\n")
            write_atomic(self._path(kind, key),
                         json.dumps({"format": _FORMAT, "key": key, **payload}))
        except (OSError, DriftError):
            pass  # a read-only checkout still runs, just without a warm path

    # --- the migrations' snapshot ------------------------------------------------------

    def load_snapshot(self, kind: str, key: str) -> Snapshot | None:
        data = self.load(kind, key)
        if data is None:
            return None
        try:
            return Snapshot.from_json(data["snapshot"])
        except (KeyError, ValueError, TypeError, AttributeError, RecursionError):
            return None

    def store_snapshot(self, kind: str, key: str, snapshot: Snapshot,
                       extra: Mapping[str, Any] | None = None) -> None:
        self.store(kind, key, {"snapshot": snapshot.to_json(), **(extra or {})})


# --- which files an import pulled in --------------------------------------------------------

_STDLIB = tuple(
    str(Path(p).resolve()) + os.sep
    for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
)


def module_files(names: Iterable[str]) -> dict[str, str]:
    """path -> sha256 of each named module's source file (the standard library left out:
    the Python version is in the key)."""
    found: dict[str, str] = {}
    for name in names:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None) if module is not None else None
        if not file:
            continue
        path = str(Path(file).resolve())
        if path.startswith(_STDLIB) or path in found:
            continue
        sha = file_digest(Path(path))
        if sha is not None:
            found[path] = sha
    return found


def strings(value: Any) -> tuple[str, ...] | None:
    """A cache entry's list of strings; None where the entry has something else there."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def files_unchanged(recorded: Any) -> bool:
    """Whether each file has the sha256 recorded for it (a record of the wrong shape: no)."""
    return isinstance(recorded, Mapping) and all(
        isinstance(path, str) and file_digest(Path(path)) == sha
        for path, sha in recorded.items())


def models_key(references: tuple[str, ...]) -> str:
    return digest([
        "models", *references, os.getcwd(), sys.version,
        package_version("sqlalchemy"), drift_version(),
    ])
