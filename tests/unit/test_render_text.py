"""The text and JSON reports of drift check, on hand-built results (no database)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import click
import pytest

from drift import schema as s
from drift.api import CheckConfig, CheckResult
from drift.errors import DriftError
from drift.mismatch import (
    Change,
    Classification,
    Expectation,
    Finding,
    Mismatch,
    ObjectType,
    Severity,
    Status,
)
from drift.render import FORMATS, render
from drift.render.describe import describe
from drift.render.text import relative, render_text, render_text_plain

SECRET = "s3cr3t-pw"

PRICE_TYPE = Mismatch(
    ObjectType.COLUMN,
    Change.DIFFERS,
    "public",
    "odds",
    "price",
    "type",
    "numeric(10,2)",
    "double precision",
    Severity.ERROR,
    hint="a lossy type change",
)
LEGACY_FLAG = Mismatch(
    ObjectType.COLUMN,
    Change.ONLY_IN_DATABASE,
    "public",
    "odds",
    "legacy_flag",
    None,
    None,
    s.Column("legacy_flag", "boolean", nullable=False, default="false"),
    Severity.INFO,
)
DNA_TABLE = Mismatch(
    ObjectType.TABLE,
    Change.ONLY_IN_MODELS,
    "quantum",
    "dna_profile",
    None,
    None,
    s.Table("dna_profile", columns=(s.Column("id", "integer"),), declared_by="models.q:Dna"),
    None,
    Severity.WARNING,
)
MOOD_ENUM = Mismatch(
    ObjectType.ENUM,
    Change.ONLY_IN_MODELS,
    "quantum",
    None,
    "mood",
    None,
    s.EnumType("mood", ("up", "down")),
    None,
    Severity.WARNING,
)
OLD_EXPIRES = Mismatch(
    ObjectType.COLUMN,
    Change.DIFFERS,
    "public",
    "teams",
    "name",
    "nullable",
    False,
    True,
    Severity.WARNING,
)

LEGACY_OK = Expectation(
    "public.odds.legacy_flag",
    "dropped in the long term",
    phase=4,
    ticket="DNA-12",
    source="drift.yaml:3",
)
QUANTUM_OK = Expectation("quantum.*", "Quantum DNA 2.0 is not deployed yet", phase=2)
TEAMS_EXPIRED = Expectation(
    "public.teams.name", "backfill first", expires=date(2026, 1, 1), source="drift.yaml:9"
)
STALE = Expectation(
    "public.old_*", "old tables go away", object_type=ObjectType.TABLE, source="drift.yaml:14"
)


def make_result(
    findings: tuple[Finding, ...], stale: tuple[Expectation, ...] = (), strict: bool = False
) -> CheckResult:
    config = CheckConfig(
        url=f"postgresql://me:{SECRET}@db.example/prod",
        models=("models.sports:Base",),
        expectations=Path("drift.yaml"),
        schemas=("public", "quantum"),  # as run_check resolves them
        strict=strict,
    )
    return CheckResult(
        config=config,
        database=s.Snapshot(
            "database", server_version="16.4", source=f"postgresql://me:{SECRET}@db.example/prod"
        ),
        models=s.Snapshot("models", source="models.sports:Base"),
        mismatches=tuple(f.mismatch for f in findings),
        classification=Classification(findings=findings, stale=stale),
        generated_at=datetime(2026, 11, 26, 12, 0, tzinfo=UTC),
    )


FULL = make_result(
    (
        Finding(PRICE_TYPE, Status.UNEXPECTED),
        Finding(LEGACY_FLAG, Status.EXPECTED, LEGACY_OK),
        Finding(DNA_TABLE, Status.EXPECTED, QUANTUM_OK),
        Finding(MOOD_ENUM, Status.EXPECTED, QUANTUM_OK),
        Finding(OLD_EXPIRES, Status.UNEXPECTED, TEAMS_EXPIRED, expired=True),
    ),
    stale=(STALE,),
)


@pytest.mark.parametrize(
    ("value", "attribute", "text"),
    [
        (s.Column("n", "integer", nullable=False, default="0"), None, "integer NOT NULL DEFAULT 0"),
        (s.Column("id", "integer", nullable=False, serial=True), None, "integer SERIAL NOT NULL"),
        (
            s.Column("id", "bigint", nullable=False, identity="always"),
            None,
            "bigint GENERATED ALWAYS AS IDENTITY NOT NULL",
        ),
        (s.Column("c", "text", comment="hi"), None, "text COMMENT 'hi'"),
        (s.PrimaryKey("pk", ("a", "b")), None, "PRIMARY KEY (a, b)"),
        (
            s.ForeignKey("fk", ("team_id",), "public", "teams", ("id",), on_delete="CASCADE"),
            None,
            "FOREIGN KEY (team_id) REFERENCES public.teams (id) ON DELETE CASCADE",
        ),
        (s.UniqueConstraint("u", ("a",)), None, "UNIQUE (a)"),
        (s.CheckConstraint("ck", "price > 0"), None, "CHECK (price > 0)"),
        (
            s.Index(
                "ix",
                (s.IndexElement("a"), s.IndexElement("lower(b)", is_column=False, descending=True)),
                unique=True,
                where="a > 0",
            ),
            None,
            "UNIQUE INDEX (a, (lower(b)) DESC) WHERE a > 0",
        ),
        (s.Index("ix", (s.IndexElement("doc"),), method="gin"), None, "INDEX USING gin (doc)"),
        (s.EnumType("mood", ("up", "down")), None, "ENUM ('up', 'down')"),
        (s.Sequence("seq", start=10), None, "SEQUENCE bigint START 10 INCREMENT 1"),
        (s.View("v", materialized=True), None, "MATERIALIZED VIEW with 0 column(s)"),
        # collations are stored as quote_ident() prints them: shown once quoted
        (s.Column("code", "text", collation='"C"'), None, 'text COLLATE "C"'),
        (s.Column("code", "text", collation="public.de_phonebook"), None,
         "text COLLATE public.de_phonebook"),
        (s.PrimaryKey("pk", ("id",), deferrable=True, initially_deferred=True), None,
         "PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED"),
        (s.UniqueConstraint("u", ("a",), deferrable=True), None, "UNIQUE (a) DEFERRABLE"),
        (s.CheckConstraint("ck", "price > 0", validated=False), None,
         "CHECK (price > 0) NOT VALID"),
        (s.ForeignKey("fk", ("a",), "public", "t", ("id",), validated=False), None,
         "FOREIGN KEY (a) REFERENCES public.t (id) NOT VALID"),
        (s.ExclusionConstraint("x", (s.IndexElement("room"), s.IndexElement("during")),
                               ("=", "&&"), where="NOT cancelled"), None,
         "EXCLUDE USING gist (room WITH =, during WITH &&) WHERE NOT cancelled"),
        (s.Domain("percent", "numeric(5,2)", nullable=False, default="0", collation=None,
                  checks=("value <= 100", "value >= 0")), None,
         "DOMAIN numeric(5,2) DEFAULT 0 NOT NULL CHECK (value <= 100) CHECK (value >= 0)"),
        (s.Domain("code", "text", collation='"C"'), None, 'DOMAIN text COLLATE "C"'),
        (False, "nullable", "NOT NULL"),
        (True, "nullable", "NULL"),
        (True, "unique", "true"),
        (None, "default", "(none)"),
        (("a", "b"), "columns", "(a, b)"),
        ("character varying(20)", "type", "character varying(20)"),
    ],
)
def test_describe_values_compactly(value: object, attribute: str | None, text: str) -> None:
    assert describe(value, attribute) == text


def test_header_counts_and_no_password() -> None:
    text = render_text_plain(FULL)
    lines = text.splitlines()
    assert lines[0] == "drift check: postgresql://me:***@db.example/prod (PostgreSQL 16.4)"
    assert "schemas: public, quantum" in lines
    assert "models: models.sports:Base" in lines
    assert "5 mismatch(es): 2 unexpected, 3 expected (1 error, 3 warning, 1 info)" in lines
    assert SECRET not in text


def test_unexpected_first_then_expected_grouped_by_schema_and_table() -> None:
    lines = render_text_plain(FULL, verbose=True).splitlines()
    order = [
        "UNEXPECTED (2)",
        "public.odds",
        "public.teams",
        "EXPECTED (3)",
        "public.odds",
        "quantum",
        "quantum.dna_profile",
        "STALE EXPECTATIONS (1): matched nothing",
        "EXPIRED EXPECTATIONS (1): counted as unexpected again",
    ]
    positions = []
    start = 0
    for heading in order:
        start = lines.index(heading, start)
        positions.append(start)
    assert positions == sorted(positions)


def test_each_finding_shows_both_sides_expectation_and_hint() -> None:
    text = render_text_plain(FULL, verbose=True)
    assert (
        f"  column price  differs: type  [error]  id {PRICE_TYPE.id}\n"
        "      models:   numeric(10,2)\n"
        "      database: double precision\n"
        "      hint: a lossy type change\n"
    ) in text
    assert (
        f"  column legacy_flag  only_in_database  [info]  id {LEGACY_FLAG.id}\n"
        "      models:   (absent)\n"
        "      database: boolean NOT NULL DEFAULT false\n"
        "      expected: dropped in the long term (phase 4, ticket DNA-12, drift.yaml:3)\n"
    ) in text
    assert "  table dna_profile  only_in_models  [warning]" in text
    assert "      models:   table with 1 column(s), declared by models.q:Dna\n" in text
    assert "      models:   NOT NULL\n      database: NULL\n" in text
    assert "      expired: backfill first (expires 2026-01-01, drift.yaml:9)\n" in text


def test_stale_and_expired_listed_at_the_end() -> None:
    text = render_text_plain(FULL)
    assert "  public.old_* [table]: old tables go away (drift.yaml:14)\n" in text
    assert (
        f"  public.teams.name [{OLD_EXPIRES.id}]: backfill first (expires 2026-01-01, drift.yaml:9)"
        in text
    )
    assert text.splitlines()[-1] == (
        "FAIL: 2 unexpected mismatch(es) "
        "(3 expected, 1 stale expectation(s), 1 expired expectation(s))"
    )


def test_verdicts() -> None:
    clean = make_result(())
    assert render_text_plain(clean).splitlines()[-1] == "OK: no unexpected drift (0 expected)"
    assert "0 mismatch(es): 0 unexpected, 0 expected" in render_text_plain(clean)
    expected_only = (Finding(LEGACY_FLAG, Status.EXPECTED, LEGACY_OK),)
    lenient = make_result(expected_only, stale=(STALE,))
    assert render_text_plain(lenient).splitlines()[-1] == (
        "OK: no unexpected drift (1 expected, 1 stale expectation(s))"
    )
    strict = make_result(expected_only, stale=(STALE,), strict=True)
    assert render_text_plain(strict).splitlines()[-1] == (
        "FAIL: 1 stale expectation(s) (--strict) (1 expected, 1 stale expectation(s))")
    # without --strict, a stale entry is no cause: the verdict never says "--strict" then
    assert "--strict" not in render_text_plain(lenient)


def test_each_cause_of_failure_has_its_own_line() -> None:
    from dataclasses import replace

    from drift.result import DowngradeProblem, HistoryCheck

    expected_only = (Finding(LEGACY_FLAG, Status.EXPECTED, LEGACY_OK),)
    strict = make_result(expected_only, stale=(STALE,), strict=True)
    broken = replace(strict, history=HistoryCheck(("b2", "c3"), True, (
        DowngradeProblem("b2", "downgrade failed: no such table"),), 3, 3))
    assert render_text_plain(broken).splitlines()[-3:] == [
        "FAIL: the migration history: the migration history has 2 heads (b2, c3): merge "
        "them with `alembic merge heads` (1 expected, 1 stale expectation(s))",
        "FAIL: the migration history: revision b2: downgrade failed: no such table",
        "FAIL: 1 stale expectation(s) (--strict)",
    ]


def test_colour_only_in_the_coloured_variant() -> None:
    plain = render_text_plain(FULL)
    coloured = render_text(FULL)
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert click.unstyle(coloured) == plain
    assert render(FULL, "text") == plain
    assert render(FULL, "text", color=True) == coloured


def test_output_is_deterministic() -> None:
    shuffled = make_result(tuple(reversed(FULL.classification.findings)), stale=(STALE,))
    assert render_text_plain(shuffled) == render_text_plain(FULL)


def test_json_is_exactly_to_dict_in_contract_order() -> None:
    text = render(FULL, "json")
    data = json.loads(text)
    assert data == json.loads(json.dumps(FULL.to_dict()))
    assert list(data) == [
        "format_version",
        "generated_at",
        "database",
        "schemas",
        "summary",
        "mismatches",
        "stale_expectations",
        "expectations",
    ]
    assert text == json.dumps(FULL.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert data["mismatches"][1]["database"]["type"] == "boolean"


def test_registry() -> None:
    assert {"text", "json"} <= set(FORMATS)
    with pytest.raises(DriftError, match="unknown output format 'yaml'"):
        render(FULL, "yaml")


def test_expected_drift_is_summed_up_per_expectation_entry() -> None:
    lines = render_text_plain(FULL).splitlines()
    start = lines.index("EXPECTED (3), by expectation entry (-v lists each mismatch)")
    # phase order: the quantum entry (phase 2, two mismatches) before the phase 4 one
    assert lines[start + 1 : start + 3] == [
        "  2 × quantum.*: Quantum DNA 2.0 is not deployed yet (phase 2)",
        "  1 × public.odds.legacy_flag: dropped in the long term (phase 4, ticket DNA-12, "
        "drift.yaml:3)",
    ]
    assert lines[start + 3] == ""
    # the unexpected drift is still listed mismatch by mismatch, first
    assert lines.index("UNEXPECTED (2)") < start
    assert "      models:   numeric(10,2)" in lines[: start]


def test_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "ops" / "expectations.yaml"
    entry = replace(LEGACY_OK, source=f"{plan}:3")
    result = replace(
        make_result((Finding(LEGACY_FLAG, Status.EXPECTED, entry),)),
        config=replace(FULL.config, expectations=plan),
    )
    text = render_text_plain(result)
    assert str(tmp_path) not in text
    assert "expectations: ops/expectations.yaml" in text.splitlines()
    assert "(phase 4, ticket DNA-12, ops/expectations.yaml:3)" in text
    # outside the working directory a path stays as it is
    assert relative("/elsewhere/x.yaml:7") == "/elsewhere/x.yaml:7"


def test_options_reach_the_formats_that_take_them() -> None:
    assert render(FULL, "text", verbose=True) == render_text_plain(FULL, verbose=True)
    assert render(FULL, "text") == render_text_plain(FULL)
    # a format that has no such option ignores it
    assert render(FULL, "json", verbose=True, report_url="x") == render(FULL, "json")
