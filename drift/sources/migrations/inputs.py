"""What a run of the project's Alembic history read besides its revision files, for its
cache entry: the files it opened, the modules it imported, the environment variables it read.

A revision may run a ``.sql`` file, import a helper module from elsewhere in the
project, or read a feature flag from the environment; the revision folder's bytes
do not cover any of these. While the history runs, ``record_inputs`` notes:

* every file opened for reading (Python's ``open`` audit event, which
  ``open()``, ``pathlib`` and the import system's reads all raise; a cached
  ``.pyc`` stands for its source file);
* every module an ``import`` statement named, even one already loaded (the
  models, imported by drift before the history ran), with the modules of its
  top-level package: their content is what that import gave;
* every environment variable read through ``os.environ`` (``os.getenv``, ``in``,
  ``.get``), with the value it had outside the run.

The standard library, installed packages and drift itself are left out: their
versions are in the cache key. A cache entry is valid while every recorded file
has the bytes it had and every recorded variable the value it had.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import os
import stat
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drift.sources.cache import file_digest
from drift.sources.project_code import is_project_file

_DEVICES = ("/dev/", "/proc/", "/sys/")


@dataclass(slots=True)
class ReadInputs:
    """What one run read: file paths, module names, environment variable names."""

    files: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    env: set[str] = field(default_factory=set)

    def payload(self, environ: Mapping[str, str], drift_set: Iterable[str]) -> dict[str, Any]:
        """The cache entry's record: path -> sha256, and name -> value (None: unset) as the
        variables are outside the run; ``drift_set``: the variables drift points at the
        scratch database, whose value is drift's and not an input."""
        return {"files": _digests(self.files | _module_files(self.modules)),
                "env": {name: environ.get(name) for name in sorted(self.env - set(drift_set))}}


def inputs_unchanged(entry: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
    """Whether a cache entry's recorded files and variables are as they were (an entry of
    the wrong shape is a miss)."""
    files, env = entry.get("files"), entry.get("env")
    if not isinstance(files, dict) or not isinstance(env, dict):
        return False
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return False
    if not all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in env.items()):
        return False
    return (all(environ.get(name) == value for name, value in env.items())
            and all(file_digest(Path(path)) == sha for path, sha in files.items()))


# ---------------------------------------------------------------- recording

_active: list[ReadInputs] = []
_hooked = False


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    if not _active or event != "open":
        return
    path, mode, flags = (tuple(args) + (None, None))[:3]
    if isinstance(path, int) or path is None:
        return  # a file descriptor: opened by path before, or a pipe
    if isinstance(mode, str):
        if any(c in mode for c in "wax+"):
            return
    elif isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR):
        return
    try:
        name = os.fsdecode(path)
    except (TypeError, ValueError):
        return
    for recorder in _active:
        recorder.files.add(name)


class _RecordingEnviron(os._Environ):  # type: ignore[type-arg]
    """``os.environ`` while the history runs: notes each name read (and every name when
    the whole environment is read, as a copy does)."""

    def __getitem__(self, key: str) -> str:
        for recorder in _active:
            recorder.env.add(key)
        value: str = super().__getitem__(key)
        return value

    def __iter__(self) -> Iterator[str]:
        names = list(super().__iter__())
        for recorder in _active:
            recorder.env.update(names)
        return iter(names)


def _recording_import(real: Any) -> Any:
    def record(name: str, globals: Mapping[str, Any] | None = None, locals: Any = None,
               fromlist: Any = (), level: int = 0) -> Any:
        module = real(name, globals, locals, fromlist, level)
        with contextlib.suppress(Exception):  # a name we cannot resolve is not ours to fail
            package = (globals or {}).get("__package__") or ""
            full = importlib.util.resolve_name("." * level + name, package) if level else name
            names = {full, *(f"{full}.{item}" for item in fromlist or () if item != "*")}
            for recorder in _active:
                recorder.modules.update(names)
        return module

    return record


@contextlib.contextmanager
def record_inputs() -> Iterator[ReadInputs]:
    """Note what the code run inside the block reads (see the module's docstring)."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_on_audit)  # an audit hook cannot be removed: it idles when unused
        _hooked = True
    inputs = ReadInputs()
    outermost = not _active
    _active.append(inputs)
    real_import = builtins.__import__
    if outermost:
        os.environ.__class__ = _RecordingEnviron
        builtins.__import__ = _recording_import(real_import)
    try:
        yield inputs
    finally:
        _active.remove(inputs)
        if outermost:
            builtins.__import__ = real_import
            os.environ.__class__ = os._Environ
        # still loaded: the modules of each imported package (a module env.py imports may
        # have been loaded before, with its own imports)
        tops = {name.split(".")[0] for name in inputs.modules}
        inputs.modules.update(n for n in list(sys.modules) if n.split(".")[0] in tops)
        inputs.files = {str(Path(f).resolve()) for f in inputs.files if f}


def _module_files(names: Iterable[str]) -> set[str]:
    files = set()
    for name in names:
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None) if module is not None else None
        if isinstance(file, str):
            files.add(str(Path(file).resolve()))
    return files


def _source_of(path: str) -> str:
    """A cached ``.pyc`` stands for its ``.py`` (the loader read the bytecode because the
    source had not changed)."""
    if path.endswith(".pyc") and f"{os.sep}__pycache__{os.sep}" in path:
        with contextlib.suppress(ValueError):
            source = importlib.util.source_from_cache(path)
            if os.path.isfile(source):
                return source
    return path


def _digests(paths: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted({_source_of(p) for p in paths}):
        if path.startswith(_DEVICES) or not is_project_file(path):
            continue
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
        except OSError:
            continue  # gone since (a temporary file): nothing to compare later
        sha = file_digest(Path(path))
        if sha is not None:
            found[path] = sha
    return found
