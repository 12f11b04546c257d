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
import json
from collections.abc import Iterable
from dataclasses import dataclass

from drift.classify.expectations_writer import expectation_entry
from drift.mismatch import Finding, Status
from drift.schema import Snapshot

_RENDER_OPTIONS = {
    "sqlalchemy_module_prefix": "sa.",
    "alembic_module_prefix": "op.",
    "render_item": None,
    "render_as_batch": False,
    "user_module_prefix": None,
}


@dataclass(frozen=True, slots=True)
class NextStep:
    operation: str  # Python, as the revision's upgrade() holds it (dedented)
    accept: str  # a YAML list item for the ``expected:`` list (unexpected drift only, else "")


def accept_yaml(finding: Finding) -> str:
    """One ``expected:`` entry accepting this mismatch exactly (its reason left TODO).

    Each value is written as a JSON string, which is a YAML double-quoted scalar: any
    name is safe in it, and a report of thousands of findings is not held up by
    PyYAML's representer (about half a millisecond an entry)."""
    entry = expectation_entry(finding.mismatch)
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()]
    return "- " + "\n  ".join(lines) + "\n"


def next_steps(findings: Iterable[Finding], models: Snapshot, database: Snapshot,
               opclass_gaps: frozenset[tuple[str, str]] = frozenset()) -> dict[str, NextStep]:
    """Mismatch id -> its next step (``opclass_gaps``: as ``plan.buildable`` reads them)."""
    from alembic.autogenerate.api import AutogenContext
    from alembic.autogenerate.render import render_op
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.dialects import postgresql

    from drift.plan import builders  # noqa: F401  (registers the builders)
    from drift.plan.operations import PlanContext, steps_for
    from drift.plan.revision_script import PlannedOp

    ctx = PlanContext.of(models, database, opclass_gaps)
    # one rendering context for every finding (as alembic.autogenerate.render_python_code
    # makes one per call): making one costs more than rendering an operation
    context = MigrationContext.configure(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
    autogen = AutogenContext(context, opts=dict(_RENDER_OPTIONS))
    out: dict[str, NextStep] = {}
    for f in findings:
        if f.mismatch.query is not None:  # the application's SQL: no revision fixes it
            out[f.id] = NextStep("", accept_yaml(f) if f.status is Status.UNEXPECTED else "")
            continue
        steps = [dataclasses.replace(st, disabled=st.destructive) for st in steps_for(ctx, f)]
        code = "\n".join(
            text for st in steps for text in render_op(autogen, PlannedOp.from_step(st))
        )
        accept = accept_yaml(f) if f.status is Status.UNEXPECTED else ""
        out[f.id] = NextStep(code.strip("\n"), accept)
    return out
