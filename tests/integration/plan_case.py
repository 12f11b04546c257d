"""Shared by the plan tests (no tests here): plan models against a live schema, write, verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.compare import compare_snapshots
from drift.plan import Plan, PlanOptions, build_plan
from drift.plan.revision_writer import WriteResult, write_revisions
from drift.plan.verify import VerifyReport, verify_plan
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata


@dataclass
class PlanCase:
    plan: Plan
    written: WriteResult
    report: VerifyReport

    def sources(self) -> list[str]:
        return [w.path.read_text(encoding="utf-8") for w in self.written.revisions]


def init_migrations(path: Path, target_metadata: str | None = None) -> Path:
    """A fresh Alembic environment from the generic template; ``target_metadata``: the Python
    expression env.py assigns to ``target_metadata`` (a project's naming convention)."""
    command.init(Config(str(path / "alembic.ini")), str(path))
    if target_metadata is not None:
        env = path / "env.py"
        text = env.read_text(encoding="utf-8")
        text = text.replace("target_metadata = None",
                            f"import sqlalchemy\ntarget_metadata = {target_metadata}")
        env.write_text(text, encoding="utf-8")
    return path


def plan_case(url: str, md: sa.MetaData, schemas: tuple[str, ...], migrations: Path,
              options: PlanOptions | None = None, *, downgrade: bool = True) -> PlanCase:
    """Plan the models of ``md`` against the database at ``url``, write, verify on a copy."""
    models = declare_metadata(md, schemas)
    database = reflect_snapshot(url, schemas)
    classification = classify(compare_snapshots(models, database), ExpectationsFile((), ()),
                              date(2026, 1, 1))
    plan = build_plan(classification.findings, (), models, database, options or PlanOptions())
    written = write_revisions(plan, migrations)
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, schemas, scratch_url=url,
                         downgrade=downgrade)
    return PlanCase(plan, written, report)


def plan_measured(url: str, md: sa.MetaData, schemas: tuple[str, ...], migrations: Path,
                  options: PlanOptions | None = None) -> PlanCase:
    """As ``plan_case``, with the live catalog's facts (row estimates, views reading columns)."""
    from drift.plan import measure
    from drift.sources.database.connection import read_only_connection

    models = declare_metadata(md, schemas)
    database = reflect_snapshot(url, schemas)
    classification = classify(compare_snapshots(models, database), ExpectationsFile((), ()),
                              date(2026, 1, 1))
    options = options or PlanOptions()
    draft = build_plan(classification.findings, (), models, database, options)
    with read_only_connection(url) as conn:
        stats = measure(conn, draft.steps, schemas)
    plan = build_plan(classification.findings, (), models, database, options, stats)
    written = write_revisions(plan, migrations)
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, schemas, scratch_url=url, downgrade=True)
    return PlanCase(plan, written, report)
