"""The one orchestrator: wires reflect, declare, compare and classify.

The CLI parses flags and calls these functions; renderers and the planner take
a ``CheckResult``. Nothing here formats output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from drift.errors import DriftError
from drift.mismatch import Classification, Mismatch, summarize
from drift.schema import Snapshot

DEFAULT_SCHEMAS: tuple[str, ...] = ("public", "quantum")

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it on a terminal)."""


@dataclass(frozen=True, slots=True)
class CheckConfig:
    url: str | None = None
    snapshot: Path | None = None  # a saved database snapshot, instead of a URL
    models: tuple[str, ...] = ()  # "module:attribute" or "module"
    schemas: tuple[str, ...] = DEFAULT_SCHEMAS
    expectations: Path | None = None
    strict: bool = False
    today: date = field(default_factory=date.today)


@dataclass(frozen=True, slots=True)
class CheckResult:
    config: CheckConfig
    database: Snapshot
    models: Snapshot
    mismatches: tuple[Mismatch, ...]
    classification: Classification
    generated_at: datetime

    @property
    def failed(self) -> bool:
        """Exit status 1: unexpected drift, or (under --strict) stale/expired expectations."""
        if self.classification.unexpected:
            return True
        return self.config.strict and bool(
            self.classification.stale or self.classification.expired
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of DESIGN.md (a public contract)."""
        findings = self.classification.findings
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "database": {
                "url": self.database.source,
                "server_version": self.database.server_version,
            },
            "schemas": list(self.config.schemas),
            "summary": summarize(findings),
            "mismatches": [f.to_dict() for f in findings],
            "stale_expectations": [e.to_dict() for e in self.classification.stale],
        }


REPORT_FORMAT_VERSION = 1


def reflect_database(url: str, schemas: tuple[str, ...]) -> Snapshot:
    from drift.reflect import reflect_snapshot

    return reflect_snapshot(url, schemas)


def declare_models(references: tuple[str, ...], schemas: tuple[str, ...]) -> Snapshot:
    from drift.declared import declare_snapshot

    return declare_snapshot(references, schemas)


def load_database_snapshot(config: CheckConfig) -> Snapshot:
    if config.snapshot is not None:
        try:
            snap = Snapshot.load(config.snapshot)
        except OSError as exc:
            raise DriftError(f"cannot read snapshot {config.snapshot}: {exc.strerror}") from None
        except ValueError as exc:
            raise DriftError(f"{config.snapshot}: not a drift snapshot: {exc}") from None
        # Like a live reflection: a requested schema may be absent (the models may
        # declare it, and drift reports it as missing); none at all is an error.
        if not any(snap.schema(s) is not None for s in config.schemas):
            raise DriftError(
                f"{config.snapshot}: none of the schemas "
                f"{', '.join(config.schemas)} is in the snapshot"
            )
        return Snapshot(
            origin=snap.origin,
            schemas=tuple(s for s in snap.schemas if s.name in config.schemas),
            server_version=snap.server_version,
            source=snap.source,
        )
    if not config.url:
        raise DriftError(
            "no database given: pass --url, set DRIFT_DATABASE_URL or DATABASE_URL, "
            "or pass --snapshot FILE"
        )
    return reflect_database(config.url, config.schemas)


def run_check(config: CheckConfig, progress: Progress | None = None) -> CheckResult:
    from drift.compare import compare_snapshots
    from drift.expectations import classify, load_expectations

    say = progress or (lambda stage: None)
    if not config.models:
        raise DriftError(
            "no models given: pass --models module:attribute (or set it in [tool.drift])"
        )
    say("reflect: reading the catalog" if config.snapshot is None else "reflect: loading snapshot")
    database = load_database_snapshot(config)
    say(f"declare: importing the models ({_tables(database)} in the database)")
    models = declare_models(config.models, config.schemas)
    say(f"compare: {_tables(models)} declared, {_tables(database)} in the database")
    mismatches = tuple(compare_snapshots(models, database))
    say(f"classify: {len(mismatches):,} mismatch(es)")
    expectations = load_expectations(config.expectations) if config.expectations else None
    classification = classify(mismatches, expectations, today=config.today)
    return CheckResult(
        config=config,
        database=database,
        models=models,
        mismatches=mismatches,
        classification=classification,
        generated_at=datetime.now(UTC),
    )


def _tables(snapshot: Snapshot) -> str:
    n = sum(len(s.tables) for s in snapshot.schemas)
    return f"{n:,} table" + ("" if n == 1 else "s")


def find_by_id(result: CheckResult, mismatch_id: str) -> Mismatch:
    """For ``drift explain``: a unique id prefix is enough."""
    hits = [m for m in result.mismatches if m.id.startswith(mismatch_id)]
    if len(hits) != 1:
        what = "no mismatch" if not hits else f"{len(hits)} mismatches"
        raise DriftError(f"{what} with id {mismatch_id!r} in this run")
    return hits[0]

