"""``drift demo``: the example sports-odds backend on an embedded PostgreSQL.

Starts a throw-away server, creates the example database (``legacy.sql``),
checks it against the example models (the ``models`` package of the repository)
with the example plan (``expectations.yaml``), prints the report and writes the
JSON report. The database drifts from the models on purpose, partly as planned
and partly not, so the demo exits 1 like ``drift check`` would.

It also tells the weekly story: the database is first put back as it was two
weeks ago (``weeks/two_weeks_ago.sql``), checked, then moved on a week at a time
(``weeks/last_week.sql``, ``weeks/this_week.sql``) and checked again, each check
written as a dated report (``reports/<date>/``, with the index, the trend and
week over week), as ``drift report`` run weekly would have.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from sqlalchemy.engine import URL

import drift
from drift.api import CheckConfig, CheckResult, run_check
from drift.errors import DriftError
from drift.files import write_atomic
from drift.sources.database.connection import parse_url, redact_url
from drift.sources.scratch import embedded_postgres, execute_script

DEMO_DATABASE = "drift_demo"
MODELS_PACKAGE = "models"
DEMO_SCHEMAS = ("public", "quantum")
REPORT_NAME = "drift.json"
REPORTS_DIR = "reports"
# (days before today, the script that brings the database to that day's state)
WEEKS = ((14, "two_weeks_ago.sql"), (7, "last_week.sql"), (0, "this_week.sql"))

Echo = Callable[[str], None]


def demo_sql() -> str:
    """The example database: legacy ``public`` tables and the first ``quantum`` ones."""
    return resources.files(__name__).joinpath("legacy.sql").read_text(encoding="utf-8")


def week_sql(name: str) -> str:
    return resources.files(__name__).joinpath("weeks", name).read_text(encoding="utf-8")


def locate_example_models(cwd: Path | None = None, checkout: Path | None = None) -> Path:
    """The directory holding the example ``models`` package.

    The checkout next to the installed package comes first (an editable install,
    run from anywhere); then the current directory (``pip install .`` run from
    the repository root). The checkout wins so that an unrelated ``models``
    package in the user's own project never stands in for the example.
    """
    if checkout is None:
        checkout = Path(drift.__file__).resolve().parents[1]
    candidates = [checkout, (cwd or Path.cwd()).resolve()]
    for base in candidates:
        if (base / MODELS_PACKAGE / "__init__.py").is_file() and (
            base / MODELS_PACKAGE / "quantum.py"
        ).is_file():
            return base
    raise DriftError(
        "the example models are not found: run `drift demo` from the root of the drift "
        "repository (the directory with the `models` package)"
    )


LEGACY_CODE = "legacy"  # the psycopg2 data layer beside the models


def example_code(checkout: Path | None = None) -> Path:
    """The legacy data layer: the checkout's ``legacy/``, else the copy in the package."""
    base = checkout or Path(drift.__file__).resolve().parents[1]
    if (base / LEGACY_CODE / "odds.py").is_file():
        return base / LEGACY_CODE
    return Path(str(resources.files(__name__).joinpath(LEGACY_CODE)))


PACKAGED_MODELS = "drift.demo.models"  # the same files, shipped inside the wheel


def example_models_reference(cwd: Path | None = None) -> str:
    """``models`` of the checkout (or of the cwd, the repository root); installed from a
    wheel, with neither, the copy shipped inside the package."""
    try:
        import_example_models(cwd)
    except DriftError:
        if locate_packaged_models() is None:
            raise
        return PACKAGED_MODELS
    return MODELS_PACKAGE


def locate_packaged_models() -> Path | None:
    folder = resources.files(__name__).joinpath("models")
    return Path(str(folder)) if folder.joinpath("quantum.py").is_file() else None


def import_example_models(cwd: Path | None = None) -> None:
    """Import the example ``models`` so the pipeline's import of ``models`` finds this one."""
    base = locate_example_models(cwd)
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    loaded = sys.modules.get(MODELS_PACKAGE)
    if loaded is None:
        try:
            loaded = importlib.import_module(MODELS_PACKAGE)
        except Exception as exc:  # the example must import; say why in one line if not
            raise DriftError(f"cannot import the example models from {base}: {exc}") from None
    origin = Path(getattr(loaded, "__file__", "") or "").resolve().parent
    if origin != base / MODELS_PACKAGE:
        raise DriftError(
            f"a different package named {MODELS_PACKAGE!r} is already imported (from {origin})"
        )


def run_demo(
    output_dir: Path,
    *,
    keep: bool = False,
    color: bool = False,
    echo: Echo = print,
    status: Echo | None = None,
) -> CheckResult:
    """Run the demo; ``echo`` gets the report, ``status`` (stderr) the running commentary.

    With ``keep`` the server stays up after the report until Ctrl-C or SIGTERM.
    """
    from drift.demo.plan import demo_migrations  # late: only the demo's plan needs Alembic
    from drift.render import render

    say = status or echo
    models = example_models_reference()
    demo_migrations(output_dir)  # refuse a folder the demo may not replace before any work
    with resources.as_file(resources.files(__name__).joinpath("expectations.yaml")) as plan:
        say("demo: starting an embedded PostgreSQL")
        with embedded_postgres() as server:
            say(f"demo: data directory {server.directory}")
            url = server.create_database(DEMO_DATABASE)
            say(f"demo: creating the example database {DEMO_DATABASE} (public, quantum)")
            execute_script(url, demo_sql())
            code = example_code()
            result = _weekly_reports(url, plan, output_dir, say, models, code, server.url())
            echo(render(result, "text", color=color).rstrip("\n"))
            _write_reports(result, output_dir, say)
            from drift.demo.plan import demo_plan  # late: only the demo's plan needs Alembic

            # the phase revisions into output_dir/migrations, verified on a scratch database
            demo_plan(result, output_dir, server.url(), say)
            if keep:
                _wait(_usable_url(url), say)
    return result


def _weekly_reports(url: str, plan: Path, output_dir: Path, say: Echo,
                    models: str, code: Path, scratch_url: str) -> CheckResult:
    """Three weeks of the database, one dated report each; the last check is today's."""
    from drift.render.report_folder import write_report

    today = date.today()
    reports = output_dir / REPORTS_DIR
    result: CheckResult | None = None
    for days_ago, script in WEEKS:
        day = today - timedelta(days=days_ago)
        say(f"demo: the database as of {day.isoformat()} ({script})")
        execute_script(url, week_sql(script))
        config = CheckConfig(
            url=url,
            models=(models,),
            schemas=DEMO_SCHEMAS,
            expectations=plan,
            today=day,
            # the legacy psycopg2 layer, prepared on each schema state (on the demo's server)
            code=(code,),
            scratch_url=scratch_url,
        )
        result = run_check(config)
        write_report(result, reports, day)
        say(f"demo: wrote {reports / day.isoformat()}")
    assert result is not None
    say(f"demo: wrote {reports / 'index.html'}")
    return result


def _write_reports(result: CheckResult, output_dir: Path, say: Echo) -> None:
    """Today's JSON, HTML and Markdown report beside the dated ones (the HTML and
    Markdown are today's dated report, with its week over week and trend)."""
    from drift.render import render

    today = output_dir / REPORTS_DIR / result.config.today.isoformat()
    path = output_dir / REPORT_NAME
    write_atomic(path, render(result, "json"))
    say(f"demo: wrote {path}")
    for name in ("drift.html", "drift.md"):
        path = output_dir / name
        write_atomic(path, (today / name).read_text(encoding="utf-8"))
        say(f"demo: wrote {path}")


def _usable_url(url: str) -> str:
    """A URL psql and drift both accept; the embedded server has no password to hide."""
    parsed = parse_url(url)
    if parsed.password:
        return redact_url(parsed)
    return URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    ).render_as_string()


def _wait(url: str, say: Echo) -> None:
    try:
        say(f"demo: the database stays up at {url}; press Ctrl-C to stop it")
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:  # SIGTERM arrives as KeyboardInterrupt too (drift.sources.scratch)
        say("demo: stopping the server")
