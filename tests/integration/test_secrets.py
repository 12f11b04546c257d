"""Passwords never appear in output, wherever the URL carries them; postgres:// is PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drift.cli.commands import main
from drift.sources.database.connection import parse_url, redact_url

MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
"""


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@h/db", "postgresql://u:***@h/db"),
        ("postgresql:///db?user=u&password=s3cret", "postgresql:///db?password=***&user=u"),
        ("postgres://u@h/db?sslpassword=s3cret", "postgresql://u@h/db?sslpassword=***"),
        ("postgresql://u:@h/db", "postgresql://u@h/db"),
    ],
)
def test_redacted_urls(url: str, shown: str) -> None:
    assert redact_url(parse_url(url)) == shown


def test_postgres_scheme_is_postgresql() -> None:
    assert parse_url("postgres://u@h/db").drivername == "postgresql+psycopg2"


def _query_url(database_url: str, role: str, password: str) -> str:
    """The password as a libpq query parameter, not in user:password@."""
    base = parse_url(database_url).set(username=None, password=None)
    return base.update_query_dict({"user": role, "password": password}).render_as_string(
        hide_password=False
    )


def test_a_query_string_password_appears_in_no_output(
    run_sql, database_url: str, password_role: str, tmp_path: Path, monkeypatch
) -> None:
    run_sql("CREATE TABLE teams (id serial PRIMARY KEY, name text)")
    (tmp_path / "secret_models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    common = ("-m", "secret_models:Base", "--schema", "public")
    wrong_url = _query_url(database_url, password_role, "wrong-XYZ")
    wrong = runner.invoke(main, ["check", "--url", wrong_url, *common])
    right_url = _query_url(database_url, password_role, "right-password")
    runs = [
        runner.invoke(main, ["check", "--url", right_url, *common]),
        runner.invoke(main, ["check", "--url", right_url, *common, "--format", "json"]),
        runner.invoke(main, ["snapshot", "--url", right_url, "--schema", "public", "-o", "s.json"]),
    ]
    assert wrong.exit_code == 2 and "password authentication failed" in wrong.stderr
    assert "wrong-XYZ" not in wrong.stdout + wrong.stderr
    assert [r.exit_code for r in runs] == [1, 1, 0], [r.output for r in runs]
    assert "password=***" in json.loads(runs[1].stdout)["database"]["url"]
    for run in runs:
        assert "right-password" not in run.stdout + run.stderr
    assert "right-password" not in (tmp_path / "s.json").read_text()
