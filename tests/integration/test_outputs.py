"""Every output follows its published JSON Schema, is written whole, and is safe on a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from modules import write_module

from drift.cli.commands import main
from drift.schemas import REPORT_SCHEMA, SNAPSHOT_SCHEMA, load_schema
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
    odds: Mapped[float] = mapped_column(sa.Numeric(6, 2), nullable=True)
"""

# a legacy table beside it: columns, keys, an index, a check, a comment, an enum and a sequence
LIVE_SQL = """
CREATE TYPE outcome AS ENUM ('won', 'lost');
CREATE SEQUENCE ticket_seq START 100;
CREATE TABLE bets (id integer PRIMARY KEY, stake integer, result outcome,
                   placed_at timestamptz DEFAULT now() CHECK (placed_at > '2000-01-01'));
CREATE INDEX ix_bets_stake ON bets (stake DESC NULLS LAST) WHERE stake > 0;
COMMENT ON TABLE bets IS 'every bet';
"""


pytestmark = pytest.mark.usefixtures("cli_isolated")


@pytest.fixture
def bets_db(database_url: str) -> str:
    execute_script(database_url, LIVE_SQL)
    return database_url


def write_models(tmp_path: Path, body: str = MODELS) -> str:
    return f"{write_module(tmp_path, 'output_models', body)}:Base"


def validate(name: str, data: Any) -> None:
    schema = load_schema(name)
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(data)


# --- JSON Schemas ---------------------------------------------------------------


def test_every_json_output_follows_its_schema(bets_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    (tmp_path / "drift.yaml").write_text(
        "expected:\n  - path: public.bets.result\n    reason: legacy\n    phase: 2\n"
        "    ticket: 1234\n    expires: 2099-01-01\n  - path: public.nothing\n    reason: stale\n",
        encoding="utf-8",
    )
    common = ["--url", bets_db, "-m", models, "--schema", "public"]
    runner = CliRunner()
    check = runner.invoke(main, ["check", *common, "-e", "drift.yaml", "--format", "json"])
    snap = runner.invoke(main, ["snapshot", "--url", bets_db, "--schema", "public",
                                "-o", "snap.json"])
    report = runner.invoke(main, ["report", *common, "-e", "drift.yaml", "--output-dir", "out"])
    assert [check.exit_code, snap.exit_code, report.exit_code] == [1, 0, 1], report.output
    data = json.loads(check.stdout)
    assert data["mismatches"] and data["stale_expectations"]  # the schema sees every part
    assert any(m["expectation"] for m in data["mismatches"])
    validate(REPORT_SCHEMA, data)
    (day,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    validate(REPORT_SCHEMA, json.loads((day / "drift.json").read_text(encoding="utf-8")))
    for path in (tmp_path / "snap.json", day / "snapshot.json"):
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert saved["snapshot"]["schemas"][0]["tables"][0]["indexes"]
        validate(SNAPSHOT_SCHEMA, saved)
    # and the snapshot is read back (validated) by check and diff
    again = runner.invoke(main, ["check", "--snapshot", "snap.json", "-m", models,
                                 "--schema", "public"])
    assert again.exit_code == 1, again.output
    same = runner.invoke(main, ["diff", "snap.json", str(day)])
    assert same.exit_code == 0, same.output


def test_the_schemas_are_strict(tmp_path: Path) -> None:
    report = load_schema(REPORT_SCHEMA)
    snapshot = load_schema(SNAPSHOT_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format_version": 1}, report)
    for extra in ({"format_version": 1, "snapshot": None}, {"format_version": "1"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(extra, snapshot)


# --- driver forms ---------------------------------------------------------------


@pytest.mark.parametrize("driver", ["asyncpg", "psycopg", "psycopg_async", "pg8000"])
def test_driver_forms_are_read_with_psycopg2(driver: str, bets_db: str, tmp_path: Path) -> None:
    url = bets_db.replace("postgresql+psycopg2://", f"postgresql+{driver}://")
    assert url != bets_db
    result = CliRunner().invoke(main, ["snapshot", "--url", url, "--schema", "public"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["snapshot"]["schemas"][0]["tables"][0]["name"] == "bets"


# --- outputs that are not regular files --------------------------------------


def test_a_named_pipe_is_written_in_place(bets_db: str, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(main, ["snapshot", "--url", bets_db, "--schema", "public",
                                       "-o", str(pipe)])
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert json.loads(received[0])["format_version"] == 1
    assert pipe.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_a_link_to_dev_null_stays_one(bets_db: str, tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(os.devnull)
    result = CliRunner().invoke(main, ["snapshot", "--url", bets_db, "--schema", "public",
                                       "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.is_char_device()
    assert Path(os.devnull).is_char_device()
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


# --- temporary files of a killed run ----------------------------------------------


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_temporary_files_of_a_dead_run_are_removed(bets_db: str, tmp_path: Path) -> None:
    dead = tmp_path / f".snap.json.{_dead_pid()}.k3j2h1.tmp"
    dead.write_text('{"half": ', encoding="utf-8")
    alive_writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive = tmp_path / f".snap.json.{alive_writer.pid}.a8b7c6.tmp"
        alive.write_text("still being written", encoding="utf-8")
        other = tmp_path / ".notes.txt.swp"
        other.write_text("not drift's", encoding="utf-8")
        result = CliRunner().invoke(main, ["snapshot", "--url", bets_db, "--schema", "public",
                                           "-o", "snap.json"])
        assert result.exit_code == 0, result.output
        assert not dead.exists()
        assert alive.exists() and other.exists()
    finally:
        alive_writer.kill()
        alive_writer.wait()


# --- two reports at once ----------------------------------------------------------


def test_two_reports_at_once_both_reach_the_index(bets_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    env["PYTHONPATH"] = str(tmp_path)
    for attempt in range(3):
        out = tmp_path / f"reports{attempt}"
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "drift", "report", "--url", bets_db, "-m", models,
                 "--schema", "public", "--output-dir", str(out), "--date", day],
                cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for day in ("2026-03-02", "2026-03-09")
        ]
        for run in runs:
            stdout, stderr = run.communicate(timeout=300)
            assert run.returncode == 1, stderr
        index = (out / "index.md").read_text(encoding="utf-8")
        assert "2026-03-02" in index and "2026-03-09" in index, index
        assert sorted(p.name for p in out.iterdir()) == [
            ".drift.lock", "2026-03-02", "2026-03-09", "index.html", "index.md"]


# --- names on a terminal ------------------------------------------------------------


HOSTILE = ["ansi\x1b[31mRED", "bell\x07", "carriage\rreturn", "two\nFAIL: forged line"]


def test_control_characters_in_names_are_escaped(database_url: str, tmp_path: Path) -> None:
    execute_script(database_url, "".join(
        f'CREATE TABLE "{name}" (id integer);' for name in HOSTILE))
    models = write_models(tmp_path)
    args = ["-m", "drift", "check", "--url", database_url, "-m", models, "--schema", "public"]
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True,
                          timeout=300)
    assert done.returncode == 1, done.stderr
    out = done.stdout.decode("utf-8")
    for char in ("\x1b", "\x07", "\r"):
        assert char not in out
    assert not any(line.startswith("FAIL: forged") for line in out.splitlines())
    for shown in ("ansi\\x1b[31mRED", "bell\\x07", "carriage\\rreturn", "two\\nFAIL: forged"):
        assert shown in out
    # on a terminal (colour on): drift's own styles stay, the names' codes do not
    colored = CliRunner().invoke(main, args[2:], color=True)
    assert "\x1b[1m" in colored.stdout and "\x1b[31mRED" not in colored.stdout
    assert "ansi\\x1b[31mRED" in colored.stdout
