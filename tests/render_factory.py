"""Hand-built CheckResults for renderer tests (no database, no pipeline).

``sample_result`` is a small sports-odds schema with drift of every kind the
reports show: unexpected and expected findings, phases, an expiring
expectation, an expired one and a stale one. ``hostile=True`` gives table,
column and comment text made to break HTML, Markdown and templates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from drift.api import CheckConfig, CheckResult
from drift.mismatch import (
    Change,
    Classification,
    Expectation,
    Finding,
    Mismatch,
    ObjectType,
    Phase,
    Severity,
    Status,
)
from drift.schema import (
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
)

TODAY = date(2026, 11, 26)
HOSTILE = "<script>alert(1)</script>\"'{{ 7*7 }}|`x`|<img src=x onerror=alert(2)>"
PHASES = (
    Phase(1, "current", "What we live with today"),
    Phase(2, "short term", "Next sprint"),
    Phase(3, "medium term", "This quarter"),
    Phase(4, "long term", "Some day"),
)


def _names(hostile: bool) -> dict[str, str]:
    if not hostile:
        return {
            "teams": "teams",
            "name": "name",
            "comment": "Football teams",
            "col_comment": "Display name",
        }
    return {
        "teams": f"teams{HOSTILE}",
        "name": f"na|me`{HOSTILE}",
        "comment": f"Comment {HOSTILE} *bold* [link](http://example.com)",
        "col_comment": f"col {HOSTILE}\nsecond line",
    }


def snapshots(hostile: bool = False, *, extra_db_column: bool = False) -> tuple[Snapshot, Snapshot]:
    n = _names(hostile)
    teams_cols = (
        Column("id", "integer", False, serial=True),
        Column(n["name"], "character varying(80)", True, comment=n["col_comment"]),
    )
    if extra_db_column:
        teams_cols += (Column("founded", "integer"),)
    teams = Table(
        n["teams"],
        teams_cols,
        PrimaryKey("teams_pkey", ("id",)),
        comment=n["comment"],
    )
    matches = Table(
        "matches",
        (
            Column("id", "integer", False, serial=True),
            Column("home_team_id", "integer", False),
            Column("away_team_id", "integer", False),
            Column("played_at", "timestamp with time zone", False, default="now()"),
        ),
        PrimaryKey("matches_pkey", ("id",)),
        foreign_keys=(
            ForeignKey("matches_home_fk", ("home_team_id",), "public", n["teams"], ("id",)),
            ForeignKey(
                "matches_away_fk",
                ("away_team_id",),
                "public",
                n["teams"],
                ("id",),
                on_delete="CASCADE",
            ),
        ),
        indexes=(Index("ix_matches_played_at", (IndexElement("played_at"),)),),
    )
    odds_db = Table(
        "odds",
        (
            Column("id", "integer", False, serial=True),
            Column("match_id", "integer"),
            Column("price", "numeric"),
        ),
        PrimaryKey("odds_pkey", ("id",)),
        foreign_keys=(ForeignKey("odds_match_fk", ("match_id",), "public", "matches", ("id",)),),
    )
    legacy = Table("legacy_bets", (Column("id", "integer", False), Column("stake", "numeric")))
    database = Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=tuple(sorted((teams, matches, odds_db, legacy), key=lambda t: t.name)),
                enums=(EnumType("bet_status", ("pending", "won", "lost")),),
            ),
        ),
        server_version="16.4",
        source="postgresql://drift:***@localhost/odds",
    )
    dna = Table(
        "dna_profile",
        (Column("id", "bigint", False), Column("team_id", "integer", False)),
        PrimaryKey("dna_profile_pkey", ("id",)),
        foreign_keys=(ForeignKey("dna_team_fk", ("team_id",), "public", n["teams"], ("id",)),),
        comment="Quantum DNA 2.0 profile",
        declared_by="models.quantum:DnaProfile",
    )
    from dataclasses import replace

    models = Snapshot(
        "models",
        (
            Schema(
                "public",
                tables=tuple(
                    sorted(
                        (
                            replace(teams, declared_by="models.public:Team"),
                            replace(matches, declared_by="models.public:Match", indexes=()),
                            replace(
                                odds_db,
                                columns=(*odds_db.columns[:2], Column("price", "numeric(10,2)")),
                                declared_by="models.public:Odds",
                            ),
                        ),
                        key=lambda t: t.name,
                    )
                ),
            ),
            Schema("quantum", tables=(dna,)),
        ),
        source="models.public:Base",
    )
    return database, models


def sample_result(hostile: bool = False, *, today: date = TODAY) -> CheckResult:
    n = _names(hostile)
    database, models = snapshots(hostile)
    m = {
        "price": Mismatch(
            ObjectType.COLUMN,
            Change.DIFFERS,
            "public",
            "odds",
            "price",
            "type",
            "numeric(10,2)",
            "numeric",
            Severity.ERROR,
        ),
        "index": Mismatch(
            ObjectType.INDEX,
            Change.ONLY_IN_DATABASE,
            "public",
            "matches",
            "ix_matches_played_at",
            None,
            None,
            database.schemas[0].table("matches").indexes[0],  # type: ignore[union-attr]
            Severity.WARNING,
            hint="declare it with Index(...) in the model",
        ),
        "legacy": Mismatch(
            ObjectType.TABLE,
            Change.ONLY_IN_DATABASE,
            "public",
            "legacy_bets",
            None,
            None,
            None,
            database.schemas[0].table("legacy_bets"),
            Severity.WARNING,
        ),
        "dna": Mismatch(
            ObjectType.TABLE,
            Change.ONLY_IN_MODELS,
            "quantum",
            "dna_profile",
            None,
            None,
            models.schema("quantum").tables[0],
            None,
            Severity.ERROR,
        ),  # type: ignore[union-attr]
        "name": Mismatch(
            ObjectType.COLUMN,
            Change.DIFFERS,
            "public",
            n["teams"],
            n["name"],
            "comment",
            f"models say {HOSTILE}" if hostile else "Team name",
            n["col_comment"],
            Severity.INFO,
        ),
        "old": Mismatch(
            ObjectType.COLUMN,
            Change.DIFFERS,
            "public",
            "matches",
            "played_at",
            "default",
            "CURRENT_DATE",
            "now()",
            Severity.WARNING,
        ),
    }
    exp = {
        "legacy": Expectation(
            "public.legacy_*",
            "Legacy bet tracking, dropped after the export",
            phase=3,
            ticket="ODDS-12",
            owner="data-team",
            source="expectations.yaml:10",
        ),
        "dna": Expectation(
            "quantum.*",
            "Quantum DNA 2.0 tables not created yet",
            phase=2,
            ticket="QDNA-1",
            owner="quantum",
            expires=today + timedelta(days=10),
            source="expectations.yaml:4",
        ),
        "name": Expectation(
            f"public.{n['teams']}.*",
            f"Comments differ {HOSTILE}" if hostile else "Comments differ",
            phase=1,
            source="expectations.yaml:16",
        ),
        "old": Expectation(
            "public.matches.played_at",
            "Default moves to now()",
            phase=1,
            expires=today - timedelta(days=3),
            source="expectations.yaml:20",
        ),
        "stale": Expectation(
            "public.old_odds",
            "Old odds table, already dropped",
            phase=4,
            ticket="ODDS-3",
            source="expectations.yaml:24",
        ),
    }
    findings = (
        Finding(m["price"], Status.UNEXPECTED),
        Finding(m["index"], Status.UNEXPECTED),
        Finding(m["old"], Status.UNEXPECTED, exp["old"], expired=True),
        Finding(m["legacy"], Status.EXPECTED, exp["legacy"]),
        Finding(m["dna"], Status.EXPECTED, exp["dna"]),
        Finding(m["name"], Status.EXPECTED, exp["name"]),
    )
    return CheckResult(
        config=CheckConfig(
            url="postgresql://drift@localhost/odds",
            models=("models.public:Base",),
            expectations=Path("expectations.yaml"),
            schemas=("public", "quantum"),  # as run_check resolves them
            today=today,
        ),
        database=database,
        models=models,
        mismatches=tuple(f.mismatch for f in findings),
        classification=Classification(findings, stale=(exp["stale"],), phases=PHASES),
        generated_at=datetime(today.year, today.month, today.day, 6, 30, tzinfo=UTC),
    )


def many_findings_result(count: int) -> CheckResult:
    """``count`` column mismatches, one in ten expected: for size limits."""
    base = sample_result()
    exp = Expectation("public.*", "bulk", phase=1)
    findings = tuple(
        Finding(
            Mismatch(
                ObjectType.COLUMN,
                Change.DIFFERS,
                "public",
                f"table_{i // 10:04d}",
                f"col_{i % 10}",
                "type",
                "bigint",
                "integer",
                Severity.ERROR,
            ),
            Status.EXPECTED if i % 10 == 0 else Status.UNEXPECTED,
            exp if i % 10 == 0 else None,
        )
        for i in range(count)
    )
    return CheckResult(
        config=base.config,
        database=base.database,
        models=base.models,
        mismatches=tuple(f.mismatch for f in findings),
        classification=Classification(findings, phases=PHASES),
        generated_at=base.generated_at,
    )
