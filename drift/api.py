"""The one orchestrator: wires reflect, declare, compare and classify.

The CLI parses flags and calls these functions; renderers and the planner take
a ``CheckResult``. Nothing here formats output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from drift.errors import DriftError
from drift.mismatch import Classification, Finding, Mismatch, summarize
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
    schemas_given: bool = False  # chosen by the user (flag or [tool.drift]), not the default
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
    # what the run left out, as plain sentences for stderr (not part of the JSON report)
    notes: tuple[str, ...] = ()

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


_NO_DATABASE = "no database given: pass --url or set DRIFT_DATABASE_URL or DATABASE_URL"


def snapshot_database(config: CheckConfig, progress: Progress | None = None) -> Snapshot:
    """The live database of ``config`` (for ``drift snapshot``): a URL is required."""
    if not config.url:
        raise DriftError(_NO_DATABASE)
    if progress:
        progress("reflect")
    return reflect_database(config.url, config.schemas)


def load_database_snapshot(config: CheckConfig) -> Snapshot:
    if config.snapshot is not None:
        try:
            snap = Snapshot.load(config.snapshot)
        except OSError as exc:
            raise DriftError(f"cannot read snapshot {config.snapshot}: {exc.strerror}") from None
        except ValueError as exc:
            raise DriftError(f"{config.snapshot}: {exc}") from None
        # Like a live reflection: a requested schema may be absent (the models may
        # declare it, and drift reports it as missing); none at all is an error.
        if not any(snap.schema(s) is not None for s in config.schemas):
            raise DriftError(
                f"{config.snapshot}: none of the schemas "
                f"{', '.join(config.schemas)} is in the snapshot"
            )
        return replace(snap, schemas=tuple(s for s in snap.schemas if s.name in config.schemas))
    if not config.url:
        raise DriftError(f"{_NO_DATABASE}, or pass --snapshot FILE")
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
    if config.snapshot is None and config.url:
        database, models = _reflect_and_declare(config, say)
    else:
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
        notes=schema_notes(config, database, models),
    )


def _reflect_and_declare(config: CheckConfig, say: Progress) -> tuple[Snapshot, Snapshot]:
    """Both sides from one read-only session: the models' literal defaults are printed
    by the database in the session that read the catalog (see ``literals.py``)."""
    from drift.connection import read_only_connection, redact_url
    from drift.literals import canonical_literals
    from drift.reflect import reflect_consistently

    assert config.url is not None
    with read_only_connection(config.url) as conn:
        database = reflect_consistently(conn, config.schemas, source=redact_url(config.url))
        say(f"declare: importing the models ({_tables(database)} in the database)")
        models = declare_models(config.models, config.schemas)
        return database, canonical_literals(models, conn)


def schema_notes(config: CheckConfig, database: Snapshot, models: Snapshot) -> tuple[str, ...]:
    """The schemas a run skipped without a mismatch to show for it."""
    from drift.declared import declared_schemas

    notes = []
    unchecked = sorted(declared_schemas(config.models) - set(config.schemas))
    if unchecked:
        flags = " ".join(f"--schema {s}" for s in unchecked)
        notes.append(
            f"the models declare tables in schema(s) not checked: {', '.join(unchecked)} "
            f"(add {flags} to check them)"
        )
    if config.schemas_given:  # an absent default schema (quantum) is no surprise
        for name in config.schemas:
            if database.schema(name) is None and models.schema(name) is None:
                notes.append(
                    f"schema {name!r} is neither in the database nor in the models: "
                    "nothing was checked there"
                )
    return tuple(notes)


def _tables(snapshot: Snapshot) -> str:
    n = sum(len(s.tables) for s in snapshot.schemas)
    return f"{n:,} table" + ("" if n == 1 else "s")


def find_by_id(result: CheckResult, mismatch_id: str) -> Finding:
    """For ``drift explain``: a unique id prefix is enough."""
    hits = [f for f in result.classification.findings if f.id.startswith(mismatch_id)]
    if not hits:
        raise DriftError(f"no mismatch with id {mismatch_id!r} in this run")
    if len(hits) > 1:
        ordered = sorted(hits, key=lambda f: f.id)[:10]
        shown = ", ".join(f"{f.id} {f.mismatch.path}" for f in ordered)
        more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
        raise DriftError(f"id {mismatch_id!r} is ambiguous: {shown}{more}")
    return hits[0]

