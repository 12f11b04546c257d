"""The command line's shared options: the click decorators several commands stack."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from drift.cli.param_types import DirectoryPath, FilePath, Seconds
from drift.render import FORMATS

F = TypeVar("F", bound=Callable[..., Any])

FILE = FilePath()  # a directory, or a missing file, is one line from drift (not click's usage)
DIRECTORY = DirectoryPath()


def database_options(func: F) -> F:
    """--url, --schema (repeatable), --config: what reading a database needs."""
    for option in reversed(
        (
            click.option(
                "--url",
                metavar="URL",
                help="Database URL (default: $DRIFT_DATABASE_URL, $DATABASE_URL, "
                "[tool.drift] url).",
            ),
            click.option(
                "--schema",
                "schemas",
                multiple=True,
                metavar="NAME",
                help="Schema to inspect; repeatable (default: the schemas the models declare "
                "and the connection's default schema).",
            ),
            click.option(
                "--config",
                type=FILE,
                help="The pyproject.toml whose [tool.drift] to read (default: the nearest one).",
            ),
            click.option(
                "--connect-timeout",
                type=Seconds(),
                help="Give up connecting after this many seconds (default: [tool.drift] "
                "connect_timeout, the URL's connect_timeout, else 10).",
            ),
        )
    ):
        func = option(func)
    return func


def pipeline_options(func: F) -> F:
    """The options of every command that runs check's pipeline; pass them to config_from_options."""
    for option in reversed(
        (
            click.option(
                "--models",
                "-m",
                multiple=True,
                metavar="MODULE[:ATTR]",
                help="Where the models are declared (a MetaData, a declarative base or a "
                "module); repeatable.",
            ),
            click.option(
                "--python",
                metavar="PATH",
                help="The Python that imports the models: an interpreter or a virtual "
                "environment (default: [tool.drift] python, the active virtual environment, "
                "a .venv or venv beside pyproject.toml, else drift's own).",
            ),
            click.option("--expectations", "-e", type=FILE, help="The expectations YAML file."),
            click.option(
                "--snapshot",
                type=FILE,
                help="Compare with a saved snapshot (drift snapshot) instead of a live database.",
            ),
        )
    ):
        func = option(func)
    return database_options(func)


def migrations_options(func: F) -> F:
    """The options of the commands that can compare the models with the migrations' schema."""
    for option in reversed(
        (
            click.option(
                "--migrations",
                type=click.Path(file_okay=False, path_type=Path),
                help="An Alembic environment (the folder of env.py or alembic.ini): compare "
                "the models with the schema its heads build on a scratch database "
                "(default: [tool.drift] migrations). With a database too, each finding "
                "gets a cause.",
            ),
            click.option(
                "--scratch-url",
                metavar="URL",
                envvar="DRIFT_SCRATCH_URL",
                help="Server where the migrations run (a database is created there and "
                "dropped); default: $DRIFT_SCRATCH_URL, else an embedded PostgreSQL "
                "(the [embedded] extra) or this machine's PostgreSQL.",
            ),
            click.option(
                "--migrations-base",
                type=FILE,
                help="SQL the history starts from, run on the scratch database before its "
                "first revision (a base schema made by create_all, not by a revision); "
                "default: [tool.drift] migrations_base.",
            ),
            click.option(
                "--env-var",
                "env_vars",
                multiple=True,
                metavar="NAME",
                help="Another variable env.py reads its database URL from: pointed at the "
                "scratch database while env.py runs, like DATABASE_URL.",
            ),
            click.option(
                "--downgrades",
                is_flag=True,
                help="With --migrations, also run each revision's downgrade and upgrade "
                "again; a failing or lossy downgrade fails the run.",
            ),
            click.option(
                "--no-cache",
                is_flag=True,
                help="Rebuild the models' and the migrations' snapshots instead of reading "
                "them from .drift_cache/.",
            ),
        )
    ):
        func = option(func)
    return func


def strict_option(func: F) -> F:
    """Only on the commands whose exit status reports the drift (check, report)."""
    return click.option(
        "--strict",
        is_flag=True,
        help="Stale or expired expectations fail the run too (exit status 1).",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(sorted(FORMATS)),
        default="text",
        show_default=True,
        help="Output format.",
    )(func)


def code_option(func: F) -> F:
    """--code DIR (repeatable): the application's SQL, checked against every schema state."""
    return click.option(
        "--code",
        multiple=True,
        type=click.Path(path_type=Path),
        metavar="DIR",
        help="Python source whose SQL (cursor.execute, text(), asyncpg, ...) is prepared "
        "on every schema state: live, after each planned phase, the models, the migration "
        "head; repeatable (default: [tool.drift] code).",
    )(func)
