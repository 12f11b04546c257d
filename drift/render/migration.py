"""A Plan -> Alembic revision files, written by Alembic itself.

Each Step becomes a ``PlannedOp``: a MigrateOperation wrapping the step's
Alembic operation, rendered by Alembic's renderer (``render_op``), with the
step's hazards as comments above it, and commented out when disabled. Python
source is never assembled here: operations are rendered by Alembic, whose
renderer repr()-quotes every identifier; the comments hold only plain text in
which names come from repr() as well, and every comment line is prefixed.

Revisions are created by ``alembic.command.revision`` with
``process_revision_directives`` (one ``MigrationScript`` per revision, chained
by ``head``), running the environment in offline mode (``revision_environment``
and ``sql``), so no connection is opened. Alembic writes them into a temporary
version location; drift then moves each file into the migrations' versions
folder with ``write_new``, which never overwrites. Before Alembic writes, each
rendered body, and before a file is moved, its whole text, passes the gate of
``revision_gate`` (only drift's own kind of code); a rejected revision is a bug,
and nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command, util
from alembic.autogenerate import render_python_code
from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import render_op, renderers
from alembic.config import Config
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from drift.errors import DriftError
from drift.files import write_new
from drift.plan import Plan, Revision
from drift.plan.steps import Hazard, HazardKind, Step
from drift.render import revision_ops  # noqa: F401  (registers safe renderers)
from drift.render.filters import md_cell, md_code
from drift.render.revision_gate import check_body, check_revision

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


OFFLINE_URL = "postgresql+psycopg2://"
# renders a body as the revision will hold it, without the environment (nor a connection)
_RENDER_CONTEXT = MigrationContext.configure(dialect_name="postgresql")


@dataclass(frozen=True, slots=True)
class WrittenRevision:
    key: str
    rev_id: str
    path: Path


@dataclass(frozen=True, slots=True)
class WriteResult:
    start: str | None  # the head the first new revision follows (None: base)
    revisions: tuple[WrittenRevision, ...]


def load_config(migrations: Path, url: str | None = None) -> Config:
    """The Alembic Config of a migrations folder (its alembic.ini, or the one beside it)."""
    migrations = migrations.resolve()
    if not (migrations / "env.py").is_file() or not (migrations / "script.py.mako").is_file():
        raise DriftError(f"{migrations} is not an Alembic environment (no env.py or "
                         "script.py.mako): create one with `alembic init`")
    ini = next((p for p in (migrations / "alembic.ini", migrations.parent / "alembic.ini")
                if p.is_file()), None)
    # quiet: Alembic's "Generating ..." lines would mix with drift's output; and no file name,
    # so that env.py leaves logging alone: the ini's [alembic] options are copied instead
    config = Config(output_buffer=io.StringIO(), cmd_opts=argparse.Namespace(quiet=True, x=[]))
    if ini is not None:
        source = Config(str(ini))
        for key, value in source.file_config.items(source.config_ini_section):
            if key != "here":
                config.set_main_option(key, value.replace("%", "%%"))
    config.set_main_option("script_location", str(migrations))
    config.attributes["configure_logger"] = False
    if url:
        # configparser interpolates %: a URL's percent-escapes must be doubled
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["drift_url"] = url
    return config


def init_environment(migrations: Path) -> Path:
    """A new Alembic environment from Alembic's generic template (for the demo's output)."""
    if (migrations / "env.py").is_file():
        return migrations
    if migrations.exists() and any(migrations.iterdir()):
        raise DriftError(f"{migrations} exists and is not an Alembic environment")
    config = Config(str(migrations / "alembic.ini"),
                    cmd_opts=argparse.Namespace(quiet=True, x=[]))
    try:
        # quiet=True does not reach every message of init (the ini file's "Generating"
        # line): keep Alembic's chatter out of our stdout, which carries the report
        with contextlib.redirect_stdout(io.StringIO()):
            command.init(config, str(migrations), template="generic")
    except util.CommandError as exc:
        raise DriftError(f"alembic: {exc}") from None
    return migrations


def version_locations(config: Config) -> list[Path]:
    script = ScriptDirectory.from_config(config)
    listed = config.get_version_locations_list()
    if listed:
        return [Path(p) for p in listed]
    return [Path(script.dir) / "versions"]


def current_head(config: Config) -> str | None:
    script = ScriptDirectory.from_config(config)
    try:
        return script.get_current_head()
    except util.CommandError as exc:
        raise DriftError(f"{script.dir}: {exc}") from None


def write_revisions(plan: Plan, migrations: Path, *, url: str | None = None,
                    rev_ids: Sequence[str] | None = None) -> WriteResult:
    """Write one revision per planned revision, chained to the current head; never overwrite."""
    # offline generation never connects: without a URL, any PostgreSQL URL gives the dialect
    config = load_config(migrations, url or OFFLINE_URL)
    start = current_head(config)
    targets = version_locations(config)
    target = targets[0]
    ids = list(rev_ids) if rev_ids else [util.rev_id() for _ in plan.revisions]
    if len(ids) != len(plan.revisions):
        raise DriftError("one revision id per planned revision is needed")
    with tempfile.TemporaryDirectory(prefix="drift-revisions-") as tmp:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations",
                               os.pathsep.join(str(p) for p in [*targets, Path(tmp)]))
        config.set_main_option("revision_environment", "true")

        def directives(context: Any, revision: Any, scripts: list[Any]) -> None:
            heads = [start, *ids[:-1]]
            scripts[:] = [migration_script(r, rid, head, tmp)
                          for r, rid, head in zip(plan.revisions, ids, heads, strict=True)]
            # the bodies are checked before Alembic writes (and imports) any file
            for script in scripts:
                for body in (script.upgrade_ops, script.downgrade_ops):
                    check_body(render_python_code(body, migration_context=_RENDER_CONTEXT),
                               f"revision {script.rev_id}")

        by_id: dict[str, Path] = {}
        if plan.revisions:
            try:
                scripts = command.revision(config, message="drift", sql=True,
                                           process_revision_directives=directives)
            except util.CommandError as exc:
                raise DriftError(f"alembic: {exc}") from None
            for script in scripts if isinstance(scripts, list) else [scripts]:
                assert script is not None
                by_id[script.revision] = Path(script.path)
        written = []
        pending = [(r, rid, by_id[rid]) for r, rid in zip(plan.revisions, ids, strict=True)]
        for _, _, source in pending:
            if (target / source.name).exists():
                raise DriftError(f"{target / source.name} already exists; drift never "
                                 "overwrites it")
        texts = {rid: source.read_text(encoding="utf-8") for _, rid, source in pending}
        for _, rid, source in pending:
            check_revision(texts[rid], source.name)
        for r, rid, source in pending:
            path = target / source.name
            write_new(path, texts[rid])
            written.append(WrittenRevision(r.key, rid, path))
    return WriteResult(start, tuple(written))


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
