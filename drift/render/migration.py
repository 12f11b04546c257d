"""A Plan -> Alembic revision files, written by Alembic itself.

Each Step becomes a ``PlannedOp``: a MigrateOperation wrapping the step's
Alembic operation, rendered by Alembic's renderer (``render_op``), with the
step's hazards as comments above it, and commented out when disabled. Python
source is never assembled here: operations are rendered by Alembic, whose
renderer repr()-quotes every identifier; the comments hold only plain text in
which names come from repr() as well, and every comment line is prefixed.

``migration_script`` gives one ``MigrationScript`` per revision; Alembic writes
them (``drift.alembic_runner.write_revisions``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op, renderers
from alembic.operations import ops

from drift.plan import Revision
from drift.plan.steps import Hazard, HazardKind, Step
from drift.render.filters import md_cell, md_code

if TYPE_CHECKING:
    from drift.plan.run import PlanOutcome
    from drift.plan.verify import VerifyReport

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


# ---------------------------------------------------------------- the plan summary


def summary_lines(outcome: PlanOutcome, markdown: bool = False) -> list[str]:
    """The plan summary: revisions, hazards, what was left out, and the verdict of --verify."""
    esc = md_cell if markdown else str
    code = md_code if markdown else str
    plan, written = outcome.plan, outcome.written
    head = written.start or "base"
    out: list[str] = []
    if markdown:
        out += ["## drift plan", ""]
    if not plan.revisions:
        out.append("Nothing to plan: no drift to migrate.")
        return out
    out.append(f"{len(plan.revisions)} revision(s) in {esc(str(outcome.migrations))}, "
               f"following {esc(head)}:")
    if markdown:
        out += ["", "| # | revision | steps | disabled | manual | hazards | file |",
                "|---|---|---|---|---|---|---|"]
    for i, (rev, w) in enumerate(zip(plan.revisions, written.revisions, strict=True), 1):
        disabled = sum(1 for st in rev.steps if st.disabled)
        manual = sum(1 for st in rev.steps if st.op is None)
        on, more = _hazard_counts(rev)
        if markdown:
            out.append(f"| {i} | {esc(rev.message)} | {len(rev.steps)} | {disabled} | {manual} "
                       f"| {on}{more} | {code(w.path.name)} |")
        else:
            out.append(f"  {i}. {rev.message}: {len(rev.steps)} step(s), {disabled} disabled, "
                       f"{manual} manual, {on} hazard(s){more} -> {w.path.name}")
    listed = [(rev, st, h) for rev in plan.revisions for st, h in rev.hazards]
    if listed:
        out += ["", "### Hazards" if markdown else "Hazards:"]
        if markdown:
            out.append("")
        for rev, st, h in listed:
            bullet = "-" if markdown else "  -"
            off = " (disabled step)" if st.disabled else ""
            out.append(f"{bullet} {esc(rev.key)}, {h.kind.value}{off}: {esc(h.message)}")
    if plan.left_out:
        out += ["", f"{len(plan.left_out)} finding(s) left out (--expected-only / --phase)."]
    if outcome.report is not None:
        out += [""] + verify_lines(outcome.report, markdown)
    if not written.published:
        out += ["", "Nothing was written: the revisions reach the versions folder only once "
                "they are verified."]
    return out


def _hazard_counts(rev: Revision) -> tuple[int, str]:
    """Hazards of the steps that run, and a note on those of disabled (commented-out) ones."""
    off = sum(1 for st, _ in rev.hazards if st.disabled)
    return len(rev.hazards) - off, f" ({off} more on disabled steps)" if off else ""


def verify_lines(report: VerifyReport, markdown: bool = False) -> list[str]:
    esc = md_cell if markdown else str
    out = ["### Verification" if markdown else f"Verification on {report.scratch}:"]
    if markdown:
        out += ["", f"On {md_code(report.scratch)}:", ""]
    bullet = "-" if markdown else "  -"
    if report.rebuild_differences:
        out.append(f"{bullet} the rebuilt schema differs from the live one in "
                   f"{len(report.rebuild_differences)} place(s): "
                   f"{esc('; '.join(report.rebuild_differences))}")
    for r in report.revisions:
        if r.error:
            verdict = f"FAILED: {r.error}"
        elif r.converged:
            verdict = f"converged ({r.resolved} resolved, {r.left_disabled} left on purpose)"
        else:
            parts = []
            if r.unresolved:
                parts.append(f"unresolved: {'; '.join(r.unresolved)}")
            if r.introduced:
                parts.append(f"introduced: {'; '.join(r.introduced)}")
            verdict = "NOT converged: " + ", ".join(parts)
        out.append(f"{bullet} {esc(r.message)}: {esc(verdict)}")
    if report.downgrade_ran is not None:
        if report.downgrade_error:
            down = f"FAILED: {report.downgrade_error}"
        elif report.downgrade_differences:
            down = ("ran; not restored exactly: "
                    + "; ".join(report.downgrade_differences))
        else:
            down = "ran, back to the start"
        out.append(f"{bullet} downgrade: {esc(down)}")
    if markdown:
        out.append("")  # else the verdict renders inside the list above
    out.append(f"{'**' if markdown else ''}Verdict: "
               f"{'converged' if report.converged else 'does NOT converge'}"
               f"{'**' if markdown else ''}")
    return out


def render_plan_summary(outcome: PlanOutcome, fmt: str = "text") -> str:
    return "\n".join(summary_lines(outcome, markdown=fmt == "markdown")) + "\n"
