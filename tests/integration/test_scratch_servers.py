"""Where a scratch database comes from: pgserver (the [embedded] extra), else this machine's
PostgreSQL started in a temporary folder, else --scratch-url / DRIFT_SCRATCH_URL; with none
of the three, one line that names them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from drift.cli.commands import main
from drift.sources import scratch, system_postgres
from drift.sources.database.connection import make_engine
from tests.projects.helpers import copy_project, project_env


def test_the_machines_postgresql_serves_scratch_databases(tmp_path: Path) -> None:
    bindir = system_postgres.find_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL installed on this machine (.ci/run installs Debian's)")
    folder = tmp_path / "server"
    folder.mkdir()
    server = system_postgres.SystemPostgres(bindir, folder)
    try:
        url = scratch.create_database(server.get_uri(), "scratch_one")
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT current_database()")).scalar() == \
                    "scratch_one"
                # a Unix socket in the server's folder only: no TCP port to collide with
                assert conn.execute(sa.text("SHOW listen_addresses")).scalar() == ""
        finally:
            engine.dispose()
    finally:
        server.cleanup()
    pid = folder / "pgdata" / "postmaster.pid"
    assert not pid.exists()  # stopped


def test_no_scratch_server_is_one_line_naming_the_three_ways(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = copy_project("shop", tmp_path)
    monkeypatch.chdir(shop)
    monkeypatch.delenv("DRIFT_SCRATCH_URL", raising=False)
    for name in ("DATABASE_URL", "DRIFT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # a machine with neither pgserver nor a PostgreSQL installed
    monkeypatch.setattr(scratch, "_pgserver", lambda: None)
    monkeypatch.setattr(system_postgres, "find_bindir", lambda: None)
    run = CliRunner().invoke(main, ["check", "--no-cache"])
    assert run.exit_code == 2
    assert run.stderr.splitlines() == [
        "drift: error: no PostgreSQL to run a scratch database on: install drift's embedded "
        "server (pip install 'sqlalchemy-drift[embedded]'), or PostgreSQL on this machine "
        "(initdb on PATH or pg_config), or pass --scratch-url URL (or set DRIFT_SCRATCH_URL)"]


def test_drift_scratch_url_names_the_server(tmp_path: Path, pg_server) -> None:
    shop = copy_project("shop", tmp_path)
    env = project_env()
    unreachable = "postgresql://drift@127.0.0.1:9/nowhere?connect_timeout=2"
    runs = {url: subprocess.run([sys.executable, "-m", "drift", "check", "--no-cache"],
                                cwd=shop, env={**env, "DRIFT_SCRATCH_URL": url},
                                capture_output=True, text=True, timeout=300)
            for url in (unreachable, pg_server.admin_url)}
    refused = runs[unreachable]
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1, refused.stderr
    assert "127.0.0.1" in refused.stderr  # the server the variable names, not another one
    assert runs[pg_server.admin_url].returncode == 0, runs[pg_server.admin_url].stderr
