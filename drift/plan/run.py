"""One call for ``drift plan`` (and the demo's plan): plan, write the revisions, verify them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection

from drift.errors import DriftError
from drift.plan import Plan, PlanOptions, plan_result
from drift.plan.extensions import needed_extensions, with_extensions
from drift.plan.revision_writer import WriteResult, publish, staged_revisions, unpublished
from drift.plan.verify import Collation, VerifyReport, verify_plan
from drift.result import CheckResult
from drift.sources.database.connection import read_only_connection, redact_url
from drift.sources.database.sql import query
from drift.sources.migrations.env_runner import AlembicEnvironment, open_environment
from drift.sources.migrations.fingerprint import InspectedDatabases
from drift.sources.migrations.scratch_guard import database_revisions


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    plan: Plan
    written: WriteResult
    migrations: Path
    report: VerifyReport | None = None  # None: not verified

    @property
    def exit_code(self) -> int:
        """1 when verification ran and the plan does not converge."""
        return 1 if self.report is not None and not self.report.converged else 0


def run_plan(
    result: CheckResult,
    migrations: Path,
    options: PlanOptions | None = None,
    *,
    verify: bool = False,
    scratch_url: str | None = None,
    downgrade: bool = False,
    rev_ids: tuple[str, ...] | None = None,
    message: str | None = None,
    env_vars: tuple[str, ...] = (),
) -> PlanOutcome:
    """Plan the result's findings, write one revision per phase into ``migrations``, verify.

    The revisions are staged first and reach the versions folder only once all were
    written and, with ``verify``, only if they converge: a failed verification (or a
    refused environment) leaves no revision behind for the next plan to build on.
    """
    options = options or PlanOptions()
    if options.phase is not None and options.phase not in {p.number for p in
                                                           result.classification.phases}:
        known = ", ".join(str(p.number) for p in result.classification.phases) or "none"
        raise DriftError(f"--phase {options.phase}: no such phase in the expectations "
                         f"(phases: {known})")
    env = open_environment(migrations, env_vars)
    at: tuple[str, ...] | None = None
    extensions: tuple[str, ...] = ()
    collations: tuple[Collation, ...] = ()
    live = result.config.url if result.config.url and result.config.snapshot is None else None
    # before any of the project's code runs (the revision files, env.py): the proof's start
    inspected = InspectedDatabases((live,) if live else ())
    try:
        if live:
            # one read-only session for every read of the live database the plan needs
            with read_only_connection(live) as conn:
                at = check_database_at_head(conn, env)
                extensions = tuple(conn.execute(query("extensions")).scalars())
                collations = tuple(Collation(r.name, r.schema, r.statement)
                                   for r in conn.execute(query("collations")))
                plan = plan_result(result, options, conn)
        else:
            plan = plan_result(result, options)
        if live:
            plan = with_extensions(plan, set(needed_extensions(result.models)) - set(extensions))
        plan = titled(plan, message)
        with staged_revisions(plan, env, rev_ids=rev_ids, at=at) as staged:
            report = None
            if verify and plan.revisions:
                report = verify_plan(plan, tuple(rid for _, rid, _ in staged.revisions),
                                     staged.start, migrations, result.database, result.models,
                                     result.config.schemas, scratch_url=scratch_url,
                                     downgrade=downgrade, environment=staged.environment,
                                     protected_urls=(live,) if live else (),
                                     extensions=extensions, collations=collations)
            inspected.prove_unchanged()  # no revision is written, nor "converged" said, without
            if report is not None and not report.converged:
                written = unpublished(staged)
            else:
                written = publish(staged)
    except DriftError:
        inspected.prove_unchanged()  # a change to the inspected database outranks the error
        raise
    return PlanOutcome(plan, written, migrations, report)


def titled(plan: Plan, message: str | None) -> Plan:
    """``-m/--message``: the revisions' titles (numbered after the phase when several)."""
    if not message or not plan.revisions:
        return plan
    if len(plan.revisions) == 1:
        return replace(plan, revisions=(replace(plan.revisions[0], message=message),))
    return replace(plan, revisions=tuple(replace(r, message=f"{message} ({r.message})")
                                         for r in plan.revisions))


def check_database_at_head(conn: Connection, env: AlembicEnvironment | Path
                           ) -> tuple[str, ...]:
    """Refuse to plan when the migrations have a head the database is not at; return the
    revisions the database is at.

    The new revisions follow the head, but the drift is measured on the database:
    if the database is behind (or not stamped), the plan would repeat what the
    revisions in between already do (a second CREATE TABLE) and its verification,
    which starts a scratch copy of the database at the head, would prove nothing.
    With several heads (branches), the database must be at heads only: the plan
    follows those it is at.
    """
    env = env if isinstance(env, AlembicEnvironment) else open_environment(env)
    migrations = env.script_location
    heads = env.heads()
    at = database_revisions(conn)
    where = redact_url(conn.engine.url)
    unknown = [rev for rev in at if not env.known(rev)]
    if unknown:
        raise DriftError(
            f"the database {where} is at revision {', '.join(unknown)}, which {migrations} "
            "does not have: is --migrations the environment of this database, or is a "
            "revision file missing?")
    if not heads:  # no revisions yet: the plan starts from base, whatever the database
        return at
    if at and set(at) <= set(heads):
        return at
    head = ", ".join(heads)
    if not at:
        raise DriftError(
            f"the database {where} is not stamped (no alembic_version table) but the head of "
            f"{migrations} is {head}: run `alembic upgrade head` (or `alembic stamp {head}` if "
            "the database already has that schema) first, so that the plan starts from the head")
    raise DriftError(
        f"the database {where} is at revision {', '.join(at)} but the head of {migrations} is "
        f"{head}: run `alembic upgrade head` first, so that the plan starts from the head")
