"""A folder written whole, and a lock so that runs writing one folder take turns.

``drift report`` builds the dated folder beside the old one and swaps it in
with one rename, so a reader (or a run killed half-way) sees the previous
complete report or the new complete one, never a mix. The swap of two existing
folders is Linux's ``renameat2(RENAME_EXCHANGE)``: Python's ``os`` has no
binding for it, so it is called through ctypes; elsewhere the old folder is
set aside first and a later run puts it back if the swap did not finish.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from drift.errors import DriftError
from drift.files import TEMPORARY_SUFFIX, remove_stale_temporaries, temporary_prefix

LOCK_FILE = ".drift.lock"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _renameat2() -> object | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    result = _RENAMEAT2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD,  # type: ignore[operator]
                        os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, or a filesystem
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold ``directory``'s lock for the block: one writer at a time (others wait)."""
    import fcntl  # POSIX only, like the rest of the file handling here

    if directory.exists() and not directory.is_dir():
        raise DriftError(f"cannot write {directory}: not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / LOCK_FILE, "a+b")  # noqa: SIM115 - held for the block
    except OSError as exc:
        raise DriftError(f"cannot write {directory}: {exc.strerror}") from None
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def staged_folder(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target``; when the block ends without error it becomes
    ``target`` in one step (the old one is removed), else it is removed."""
    parent = target.parent
    try:
        remove_stale_temporaries(parent, target.name)
        stage = Path(tempfile.mkdtemp(prefix=temporary_prefix(target.name),
                                      suffix=TEMPORARY_SUFFIX, dir=parent))
        os.chmod(stage, 0o777 & ~_umask())  # mkdtemp makes 0700 folders; reports are shared
    except OSError as exc:
        raise DriftError(f"cannot write {target}: {exc.strerror}") from None
    try:
        yield stage
        _swap_in(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # the new folder on error, else the old one


def _swap_in(stage: Path, target: Path) -> None:
    try:
        if not os.path.lexists(target):
            os.rename(stage, target)
        elif not exchange(stage, target):
            aside = stage.with_name(stage.name.removesuffix(TEMPORARY_SUFFIX) + ".old.tmp")
            os.rename(target, aside)  # a run killed here: the next one puts it back
            os.rename(stage, target)
            os.rename(aside, stage)  # removed with the stage
    except OSError as exc:
        raise DriftError(f"cannot write {target}: {exc.strerror}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
