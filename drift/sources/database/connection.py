"""Connecting to the inspected database: driver choice, redaction, read-only sessions.

The tool never writes to the database it inspects: every session it opens is a
READ ONLY transaction with a statement timeout and a lock timeout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url

from drift.errors import DriftError, first_line

STATEMENT_TIMEOUT_MS = 60_000
LOCK_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_S = 10  # libpq waits forever without one: a server that never answers hangs us

# SQLAlchemy's PostgreSQL drivers: a URL naming any of them (an application's async URL,
# say) is read with psycopg2, the sync driver drift ships; any other name is a typo.
KNOWN_DRIVERS = frozenset(
    {"psycopg2", "psycopg2cffi", "psycopg", "psycopg_async", "asyncpg", "pg8000"}
)


def parse_url(url: str) -> URL:
    """Parse a database URL; plain ``postgresql://`` gets the psycopg2 driver we ship."""
    try:
        parsed = make_url(url)
    except Exception:
        raise DriftError(
            "the database URL is not valid (expected postgresql://user@host/dbname)"
        ) from None
    if parsed.drivername == "postgres" or parsed.drivername.startswith("postgres+"):
        # libpq and most hosting providers (DATABASE_URL) also spell it postgres://
        parsed = parsed.set(drivername="postgresql" + parsed.drivername[len("postgres"):])
    if parsed.get_backend_name() != "postgresql":
        raise DriftError(f"only PostgreSQL is supported, not {parsed.get_backend_name()!r}")
    driver = parsed.drivername.partition("+")[2]
    if driver and driver not in KNOWN_DRIVERS:
        raise DriftError(
            f"unknown PostgreSQL driver {driver[:40]!r} in the database URL "
            f"(known: {', '.join(sorted(KNOWN_DRIVERS))}; or write postgresql://)"
        )
    if driver == "asyncpg" and "ssl" in parsed.query and "sslmode" not in parsed.query:
        # asyncpg spells libpq's sslmode "ssl"; psycopg2 would refuse the unknown option
        ssl = parsed.query["ssl"]
        parsed = parsed.difference_update_query(["ssl"]).update_query_dict({"sslmode": ssl})
    if parsed.drivername != "postgresql+psycopg2":
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed


def with_connect_timeout(url: str, seconds: int) -> str:
    """``url`` with libpq's ``connect_timeout`` set (the --connect-timeout flag or setting)."""
    try:
        parsed = make_url(url)
    except Exception:
        return url  # parse_url says what is wrong with it, in one line, when it is used
    parsed = parsed.update_query_dict({"connect_timeout": str(seconds)})
    return parsed.render_as_string(hide_password=False)


def _is_secret(key: str) -> bool:
    # libpq takes password (and sslpassword) as query parameters too
    return "password" in key.lower()


def _secrets(parsed: URL) -> list[str]:
    found = [parsed.password] if parsed.password else []
    for key, value in parsed.query.items():
        if _is_secret(key):
            found.extend([value] if isinstance(value, str) else value)
    return [s for s in found if s]


def redact_url(url: str | URL) -> str:
    """The URL as it may appear in output: never with its password."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return "<invalid URL>"
    if not parsed.password:  # an empty password would still render as "***"
        parsed = parsed._replace(password=None)  # URL.set() ignores None
    hidden = {k: "***" for k in parsed.query if _is_secret(k)}
    if hidden:
        parsed = parsed.update_query_dict(hidden)
    if parsed.drivername == "postgresql+psycopg2":  # our driver choice, not the user's URL
        parsed = parsed.set(drivername="postgresql")
    return parsed.render_as_string(hide_password=True).replace("=%2A%2A%2A", "=***")


def make_engine(url: str | URL) -> Engine:
    parsed = parse_url(url) if isinstance(url, str) else url
    connect_args: dict[str, object] = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    if "client_encoding" not in parsed.query:
        # a SQL_ASCII database would else be decoded as ASCII: names in UTF-8 (the usual
        # content of such a database) read as they are, and other bytes fail in one line
        connect_args["client_encoding"] = "utf8"
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args=connect_args)


def connection_error(url: str | URL, exc: BaseException) -> DriftError:
    """A one-line, password-free message for a failed connection or query."""
    message = first_line(exc)
    parsed = make_url(url) if isinstance(url, str) else url
    for secret in _secrets(parsed):
        message = message.replace(secret, "***")
    return DriftError(f"cannot read the database {redact_url(parsed)}: {message}")


def begin_read_only(conn: Connection) -> None:
    """Make the connection's (new) transaction one consistent, read-only view.

    REPEATABLE READ: every catalog query of a reflection sees the same snapshot, so
    an index never names a column another query has not seen.
    """
    # SQLAlchemy has begun the transaction; this must be its first statement.
    conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")


@contextmanager
def read_only_connection(url: str | URL) -> Iterator[Connection]:
    """A connection inside a REPEATABLE READ, READ ONLY transaction with statement and
    lock timeouts."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            begin_read_only(conn)
            try:
                yield conn
            finally:
                conn.rollback()
    except sa.exc.DBAPIError as exc:
        raise connection_error(url, exc) from None
    except UnicodeDecodeError as exc:
        around = exc.object[max(exc.start - 20, 0): exc.end + 20]
        raise DriftError(
            f"cannot read the database {redact_url(url)}: it holds text that is not UTF-8 "
            f"({bytes(around)!r}; a SQL_ASCII database stores bytes without an encoding)"
        ) from None
    finally:
        engine.dispose()
