"""The command line on the new kinds: `drift check`, `drift explain` and an expectations file
naming a domain, an exclusion constraint and the new attributes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drift.cli.commands import main

DATABASE_SQL = """
CREATE DOMAIN public.percent AS numeric(5,2)
    CONSTRAINT percent_min CHECK (VALUE >= 0)
    CONSTRAINT percent_max CHECK (VALUE <= 100);
CREATE TABLE public.grade (
    id integer NOT NULL,
    score public.percent,
    during tstzrange,
    label text COLLATE "C"
);
ALTER TABLE ONLY public.grade ADD CONSTRAINT grade_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.grade ADD CONSTRAINT grade_during_excl EXCLUDE USING gist (during WITH &&);
ALTER DOMAIN public.percent DROP CONSTRAINT percent_max;
"""

MODELS_BODY = """
from decimal import Decimal

from sqlalchemy import Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import DOMAIN, TSTZRANGE
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Percent = DOMAIN("percent", Numeric(5, 2), check="VALUE >= 0 AND VALUE <= 100")


class Base(DeclarativeBase):
    pass


class Grade(Base):
    __tablename__ = "grade"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    score: Mapped[Decimal | None] = mapped_column(Percent)
    during = mapped_column(TSTZRANGE)
    label: Mapped[str | None] = mapped_column(Text)
"""


pytestmark = pytest.mark.usefixtures("cli_isolated")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def common(url: str, tmp_path: Path) -> tuple[str, ...]:
    name = f"cli_kinds_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{name}.py").write_text(MODELS_BODY, encoding="utf-8")
    return ("--url", url, "-m", f"{name}:Base", "--schema", "public")


def test_check_explain_and_expect_on_the_new_kinds(  # type: ignore[no-untyped-def]
    run_sql, database_url: str, tmp_path: Path
) -> None:
    run_sql(DATABASE_SQL)
    args = common(database_url, tmp_path)
    result = invoke("check", *args, "--format", "json")
    assert result.exit_code == 1, result.output
    found = {(m["object_type"], m["attribute"], m["path"]): m
             for m in json.loads(result.stdout)["mismatches"]}
    assert sorted(found) == [
        ("column", "collation", "public.grade.label"),
        ("domain", "checks", "public.percent"),
        ("exclusion_constraint", None, "public.grade.grade_during_excl"),
    ]
    checks = found[("domain", "checks", "public.percent")]
    assert (checks["models"], checks["database"]) == (["value <= 100", "value >= 0"],
                                                      ["value >= 0"])
    collation = found[("column", "collation", "public.grade.label")]
    assert (collation["models"], collation["database"]) == (None, '"C"')

    explained = invoke("explain", checks["id"], *args)
    assert explained.exit_code == 0, explained.output
    fields = {k: v.strip() for k, v in
              # the fields, up to the blank line before the next step
              (line.split(":", 1) for line in explained.stdout.split("\n\n")[0].splitlines())}
    assert fields["object type"] == "domain"
    assert fields["attribute"] == "checks"
    assert fields["database normalised"] == "(value >= 0)"
    assert fields["database as read"] == "(VALUE >= (0)::numeric)"
    assert fields["models normalised"] == "(value <= 100, value >= 0)"
    assert "AND-ed" in fields["rule"]

    text = invoke("check", *args)
    assert '"C"' in text.stdout and "'\"C\"'" not in text.stdout

    expectations = tmp_path / "expectations.yaml"
    expectations.write_text(
        "expected:\n"
        "  - path: public.percent\n"
        "    object_type: domain\n"
        "    attribute: checks\n"
        "    reason: the upper bound moves to the application\n"
        "  - path: public.grade.*\n"
        "    object_type: exclusion_constraint\n"
        "    change: only_in_database\n"
        "    reason: kept by the booking service\n"
        "  - path: public.grade.label\n"
        "    attribute: collation\n"
        "    reason: sorted bytewise on purpose\n",
        encoding="utf-8")
    accepted = invoke("check", *args, "--expectations", expectations, "--strict")
    assert accepted.exit_code == 0, accepted.output
