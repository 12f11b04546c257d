"""The models probe: import the models, declare them, and say what the import read.

The one declaration of drift, run either in drift's own process or as a small
program in the project's own interpreter (``project_python.py`` starts it
there), which may be Python 3.9 with SQLAlchemy 1.4 and nothing else: this
module and everything it imports keep to Python 3.9 and to the standard
library, SQLAlchemy and drift's declaration modules (checked by a unit test).

While the models are imported and declared, the probe records what the result
depends on, for the models' cache (``cached.py``): the source file of every
module loaded, every other file opened, the ``.py`` files of each folder listed
(a package that discovers its modules), and every environment variable read
(a schema name or a feature flag taken from the environment at import).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import sysconfig
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MIN_SQLALCHEMY = (1, 4)

_STDLIB = tuple(
    str(Path(p).resolve()) + os.sep
    for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}
)
_NOT_FILES = ("/dev/", "/proc/", "/sys/")


def sha256_file(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def value_digest(value: str | None) -> str | None:
    """What the cache keeps of an environment variable's value: never the value itself."""
    return None if value is None else hashlib.sha256(value.encode("utf-8", "surrogateescape")
                                                     ).hexdigest()


def py_listing(folder: str) -> str | None:
    """A digest of the ``.py`` names in ``folder`` (None: not a folder)."""
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".py"))
    except OSError:
        return None
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()


def environment_digest(environ: Any) -> str:
    text = "\0".join(f"{k}={v}" for k, v in sorted(environ.items()))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


# --- what the import reads ------------------------------------------------------------------


class Reads:
    """What one import read: files opened, folders listed, environment variables."""

    def __init__(self) -> None:
        self.opened: set[str] = set()
        self.listed: set[str] = set()
        self.env: dict[str, str | None] = {}
        self.whole_environment = False  # the import iterated over os.environ


_active: Reads | None = None
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    reads = _active
    if reads is None:
        return
    try:
        if event == "open":
            path = args[0]
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if isinstance(path, str):
                reads.opened.add(os.path.abspath(path))
        elif event in ("os.listdir", "os.scandir"):
            path = args[0]
            if path is None:
                path = "."
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if isinstance(path, str):
                reads.listed.add(os.path.abspath(path))
    except Exception:  # an audit hook must never break the operation it watches
        pass


def _recording_environ(original: Any, reads: Reads) -> Any:
    """An ``os.environ`` sharing the original's data that notes each name read."""

    class RecordingEnviron(type(original)):  # type: ignore[misc]
        def __getitem__(self, key: str) -> str:
            try:
                value: str = super().__getitem__(key)
            except KeyError:
                reads.env.setdefault(key, None)
                raise
            reads.env.setdefault(key, value)
            return value

        def __iter__(self) -> Iterator[str]:
            reads.whole_environment = True
            names: Iterator[str] = super().__iter__()
            return names

    return RecordingEnviron(original._data, original.encodekey, original.decodekey,
                            original.encodevalue, original.decodevalue)


@contextlib.contextmanager
def recording() -> Iterator[Reads]:
    """Record what the block reads (files, folders, environment); its stdout goes to stderr,
    so that a ``print()`` in the models never reaches drift's report."""
    global _active, _hooked
    if not _hooked:  # an audit hook cannot be removed: one, idle while nothing records
        sys.addaudithook(_audit)
        _hooked = True
    reads = Reads()
    original = os.environ
    os.environ = _recording_environ(original, reads)  # noqa: B003  (the same data, watched)
    previous, _active = _active, reads
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield reads
    finally:
        _active = previous
        os.environ = original  # noqa: B003


def inputs(reads: Reads, module_names: Any) -> dict[str, Any]:
    """The inputs the cache keys on: files with their digests, listings, the environment."""
    files: dict[str, str] = {}
    for name in sorted(module_names):
        module = sys.modules.get(name)
        file = getattr(module, "__file__", None) if module is not None else None
        if isinstance(file, str) and file:
            _add_file(files, file)
    for path in sorted(reads.opened):
        if not path.endswith((".pyc", ".pyo")):
            _add_file(files, path)
    listed = {}
    for folder in sorted(reads.listed):
        resolved = str(Path(folder).resolve()) + os.sep
        if resolved.startswith(_STDLIB):
            continue
        digest = py_listing(folder)
        if digest is not None:
            listed[folder] = digest
    return {
        "files": files,
        "listed": listed,
        "env": {k: value_digest(v) for k, v in sorted(reads.env.items())},
        "whole_environment": environment_digest(os.environ) if reads.whole_environment
        else None,
    }


def _add_file(files: dict[str, str], file: str) -> None:
    if file.startswith(_NOT_FILES):
        return
    try:
        path = str(Path(file).resolve())
    except (OSError, RuntimeError):
        return
    if path in files or path.startswith(_STDLIB) or not os.path.isfile(path):
        return
    digest = sha256_file(path)
    if digest is not None:
        files[path] = digest


# --- the declaration ------------------------------------------------------------------------


def sqlalchemy_version() -> str:
    import sqlalchemy

    version: str = sqlalchemy.__version__
    return version


def check_sqlalchemy() -> str | None:
    """Why this interpreter's SQLAlchemy cannot be read (None: it can)."""
    try:
        version = sqlalchemy_version()
    except ImportError:
        return f"SQLAlchemy is not installed in {sys.executable}"
    parts = []
    for part in version.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        parts.append(int(digits) if digits else 0)
    if tuple(parts) < MIN_SQLALCHEMY:
        return (f"SQLAlchemy {version} in {sys.executable}: drift reads models of "
                "SQLAlchemy 1.4 or newer")
    return None


class Declared:
    """The probe's answer: the snapshot of every schema the models declare and ``wanted``,
    the schemas the models put a table in, and the inputs the import read."""

    def __init__(self, snapshot: Any, schemas: list[str], built: list[str],
                 inputs: dict[str, Any]) -> None:
        self.snapshot = snapshot
        self.schemas = schemas
        self.built = built
        self.inputs = inputs


def declare(references: tuple[str, ...], wanted: tuple[str, ...]) -> Declared:
    """Import the models, declare them; raises DriftError (the message says what to fix)."""
    from drift.errors import DriftError

    problem = check_sqlalchemy()
    if problem is not None:
        raise DriftError(problem)
    from drift.normalize import canonical as nz
    from drift.sources.models.declare import declare_snapshot, declared_schemas

    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # as declare_snapshot does, before the first import
    before = set(sys.modules)
    with recording() as reads:
        schemas = declared_schemas(references)  # imports the models
        built = tuple(sorted(schemas | set(wanted) | {nz.DEFAULT_SCHEMA}))
        snapshot = declare_snapshot(references, built)
    tops = {ref.partition(":")[0].strip().split(".")[0] for ref in references}
    # the modules this import loaded, and the models' own package even when something
    # (a conftest, an app factory) imported it before drift did
    names = (set(sys.modules) - before) | {n for n in sys.modules if n.split(".")[0] in tops}
    names.add("sqlalchemy")  # its __init__.py holds its version
    found = inputs(reads, names)
    found["sqlalchemy"] = sqlalchemy_version()
    found["python"] = sys.version
    return Declared(snapshot, sorted(schemas), list(built), found)


# --- as a program in the project's interpreter ----------------------------------------------


def main(request_text: str) -> int:
    """Read the request (JSON: references, wanted, output), write the answer to ``output``:
    ``{"declared": {...}}`` or ``{"error": "one line"}``."""
    request = json.loads(request_text)
    output = request["output"]
    try:
        from drift.errors import DriftError

        try:
            found = declare(tuple(request["references"]), tuple(request["wanted"]))
        except DriftError as exc:
            answer: dict[str, Any] = {"error": str(exc)}
        else:
            from drift.schema import SNAPSHOT_FORMAT_VERSION, to_jsonable

            answer = {"declared": {
                "snapshot": {"format_version": SNAPSHOT_FORMAT_VERSION,
                             "snapshot": to_jsonable(found.snapshot)},
                "schemas": found.schemas,
                "built": found.built,
                "inputs": found.inputs,
            }}
    except Exception as exc:  # a bug of drift's on this Python/SQLAlchemy: say where
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        answer = {"error": f"the models probe failed ({where}): {type(exc).__name__}: {exc}"}
    with open(output, "w", encoding="utf-8") as handle:
        json.dump(answer, handle, ensure_ascii=False, separators=(",", ":"))
    return 0
