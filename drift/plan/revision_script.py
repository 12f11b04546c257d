"""A Plan -> Alembic revision files, written by Alembic itself.

Each Step becomes a ``PlannedOp``: a MigrateOperation wrapping the step's
Alembic operation, rendered by Alembic's renderer (``render_op``), with the
step's hazards as comments above it, and commented out when disabled. Python
source is never assembled here: operations are rendered by Alembic, whose
renderer repr()-quotes every identifier; the comments hold only plain text in
which names come from repr() as well, and every comment line is prefixed.

``migration_script`` gives one ``MigrationScript`` per revision; Alembic writes
them (``drift.sources.migrations.env_runner.write_revisions``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op, renderers
from alembic.operations import ops

from drift.plan import (
    Revision,
    revision_ops,  # noqa: F401  (registers safe renderers)
)
from drift.plan.steps import Hazard, HazardKind, Step

# ---------------------------------------------------------------- the wrapping operation


class PlannedOp(ops.MigrateOperation):
    """One step as Alembic sees it: an operation, its hazards, and whether it is disabled."""

    def __init__(self, op: ops.MigrateOperation | None, reverse_op: ops.MigrateOperation | None,
                 hazards: Sequence[Hazard] = (), disabled: bool = False, note: str = "",
                 path: str = "", autocommit: bool = False) -> None:
        self.op = op
        self.reverse_op = reverse_op
        self.hazards = tuple(hazards)
        self.disabled = disabled
        self.note = note
        self.path = path
        self.autocommit = autocommit

    @classmethod
    def from_step(cls, step: Step) -> PlannedOp:
        return cls(step.op, step.reverse, step.hazards, step.disabled, step.note, step.path,
                   step.autocommit)

    @property
    def active(self) -> bool:
        return self.op is not None and not self.disabled

    def reverse(self) -> PlannedOp:
        if self.op is None:
            return PlannedOp(None, None, (), False, self.note, self.path)
        if self.reverse_op is None:
            why = next((h.message for h in self.hazards if h.kind is HazardKind.IRREVERSIBLE),
                       f"{type(self.op).__name__.removesuffix('Op')} has no inverse")
            return PlannedOp(None, self.op, (), False, f"cannot be undone: {why}", self.path)
        return PlannedOp(self.reverse_op, self.op, (), self.disabled, "", self.path,
                         self.autocommit)


class PassOp(ops.MigrateOperation):
    """Keeps a function body valid when every step in it is a comment."""

    def reverse(self) -> PassOp:
        return PassOp()


# a comment line ending like "with x:" would make Alembic's printer indent what follows
_OPENS_BLOCK = re.compile(r":[ \t]*(?:#.*)?$")


def comment_lines(text: str, indent: str = "") -> list[str]:
    """Plain text as '#' lines: every line break of any kind starts a new comment line."""
    out = []
    for line in text.replace("\x00", "").splitlines() or [""]:
        line = f"# {indent}{line}".rstrip()
        while (found := _OPENS_BLOCK.search(line)) is not None:
            line = line[: found.start() + 1] + "." + line[found.start() + 1:]
        out.append(line)
    return out


def _code_as_comment(lines: list[str], indent: str = "") -> list[str]:
    return [c for line in lines for c in comment_lines(line, indent)]


@renderers.dispatch_for(PlannedOp)
def _render_planned(autogen_context: AutogenContext, op: PlannedOp) -> list[str]:
    lines: list[str] = []
    for hazard in op.hazards:
        lines += comment_lines(f"HAZARD ({hazard.kind.value}): {hazard.message}")
        if hazard.alternative:
            lines += comment_lines(f"  safer: {hazard.alternative_note}")
            rendered = [text for alt in hazard.alternative
                        for text in render_op(autogen_context, alt)]
            if getattr(hazard.alternative[0], "kw", {}).get("postgresql_concurrently"):
                # one line, so the commented form stays valid Python once uncommented
                rendered = [f"with op.get_context().autocommit_block(): {rendered[0]}"]
            lines += _code_as_comment(rendered, "    ")
    if op.op is None:
        lines += comment_lines(f"MANUAL ({op.path!r}): {op.note}")
        return lines
    if op.note:
        lines += comment_lines(op.note)
    rendered = render_op(autogen_context, op.op)
    if op.disabled:
        lines += comment_lines("DISABLED - a drop of an object the models do not declare; "
                               "rerun drift plan with --allow-destructive to enable it")
        return lines + _code_as_comment([part for r in rendered for part in r.split("\n")])
    if op.autocommit:
        # as Alembic renders a batch block: the opening line, the body, an empty line closing it
        return [*lines, "with op.get_context().autocommit_block():", *rendered, ""]
    return lines + rendered


@renderers.dispatch_for(PassOp)
def _render_pass(autogen_context: AutogenContext, op: PassOp) -> list[str]:
    return ["pass"]


# ---------------------------------------------------------------- revisions


def _safe_message(text: str) -> str:
    """The message goes into the template's docstring: one line, no quotes or backslashes."""
    text = " ".join(text.split())
    return text.replace("\\", "/").replace('"', "'")


def migration_script(revision: Revision, rev_id: str, head: str | None,
                     version_path: str) -> ops.MigrationScript:
    upgrade = ops.UpgradeOps([PlannedOp.from_step(st) for st in revision.steps])
    downgrade = ops.DowngradeOps([])
    upgrade.reverse_into(downgrade)
    for container in (upgrade, downgrade):
        if not any(isinstance(o, PlannedOp) and o.active for o in container.ops):
            container.ops.append(PassOp())
    return ops.MigrationScript(rev_id, upgrade, downgrade, message=_safe_message(revision.message),
                               head=head or "base", version_path=version_path)
