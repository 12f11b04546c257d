"""A scratch PostgreSQL server in a temporary directory: pgserver's, else the machine's own.

Used by ``drift demo``, by ``drift check --migrations`` and ``drift plan --verify``
for their scratch databases (unless ``--scratch-url`` names a server) and by the
tests. The server is pgserver's embedded build where the ``[embedded]`` extra is
installed, else a PostgreSQL installed on this machine (``system_postgres.py``);
with neither, one line says the three ways to get one. The server is stopped and
its directory removed on exit, on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa

from drift.errors import DriftError, first_line
from drift.files import OWNER_FILE, orphaned_folders, read_pid
from drift.sources.database.connection import make_engine, parse_url

SERVER_PREFIX = "drift-pg-"
NO_SERVER = (
    "no PostgreSQL to run a scratch database on: install drift's embedded server "
    "(pip install 'sqlalchemy-drift[embedded]'), or PostgreSQL on this machine (initdb on "
    "PATH or pg_config), or pass --scratch-url URL (or set DRIFT_SCRATCH_URL)"
)


def _pgserver() -> Any | None:
    """pgserver's get_server, or None where the [embedded] extra is not installed."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI): harmless here
        warnings.simplefilter("ignore")
        try:
            from pgserver.postgres_server import get_server  # late: registers atexit handlers
        except ImportError:
            return None
    return get_server


def embedded_identity() -> str:
    """Which server a scratch database without --scratch-url runs on (for cache keys)."""
    if _pgserver() is not None:
        from drift.sources.cache import package_version

        return f"embedded pgserver {package_version('pgserver')}"
    from drift.sources.system_postgres import find_bindir, server_version

    bindir = find_bindir()
    return f"PostgreSQL {server_version(bindir)} at {bindir}" if bindir else "none"


SERVER_LOG = "server-output.log"  # what the server's tools and the postmaster print


@contextlib.contextmanager
def _output_to(log: Path) -> Iterator[None]:
    """The process's stdout and stderr (file descriptors 1 and 2, which initdb, pg_ctl and
    the postmaster inherit) into ``log`` for the block: drift's stdout carries the report
    only, and a server that outlives the block keeps writing there, not into it."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(log, "ab") as out:
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


def remove_orphaned_servers(root: Path | None = None) -> list[Path]:
    """Remove the server folders drift made whose owner is gone (a ``kill -9`` during
    ``--verify`` left one, 38 MB, and maybe its postmaster): stop that server, then
    delete the folder. Folders without drift's owner file are left alone, and a process is
    signalled only once it is proven to be this folder's postmaster (a stale
    ``postmaster.pid`` may name a PID that another program has since been given)."""
    removed = []
    for folder in orphaned_folders(SERVER_PREFIX, root):
        data = folder / "pgdata"
        postmaster = read_pid(data / "postmaster.pid")
        if postmaster is not None and is_postmaster_of(postmaster, data):
            with contextlib.suppress(OSError):
                os.kill(postmaster, signal.SIGQUIT)  # immediate shutdown: nothing to keep
            for _ in range(50):
                if not is_postmaster_of(postmaster, data):
                    break
                time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def is_postmaster_of(pid: int, data_directory: Path) -> bool:
    """Whether ``pid`` is a running PostgreSQL server of ``data_directory``: its program is
    ``postgres`` and it works in that directory (a postmaster chdirs into its data
    directory). Where ``/proc`` cannot tell, it is not proven, and no signal is sent."""
    proc = Path("/proc") / str(pid)
    try:
        program = Path(os.readlink(proc / "exe")).name
        cwd = Path(os.readlink(proc / "cwd"))
        state = (proc / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return (program in ("postgres", "postmaster") and state != "Z"
            and cwd.resolve() == data_directory.resolve())


@contextlib.contextmanager
def _start_lock() -> Iterator[None]:
    """One server start at a time on this machine: run as root, pgserver's first start
    creates its system user, and two starts at once (pytest-xdist workers) race on it."""
    with open(Path(tempfile.gettempdir()) / "drift-pg-start.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class EmbeddedPostgres:
    """One scratch server (pgserver's, else the machine's PostgreSQL); ``url(dbname)`` gives
    a psycopg2 URL to one of its databases."""

    def __init__(self, directory: Path | None = None) -> None:
        get_server = _pgserver()
        bindir = None
        if get_server is None:
            from drift.sources.system_postgres import find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise DriftError(NO_SERVER)
        self._own_dir = directory is None
        if directory is None:
            remove_orphaned_servers()
            base = Path(tempfile.mkdtemp(prefix=SERVER_PREFIX))
            (base / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        else:
            base = directory
        self.directory = base
        self.log = base / SERVER_LOG
        self._server: Any
        try:
            if bindir is not None:
                from drift.sources.system_postgres import SystemPostgres

                with _output_to(self.log):
                    self._server = SystemPostgres(bindir, base)
            else:
                assert get_server is not None
                with _start_lock(), _output_to(self.log):
                    self._server = get_server(base / "pgdata", cleanup_mode="stop")
        except DriftError:
            self._remove()
            raise
        except Exception as exc:  # pgserver raises plain exceptions with initdb/pg_ctl output
            kept = self._keep_log()
            self._remove()
            raise DriftError(f"cannot start the embedded PostgreSQL: {first_line(exc)} "
                             f"(its output: {kept})") from None

    def _keep_log(self) -> Path:
        """The server's output, copied out of the folder a failed start removes."""
        kept = Path(tempfile.gettempdir()) / f"drift-server-output-{os.getpid()}.log"
        with contextlib.suppress(OSError):
            shutil.copyfile(self.log, kept)
        return kept

    def url(self, database: str = "postgres") -> str:
        base = parse_url(self._server.get_uri())
        return base.set(database=database).render_as_string(hide_password=False)

    def create_database(self, name: str | None = None) -> str:
        """Create a database on this server; return its URL."""
        return create_database(self.url(), name)

    def stop(self) -> None:
        with contextlib.suppress(Exception), _output_to(self.log):
            self._server.cleanup()
        self._remove()

    def _remove(self) -> None:
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)


@contextlib.contextmanager
def embedded_postgres() -> Iterator[EmbeddedPostgres]:
    """Start a server for the block; stop it on exit, on Ctrl-C and on SIGTERM."""
    server = EmbeddedPostgres()

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield server
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()


def create_database(admin_url: str, name: str | None = None) -> str:
    """Create a fresh database on the server of ``admin_url``; return its URL.

    From template0: cheap, and free of anything left in template1.
    """
    name = name or f"drift_{uuid.uuid4().hex[:12]}"
    _autocommit(admin_url, "CREATE DATABASE {} TEMPLATE template0", name)
    return parse_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    """Drop a database of the server of ``admin_url``, even with sessions still open."""
    _autocommit(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _autocommit(admin_url: str, ddl: str, name: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block
    engine = make_engine(admin_url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(ddl.format(engine.dialect.identifier_preparer.quote(name)))
    finally:
        engine.dispose()


def execute_script(url: str, sql: str) -> None:
    """Run a multi-statement SQL script in one transaction (for demo and test fixtures)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"SQL script failed: {first_line(exc)}") from None
    finally:
        engine.dispose()
