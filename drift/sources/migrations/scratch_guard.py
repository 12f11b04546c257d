"""The scratch database: created with the live database's extensions, and the only one a
user's ``env.py`` reaches while drift runs it.

Three guards, used by ``drift.sources.migrations.env_runner`` around every online command:

* the URL handed over (``sqlalchemy.url``, ``config.attributes["connection"]``)
  and the usual variables (``DATABASE_URL``, ``DRIFT_DATABASE_URL``, any the
  user names) point at the scratch database while ``env.py`` runs;
* every connection the project's code opens is checked where it is made: a
  ``do_connect`` listener refuses a SQLAlchemy engine's by its URL before the
  DBAPI connection is made, and ``driver_guard`` refuses any other (a raw
  ``psycopg2.connect``, a ``creator=``, asyncpg, pg8000, psycopg 3) by the
  endpoint the live connection reports, before any statement runs;
* afterwards, the protected databases' ``alembic_version`` is read again: it
  must not have moved (``fingerprint`` proves the rest: their whole catalog).
"""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from drift.errors import DriftError, first_line
from drift.sources.database.connection import (
    make_engine,
    parse_url,
    read_only_connection,
    redact_url,
)
from drift.sources.migrations.driver_guard import (
    Guard,
    guarded,
    scratch_endpoint,
)
from drift.sources.project_code import is_project_file
from drift.sources.scratch import create_database, drop_database, embedded_postgres

# the variables real projects read their database URL from
DEFAULT_ENV_VARS = ("DATABASE_URL", "DRIFT_DATABASE_URL")

# env.py builds an async engine: sqlalchemy.url needs an async driver
_ASYNC_MARKERS = ("async_engine_from_config", "create_async_engine", "AsyncEngine")


def url_for(scratch_url: str, like: str | None) -> str:
    """The scratch URL spelled with the driver of ``like`` (a URL the environment already
    uses), so that an ``env.py`` built for asyncpg gets an asyncpg URL."""
    scratch = parse_url(scratch_url)
    try:
        theirs = sa.engine.make_url(like) if like else None
    except Exception:  # not a URL: the variable is replaced by a URL drift can connect with
        theirs = None
    if theirs is not None and theirs.drivername.startswith("postgres"):
        # postgres:// (as hosting providers spell it) is kept too: env.py may rewrite it
        scratch = scratch.set(drivername=installed_driver(theirs.drivername))
    return _plain(scratch)


def installed_driver(drivername: str) -> str:
    """``drivername``, or psycopg2 (which drift ships) where it names no driver and the
    dialect's default one is not installed: SQLAlchemy 2.1 reads plain ``postgresql://`` as
    psycopg 3, which the project's environment may not have."""
    if "+" in drivername or not drivername.startswith("postgresql"):
        return drivername
    try:
        sa.engine.make_url(f"{drivername}://").get_dialect().import_dbapi()
    except ImportError:
        return "postgresql+psycopg2"
    return drivername


def _plain(url: sa.engine.URL) -> str:
    """The URL without percent-escapes where it parses the same without them: an env.py that
    copies it into sqlalchemy.url (configparser) would take their % for interpolation."""
    spelled = url.render_as_string(hide_password=False)
    if "?" in spelled:
        base, query = spelled.split("?", 1)
        unquoted = f"{base}?{unquote(query)}"
        with contextlib.suppress(Exception):
            if sa.engine.make_url(unquoted) == url:
                return unquoted
    return spelled


def driver_url(scratch_url: str, configured: str | None, env_source: str) -> str:
    """``sqlalchemy.url`` for ``env.py``: the configured driver if it names one, else asyncpg
    for an environment that builds an async engine, else the psycopg2 driver drift ships."""
    if configured and "://" in configured and not configured.startswith("driver://"):
        return url_for(scratch_url, configured)
    if any(marker in env_source for marker in _ASYNC_MARKERS):
        return url_for(scratch_url, "postgresql+asyncpg://")
    return url_for(scratch_url, None)


# ---------------------------------------------------------------- the connect guard


def _endpoint(params: Mapping[str, Any]) -> tuple[str, str, str]:
    host = params.get("host") or ""
    if isinstance(host, (list, tuple)):
        host = ",".join(str(h) for h in host)
    port = params.get("port") or 5432
    database = params.get("dbname") or params.get("database") or ""
    return (str(host), str(port), str(database))


def endpoint_of(url: str) -> tuple[str, str, str]:
    """(host, port, database) of a URL, as its dialect hands them to the driver."""
    parsed = parse_url(url)
    dialect = sa.create_engine(parsed, poolclass=sa.pool.NullPool).dialect
    _, params = dialect.create_connect_args(parsed)
    return _endpoint(params)


@contextlib.contextmanager
def only_scratch(scratch_url: str, scratch: Connection | None = None) -> Iterator[Guard]:
    """Refuse every connection the project's code opens to another database than the
    scratch one (``scratch``: drift's own connection to it; None: no connection at all).

    Two checks: a ``do_connect`` listener refuses a SQLAlchemy engine's connection by
    its URL before it is made; ``driver_guard`` refuses any connection, however
    opened (a raw driver call, a ``creator=``), by the endpoint it reports."""
    allowed = endpoint_of(scratch_url)
    live = scratch_endpoint(scratch.connection.dbapi_connection) if scratch is not None else None
    with guarded(live) as guard:

        def check(dialect: Any, conn_rec: Any, cargs: Sequence[Any],
                  cparams: dict[str, Any]) -> None:
            where = _endpoint(cparams)
            if scratch is None or cargs or where != allowed:  # a DSN in cargs: not checkable
                host, port, database = where
                raise guard.refuse(f"database {database!r} on {host or 'localhost'}:{port}",
                                   "before it connected")

        event.listen(Engine, "do_connect", check)
        try:
            yield guard
        finally:
            event.remove(Engine, "do_connect", check)


def fresh_imports() -> contextlib.AbstractContextManager[None]:
    return _fresh_imports()


@contextlib.contextmanager
def _fresh_imports() -> Iterator[None]:
    """Forget the project modules env.py imported (a settings module reads its variables
    when imported): each run of env.py sees them anew, as ``alembic`` on the command line
    would; installed packages stay loaded (C extensions cannot be imported twice)."""
    before = set(sys.modules)
    try:
        yield
    finally:
        for name in set(sys.modules) - before:
            file = getattr(sys.modules[name], "__file__", None)
            if file and is_project_file(file):
                del sys.modules[name]


@contextlib.contextmanager
def scratch_environment(scratch_url: str, names: Sequence[str], env_source: str
                        ) -> Iterator[None]:
    """The database variables pointed at the scratch database (each keeps its own driver)."""
    saved = {name: os.environ.get(name) for name in dict.fromkeys((*DEFAULT_ENV_VARS, *names))}
    try:
        for name, before in saved.items():
            os.environ[name] = driver_url(scratch_url, before, env_source)
        yield
    finally:
        for name, before in saved.items():
            if before is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = before


# ---------------------------------------------------------------- alembic_version


def database_revisions(conn: Connection) -> tuple[str, ...]:
    """The revisions in the database's ``alembic_version`` table (on the default search_path);
    () when there is no such table. ``conn``: a ``read_only_connection``."""
    return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def version_of(url: str) -> tuple[str, ...]:
    """The revisions in a database's ``alembic_version`` (() when it has none); read-only."""
    with read_only_connection(url) as conn:
        return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))


def protected_versions(urls: Sequence[str]) -> dict[str, tuple[str, ...]]:
    return {url: version_of(url) for url in urls}


def check_protected(before: Mapping[str, tuple[str, ...]]) -> None:
    for url, was in before.items():
        now = version_of(url)
        if now != was:
            raise DriftError(f"the alembic_version of {redact_url(url)} moved from "
                             f"{', '.join(was) or 'base'} to {', '.join(now) or 'base'} while "
                             "env.py ran: it migrated that database, not the scratch one; "
                             "see README, 'drift plan --verify and your env.py'")


# ---------------------------------------------------------------- the scratch database


@contextlib.contextmanager
def scratch_database(scratch_url: str | None, *,
                     extensions: Sequence[str] = ()) -> Iterator[str]:
    """A fresh database for the block, on the given server or on an embedded one, with the
    extensions given (exit 2, naming the extension, where the server does not have one)."""
    if scratch_url is None:
        with embedded_postgres() as server:
            url = server.create_database()
            _create_extensions(url, extensions, "the embedded PostgreSQL")
            yield url
        return
    name = f"drift_verify_{uuid.uuid4().hex[:12]}"
    try:
        url = create_database(scratch_url, name)
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot create a scratch database: {first_line(exc)}") from None
    try:
        _create_extensions(url, extensions, redact_url(scratch_url))
        yield url
    finally:
        drop_database(scratch_url, name)


def _create_extensions(url: str, extensions: Sequence[str], server: str) -> None:
    if not extensions:
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            available = set(conn.execute(sa.text(
                "SELECT name FROM pg_available_extensions")).scalars())
            missing = sorted(set(extensions) - available)
            if missing:
                raise DriftError(
                    f"the scratch server ({server}) has no extension {', '.join(missing)}, "
                    "which the live database uses: pass --scratch-url of a server that has it")
            quote = conn.dialect.identifier_preparer.quote
            for name in sorted(set(extensions)):
                conn.exec_driver_sql(f"CREATE EXTENSION IF NOT EXISTS {quote(name)}")
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot create the extensions on the scratch database: "
                         f"{first_line(exc)}") from None
    finally:
        engine.dispose()
