"""The command line: parses flags and config, calls ``api``, returns the documented exit codes.

Exit status: 0 no unexpected drift; 1 unexpected drift (or stale/expired
expectations under --strict); 2 the run could not be done, with one line on
stderr and no traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from drift import api
from drift.cli.options import (
    DIRECTORY,
    FILE,
    code_option,
    database_options,
    format_option,
    migrations_options,
    pipeline_options,
    strict_option,
)
from drift.cli.progress import StageLine
from drift.config import config_from_options
from drift.errors import DriftError, redact_secrets
from drift.files import write_atomic
from drift.render import render
from drift.render.terminal import shown


def error_line(message: str) -> None:
    """The one line of a run that could not be done: escaped, cut, no secret (the message
    may quote a name, a value given on the command line, a third-party error)."""
    click.echo(f"drift: error: {shown(redact_secrets(message))}", err=True)


class DriftGroup(click.Group):
    """Turns DriftError, a usage error (and Ctrl-C) into one line on stderr and exit
    status 2."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # drift's own flags: click would print three lines
            error_line(f"{exc.format_message()} (see drift --help)")
            raise click.exceptions.Exit(2) from None

    def invoke(self, ctx: click.Context) -> Any:
        # a library's warning (Alembic's "Revision ... is not present") is printed by Python
        # as two lines: taken here, it is one line of its own, or part of the error it
        # explains
        with warnings.catch_warnings(record=True) as caught:
            # deprecations are about the project's setup (Alembic's path_separator), not the
            # run: hidden, as Python hides them outside __main__, whoever runs drift
            warnings.simplefilter("ignore", DeprecationWarning)
            try:
                return super().invoke(ctx)
            except DriftError as exc:
                error_line(str(exc) + _warned(caught))
                caught.clear()
                ctx.exit(2)
            except click.UsageError as exc:
                command = f"{exc.ctx.command_path} --help" if exc.ctx else "drift --help"
                error_line(f"{exc.format_message()} (see {command})")
                ctx.exit(2)
            except KeyboardInterrupt:
                click.echo("drift: interrupted", err=True)
                ctx.exit(2)
            finally:
                for warning in dict.fromkeys(str(w.message) for w in caught):
                    click.echo(f"drift: warning: {shown(warning)}", err=True)


def _warned(caught: list[warnings.WarningMessage]) -> str:
    said = dict.fromkeys(" ".join(str(w.message).split()) for w in caught)
    return f" (warned: {'; '.join(said)})" if said else ""


@click.group(cls=DriftGroup)
@click.version_option(package_name="sqlalchemy-drift")
def main() -> None:
    """Find schema drift between live PostgreSQL databases and SQLAlchemy models."""


def project_output_to_stderr() -> contextlib.AbstractContextManager[Any]:
    """While the project's code runs (the models' import, env.py, revisions): whatever it
    prints goes to stderr, since stdout carries the report (``--format json``)."""
    return contextlib.redirect_stdout(sys.stderr)


def run_pipeline(config: api.CheckConfig) -> api.CheckResult:
    """api.run_check, with the running stage shown on a terminal's stderr, then its notes.

    The notes (what the run left out) go to stderr: stdout is the report and stays clean.
    """
    with StageLine() as progress, project_output_to_stderr():
        result = api.run_check(config, progress=progress)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for problem in result.history.problems if result.history is not None else ():
        click.echo(f"drift: migrations: {problem}", err=True)
    return result


def use_color() -> bool | None:
    """None lets click decide (colour only on a TTY); NO_COLOR (any value) turns it off."""
    return False if os.environ.get("NO_COLOR") else None


def emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to ``output`` and say so on stderr."""
    if output is None:
        click.echo(text, nl=False, color=use_color())
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}", err=True)


# --- commands -------------------------------------------------------------------


@main.command()
@pipeline_options
@migrations_options
@code_option
@strict_option
@format_option
@click.option("--output", "-o", type=FILE, help="Write the report to FILE instead of stdout.")
@click.option("--verbose", "-v", is_flag=True,
              help="Text: list each expected mismatch, not a line per expectation entry.")
@click.option("--report-url", metavar="URL",
              help="Markdown: link the summary to the full report at URL.")
@click.option("--no-env-database", is_flag=True,
              help="Only --url names a database: not $DRIFT_DATABASE_URL, $DATABASE_URL or "
              "[tool.drift] url (the pre-commit hook's verdict never depends on the shell).")
@click.pass_context
def check(ctx: click.Context, /, fmt: str, output: Path | None, verbose: bool,
          report_url: str | None, **options: Any) -> None:
    """Compare the database with the models; exit 1 on unexpected drift."""
    from drift.render.text import verdict_line

    result = run_pipeline(config_from_options(**options))
    # colour only for a terminal: a file always gets the plain report
    color = output is None and use_color() is not False
    emit(render(result, fmt, color=color, verbose=verbose, report_url=report_url), output)
    if output is not None:  # a CI log then shows why the step failed, in one line
        click.echo(verdict_line(result), err=True)
    ctx.exit(result.exit_code)


@main.command()
@database_options
@click.option("--output", "-o", type=FILE, help="Write the snapshot to FILE instead of stdout.")
def snapshot(output: Path | None, **options: Any) -> None:
    """Save the database's schema as JSON, for `drift check --snapshot` later, offline."""
    with StageLine() as progress:
        snap = api.snapshot_database(config_from_options(**options), progress)
    emit(snap.to_json() + "\n", output)


@main.command()
@pipeline_options
@migrations_options
@code_option
@click.argument("mismatch_id", metavar="ID")
def explain(mismatch_id: str, **options: Any) -> None:
    """Show how one mismatch (ID or a unique prefix of it) was found and classified."""
    result = run_pipeline(config_from_options(**options))
    from drift.render.nextstep import next_steps
    from drift.render.text import render_explanation

    finding = api.find_by_id(result, mismatch_id)
    gaps: frozenset[tuple[str, str]] = frozenset()
    if result.config.url and result.config.snapshot is None:
        from drift.plan.buildable import opclass_pairs, read_opclass_gaps
        from drift.sources.database.connection import read_only_connection

        with read_only_connection(result.config.url) as conn:  # PostgreSQL says what it builds
            gaps = read_opclass_gaps(conn, opclass_pairs(result.models))
    step = next_steps([finding], result.models, result.database, gaps)[finding.id]
    click.echo(render_explanation(finding, step), nl=False)


@main.command()
@code_option
@click.option("--config", type=FILE,
              help="The pyproject.toml whose [tool.drift] to read (default: the nearest one).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
def queries(fmt: str, **options: Any) -> None:
    """List every SQL call site under --code, each statement and how it is checked.

    Static (no database): the unresolved parts sent as parameters (holes), and the
    statements drift leaves unchecked, with why. `drift check --code` judges them.
    """
    from drift.render.queries import render_queries
    from drift.sources.code import extract

    config = config_from_options(**options)
    if not config.code:
        raise DriftError("no code to read: pass --code DIR (or set code in [tool.drift])")
    click.echo(render_queries(extract(config.code, config.sql_calls), fmt), nl=False)


@main.command()
@pipeline_options
@migrations_options
@click.option("--output", "-o", type=FILE,
              help="The expectations file to write (default: [tool.drift] expectations).")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def expect(output: Path | None, force: bool, **options: Any) -> None:
    """Write an expectations file that accepts today's drift (to adopt drift on an old database).

    Each entry gets a placeholder reason, which fails a strict check until replaced.
    """
    from dataclasses import replace

    from drift.classify.expectations_writer import write_expectations

    config = config_from_options(**options)
    output = output if output is not None else config.expectations
    if output is None:
        raise DriftError("no expectations file to write: pass --output FILE "
                         "(or set expectations in [tool.drift])")
    if output.exists() and not force:
        raise DriftError(f"{output} already exists; pass --force to overwrite it")
    if config.expectations is not None and not config.expectations.exists():
        # the file [tool.drift] names is the one being written: not read before it exists
        config = replace(config, expectations=None)
    result = run_pipeline(config)
    # the phases of the expectations file given, if any; else the default four
    phases = result.classification.phases or None
    write_expectations(output, result.mismatches, phases, overwrite=force)
    click.echo(f"wrote {output}", err=True)


@main.command()
@pipeline_options
@migrations_options
@code_option
@strict_option
@click.option(
    "--output-dir",
    type=DIRECTORY,
    default=Path("reports"),
    show_default=True,
    help="Where the dated report folders and the index go.",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The report's date, naming its folder (default: today).",
)
@click.pass_context
def report(ctx: click.Context, /, output_dir: Path, day: Any, **options: Any) -> None:
    """Write the dated HTML, Markdown and JSON report and update the index; exit like check."""
    from drift.render.report_folder import write_report

    result = run_pipeline(config_from_options(**options))
    with StageLine() as progress:
        progress("report")
        written = write_report(result, output_dir, day.date() if day else None)
    for path in written:
        click.echo(str(path))
    from drift.render.text import verdict_line

    click.echo(verdict_line(result), err=True)
    ctx.exit(result.exit_code)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def diff(ctx: click.Context, /, old: Path, new: Path, fmt: str) -> None:
    """What changed in the database between two saved snapshots (files or report folders).

    No database needed. Exit status 1 when something changed, 0 when nothing did.
    """
    from drift.render.changes import render_changes_json, render_changes_text
    from drift.report.history import diff_snapshot_data, load_snapshot_data

    snaps = [load_snapshot_data(p) for p in (old, new)]
    changes = diff_snapshot_data(snaps[0], snaps[1])
    render_changes = render_changes_json if fmt == "json" else render_changes_text
    click.echo(render_changes(changes), nl=False)
    ctx.exit(1 if changes else 0)


@main.command()
@click.option(
    "--output-dir",
    type=DIRECTORY,
    default=Path("reports/demo"),
    show_default=True,
    help="Where to write the JSON, HTML and Markdown reports (drift.json, drift.html, "
    "drift.md), the plan's summary (plan.md) and its Alembic revisions (migrations/).",
)
@click.option("--keep", is_flag=True, help="Keep the demo database up until Ctrl-C.")
@click.pass_context
def demo(ctx: click.Context, /, output_dir: Path, keep: bool) -> None:
    """Run the whole pipeline on the example database (an embedded PostgreSQL); exits 1."""
    from drift.demo import run_demo  # late: the demo is not needed by the other commands

    result = run_demo(
        output_dir,
        keep=keep,
        color=use_color() is not False,
        echo=lambda text: click.echo(text, color=use_color()),
        status=lambda text: click.echo(text, err=True),
    )
    ctx.exit(result.exit_code)


@main.command()
@pipeline_options
@click.option("--migrations", type=DIRECTORY,
              default=Path("migrations"), show_default=True,
              help="The Alembic environment: the folder of its env.py (its alembic.ini, or the one "
              "beside it, is read) or of its alembic.ini.")
@click.option("--allow-destructive", is_flag=True,
              help="Enable the drops of objects the models do not declare (else commented out).")
@click.option("--expected-only", is_flag=True, help="Leave unexpected drift out of the plan.")
@click.option("--phase", type=int, help="Plan this phase's revision only.")
@click.option("--verify", is_flag=True, help="Run the revisions on a scratch database and "
              "check that they converge (exit 1 if not).")
@click.option("--scratch-url", metavar="URL", envvar="DRIFT_SCRATCH_URL",
              help="Server for --verify (a database is created there and dropped); default: "
              "$DRIFT_SCRATCH_URL, else an embedded or this machine's PostgreSQL.")
@click.option("--downgrade", is_flag=True, help="With --verify, also downgrade back to the start.")
@click.option("--summary", "summary_path", type=FILE, help="Also write the summary as Markdown.")
@click.option("--message", help="The revisions' title (after it, the phase's, when "
              "there are several).")
@click.option("--env-var", "env_vars", multiple=True, metavar="NAME", help="With --verify, "
              "another variable env.py reads its database URL from: pointed at the scratch "
              "database while env.py runs, like DATABASE_URL and DRIFT_DATABASE_URL.")
@click.option("--rename", "renames", multiple=True, metavar="SCHEMA.TABLE.OLD=NEW",
              help="A confirmed rename, planned as one (the data stays): a column "
              "(schema.table.old=new) or a table (schema.old=new). Repeatable.")
@click.pass_context
def plan(ctx: click.Context, /, migrations: Path, allow_destructive: bool, expected_only: bool,
         phase: int | None, verify: bool, scratch_url: str | None, downgrade: bool,
         summary_path: Path | None, message: str | None, env_vars: tuple[str, ...],
         renames: tuple[str, ...], **options: Any) -> None:
    """Write Alembic revisions, one per phase, that bring the database to the models."""
    from drift.classify.renames import parse_rename
    from drift.plan import PlanOptions
    from drift.plan.run import run_plan
    from drift.render.plan_summary import render_plan_summary

    confirmed = tuple(parse_rename(r) for r in renames)
    result = run_pipeline(config_from_options(**options))
    with project_output_to_stderr():
        outcome = run_plan(result, migrations, PlanOptions(
            allow_destructive, expected_only, phase, confirmed + result.classification.renames),
            verify=verify, scratch_url=scratch_url, downgrade=downgrade, message=message,
            env_vars=env_vars)
    click.echo(render_plan_summary(outcome), nl=False)
    if summary_path is not None:
        emit(render_plan_summary(outcome, "markdown"), summary_path)
    ctx.exit(outcome.exit_code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
