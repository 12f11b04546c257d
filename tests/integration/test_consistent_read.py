"""The command line on a database that changes while it is read, and literals asked of it."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from drift.cli.commands import main
from drift.sources.database.connection import make_engine

SNAPSHOTS = 40


pytestmark = pytest.mark.usefixtures("cli_isolated")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def churn(url: str, stop: threading.Event, deadline: float) -> None:
    """Another session: tables, columns and unique indexes created and dropped in a loop."""
    engine = make_engine(url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            n = 0
            while not stop.is_set() and time.monotonic() < deadline:
                n += 1
                for sql in (
                    f"CREATE TABLE churn_{n} (id integer PRIMARY KEY, a integer DEFAULT {n})",
                    f"ALTER TABLE base ADD COLUMN c{n} integer DEFAULT {n}",
                    f"CREATE UNIQUE INDEX ux_base_c{n} ON base (c{n})",
                    f"CREATE INDEX ix_base_expr{n} ON base ((c{n} + 1)) WHERE c{n} > 0",
                    f"ALTER TABLE churn_{n} ADD COLUMN b text CHECK (b <> '')",
                    f"DROP INDEX ix_base_expr{n}",
                    f"DROP INDEX ux_base_c{n}",
                    f"ALTER TABLE base DROP COLUMN c{n}",
                    f"DROP TABLE churn_{n}",
                ):
                    conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def inconsistencies(snapshot: dict[str, Any]) -> list[str]:
    """Every name a key, constraint or index gives that its table does not have."""
    found = []
    for schema in snapshot["snapshot"]["schemas"]:
        for table in schema["tables"]:
            columns = {c["name"] for c in table["columns"]}
            used = [e["expression"] for i in table["indexes"] for e in i["elements"]
                    if e["is_column"]]
            used += [c for i in table["indexes"] for c in i["include"]]
            used += [c for k in ("foreign_keys", "unique_constraints")
                     for con in table[k] for c in con["columns"]]
            if table["primary_key"]:
                used += table["primary_key"]["columns"]
            found += [f"{table['name']}.{c}" for c in used if c not in columns]
            found += [f"{table['name']}.{c}" for c in columns if c.isdigit()]
    return found


def test_snapshots_under_ddl_churn_are_consistent_or_fail_with_one_line(
    run_sql: Any, database_url: str, tmp_path: Path
) -> None:
    run_sql("CREATE TABLE base (id integer PRIMARY KEY, name text NOT NULL);"
            "CREATE INDEX ix_base_name ON base (lower(name));")
    stop = threading.Event()
    worker = threading.Thread(target=churn, args=(database_url, stop, time.monotonic() + 300))
    worker.start()
    outcomes = []
    try:
        for k in range(SNAPSHOTS):
            out = tmp_path / f"snap_{k}.json"
            result = invoke("snapshot", "--url", database_url, "--schema", "public", "-o", out)
            if result.exit_code == 0:
                problems = inconsistencies(json.loads(out.read_text(encoding="utf-8")))
                assert problems == [], problems
            else:
                assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
                lines = result.stderr.splitlines()
                assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
                assert not out.exists()
            outcomes.append(result.exit_code)
    finally:
        stop.set()
        worker.join()
    assert len(outcomes) == SNAPSHOTS
    assert outcomes.count(0) >= SNAPSHOTS // 2, outcomes  # retried, not given up at once


MODELS = """
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Rental(Base):
    __tablename__ = "rental"
    rental_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    grace: Mapped[object] = mapped_column(sa.Interval, server_default="0", nullable=True)
    opened_on: Mapped[object] = mapped_column(sa.Date, server_default="2006-2-14", nullable=True)
    opened_at: Mapped[object] = mapped_column(
        sa.DateTime(timezone=True), server_default="2006-02-14 15:16:03+00", nullable=True)
    extra: Mapped[object] = mapped_column(JSONB, server_default='{"b":1,"a":2}', nullable=True)
"""


def test_check_asks_the_database_for_the_literals(run_sql: Any, database_url: str,
                                                  tmp_path: Path) -> None:
    run_sql("""
        SET TIME ZONE 'Europe/Paris';
        CREATE SEQUENCE public.rental_rental_id_seq;
        CREATE TABLE public.rental (
            rental_id integer DEFAULT nextval('public.rental_rental_id_seq'::regclass) NOT NULL,
            grace interval DEFAULT '00:00:00'::interval,
            opened_on date DEFAULT '2006-02-14'::date,
            opened_at timestamp(6) with time zone DEFAULT '2006-02-14 16:16:03+01',
            extra jsonb DEFAULT '{"a": 2, "b": 1}'::jsonb,
            CONSTRAINT rental_pkey PRIMARY KEY (rental_id)
        );
    """)
    name = f"rental_models_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{name}.py").write_text(MODELS, encoding="utf-8")
    result = invoke("check", "--url", database_url, "--models", f"{name}:Base",
                    "--schema", "public", "--format", "json")
    found = [(m["path"], m["attribute"], m["models"], m["database"])
             for m in json.loads(result.stdout)["mismatches"]]
    assert found == []
    assert result.exit_code == 0, result.stderr



def test_a_read_that_keeps_racing_fails_with_one_line(
    run_sql: Any, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session holds a table's exclusive lock: the catalog functions that print its
    default wait for it; every try times out, then the run stops with one line."""
    monkeypatch.setattr("drift.sources.database.connection.LOCK_TIMEOUT_MS", 200)
    run_sql("CREATE TABLE base (id integer PRIMARY KEY, n integer DEFAULT 1 + 1);")
    engine = make_engine(database_url)
    try:
        with engine.connect() as locker:
            locker.exec_driver_sql("LOCK TABLE base IN ACCESS EXCLUSIVE MODE")
            out = tmp_path / "snap.json"
            result = invoke("snapshot", "--url", database_url, "--schema", "public", "-o", out)
            locker.rollback()
    finally:
        engine.dispose()
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "the catalog changed while it was read (5 tries" in lines[0]
    assert "lock timeout" in lines[0]
    assert not out.exists()
