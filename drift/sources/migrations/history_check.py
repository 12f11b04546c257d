"""The schema an Alembic history builds: run on a scratch database, reflected, cached.

``drift check --migrations DIR`` compares the models with this snapshot
instead of (or, given a live database too, beside) a live one. The history is
also checked itself: several heads, and with ``--downgrades`` each revision's
downgrade (it must run and give back the schema before the revision, compared
with drift's own comparator).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import sqlalchemy as sa

from drift.compare import compare_snapshots
from drift.errors import DriftError, first_line
from drift.mismatch import Mismatch
from drift.result import DowngradeProblem, HistoryCheck
from drift.schema import Snapshot
from drift.sources.cache import SnapshotCache, digest, drift_version
from drift.sources.database.connection import make_engine, read_only_connection
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.migrations.env_runner import (
    AlembicEnvironment,
    open_environment,
    scratch_database,
)
from drift.sources.migrations.inputs import ReadInputs, inputs_unchanged, record_inputs
from drift.sources.migrations.scratch_guard import DEFAULT_ENV_VARS
from drift.sources.scratch import embedded_identity

KIND = "migrations"


@dataclass(frozen=True, slots=True)
class MigrationsSnapshot:
    snapshot: Snapshot
    environment: Path
    cached: bool
    history: HistoryCheck


def server_identity(scratch_url: str | None) -> str:
    """What the built schema depends on besides the files: the PostgreSQL that ran them."""
    if scratch_url is None:
        return embedded_identity()
    try:
        with read_only_connection(scratch_url) as conn:
            return str(conn.execute(sa.text("SHOW server_version")).scalar_one())
    except DriftError:
        return "unreachable"  # the build will say why, in one line


def cache_key(env: AlembicEnvironment, schemas: tuple[str, ...], target: str,
              scratch_url: str | None, base: Path | None = None) -> str:
    # PYTHONPATH decides which file an import finds (the recorded files say only which
    # file was found last time)
    parts: list[str | bytes] = [KIND, target, ",".join(schemas), drift_version(),
                                server_identity(scratch_url),
                                os.environ.get("PYTHONPATH", "")]
    if base is not None:
        parts += ["base", read_base(base)]
    root = env.script_location.parent
    for path in env.input_files():
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        parts += [name, path.read_bytes()]
    return digest(parts)


def build_migrations_snapshot(
    migrations: Path,
    scratch_url: str | None,
    schemas: tuple[str, ...],
    *,
    cache: SnapshotCache | None = None,
    downgrades: bool = False,
    protected: tuple[str, ...] = (),
    base: Path | None = None,
    env_vars: tuple[str, ...] = (),
) -> MigrationsSnapshot:
    """Upgrade a scratch database to the heads of ``migrations`` and reflect ``schemas``.

    ``protected``: URLs of databases the run must prove it did not touch (the live one);
    ``base``: a SQL file run on the scratch database before the first revision;
    ``env_vars``: more variables env.py reads its URL from (pointed at the scratch).
    """
    env = open_environment(migrations, env_vars)
    heads = env.heads()
    key = cache_key(env, schemas, "heads", scratch_url, base)
    if cache is not None and not downgrades:
        snapshot = _load(cache, key)
        if snapshot is not None:
            snapshot = replace(snapshot, source="migrations (heads, from the cache)")
            return MigrationsSnapshot(snapshot, env.script_location, True, HistoryCheck(heads))
    problems: tuple[DowngradeProblem, ...] = ()
    checked = total = 0
    if downgrades:
        # on a database of its own: a failed step may leave it where no upgrade runs on
        with scratch_database(scratch_url) as url:
            apply_base(url, base)
            problems, checked, total = _check_downgrades(env, url, schemas, protected)
    with scratch_database(scratch_url) as url, record_inputs() as read:
        apply_base(url, base)
        env.upgrade(url, "heads", protected_urls=protected)
        snapshot = _reflect_built(url, schemas)
    if cache is not None:
        _store(cache, key, snapshot, env, read)
    return MigrationsSnapshot(snapshot, env.script_location, False, HistoryCheck(
        heads, downgrades and checked == total, problems, total, checked))


def build_snapshot_at(migrations: Path, scratch_url: str | None, schemas: tuple[str, ...],
                      revisions: tuple[str, ...], cache: SnapshotCache | None = None,
                      protected: tuple[str, ...] = (), base: Path | None = None,
                      env_vars: tuple[str, ...] = ()) -> Snapshot:
    """The schema at ``revisions`` (where a live database stands), for pending_migration."""
    env = open_environment(migrations, env_vars)
    target = ",".join(revisions)
    key = cache_key(env, schemas, target, scratch_url, base)
    if cache is not None and (hit := _load(cache, key)) is not None:
        return hit
    with scratch_database(scratch_url) as url, record_inputs() as read:
        apply_base(url, base)
        for revision in revisions:
            env.upgrade(url, revision, protected_urls=protected)
        snapshot = _reflect_built(url, schemas)
    if cache is not None:
        _store(cache, key, snapshot, env, read)
    return snapshot


def read_base(base: Path) -> bytes:
    try:
        return base.read_bytes()
    except OSError as exc:
        raise DriftError(f"cannot read the migrations base {base}: {exc.strerror}") from None


def apply_base(url: str, base: Path | None) -> None:
    """Run the base schema's SQL (``migrations_base``) on a fresh scratch database."""
    if base is None:
        return
    sql = read_base(base).decode("utf-8", errors="replace")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            # no parameters: the driver sends the script as it is (a % stays a %)
            conn.execution_options(no_parameters=True).exec_driver_sql(sql)
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"the migrations base {base} failed on the scratch database: "
                         f"{first_line(exc)}") from None
    finally:
        engine.dispose()


def _load(cache: SnapshotCache, key: str) -> Snapshot | None:
    """The cached schema, if every file and variable the run that built it read is as it
    was then."""
    entry = cache.load(KIND, key)
    if entry is None or not inputs_unchanged(entry, os.environ):
        return None
    return cache.load_snapshot(KIND, key)


def _store(cache: SnapshotCache, key: str, snapshot: Snapshot, env: AlembicEnvironment,
           read: ReadInputs) -> None:
    cache.store_snapshot(KIND, key, snapshot,
                         read.payload(os.environ, (*DEFAULT_ENV_VARS, *env.env_vars)))


def _reflect_built(url: str, schemas: tuple[str, ...]) -> Snapshot:
    try:
        snapshot = reflect_snapshot(url, schemas)
    except DriftError:
        # the history creates none of the schemas (an empty history, say): an empty schema
        snapshot = Snapshot("database", ())
    return Snapshot("database", snapshot.schemas, snapshot.server_version, "migrations (heads)")


def live_revisions(url: str) -> tuple[str, ...]:
    """The revisions in the live database's ``alembic_version`` (read only); () if none."""
    from drift.sources.migrations.scratch_guard import database_revisions

    try:
        with read_only_connection(url) as conn:
            return database_revisions(conn)
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot read the database's alembic_version: {first_line(exc)}"
                         ) from None


def _describe(m: Mismatch) -> str:
    attr = f" {m.attribute}" if m.attribute else ""
    return f"{m.object_type.value} {m.path}{attr} ({m.change.value})"


def _check_downgrades(env: AlembicEnvironment, url: str, schemas: tuple[str, ...],
                      protected: tuple[str, ...]
                      ) -> tuple[tuple[DowngradeProblem, ...], int, int]:
    """Each revision, base first: upgrade to it, downgrade one step, compare, upgrade again;
    the problems, the revisions checked and the revisions of the history.

    A merge revision has no one step back to take, so it is only upgraded (and counts as
    checked). A failed downgrade rolls back (PostgreSQL's DDL is transactional), so the
    next revision starts from this one; a failed upgrade ends the check, and the count
    says how far it got.
    """
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(env.config())
    problems: list[DowngradeProblem] = []
    revisions = list(reversed(list(script.walk_revisions())))
    checked = 0
    for rev in revisions:
        down = rev.down_revision
        try:
            if isinstance(down, tuple | list):
                env.upgrade(url, rev.revision, protected_urls=protected)
                checked += 1
                continue
            before = _reflect_built(url, schemas)
            env.upgrade(url, rev.revision, protected_urls=protected)
        except DriftError as exc:
            problems.append(DowngradeProblem(rev.revision, f"upgrade failed: {exc}", (),
                                             rev.path))
            break
        after = _reflect_built(url, schemas)
        checked += 1
        try:
            # rev@-1: one step down on this revision's branch only (a plain target would
            # take every branch above it down too)
            env.downgrade(url, f"{rev.revision}@-1", protected_urls=protected)
        except DriftError as exc:
            problems.append(DowngradeProblem(rev.revision, f"downgrade failed: {exc}", (),
                                             rev.path))
            continue
        back = tuple(sorted(_describe(m) for m in compare_snapshots(before, _reflect_built(
            url, schemas))))
        if back:
            problems.append(DowngradeProblem(rev.revision, differences=back, path=rev.path))
        try:
            env.upgrade(url, rev.revision, protected_urls=protected)
        except DriftError as exc:
            problems.append(DowngradeProblem(rev.revision, f"upgrade after downgrade failed: "
                                                           f"{exc}", (), rev.path))
            break
        if compare_snapshots(after, _reflect_built(url, schemas)):
            problems.append(DowngradeProblem(rev.revision, "upgrading again after its "
                                                           "downgrade gives another schema",
                                             (), rev.path))
    return tuple(problems), checked, len(revisions)
