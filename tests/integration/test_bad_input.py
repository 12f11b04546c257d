"""Every bad input is one line on stderr, exit status 2, no traceback and no file left behind.

One row per hostile input an attack run tried: the URL, the config, a saved
snapshot, the expectations file, the Alembic environment, the paths given on
the command line, and the database itself (its encoding, a server that never
answers).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from modules import write_module

from drift.cli.commands import main
from drift.schema import (
    Column,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
)
from drift.sources.scratch import execute_script

MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Bet(Base):
    __tablename__ = "bets"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    stake: Mapped[int] = mapped_column(sa.Integer, nullable=True)
"""

BETS_SQL = "CREATE TABLE bets (id integer PRIMARY KEY, stake integer);"


pytestmark = pytest.mark.usefixtures("cli_isolated")


def write_models(tmp_path: Path, body: str = MODELS) -> str:
    return f"{write_module(tmp_path, 'bad_input_models', body)}:Base"


def snapshot_data() -> dict[str, Any]:
    """A valid saved snapshot (as `drift snapshot` writes it) of the bets table, as JSON data."""
    bets = Table(
        "bets",
        columns=(Column("id", "integer", nullable=False), Column("stake", "integer")),
        primary_key=PrimaryKey("bets_pkey", ("id",)),
        indexes=(Index("ix_bets_stake", (IndexElement("stake"),)),),
    )
    snap = Snapshot("database", (Schema("public", (bets,)),), "16.4", "postgresql://u@h/db")
    data: dict[str, Any] = json.loads(snap.to_json())
    return data


def bets_table(data: dict[str, Any]) -> dict[str, Any]:
    table: dict[str, Any] = data["snapshot"]["schemas"][0]["tables"][0]
    return table


# --- the cases ------------------------------------------------------------------


@dataclass(frozen=True)
class Env:
    tmp: Path
    url: str  # a fresh database with the bets table
    models: str

    def snapshot_file(self, edit: Callable[[dict[str, Any]], None]) -> Path:
        data = snapshot_data()
        edit(data)
        path = self.tmp / "hostile.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    def check_snapshot(self, edit: Callable[[dict[str, Any]], None]) -> list[str]:
        return ["check", "--snapshot", str(self.snapshot_file(edit)), "-m", self.models,
                "--schema", "public"]

    def diff_snapshot(self, edit: Callable[[dict[str, Any]], None]) -> list[str]:
        good = self.tmp / "good.json"
        good.write_text(json.dumps(snapshot_data()), encoding="utf-8")
        return ["diff", str(good), str(self.snapshot_file(edit))]

    def check(self, *extra: str) -> list[str]:
        return ["check", "--url", self.url, "-m", self.models, "--schema", "public", *extra]

    def expectations(self, text: str | bytes) -> list[str]:
        path = self.tmp / "drift.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return self.check("-e", str(path))


Build = Callable[[Env], list[str]]


def _set(*keys: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


def _del(*keys: Any) -> Callable[[dict[str, Any]], None]:
    def edit(data: dict[str, Any]) -> None:
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return edit


TABLE = ("snapshot", "schemas", 0, "tables", 0)

ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
            for i in range(8)
        ),
        "expected:",
        "  - path: public.bets",
        "    reason: *i",
        "",
    ]
)

VERSIONS_NOT_A_REVISION = "# notes about the squash we planned\nsquash_after = release_2024\n"


def _migrations(env: Env, env_py_prefix: str = "", versions_file: str | None = None) -> list[str]:
    from alembic import command
    from alembic.config import Config

    folder = env.tmp / "migrations"
    command.init(Config(str(folder / "alembic.ini")), str(folder))
    if env_py_prefix:
        env_py = folder / "env.py"
        env_py.write_text(env_py_prefix + env_py.read_text(encoding="utf-8"), encoding="utf-8")
    if versions_file is not None:
        (folder / "versions" / "notes.py").write_text(versions_file, encoding="utf-8")
    # the database lacks a column the models declare: a plan has a revision to write
    execute_script(env.url, "ALTER TABLE bets DROP COLUMN stake")
    return ["plan", "--url", env.url, "-m", env.models, "--schema", "public",
            "--migrations", str(folder)]


DEEP = 100_000  # levels of nesting: past any recursion limit


def _alembic_ini(text: str) -> Build:
    def build(env: Env) -> list[str]:
        args = _migrations(env)
        (env.tmp / "migrations" / "alembic.ini").write_text(text, encoding="utf-8")
        return args

    return build


def _deep_snapshot(env: Env, command: str) -> list[str]:
    path = env.tmp / "deep.json"
    path.write_text('{"snapshot": ' * DEEP + "1" + "}" * DEEP, encoding="utf-8")
    if command == "diff":
        return ["diff", str(path), str(path)]
    return ["check", "--snapshot", str(path), "-m", env.models, "--schema", "public"]


def _deep_earlier_report(env: Env) -> list[str]:
    earlier = env.tmp / "reports" / "2024-01-01"
    earlier.mkdir(parents=True)
    (earlier / "drift.json").write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    return ["report", "--url", env.url, "-m", env.models, "--schema", "public",
            "--output-dir", str(env.tmp / "reports")]


def _pyproject(text: str) -> Build:
    def build(env: Env) -> list[str]:
        (env.tmp / "pyproject.toml").write_text(text, encoding="utf-8")
        return ["check", "--url", env.url, "-m", env.models, "--schema", "public"]

    return build


def _pyproject_not_utf8(env: Env) -> list[str]:
    (env.tmp / "pyproject.toml").write_bytes(b'[tool.drift]\nurl = "postgresql:///caf\xe9"\n')
    return ["check", "-m", env.models]


def _models_import_error_with_password(env: Env) -> list[str]:
    name = f"leaky_models_{uuid.uuid4().hex[:8]}"
    (env.tmp / f"{name}.py").write_text(
        "raise RuntimeError('could not reach postgresql://app:Hunter2Secret@db.internal/prod')\n",
        encoding="utf-8",
    )
    return ["check", "--url", env.url, "-m", f"{name}:Base", "--schema", "public"]


def _models_dsn_password(env: Env) -> list[str]:
    name = f"leaky_dsn_{uuid.uuid4().hex[:8]}"
    (env.tmp / f"{name}.py").write_text(
        "raise ValueError(\"bad DSN 'host=db user=app password=Hunter2Secret dbname=x'\")\n",
        encoding="utf-8",
    )
    return ["check", "--url", env.url, "-m", f"{name}:Base", "--schema", "public"]


def _a_directory(env: Env) -> Path:
    folder = env.tmp / "a_folder"
    folder.mkdir(exist_ok=True)
    return folder


def _a_file(env: Env) -> Path:
    path = env.tmp / "a_file"
    path.write_text("", encoding="utf-8")
    return path


CASES: dict[str, tuple[Build, str]] = {
    # URL
    "url: unknown driver": (
        lambda e: ["snapshot", "--url", "postgresql+nosuchdriver://u@localhost/db"],
        "nosuchdriver",
    ),
    # config
    "config: pyproject.toml not UTF-8": (_pyproject_not_utf8, "not UTF-8"),
    "config: TOML nested 100,000 deep": (
        _pyproject("[tool.drift]\nx = " + "[" * DEEP + "]" * DEEP + "\n"), "pyproject.toml"),
    "config: connect_timeout = inf": (
        _pyproject("[tool.drift]\nconnect_timeout = inf\n"), "connect_timeout"),
    "config: connect_timeout = nan": (
        _pyproject("[tool.drift]\nconnect_timeout = nan\n"), "connect_timeout"),
    # nested past any recursion limit
    "snapshot: nested 100,000 deep (check)": (lambda e: _deep_snapshot(e, "check"), "deep.json"),
    "snapshot: nested 100,000 deep (diff)": (lambda e: _deep_snapshot(e, "diff"), "deep.json"),
    "report: an earlier report nested 100,000 deep": (_deep_earlier_report, "drift.json"),
    # alembic.ini
    "environment: alembic.ini with a bad %(...)s": (
        _alembic_ini("[alembic]\nscript_location = %(nowhere)s/migrations\n"), "alembic.ini"),
    "environment: alembic.ini that is not an ini file": (
        _alembic_ini("script_location: migrations\n- a YAML list, not an ini file\n"),
        "alembic.ini"),
    # snapshot
    "snapshot: column named with a number": (
        lambda e: e.check_snapshot(_set(*TABLE, "columns", 0, "name", value=123)),
        "name",
    ),
    "snapshot: columns null (check)": (
        lambda e: e.check_snapshot(_set(*TABLE, "columns", value=None)),
        "columns",
    ),
    "snapshot: columns null (diff)": (
        lambda e: e.diff_snapshot(_set(*TABLE, "columns", value=None)),
        "columns",
    ),
    "snapshot: table without columns": (
        lambda e: e.check_snapshot(_del(*TABLE, "columns")),
        "columns",
    ),
    "snapshot: format_version 99": (
        lambda e: e.check_snapshot(_set("format_version", value=99)),
        "format_version",
    ),
    "snapshot: format_version '1'": (
        lambda e: e.diff_snapshot(_set("format_version", value="1")),
        "format_version",
    ),
    "snapshot: malformed index element (check)": (
        lambda e: e.check_snapshot(_set(*TABLE, "indexes", 0, "elements", value=[5])),
        "elements",
    ),
    "snapshot: malformed index element (diff)": (
        lambda e: e.diff_snapshot(_set(*TABLE, "indexes", 0, "elements", value=[5])),
        "elements",
    ),
    # expectations
    "expectations: reason is a number": (
        lambda e: e.expectations("expected:\n  - path: public.bets\n    reason: 5\n"),
        "drift.yaml:3",
    ),
    "expectations: empty file": (lambda e: e.expectations(""), "empty"),
    "expectations: undeclared phase, phases: []": (
        lambda e: e.expectations(
            "phases: []\nexpected:\n  - path: public.bets\n    reason: later\n    phase: 3\n"
        ),
        "drift.yaml:5",
    ),
    "expectations: not UTF-8": (
        lambda e: e.expectations(b"expected:\n  - path: public.caf\xe9\n    reason: x\n"),
        "not UTF-8",
    ),
    "expectations: alias bomb": (lambda e: e.expectations(ALIAS_BOMB), "alias"),
    # environment
    "environment: a file in versions/ that is not a revision": (
        lambda e: _migrations(e, versions_file=VERSIONS_NOT_A_REVISION),
        "notes.py",
    ),
    "environment: env.py whose own import fails": (
        lambda e: _migrations(e, env_py_prefix="import myapp_settings_that_is_not_installed\n"),
        "myapp_settings_that_is_not_installed",
    ),
    # paths
    "paths: -o is a directory (check)": (
        lambda e: e.check("-o", str(_a_directory(e))),
        "is a directory",
    ),
    "paths: -o is a directory (snapshot)": (
        lambda e: ["snapshot", "--url", e.url, "-o", str(_a_directory(e))],
        "is a directory",
    ),
    "paths: -e is a directory": (
        lambda e: e.check("-e", str(_a_directory(e))),
        "is a directory",
    ),
    "paths: --snapshot is a directory": (
        lambda e: ["check", "--snapshot", str(_a_directory(e)), "-m", e.models],
        "is a directory",
    ),
    "paths: --config is a directory": (
        lambda e: e.check("--config", str(_a_directory(e))),
        "is a directory",
    ),
    "paths: --summary is a directory": (
        lambda e: [*_migrations(e), "--summary", str(_a_directory(e))],
        "is a directory",
    ),
    "paths: --output-dir is a file": (
        lambda e: ["report", "--url", e.url, "-m", e.models, "--output-dir", str(_a_file(e))],
        "is not a directory",
    ),
    # exceptions' text is redacted
    "secrets: a models import error with a URL password": (
        _models_import_error_with_password,
        "postgresql://app:***@db.internal/prod",
    ),
    "secrets: a models import error with a DSN password": (
        _models_dsn_password,
        "password=***",
    ),
}


def files_under(root: Path) -> set[Path]:
    # the models' cache (content-keyed, valid whatever the rest of the run does) may be
    # written before a bad input is read: it is not an output of the run
    # nor is the reports folder's lock file (empty, kept for the next run to lock)
    return {p for p in root.rglob("*")
            if "__pycache__" not in p.parts and ".drift_cache" not in p.parts
            and p.name != ".drift.lock"}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_line_and_exit_2(
    case: str, tmp_path: Path, database_url: str
) -> None:
    execute_script(database_url, BETS_SQL)
    env = Env(tmp_path, database_url, write_models(tmp_path))
    build, fragment = CASES[case]
    args = build(env)
    before = files_under(tmp_path)
    result = CliRunner().invoke(main, args)
    assert_one_line_error(result, fragment)
    assert "Hunter2Secret" not in result.stderr + result.stdout
    assert files_under(tmp_path) == before, "a file was left behind"


def assert_one_line_error(result: Result, fragment: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("drift: error: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert isinstance(result.exception, SystemExit), result.exception


# --- the database itself --------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "snapshot", "report"])
def test_a_sql_ascii_database_with_a_latin1_name(
    command: str, pg_server: Any, tmp_path: Path
) -> None:
    """SQL_ASCII stores bytes without an encoding: a name that is not UTF-8 is one line."""
    from drift.sources.scratch import _autocommit

    name = f"drift_ascii_{uuid.uuid4().hex[:8]}"
    _autocommit(pg_server.admin_url, "CREATE DATABASE {} TEMPLATE template0 "
                "ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'", name)
    try:
        url = pg_server.url(name)
        # psql would send these bytes as they are: the server does no conversion on SQL_ASCII
        import psycopg2
        from sqlalchemy.engine import make_url

        conn = psycopg2.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
        with conn, conn.cursor() as cur:
            cur.execute(b'CREATE TABLE "caf\xe9" (id integer)')
        conn.close()
        env = Env(tmp_path, url, write_models(tmp_path))
        args = {
            "check": env.check(),
            "snapshot": ["snapshot", "--url", url, "--schema", "public", "-o", "s.json"],
            "report": ["report", "--url", url, "-m", env.models, "--schema", "public"],
        }[command]
        before = files_under(tmp_path)
        result = CliRunner().invoke(main, args)
        assert_one_line_error(result, "0xe9")
        assert files_under(tmp_path) == before
    finally:
        from drift.sources.scratch import drop_database

        drop_database(pg_server.admin_url, name)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for s in accepted:
            s.close()
        listener.close()


def _drift(*args: str, cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-m", "drift", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_a_server_that_never_answers_times_out_by_default(
    silent_server: int, tmp_path: Path
) -> None:
    url = f"postgresql://u@127.0.0.1:{silent_server}/db"
    # bounded: the default timeout is 10 s; without one this would hang until killed
    result = _drift("snapshot", "--url", url, cwd=tmp_path, timeout=90)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "timeout" in result.stderr, result.stderr


def test_connect_timeout_flag_and_setting(silent_server: int, tmp_path: Path) -> None:
    url = f"postgresql://u@127.0.0.1:{silent_server}/db"
    flag = _drift("snapshot", "--url", url, "--connect-timeout", "2", cwd=tmp_path, timeout=60)
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.drift]\nurl = "{url}"\nconnect_timeout = 2\n', encoding="utf-8"
    )
    setting = _drift("snapshot", cwd=tmp_path, timeout=60)
    for result in (flag, setting):
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "timeout" in result.stderr, result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "abc", "inf", "nan", "1e400"])
def test_a_bad_connect_timeout_is_one_line(value: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["snapshot", "--url", "postgresql://u@h/db", "--connect-timeout", value]
    )
    assert_one_line_error(result, "connect")


@pytest.mark.parametrize(("args", "fragment"), [
    (["check", "--format", "nope"], "--format"),
    (["report", "--date", "2026-13-45"], "--date"),
    (["plan", "--phase", "x"], "--phase"),
    (["check", "--migrations", "pyproject.toml"], "--migrations"),
    (["chek"], "chek"),
    (["--no-such-flag"], "--no-such-flag"),
])
def test_a_usage_error_is_one_line(args: list[str], fragment: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.drift]\n", encoding="utf-8")
    assert_one_line_error(CliRunner().invoke(main, args), fragment)


def test_a_long_value_is_not_echoed_whole() -> None:
    value = "x" * 100_000
    result = CliRunner().invoke(main, ["plan", "--url", "postgresql://u@h/db", "-m", "m",
                                       "--rename", value])
    assert_one_line_error(result, "--rename")
    assert len(result.stderr) < 3_000


@pytest.mark.parametrize("entry", ["wrong types", "nested 100,000 deep", "not JSON"])
def test_a_bad_cache_entry_is_a_miss(entry: str, tmp_path: Path, database_url: str) -> None:
    """A cache entry is a shortcut: one drift cannot read is rebuilt, never an error."""
    execute_script(database_url, BETS_SQL)
    args = Env(tmp_path, database_url, write_models(tmp_path)).check()
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.stderr
    entries = list((tmp_path / ".drift_cache").glob("*.json"))
    assert entries
    for path in entries:
        data = json.loads(path.read_text(encoding="utf-8"))
        text = {
            "wrong types": json.dumps({"format": data["format"], "key": data["key"],
                                       "built": 5, "schemas": {"a": [1]}, "files": [1, 2],
                                       "snapshot": {"schemas": 7}}),
            "nested 100,000 deep": "[" * DEEP + "]" * DEEP,
            "not JSON": "\x00\xff{",
        }[entry]
        path.write_text(text, encoding="utf-8")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, (again.stderr, again.exception)
    assert "(from the cache)" not in again.stdout
    assert again.stdout.splitlines()[1:] == first.stdout.splitlines()[1:]
