"""The next step of each finding: the Alembic operation ``drift plan`` would write for it,
and the expectations entry that would accept it instead.

The operation comes from the planner's own builders (``plan.operations.steps_for``)
and is rendered by Alembic's renderer through the planner's ``PlannedOp`` (as in
the revisions ``drift plan`` writes: a drop of an object the models do not
declare is shown commented out, as the plan leaves it without
``--allow-destructive``). The entry is ``drift expect``'s, for that one mismatch.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from drift.expectations import expectation_entry
from drift.mismatch import Finding
from drift.schema import Snapshot

_ALEMBIC_FRAME = "# ### "  # the "commands auto generated" lines around render_python_code's body


@dataclass(frozen=True, slots=True)
class NextStep:
    operation: str  # Python, as the revision's upgrade() holds it (dedented)
    accept: str  # a YAML list item for the ``expected:`` list of the expectations file


def accept_yaml(finding: Finding) -> str:
    """One ``expected:`` entry accepting this mismatch exactly (its reason left TODO)."""
    entry = expectation_entry(finding.mismatch)
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1000)


def next_steps(findings: Iterable[Finding], models: Snapshot, database: Snapshot
               ) -> dict[str, NextStep]:
    """Mismatch id -> its next step."""
    from alembic.autogenerate import render_python_code
    from alembic.operations import ops
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.dialects import postgresql

    from drift.plan import builders  # noqa: F401  (registers the builders)
    from drift.plan.operations import PlanContext, steps_for
    from drift.render.migration import PlannedOp

    ctx = PlanContext.of(models, database)
    # one context for every finding: configuring one costs more than rendering an operation
    context = MigrationContext.configure(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
    out: dict[str, NextStep] = {}
    for f in findings:
        steps = [dataclasses.replace(st, disabled=st.destructive) for st in steps_for(ctx, f)]
        upgrade = ops.UpgradeOps([PlannedOp.from_step(st) for st in steps])
        code = render_python_code(upgrade, migration_context=context)
        body = "\n".join(line for line in code.splitlines()
                         if not line.strip().startswith(_ALEMBIC_FRAME))
        out[f.id] = NextStep(textwrap.dedent(body).strip("\n"), accept_yaml(f))
    return out
