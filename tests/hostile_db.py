"""A hostile database for report tests: names and comments made to break HTML, Markdown,
XML and templates, and the ``drift report`` run on it (used by integration and browser tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from drift.cli.commands import main

# each fits PostgreSQL's 63-byte identifiers
TABLE = "t<script>alert(1)</script>|'{{ 7*7 }}`x`\""
COLUMN = "c|<img src=x onerror=alert(2)>`"
COMMENT = "<script>document.title='pwned'</script> | `code` {{ 7*7 }} \"q\" 'q' **b** [l](http://x)"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


HOSTILE_SQL = f"""
CREATE TABLE public.{quote_ident(TABLE)} (
    id integer PRIMARY KEY,
    {quote_ident(COLUMN)} text
);
COMMENT ON TABLE public.{quote_ident(TABLE)} IS {quote_literal(COMMENT)};
COMMENT ON COLUMN public.{quote_ident(TABLE)}.{quote_ident(COLUMN)} IS {quote_literal(COMMENT)};
CREATE TABLE public.plain (
    id integer PRIMARY KEY,
    t_id integer REFERENCES public.{quote_ident(TABLE)} (id)
);
"""

# the models disagree on the hostile column's type, so the hostile path is in the drift too
MODELS = f"""
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table({TABLE!r}, metadata,
         sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
         sa.Column({COLUMN!r}, sa.Integer, comment={COMMENT!r}),
         schema="public", comment={COMMENT!r})
"""


@dataclass(frozen=True)
class HostileReport:
    folder: Path  # reports/<date>/
    models: str  # the --models reference


def make_hostile_report(tmp_path: Path, database_url: str, run_sql) -> HostileReport:  # type: ignore[no-untyped-def]
    """Runs ``drift report`` on the hostile database (cwd and sys.path: ``tmp_path``)."""
    run_sql(HOSTILE_SQL)
    module = f"hostile_models_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(MODELS, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        [
            "report",
            "--url",
            database_url,
            "--models",
            f"{module}:metadata",
            "--schema",
            "public",
            "--output-dir",
            str(tmp_path / "reports"),
            "--date",
            "2026-11-26",
        ],
    )
    assert result.exit_code == 1, result.output
    return HostileReport(tmp_path / "reports" / "2026-11-26", f"{module}:metadata")
