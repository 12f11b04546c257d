"""A PostgreSQL installed on this machine, started in a temporary folder as a scratch server.

Without pgserver (the ``[embedded]`` extra, whose wheels stop at some Pythons
and platforms), drift starts the machine's own PostgreSQL: its programs found
by ``pg_config --bindir``, ``initdb`` on ``PATH``, Debian's
``/usr/lib/postgresql/*/bin``, Homebrew's and the PGDG packages' folders. The
cluster lives in the temporary folder, listens on a Unix socket there only (no
TCP port to collide with), trusts local connections and skips fsync: a scratch
database, thrown away after the run. PostgreSQL refuses to run as root; run as
root (a CI container), the server runs as the ``postgres`` user the package
made (else ``nobody``), which is given the folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

from drift.errors import DriftError

PROGRAMS = ("initdb", "pg_ctl", "postgres")
_USERS = ("postgres", "nobody")


def _has_programs(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in PROGRAMS)


def _version_key(folder: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", folder)) or (0,)


def find_bindir() -> Path | None:
    """The folder of this machine's PostgreSQL server programs, or None."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config is not None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 timeout=10).stdout.strip()
            if out:
                candidates.append(Path(out))
    initdb = shutil.which("initdb")
    if initdb is not None:
        candidates.append(Path(initdb).resolve().parent)
    for pattern in ("/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
                    "/usr/pgsql-*/bin",  # PGDG packages on Red Hat and friends
                    "/opt/homebrew/opt/postgresql*/bin", "/usr/local/opt/postgresql*/bin"):
        candidates += [Path(p) for p in sorted(glob.glob(pattern), key=_version_key,
                                               reverse=True)]
    candidates += [Path("/opt/homebrew/bin"), Path("/usr/local/bin")]
    return next((c for c in candidates if _has_programs(c)), None)


def _server_user() -> pwd.struct_passwd | None:
    """None: run as ourselves; else the unprivileged user to run the server as (we are root)."""
    if os.geteuid() != 0:
        return None
    for name in _USERS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise DriftError("cannot start PostgreSQL as root, and there is no postgres or nobody user "
                     "to start it as: pass --scratch-url URL")


def _traversable(folder: Path) -> None:
    """Let the server's user reach ``folder``: the search (x) bit for others on each parent
    that lacks it (a TMPDIR made 0700 by root), as pgserver does; never the read bit."""
    for parent in folder.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(parent, mode | stat.S_IXOTH)


class SystemPostgres:
    """The machine's PostgreSQL, initialised and started in ``folder`` (which it owns)."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.pgdata = folder / "pgdata"
        self._user = _server_user()
        if self._user is not None:
            os.chown(folder, self._user.pw_uid, self._user.pw_gid)
            _traversable(folder)
        self._run("initdb", "-D", str(self.pgdata), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-k {folder} -c listen_addresses='' -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off")
        self._run("pg_ctl", "-D", str(self.pgdata), "-l", str(folder / "server.log"), "-w",
                  "-t", "60", "-o", options, "start")

    def _run(self, program: str, *args: str) -> None:
        extra: dict[str, Any] = {}
        if self._user is not None:
            extra = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        try:
            run = subprocess.run([str(self.bindir / program), *args], cwd=self.folder,
                                 capture_output=True, text=True, timeout=120, **extra)
        except (OSError, subprocess.SubprocessError) as exc:
            raise DriftError(f"cannot start PostgreSQL ({self.bindir / program}): {exc}"
                             ) from None
        if run.returncode != 0:
            lines = (run.stderr or run.stdout).strip().splitlines() or [f"exit {run.returncode}"]
            log = self.folder / "server.log"
            if program == "pg_ctl" and log.exists():
                lines += log.read_text(errors="replace").strip().splitlines()[-1:]
            raise DriftError(f"cannot start PostgreSQL ({program}): {lines[-1]}")

    def get_uri(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.folder}"

    def cleanup(self) -> None:
        """Stop the server at once (nothing in it is kept)."""
        with contextlib.suppress(DriftError):
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", "immediate", "-w", "stop")


def server_version(bindir: Path) -> str:
    """``postgres (PostgreSQL) 15.8`` -> ``15.8`` (for the migrations cache's key)."""
    try:
        out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.strip().rsplit(" ", 1)[-1] or "unknown"
