"""Every database connection the project's code opens, checked where it is made.

While drift runs a project's ``env.py`` or revisions, a connection is judged by
the endpoint the live connection reports (the server's socket or address and
port, and the database it was opened on), not by the URL it was asked for, and
whatever opened it:

* the DBAPI entry points are wrapped: ``psycopg2.connect``, psycopg 3's
  ``Connection.connect`` and ``AsyncConnection.connect``, asyncpg's ``connect``
  (the one its pools call too), and pg8000's connections (every one of them is
  built by ``CoreConnection.__init__``). ``install()`` wraps the drivers already
  imported and, through an import hook, each one when it is first imported, so
  that a project module's ``from psycopg2 import connect`` holds the wrapper too;
* the SQLAlchemy pool's ``connect`` event checks the DBAPI connection a
  ``creator=`` returned, whatever its driver: one drift cannot read the
  endpoint of is refused.

A connection that is not the scratch database is closed before any statement
runs, and the refusal is recorded with the project's file and line that opened
it (``Guard.refusals``); the caller stops the run. Outside ``guarded()`` the
wrappers pass every call through unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import inspect
import ipaddress
import os
import socket
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from drift.errors import DriftError
from drift.sources.project_code import is_project_file

# (server, database): server is "unix:<socket path>" or "tcp:<address>:<port>"
Endpoint = tuple[str, str]


class RefusedConnection(DriftError):
    """The project's code opened a connection to a database other than the scratch one."""


@dataclass(frozen=True, slots=True)
class Refusal:
    """One connection refused: where the project's code opened it, to what, and when."""

    opened_at: str  # file:line of the project's code
    target: str  # "database 'prod' on host:port"
    when: str  # "before it connected" (by its URL) or "before any statement ran"

    def __str__(self) -> str:
        return f"{self.opened_at} connects to {self.target}"


@dataclass
class Guard:
    """The endpoint allowed (None: no connection at all) and what was refused."""

    allowed: Endpoint | None
    refusals: list[Refusal] = field(default_factory=list)

    def refuse(self, target: str, when: str) -> RefusedConnection:
        refusal = Refusal(opened_at(), target, when)
        self.refusals.append(refusal)
        return RefusedConnection(f"drift refused a connection: {refusal}; only the scratch "
                                 "database may be reached while the project's code runs")


_lock = threading.Lock()
_active: Guard | None = None


@contextlib.contextmanager
def guarded(allowed: Endpoint | None) -> Iterator[Guard]:
    """Refuse, for the block, every connection to another endpoint than ``allowed``. A block
    inside another keeps the outer guard (the outer one knows the scratch database)."""
    global _active
    install()
    with _lock:
        outer = _active
        guard = outer if outer is not None else Guard(allowed)
        _active = guard
    try:
        yield guard
    finally:
        with _lock:
            _active = outer


def scratch_endpoint(dbapi_connection: Any) -> Endpoint:
    """The endpoint of drift's own connection to the scratch database."""
    found = endpoint_of(dbapi_connection)
    if found is None:
        raise DriftError("cannot read the endpoint of the scratch database's connection")
    return found


# ---------------------------------------------------------------- endpoints, as reported


def endpoint_of(conn: Any) -> Endpoint | None:
    """(server, database) as the live connection reports them; None for a driver drift
    cannot read (a connection drift cannot place is refused)."""
    conn = getattr(conn, "driver_connection", None) or conn  # SQLAlchemy's async adapters
    module = _driver(conn)
    with contextlib.suppress(Exception):  # a closed or odd connection: not placed
        if module == "psycopg2":
            return _server_of_fd(conn.info.socket), str(conn.info.dbname)
        if module == "psycopg":
            return _server_of_fd(conn.pgconn.socket), str(conn.info.dbname)
        if module == "asyncpg":
            peer = conn._transport.get_extra_info("peername")
            return _server(peer), str(conn._params.database)
        if module == "pg8000":
            return _server(conn._usock.getpeername()), _PG8000_DATABASES[conn]
    return None


def _driver(conn: Any) -> str:
    """The driver a connection belongs to, by its classes (a project's subclass, such as a
    psycopg2 ``connection_factory``, keeps its driver's base class)."""
    for klass in type(conn).__mro__:
        root = klass.__module__.split(".")[0]
        if root in _PATCHES:
            return root
    return ""


def _server_of_fd(fd: int) -> str:
    with socket.socket(fileno=os.dup(fd)) as sock:
        return _server(sock.getpeername())


def _server(peer: Any) -> str:
    if isinstance(peer, bytes | str):  # a Unix socket: the server's socket file
        return f"unix:{os.path.realpath(os.fsdecode(peer))}"
    address = ipaddress.ip_address(peer[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # 127.0.0.1 and ::1 are one machine: the port tells its servers apart
    host = "loopback" if address.is_loopback else address.compressed
    return f"tcp:{host}:{peer[1]}"


def describe(endpoint: Endpoint | None) -> str:
    if endpoint is None:
        return "a database drift cannot identify"
    server, database = endpoint
    return f"database {database!r} on {server.split(':', 1)[1]}"


# ---------------------------------------------------------------- the check


def _check(conn: Any, close: Callable[[], Any]) -> Any:
    """Let ``conn`` through, or close it and raise: the one decision every wrapper takes."""
    guard = _active
    if guard is None:
        return conn
    found = endpoint_of(conn)
    if found is not None and found == guard.allowed:
        return conn
    with contextlib.suppress(Exception):
        close()
    raise guard.refuse(describe(found), "before any statement ran")


def _on_pool_connect(dbapi_connection: Any, connection_record: Any) -> None:
    _check(dbapi_connection, dbapi_connection.close)


def opened_at(stack: Sequence[traceback.FrameSummary] | None = None) -> str:
    """The innermost frame of the project's own code: the file and line that connected."""
    frames = stack if stack is not None else traceback.extract_stack()
    for frame in reversed(frames):
        name = frame.filename
        if name.startswith("<"):
            continue
        if is_project_file(name):  # Alembic loads env.py by a path relative to the cwd
            return f"{Path(name).resolve()}:{frame.lineno}"
    return "code outside the project"


# ---------------------------------------------------------------- the wrappers


def _wrap_sync(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def connect(*args: Any, **kwargs: Any) -> Any:
        conn = original(*args, **kwargs)
        return _check(conn, conn.close)

    connect.__drift_guard__ = True  # type: ignore[attr-defined]
    return connect


def _wrap_async(original: Callable[..., Any], close: Callable[[Any], Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    async def connect(*args: Any, **kwargs: Any) -> Any:
        conn = await original(*args, **kwargs)
        return _check(conn, lambda: close(conn))

    connect.__drift_guard__ = True  # type: ignore[attr-defined]
    return connect


def _wrapped(function: Any) -> bool:
    return bool(getattr(function, "__drift_guard__", False))


def _patch_psycopg2(module: Any) -> None:
    if not _wrapped(module.connect):
        module.connect = _wrap_sync(module.connect)


def _patch_psycopg(module: Any) -> None:
    for cls, wrap in ((module.Connection, _wrap_sync),
                      # finish(): libpq closes the socket at once (close() is a coroutine)
                      (module.AsyncConnection, lambda f: _wrap_async(f, _finish))):
        original = cls.__dict__["connect"].__func__
        if not _wrapped(original):
            cls.connect = classmethod(wrap(original))
    module.connect = module.Connection.connect


def _finish(conn: Any) -> None:
    conn.pgconn.finish()


def _terminate(conn: Any) -> None:
    conn.terminate()  # asyncpg: closes at once (close() is a coroutine)


def _patch_asyncpg(module: Any) -> None:
    connection: Any = sys.modules.get("asyncpg.connection")
    if connection is not None and not _wrapped(connection.connect):
        connection.connect = _wrap_async(connection.connect, _terminate)
    if connection is not None:
        module.connect = connection.connect


_PG8000_DATABASES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _patch_pg8000(module: Any) -> None:
    core: Any = sys.modules.get("pg8000.core")
    if core is None or _wrapped(core.CoreConnection.__init__):
        return
    original = core.CoreConnection.__init__
    signature = inspect.signature(original)

    @functools.wraps(original)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        given = signature.bind(self, *args, **kwargs).arguments
        # the database pg8000 opened: its argument, else the user's name (as the server does)
        _PG8000_DATABASES[self] = str(given.get("database") or given.get("user"))
        _check(self, self.close)

    __init__.__drift_guard__ = True  # type: ignore[attr-defined]
    core.CoreConnection.__init__ = __init__


_PATCHES: dict[str, Callable[[Any], None]] = {
    "psycopg2": _patch_psycopg2,
    "psycopg": _patch_psycopg,
    "asyncpg": _patch_asyncpg,
    "pg8000": _patch_pg8000,
}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Wraps a driver as soon as its package has been imported."""

    def find_spec(self, name: str, path: Any, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if name not in _PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None and spec.loader is not None:
                spec.loader = _PatchingLoader(spec.loader, _PATCHES[name])
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any, patch: Callable[[ModuleType], None]) -> None:
        self._loader = loader
        self._patch = patch

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name: str) -> Any:  # is_package, get_code, ... for importlib
        return getattr(self._loader, name)


_installed = False


def install() -> None:
    """Wrap the drivers imported so far, and each one imported from now on. Call it before
    the project's code is imported: a module that bound ``connect`` earlier keeps it."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        sys.meta_path.insert(0, _PatchOnImport())
        event.listen(Pool, "connect", _on_pool_connect)  # passes through outside guarded()
    for name, patch in _PATCHES.items():
        module = sys.modules.get(name)
        if module is not None:
            patch(module)
