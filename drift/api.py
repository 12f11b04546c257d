"""The one orchestrator: wires reflect, declare, compare and classify.

The CLI parses flags and calls these functions; renderers and the planner take
a ``CheckResult``. Nothing here formats output.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from drift.errors import DriftError
from drift.mismatch import Finding, Mismatch
from drift.result import (
    DEFAULT_SCHEMAS,
    REPORT_FORMAT_VERSION,
    CheckConfig,
    CheckResult,
    Progress,
)
from drift.schema import Snapshot

if TYPE_CHECKING:
    from drift.sources.migrations.history_check import MigrationsSnapshot
    from drift.sources.models.cached import DeclaredModels

__all__ = ["DEFAULT_SCHEMAS", "REPORT_FORMAT_VERSION", "CheckConfig", "CheckResult", "Progress"]



def reflect_database(url: str, schemas: tuple[str, ...]) -> Snapshot:
    from drift.sources.database.reflect import reflect_snapshot

    return reflect_snapshot(url, schemas)


def declare_models(references: tuple[str, ...], schemas: tuple[str, ...]) -> Snapshot:
    from drift.sources.models.declare import declare_snapshot

    return declare_snapshot(references, schemas)


_NO_DATABASE = "no database given: pass --url or set DRIFT_DATABASE_URL or DATABASE_URL"


def snapshot_database(config: CheckConfig, progress: Progress | None = None) -> Snapshot:
    """The live database of ``config`` (for ``drift snapshot``): a URL is required."""
    if not config.url:
        raise DriftError(_NO_DATABASE)
    schemas = config.schemas
    if not schemas:
        from drift.sources.models.cached import DeclaredModels

        declared = _declare_side(config) if config.models else DeclaredModels(
            Snapshot("models"), frozenset(), False)
        schemas = default_schemas(declared, config.url)
    if progress:
        progress("reflect")
    return reflect_database(config.url, schemas)


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
    """Compare the models with a live database (or a saved snapshot), with the schema the
    migrations build, or with both (then each finding gets a cause)."""
    from drift.classify.classifier import classify
    from drift.classify.expectations import load_expectations
    from drift.compare import compare_snapshots

    say = progress or (lambda stage: None)
    if not config.models:
        raise DriftError(
            "no models given: pass --models module:attribute (or set it in [tool.drift])"
        )
    if config.url is None and config.snapshot is None and config.migrations is None:
        raise DriftError(f"{_NO_DATABASE}, pass --snapshot FILE, or --migrations DIR")
    say("declare: importing the models")
    declared = _declare_side(config)
    if declared.cached:
        say("declare: models read from the cache (their source files are unchanged)")
    if not config.schemas:
        config = replace(config, schemas=default_schemas(declared, config.url))
    models = declared.only(config.schemas)
    database = built = None
    if config.snapshot is not None:
        say("reflect: loading snapshot")
        database = load_database_snapshot(config)
    elif config.url is not None:
        say("reflect: reading the catalog")
        database, models = _reflect_with_literals(config, models)
    if config.migrations is not None:
        say("migrations: building the schema of the heads")
        built = _migrations_side(config)
    other = database if database is not None else built.snapshot  # type: ignore[union-attr]
    where = "in the database" if database is not None else "built by the migrations"
    say(f"compare: {_tables(models)} declared, {_tables(other)} {where}")
    mismatches = tuple(compare_snapshots(models, other))
    if database is not None and built is not None:
        mismatches = _with_causes(config, mismatches, models, built, database)
    say(f"classify: {len(mismatches):,} mismatch(es)")
    expectations = load_expectations(config.expectations) if config.expectations else None
    classification = classify(mismatches, expectations, today=config.today)
    notes = schema_notes(config, other, models, declared.schemas)
    notes += _side_notes(config, declared, built, models, other)
    from drift.classify.expectations import TODO_REASON

    placeholders = sum(1 for f in classification.findings
                       if f.expectation is not None and f.expectation.reason == TODO_REASON)
    if placeholders:
        notes += (f"{placeholders} finding(s) are accepted by an entry whose reason is still "
                  f"the placeholder of `drift expect` ({TODO_REASON!r}): write the reason"
                  + (" (--strict fails until then)" if config.strict else ""),)
    return CheckResult(
        config=config,
        database=other,
        models=models,
        mismatches=mismatches,
        classification=classification,
        generated_at=datetime.now(UTC),
        notes=notes,
        history=built.history if built is not None else None,
        cached=tuple(side for side, hit in (
            ("models", declared.cached), ("migrations", built is not None and built.cached))
            if hit),
    )


def _reflect_with_literals(config: CheckConfig, models: Snapshot) -> tuple[Snapshot, Snapshot]:
    """The live schema, and the models' literal defaults printed by the database in the
    session that read the catalog (see ``literals.py``): one read-only session."""
    from drift.sources.database.connection import read_only_connection, redact_url
    from drift.sources.database.literals import canonical_literals
    from drift.sources.database.reflect import reflect_consistently

    assert config.url is not None
    with read_only_connection(config.url) as conn:
        database = reflect_consistently(conn, config.schemas, source=redact_url(config.url))
        return database, canonical_literals(models, conn)


def _cache(config: CheckConfig) -> Any:
    from drift.sources.cache import SnapshotCache

    return SnapshotCache(config.cache) if config.cache is not None else None


def _declare_side(config: CheckConfig) -> DeclaredModels:
    from drift.sources.models.cached import declare_models

    return declare_models(config.models, config.schemas, _cache(config))


def _migrations_side(config: CheckConfig) -> MigrationsSnapshot:
    from drift.sources.migrations.history_check import build_migrations_snapshot

    assert config.migrations is not None
    return build_migrations_snapshot(config.migrations, config.scratch_url, config.schemas,
                                     cache=_cache(config), downgrades=config.downgrades,
                                     protected=_protected(config))


def _protected(config: CheckConfig) -> tuple[str, ...]:
    # the live database: env.py must not reach it, and the runner proves it did not
    return (config.url,) if config.url is not None else ()


def _with_causes(config: CheckConfig, mismatches: tuple[Mismatch, ...], models: Snapshot,
                 built: MigrationsSnapshot, database: Snapshot) -> tuple[Mismatch, ...]:
    from drift.classify.causes import assign_causes
    from drift.sources.migrations.history_check import build_snapshot_at, live_revisions

    at_live = None
    if config.url is not None:
        revisions = live_revisions(config.url)
        if revisions and set(revisions) != set(built.history.heads):
            assert config.migrations is not None
            at_live = build_snapshot_at(config.migrations, config.scratch_url, config.schemas,
                                        revisions, _cache(config), _protected(config))
    return assign_causes(mismatches, models, built.snapshot, database, at_live)


def default_schemas(declared: DeclaredModels, url: str | None) -> tuple[str, ...]:
    """The schemas the models declare, plus the connection's default schema."""
    from drift.normalize import canonical as nz

    default = nz.DEFAULT_SCHEMA
    if url is not None:
        import sqlalchemy as sa

        from drift.sources.database.connection import read_only_connection

        with read_only_connection(url) as conn:
            default = conn.execute(sa.text("SELECT current_schema()")).scalar() or default
    return tuple(sorted(declared.schemas | {default}))


# few declared tables beside most of the database "only in database": models not all imported
_INCOMPLETE_SHARE = 0.5
_INCOMPLETE_MIN = 3  # a table or two not declared is ordinary drift, not a missed import


def _side_notes(config: CheckConfig, declared: DeclaredModels, built: MigrationsSnapshot | None,
                models: Snapshot, other: Snapshot) -> tuple[str, ...]:
    notes = []
    declared_names = {(s.name, t.name) for s in models.schemas for t in s.tables}
    from drift.compare.schemas import ALEMBIC_VERSION_TABLE

    other_names = {(s.name, t.name) for s in other.schemas for t in s.tables
                   if t.name != ALEMBIC_VERSION_TABLE}
    only_there = other_names - declared_names
    if len(only_there) >= _INCOMPLETE_MIN and len(only_there) > _INCOMPLETE_SHARE * len(
            other_names):
        refs = ", ".join(config.models)
        notes.append(
            f"the models declare {len(declared_names)} of the {len(other_names)} tables found "
            f"({len(only_there)} only in the database): {refs} may not import every module "
            "that defines model classes (import them in the models package's __init__.py, "
            "or pass each module with --models)")
    return tuple(notes)


def schema_notes(config: CheckConfig, database: Snapshot, models: Snapshot,
                 declared: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The schemas a run skipped without a mismatch to show for it."""
    notes = []
    unchecked = sorted(declared - set(config.schemas))
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

