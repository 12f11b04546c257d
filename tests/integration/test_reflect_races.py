"""DDL that lands while the catalog is read: the read starts over, or stops with one line.

The DDL runs from another session at a chosen point of the read, just before the reader
sends one of its catalog queries: after the transaction's snapshot was taken, so the
catalog tables still show what the catalog functions no longer find.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from drift.errors import DriftError
from drift.schema import Column, Table
from drift.sources.database.connection import make_engine, read_only_connection, redact_url
from drift.sources.database.reflect import (
    CatalogChanged,
    reflect_consistently,
    reflect_snapshot,
    reflect_snapshot_with_connection,
)
from drift.sources.database.sql import query

BILLING = '"Billing.Ops"'
GAVE_UP = "the catalog changed while it was read (5 tries; is DDL running?)"


@contextmanager
def ddl_before(url: str, query_name: str, statements: list[str]) -> Iterator[list[str]]:
    """Each time any session is about to send the catalog query ``query_name``, run the
    next of ``statements`` (if any is left) in a session of our own. Yields the list of
    the times the query was sent (the statement run then, or "")."""
    opening = query(query_name).text.splitlines()[0]
    sent: list[str] = []
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as ddl:

            def before(conn: object, cursor: object, statement: str, *args: object) -> None:
                if statement.startswith(opening):
                    sent.append(statements[len(sent)] if len(sent) < len(statements) else "")
                    if sent[-1]:
                        ddl.exec_driver_sql(sent[-1])

            sa.event.listen(sa.engine.Engine, "before_cursor_execute", before)
            try:
                yield sent
            finally:
                sa.event.remove(sa.engine.Engine, "before_cursor_execute", before)
    finally:
        engine.dispose()


def _ledgers(count: int) -> str:
    return "".join(
        f'CREATE TABLE {BILLING}."Ledger {k}" ("Net {k}" numeric DEFAULT 0);'
        for k in range(1, count + 1)
    )


def test_a_read_raced_once_is_read_again(run_sql, database_url: str) -> None:
    run_sql(f"CREATE SCHEMA {BILLING};" + _ledgers(2))
    with ddl_before(database_url, "columns", [f'DROP TABLE {BILLING}."Ledger 1"']) as sent:
        snap = reflect_snapshot(database_url, ("Billing.Ops",))
    assert len(sent) == 2
    assert snap.source == redact_url(database_url)
    schema = snap.schema("Billing.Ops")
    assert schema is not None and schema.tables == (
        Table(name="Ledger 2", columns=(Column(name="Net 2", type="numeric", default="0"),)),
    )


def test_a_read_that_keeps_racing_stops_after_five_tries_with_the_last_race(
    run_sql, database_url: str
) -> None:
    run_sql(f"CREATE SCHEMA {BILLING};" + _ledgers(6))
    drops = [f'DROP TABLE {BILLING}."Ledger {k}"' for k in range(1, 7)]
    with (
        ddl_before(database_url, "columns", drops) as sent,
        pytest.raises(DriftError) as caught,
    ):
        reflect_snapshot(database_url, ("Billing.Ops",))
    assert len(sent) == 5
    assert str(caught.value) == (
        f"cannot read the database {redact_url(database_url)}: {GAVE_UP}: "
        "the default of column Net 5 went away"
    )


def test_a_caller_without_a_source_reads_a_message_without_one(run_sql, database_url: str,
                                                               engine: sa.Engine) -> None:
    """A view dropped after the snapshot: its definition cannot be printed (an internal
    error of PostgreSQL, retried as a race)."""
    run_sql("CREATE TABLE t (id integer);"
            + "".join(f"CREATE VIEW v{k} AS SELECT id FROM t;" for k in range(1, 7)))
    with engine.connect() as conn:
        last_oid = conn.exec_driver_sql("SELECT 'public.v5'::regclass::oid").scalar_one()
    drops = [f"DROP VIEW v{k}" for k in range(1, 7)]
    with (
        ddl_before(database_url, "relations", drops) as sent,
        read_only_connection(database_url) as conn,
        pytest.raises(DriftError) as caught,
    ):
        reflect_consistently(conn, ("public",))
    assert len(sent) == 5
    assert str(caught.value) == (
        f"cannot read the database: {GAVE_UP}: could not open relation with OID {last_oid}"
    )


def test_an_error_that_is_no_race_stops_the_read_at_once(
    run_sql, database_url: str, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session holds a table's lock: printing its default waits until the
    statement times out, which no new read would help."""
    monkeypatch.setattr("drift.sources.database.connection.STATEMENT_TIMEOUT_MS", 1000)
    # 0: wait without limit
    monkeypatch.setattr("drift.sources.database.connection.LOCK_TIMEOUT_MS", 0)
    run_sql("CREATE TABLE t (n integer DEFAULT 1 + 1)")
    with engine.connect() as locker:
        locker.exec_driver_sql("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        with ddl_before(database_url, "columns", []) as sent, pytest.raises(DriftError) as caught:
            reflect_snapshot(database_url, ("public",))
        locker.rollback()
    assert len(sent) == 1
    assert str(caught.value) == (
        f"cannot read the database {redact_url(database_url)}: "
        "canceling statement due to statement timeout"
    )


RACES = [
    pytest.param(
        f'CREATE TABLE {BILLING}."Ledger Entry" (id integer, booked_on date)'
        " PARTITION BY RANGE (booked_on)",
        "relations", f'DROP TABLE {BILLING}."Ledger Entry"', "table Ledger Entry went away",
        id="partitioned table",
    ),
    pytest.param(
        f'CREATE TABLE {BILLING}.t ("Net Amount" numeric DEFAULT 0)',
        "columns", f"DROP TABLE {BILLING}.t", "the default of column Net Amount went away",
        id="column default",
    ),
    pytest.param(
        f'CREATE TABLE {BILLING}.t (amount numeric CONSTRAINT "Amount Positive"'
        " CHECK (amount > 0))",
        "constraints", f"DROP TABLE {BILLING}.t", "check constraint Amount Positive went away",
        id="check constraint",
    ),
    pytest.param(
        f"CREATE TABLE {BILLING}.t (email text);"
        f' CREATE INDEX "Ix Lower" ON {BILLING}.t (lower(email))',
        "indexes", f'DROP INDEX {BILLING}."Ix Lower"', "index Ix Lower went away",
        id="expression index",
    ),
    pytest.param(
        f"CREATE TABLE {BILLING}.t (n integer);"
        f" CREATE INDEX ix_open ON {BILLING}.t (n) WHERE n > 0",
        "indexes", f"DROP TABLE {BILLING}.t", "index ix_open went away",
        id="partial index",
    ),
    pytest.param(
        f'CREATE TABLE {BILLING}.t (lo integer, hi integer, CONSTRAINT "No Overlap"'
        " EXCLUDE USING gist (int4range(lo, hi) WITH &&))",
        "exclusions", f"DROP TABLE {BILLING}.t", "index No Overlap went away",
        id="exclusion constraint",
    ),
]


@pytest.mark.parametrize(("setup", "before", "ddl", "message"), RACES)
def test_what_went_away_during_one_read_is_named(run_sql, database_url: str, setup: str,
                                                 before: str, ddl: str, message: str) -> None:
    run_sql(f"CREATE SCHEMA {BILLING}; {setup}")
    with (
        ddl_before(database_url, before, [ddl]),
        read_only_connection(database_url) as conn,
        pytest.raises(CatalogChanged) as caught,
    ):
        reflect_snapshot_with_connection(conn, ("Billing.Ops",))
    assert str(caught.value) == message


COLUMN_RACES = [
    pytest.param("", "constraints", f"ALTER TABLE {BILLING}.t ADD COLUMN b integer UNIQUE",
                 id="key"),
    pytest.param("", "indexes", f"ALTER TABLE {BILLING}.t ADD COLUMN b integer;"
                 f" CREATE INDEX ix_b ON {BILLING}.t (b)", id="index"),
    pytest.param("a integer", "constraints", f"CREATE TABLE {BILLING}.u (id integer PRIMARY KEY);"
                 f" ALTER TABLE {BILLING}.t ADD FOREIGN KEY (a) REFERENCES {BILLING}.u",
                 id="referred table"),
]


@pytest.mark.parametrize(("columns", "before", "ddl"), COLUMN_RACES)
def test_a_column_added_between_two_autocommit_statements_is_a_race(
    run_sql, database_url: str, engine: sa.Engine, columns: str, before: str, ddl: str
) -> None:
    """A caller's autocommit connection: each catalog query sees the catalog of its time,
    so a key or an index may name a column the columns query did not see (of a table
    created with no columns, as a migration may do before adding them, or of a table
    created since)."""
    run_sql(f"CREATE SCHEMA {BILLING}; CREATE TABLE {BILLING}.t ({columns})")
    with (
        ddl_before(database_url, before, [ddl]),
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
        pytest.raises(CatalogChanged) as caught,
    ):
        reflect_snapshot_with_connection(conn, ("Billing.Ops",))
    assert str(caught.value) == "column number 1 is not among the columns read"
