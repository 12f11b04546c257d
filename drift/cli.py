"""The command line: parses flags and config, calls ``api``, returns the documented exit codes.

Exit status: 0 no unexpected drift; 1 unexpected drift (or stale/expired
expectations under --strict); 2 the run could not be done, with one line on
stderr and no traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from drift.errors import DriftError


class DriftGroup(click.Group):
    """Turns DriftError (and Ctrl-C) into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DriftError as exc:
            click.echo(f"drift: error: {exc}", err=True)
            ctx.exit(2)
        except KeyboardInterrupt:
            click.echo("drift: interrupted", err=True)
            ctx.exit(2)


@click.group(cls=DriftGroup)
@click.version_option(package_name="drift")
def main() -> None:
    """Find schema drift between live PostgreSQL databases and SQLAlchemy models."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
