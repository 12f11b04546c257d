"""Writing the plan's revisions: staged by Alembic offline, then published all at once or none.

Alembic writes them into a staging folder (offline, ``alembic_runner.run_offline_revision``);
they move into the versions folder only once all were written (and, with ``--verify``,
verified), with ``write_new``, which never overwrites.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from alembic import util
from alembic.autogenerate import render_python_code
from alembic.runtime.migration import MigrationContext

from drift.errors import DriftError
from drift.files import orphaned_folders, owned_folder, write_new
from drift.plan import Plan
from drift.plan.revision_gate import check_body, check_revision
from drift.plan.revision_script import migration_script
from drift.sources.migrations.env_runner import (
    AlembicEnvironment,
    open_environment,
    run_offline_revision,
)

OFFLINE_URL = "postgresql+psycopg2://"
# renders a body as the revision will hold it, without the environment (nor a connection)
_RENDER_CONTEXT = MigrationContext.configure(dialect_name="postgresql")


STAGING_PREFIX = "drift-revisions-"  # in the temporary directory, one per plan

@dataclass(frozen=True, slots=True)
class WrittenRevision:
    key: str
    rev_id: str
    path: Path


@dataclass(frozen=True, slots=True)
class WriteResult:
    start: str | None  # the head the first new revision follows (None: base; "a, b": a merge)
    revisions: tuple[WrittenRevision, ...]
    heads: tuple[str, ...] = ()  # the heads the first new revision follows
    published: bool = True  # False: a verification failed and nothing was written


@dataclass(frozen=True, slots=True)
class StagedRevisions:
    """Revisions Alembic wrote into a staging folder, not yet in the versions folder."""

    environment: AlembicEnvironment  # with the staging folder as a version location
    start: tuple[str, ...]  # the heads the first one follows
    revisions: tuple[tuple[str, str, Path], ...]  # (key, rev_id, staged file)
    target: Path  # the version location they go to


def _start_heads(env: AlembicEnvironment, at: Sequence[str] | None) -> tuple[str, ...]:
    """The heads the new revisions follow: the only head, or those the database is at."""
    heads = env.heads()
    if len(heads) <= 1:
        return heads
    if at is None:
        raise DriftError(
            f"{env.script_location} has {len(heads)} heads ({', '.join(heads)}): drift plans "
            "on the head the database is at, so pass --url of a database stamped at one of "
            "them, or merge them first (`alembic merge heads`)")
    return tuple(sorted(at))


@contextlib.contextmanager
def staged_revisions(plan: Plan, env: AlembicEnvironment, *,
                     rev_ids: Sequence[str] | None = None,
                     at: Sequence[str] | None = None) -> Iterator[StagedRevisions]:
    """Write one revision per planned revision into a staging folder, chained to the head
    (``at``: the revisions the database is at, where the environment has several heads)."""
    start = _start_heads(env, at)
    ids = list(rev_ids) if rev_ids else [util.rev_id() for _ in plan.revisions]
    if len(ids) != len(plan.revisions):
        raise DriftError("one revision id per planned revision is needed")
    folder = env.revision_folder(start[0]) if start else None
    target = folder or env.version_locations()[0]
    for orphan in orphaned_folders(STAGING_PREFIX):  # a killed run's staging folder
        shutil.rmtree(orphan, ignore_errors=True)
    with owned_folder(STAGING_PREFIX) as staging:
        tmp = str(staging)
        staged_env = replace(env, staging=(staging,))
        # offline generation never connects: any PostgreSQL URL gives the dialect
        config = staged_env.config(OFFLINE_URL)
        config.set_main_option("revision_environment", "true")
        first: str | tuple[str, ...] | None = (start[0] if len(start) == 1 else start) or None

        def directives(context: Any, revision: Any, scripts: list[Any]) -> None:
            heads = [first, *ids[:-1]]
            scripts[:] = [migration_script(r, rid, head, tmp)  # type: ignore[arg-type]
                          for r, rid, head in zip(plan.revisions, ids, heads, strict=True)]
            # the bodies pass the gate before Alembic writes (and imports) any file
            for script in scripts:
                for body in (script.upgrade_ops, script.downgrade_ops):
                    check_body(render_python_code(body, migration_context=_RENDER_CONTEXT),
                               f"revision {script.rev_id}")

        by_id: dict[str, Path] = {}
        if plan.revisions:
            for script in run_offline_revision(env, config, directives):
                assert script is not None
                by_id[script.revision] = Path(script.path)
        for path in by_id.values():  # and each whole file before it is run or published
            check_revision(path.read_text(encoding="utf-8"), path.name)
        yield StagedRevisions(staged_env, start, tuple(
            (r.key, rid, by_id[rid]) for r, rid in zip(plan.revisions, ids, strict=True)),
            target)


def publish(staged: StagedRevisions) -> WriteResult:
    """Move the staged revisions into the versions folder: all of them or none."""
    target = staged.target
    for _, _, source in staged.revisions:
        if (target / source.name).exists():
            raise DriftError(f"{target / source.name} already exists; drift never "
                             "overwrites it")
    written: list[WrittenRevision] = []
    try:
        for key, rid, source in staged.revisions:
            path = target / source.name
            write_new(path, source.read_text(encoding="utf-8"))
            written.append(WrittenRevision(key, rid, path))
    except BaseException:
        for done in written:  # a full disk half-way: none of them, not some
            done.path.unlink(missing_ok=True)
        raise
    start = ", ".join(staged.start) or None
    return WriteResult(start, tuple(written), staged.start)


def unpublished(staged: StagedRevisions) -> WriteResult:
    """What would have been written, where: nothing was (a verification failed)."""
    return WriteResult(", ".join(staged.start) or None, tuple(
        WrittenRevision(key, rid, staged.target / source.name)
        for key, rid, source in staged.revisions), staged.start, published=False)


def write_revisions(plan: Plan, migrations: Path, *, url: str | None = None,
                    rev_ids: Sequence[str] | None = None) -> WriteResult:
    """Write one revision per planned revision, chained to the current head; never overwrite."""
    with staged_revisions(plan, open_environment(migrations), rev_ids=rev_ids) as staged:
        return publish(staged)
