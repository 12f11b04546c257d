"""The one orchestrator: sources -> compare -> causes -> classify, one call each.

The CLI parses flags and calls these functions; renderers and the planner take
a ``CheckResult``. Nothing here formats output.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from drift.errors import DriftError
from drift.mismatch import Finding
from drift.result import (
    DEFAULT_SCHEMAS,
    REPORT_FORMAT_VERSION,
    CheckConfig,
    CheckResult,
    Progress,
)
from drift.schema import Snapshot

if TYPE_CHECKING:
    from drift.mismatch import Classification
    from drift.sources.sides import Sides

__all__ = ["DEFAULT_SCHEMAS", "REPORT_FORMAT_VERSION", "CheckConfig", "CheckResult", "Progress"]


def reflect_database(url: str, schemas: tuple[str, ...]) -> Snapshot:
    from drift.sources.database.reflect import reflect_snapshot

    return reflect_snapshot(url, schemas)


def declare_models(references: tuple[str, ...], schemas: tuple[str, ...]) -> Snapshot:
    from drift.sources.models.declare import declare_snapshot

    return declare_snapshot(references, schemas)


def snapshot_database(config: CheckConfig, progress: Progress | None = None) -> Snapshot:
    """The live database of ``config`` (for ``drift snapshot``): a URL is required."""
    from drift.sources.sides import NO_DATABASE, declare_side, default_schemas

    if not config.url:
        raise DriftError(NO_DATABASE)
    schemas = config.schemas
    if not schemas:
        from drift.sources.models.cached import DeclaredModels

        declared = declare_side(config) if config.models else DeclaredModels(
            Snapshot("models"), frozenset(), False)
        schemas = default_schemas(declared, config.url)
    if progress:
        progress("reflect")
    return reflect_database(config.url, schemas)


def run_check(config: CheckConfig, progress: Progress | None = None) -> CheckResult:
    """Compare the models with a live database (or a saved snapshot), with the schema the
    migrations build, or with both (then each finding gets a cause)."""
    from drift.classify.causes import assign_causes
    from drift.classify.classifier import classify
    from drift.classify.expectations import load_expectations
    from drift.compare import compare_snapshots
    from drift.sources.sides import NO_DATABASE, read_sides

    say = progress or (lambda stage: None)
    if not config.models:
        raise DriftError(
            "no models given: pass --models module:attribute (or set it in [tool.drift])"
        )
    if config.url is None and config.snapshot is None and config.migrations is None:
        raise DriftError(f"{NO_DATABASE}, pass --snapshot FILE, or --migrations DIR")

    sides = read_sides(config, say)
    config, models, other = sides.config, sides.models, sides.other
    where = "in the database" if sides.database is not None else "built by the migrations"
    say(f"compare: {_tables(models)} declared, {_tables(other)} {where}")
    mismatches = tuple(compare_snapshots(models, other))
    if sides.three_way:
        assert sides.built is not None and sides.database is not None
        mismatches = assign_causes(mismatches, models, sides.built.snapshot, sides.database,
                                   sides.at_live)
    say(f"classify: {len(mismatches):,} mismatch(es)")
    expectations = load_expectations(config.expectations) if config.expectations else None
    classification = classify(mismatches, expectations, today=config.today)
    result = CheckResult(
        config=config,
        database=other,
        models=models,
        mismatches=mismatches,
        classification=classification,
        generated_at=datetime.now(UTC),
        notes=_notes(sides, classification),
        history=sides.built.history if sides.built is not None else None,
        cached=sides.cached,
    )
    if not config.code:
        return result
    # the application's SQL, judged on every schema state: the plan's phases need the
    # schema findings classified first; then all findings are classified together
    from drift.plan.states import schema_states
    from drift.sources.code import check_code
    from drift.sources.sides import snapshot_cache

    head = sides.built.snapshot if sides.three_way and sides.built is not None else None
    states = schema_states(result, head)
    say(f"queries: the SQL under {', '.join(str(p) for p in config.code)}, on "
        f"{len(states)} schema state(s)")
    queries, coverage = check_code(config.code, config.sql_calls, states, config.scratch_url,
                                   snapshot_cache(config))
    mismatches = mismatches + tuple(queries)
    classification = classify(mismatches, expectations, today=config.today)
    return replace(result, mismatches=mismatches, classification=classification,
                   notes=_notes(sides, classification), code=coverage)


def _notes(sides: Sides, classification: Classification) -> tuple[str, ...]:
    """What the reader should know beside the findings: schemas skipped, models that may
    not all be imported, reasons still the placeholder of ``drift expect``."""
    from drift.classify.expectations import TODO_REASON

    config = sides.config
    notes = schema_notes(config, sides.other, sides.models, sides.declared.schemas)
    notes += _side_notes(config, sides.models, sides.other)
    placeholders = sum(1 for f in classification.findings
                       if f.expectation is not None and f.expectation.reason == TODO_REASON)
    if placeholders:
        notes += (f"{placeholders} finding(s) are accepted by an entry whose reason is still "
                  f"the placeholder of `drift expect` ({TODO_REASON!r}): write the reason"
                  + (" (--strict fails until then)" if config.strict else ""),)
    return notes


# few declared tables beside most of the database "only in database": models not all imported
_INCOMPLETE_SHARE = 0.5
_INCOMPLETE_MIN = 3  # a table or two not declared is ordinary drift, not a missed import


def _side_notes(config: CheckConfig, models: Snapshot, other: Snapshot) -> tuple[str, ...]:
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

