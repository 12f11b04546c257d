"""Writing outputs: atomically, never over a migration; a failure is a one-line DriftError.

Temporary files and folders are named ``.<name>.<pid>.<random>.tmp`` beside
what they become: a run killed while writing leaves one behind, and the next
run that writes there removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from drift.errors import DriftError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def temporary_prefix(name: str) -> str:
    return f".{name}.{os.getpid()}."


TEMPORARY_SUFFIX = ".tmp"
# .<name>.<pid>.<random>[.old].tmp: ``name`` may hold dots, the pid and the random part do not
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[^.]+(?P<old>\.old)?\.tmp$", re.DOTALL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale_temporaries(directory: Path, name: str | None = None) -> None:
    """Remove drift's temporary files and folders in ``directory`` (of ``name`` only, if
    given) whose process is gone; a folder set aside by an interrupted swap
    (``...old.tmp``) goes back in place if nothing took its place."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match is None or (name is not None and match["name"] != name):
            continue
        if int(match["pid"]) == os.getpid() or _alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        target = directory / match["name"]
        with contextlib.suppress(OSError):
            if match["old"] and not os.path.lexists(target):
                os.rename(path, target)
            elif entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()


def _write_temp(path: Path, text: str) -> str:
    """A complete temporary file beside ``path``, with the permissions a plain open() gives."""
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=TEMPORARY_SUFFIX,
                               dir=path.parent)
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


def _is_special(path: Path) -> bool:
    """A device, a named pipe or a socket: written to, never replaced (/dev/null stays one)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    A path that is not a regular file (``/dev/null``, a named pipe) is written in place.
    """
    try:
        if _is_special(path):
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path.parent, path.name)
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


# ---------------------------------------------------------------- folders a run owns

OWNER_FILE = "drift-owner.pid"  # the PID of the drift process that made the folder


@contextlib.contextmanager
def owned_folder(prefix: str) -> Iterator[Path]:
    """A new folder in the temporary directory, marked with this process's PID so that a
    later run removes it if this one is killed (``orphaned_folders``); removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        (folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def orphaned_folders(prefix: str, root: Path | None = None) -> list[Path]:
    """Folders ``owned_folder`` made whose owner is gone (a ``kill -9``); a folder without
    drift's owner file is not drift's, and is left alone."""
    found = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{prefix}*"):
        owner = read_pid(folder / OWNER_FILE)
        if owner is not None and owner != os.getpid() and not _alive(owner):
            found.append(folder)
    return found


def read_pid(path: Path) -> int | None:
    """The PID on the first line of a pid file (None: no file, or not a PID)."""
    try:
        return int(path.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return None
