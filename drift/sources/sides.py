"""The sides of one check, read from their sources: the models, and what they are held against.

``read_sides`` is the one call the orchestrator makes for its inputs. Each
source builds a ``Snapshot`` of the check's schemas: the models (cached by the
content of the files their import read), the live database or a saved
snapshot, and the schema the migration history builds (cached by the content
of the history). With a live database and a history, the history is also built
at the revisions the database is at, for the findings' causes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from drift.errors import DriftError
from drift.result import CheckConfig
from drift.schema import Snapshot

if TYPE_CHECKING:
    from drift.sources.cache import SnapshotCache
    from drift.sources.migrations.history_check import MigrationsSnapshot
    from drift.sources.models.cached import DeclaredModels

NO_DATABASE = "no database given: pass --url or set DRIFT_DATABASE_URL or DATABASE_URL"


@dataclass(frozen=True, slots=True)
class Sides:
    """What the sources read for one check."""

    config: CheckConfig  # with the schemas resolved (the models' and the default schema)
    declared: DeclaredModels
    models: Snapshot  # literal defaults as the live database stores them, when there is one
    database: Snapshot | None  # the live database, or a saved snapshot
    built: MigrationsSnapshot | None  # the schema of the history's heads
    at_live: Snapshot | None = None  # the history at the live database's revisions

    @property
    def other(self) -> Snapshot:
        """The schema the models are held against: the database, else the history's."""
        if self.database is not None:
            return self.database
        assert self.built is not None
        return self.built.snapshot

    @property
    def three_way(self) -> bool:
        return self.database is not None and self.built is not None

    @property
    def cached(self) -> tuple[str, ...]:
        return tuple(side for side, hit in (
            ("models", self.declared.cached),
            ("migrations", self.built is not None and self.built.cached)) if hit)


def read_sides(config: CheckConfig, say: Callable[[str], None]) -> Sides:
    """The models, and the live database, saved snapshot or history named by ``config``."""
    say("declare: importing the models")
    declared = declare_side(config)
    if declared.cached:
        say("declare: models read from the cache (their source files are unchanged)")
    if not config.schemas:
        config = replace(config, schemas=default_schemas(declared, config.url))
    models = declared.only(config.schemas)
    database = built = at_live = None
    if config.snapshot is not None:
        say("reflect: loading snapshot")
        database = load_database_snapshot(config)
    elif config.url is not None:
        say("reflect: reading the catalog")
        database, models = _reflect_with_literals(config, models)
    if config.migrations is not None:
        say("migrations: building the schema of the heads")
        built, at_live = _migrations_sides(config, database is not None)
        if database is None:
            models = _literals_on_scratch(config, models, built.snapshot)
    return Sides(config, declared, models, database, built, at_live)


def declare_side(config: CheckConfig) -> DeclaredModels:
    from drift.sources.models.cached import declare_models
    from drift.sources.models.project_python import Interpreter

    python = Interpreter(config.python, False) if config.python is not None else None
    return declare_models(config.models, config.schemas, snapshot_cache(config), python)


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


def load_database_snapshot(config: CheckConfig) -> Snapshot:
    """The saved snapshot of ``--snapshot``, else the live database, in the check's schemas."""
    from drift.sources.database.reflect import reflect_snapshot

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
        raise DriftError(f"{NO_DATABASE}, or pass --snapshot FILE")
    return reflect_snapshot(config.url, config.schemas)


def _reflect_with_literals(config: CheckConfig, models: Snapshot) -> tuple[Snapshot, Snapshot]:
    """The live schema, and the models' literal defaults printed by the database in the
    session that read the catalog (see ``literals.py``): one read-only session."""
    from drift.sources.database.connection import read_only_connection, redact_url
    from drift.sources.database.literals import canonical_literals
    from drift.sources.database.reflect import reflect_consistently

    assert config.url is not None
    with read_only_connection(config.url) as conn:
        database = reflect_consistently(conn, config.schemas, source=redact_url(config.url))
        return database, canonical_literals(models, conn, database)


def _literals_on_scratch(config: CheckConfig, models: Snapshot, built: Snapshot) -> Snapshot:
    """With no live database, the models' literals as a scratch database prints them (the
    server that printed the history's): started only when there is a literal to ask about,
    and kept in the cache with the other sides, so a warm run asks no server again."""
    from drift.sources.cache import digest, drift_version
    from drift.sources.database.connection import read_only_connection
    from drift.sources.database.literals import canonical_literals, has_questions
    from drift.sources.migrations.history_check import server_identity
    from drift.sources.migrations.scratch_guard import scratch_database

    if not has_questions(models, built):
        return models
    cache = snapshot_cache(config)
    # by content: a side read from the cache says so in its source, the schemas are the same
    key = digest([LITERALS, replace(models, source=None).to_json(),
                  replace(built, source=None).to_json(), drift_version(),
                  server_identity(config.scratch_url)])
    if cache is not None and (hit := cache.load_snapshot(LITERALS, key)) is not None:
        return hit
    with scratch_database(config.scratch_url) as url, read_only_connection(url) as conn:
        answered = canonical_literals(models, conn, built)
    if cache is not None:
        cache.store_snapshot(LITERALS, key, answered)
    return answered


LITERALS = "literals"  # the cache's kind for the models with PostgreSQL's answers


def snapshot_cache(config: CheckConfig) -> SnapshotCache | None:
    from drift.sources.cache import SnapshotCache

    return SnapshotCache(config.cache) if config.cache is not None else None


def _migrations_sides(config: CheckConfig, with_live: bool
                      ) -> tuple[MigrationsSnapshot, Snapshot | None]:
    """The history's heads (and, beside a live database, the history at its revisions),
    with the proof that the project's code left the live database alone."""
    from drift.sources.migrations.fingerprint import InspectedDatabases
    from drift.sources.migrations.history_check import build_migrations_snapshot

    assert config.migrations is not None
    inspected = InspectedDatabases(_protected(config))
    try:
        built = build_migrations_snapshot(
            config.migrations, config.scratch_url, config.schemas, cache=snapshot_cache(config),
            downgrades=config.downgrades, protected=_protected(config),
            base=config.migrations_base, env_vars=config.env_vars)
        at_live = (_history_at_live_revisions(config, built)
                   if with_live and config.url is not None else None)
    except DriftError:
        inspected.prove_unchanged()  # a change to the live database outranks the error
        raise
    inspected.prove_unchanged()
    return built, at_live


def _history_at_live_revisions(config: CheckConfig, built: MigrationsSnapshot
                               ) -> Snapshot | None:
    """The history built at the live database's revisions, when they are not its heads."""
    from drift.sources.migrations.history_check import build_snapshot_at, live_revisions

    assert config.url is not None and config.migrations is not None
    revisions = live_revisions(config.url)
    if not revisions or set(revisions) == set(built.history.heads):
        return None
    return build_snapshot_at(config.migrations, config.scratch_url, config.schemas,
                             revisions, snapshot_cache(config), _protected(config),
                             base=config.migrations_base, env_vars=config.env_vars)


def _protected(config: CheckConfig) -> tuple[str, ...]:
    # the live database: env.py must not reach it, and the runner proves it did not
    return (config.url,) if config.url is not None else ()
