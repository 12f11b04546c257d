"""Writing outputs: atomically, never over a migration; a failure is a one-line DriftError."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from drift.errors import DriftError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temp(path: Path, text: str) -> str:
    """A complete temporary file beside ``path``, with the permissions a plain open() gives."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes 0600 files; reports and migrations are meant to be shared
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _cannot_write(path: Path, exc: OSError) -> DriftError:
    # every output is written here, so every unwritable one is the same one-line error (exit 2)
    return DriftError(f"cannot write {path}: {exc.strerror}")


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(path, text)
        try:
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet (migrations): atomic, and never overwrites."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = _write_temp(path, text)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        # link() fails if the name exists, unlike replace(): no race with another writer
        os.link(tmp, path)
    except FileExistsError:
        raise DriftError(f"{path} already exists; drift never overwrites it") from None
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
