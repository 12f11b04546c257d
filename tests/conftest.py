"""A real PostgreSQL for every test: one server per session, a fresh database per test.

By default an embedded server (pgserver) is started once per test session (per
xdist worker); with ``DRIFT_TEST_DATABASE_URL`` the tests use that server
instead (its user must be allowed to CREATE DATABASE).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from drift.sources.database.connection import make_engine, parse_url
from drift.sources.scratch import EmbeddedPostgres, create_database, drop_database, execute_script


class PostgresServer:
    """The session's server: hands out fresh databases."""

    def __init__(self, admin_url: str, embedded: EmbeddedPostgres | None) -> None:
        self.admin_url = admin_url
        self.embedded = embedded

    def url(self, database: str) -> str:
        url = parse_url(self.admin_url).set(database=database)
        return url.render_as_string(hide_password=False)

    def create_database(self) -> str:
        name = f"drift_test_{uuid.uuid4().hex[:12]}"
        create_database(self.admin_url, name)
        return name

    def drop_database(self, name: str) -> None:
        drop_database(self.admin_url, name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    external = os.environ.get("DRIFT_TEST_DATABASE_URL")
    if external:
        yield PostgresServer(external, None)
        return
    # Not under pytest's tmp dir: pytest chmods /tmp/pytest-of-<user> to 0700 at each
    # session start, which locks the server's own system user (pgserver runs
    # PostgreSQL as "pgserver" when we are root) out of its data directory.
    embedded = EmbeddedPostgres()
    try:
        yield PostgresServer(embedded.url(), embedded)
    finally:
        embedded.stop()


@pytest.fixture
def database_url(pg_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def run_sql(database_url: str):  # type: ignore[no-untyped-def]
    """Run SQL in the test's database: ``run_sql("CREATE TABLE ...")``."""

    def run(sql: str) -> None:
        execute_script(database_url, sql)

    return run


@pytest.fixture
def password_role(pg_server: PostgresServer) -> Iterator[str]:
    """A role that must log in with a password (right-password), even on the embedded
    server, whose pg_hba.conf trusts everyone: a line for this role goes first (on any
    server whose pg_hba.conf is a file this process can edit, e.g. one started by hand)."""
    role = f"drift_pw_{uuid.uuid4().hex[:8]}"
    admin = make_engine(pg_server.admin_url)
    hba_line = f"local all {role} scram-sha-256\nhost all {role} all scram-sha-256\n"
    hba_file: Path | None = None
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD 'right-password'")
            shown = Path(conn.exec_driver_sql("SHOW hba_file").scalar_one())
            if pg_server.embedded is not None or os.access(shown, os.W_OK):
                hba_file = shown
                hba_file.write_text(hba_line + hba_file.read_text())
                conn.execute(sa.text("SELECT pg_reload_conf()"))
        yield role
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if hba_file is not None:
                hba_file.write_text(hba_file.read_text().replace(hba_line, "", 1))
                conn.execute(sa.text("SELECT pg_reload_conf()"))
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(database_url)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def cli_isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A CLI test as a user runs drift in a project folder of their own: the test's folder is
    the working directory and on the import path (for its models module), and no URL or
    colour setting comes from the environment, nor a pyproject.toml of this repository."""
    for name in ("DRIFT_DATABASE_URL", "DATABASE_URL", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))

