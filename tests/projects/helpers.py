"""Sample projects copied into a test's folder and driven the way their team would:
``alembic`` and ``drift`` as commands, in the project's folder, URL in the environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from drift.sources.database.connection import parse_url

PROJECTS = Path(__file__).parent


def copy_project(name: str, into: Path) -> Path:
    target = into / name
    shutil.copytree(PROJECTS / name, target,
                    ignore=shutil.ignore_patterns("__pycache__", ".drift_cache"))
    return target


def project_env(database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "DRIFT_DATABASE_URL", "NO_COLOR", "PYTHONPATH")}
    if database_url is not None:
        # as a team writes it: no percent-escapes for env.py's configparser to choke on
        env["DATABASE_URL"] = plain_url(database_url)
    return env


def plain_url(url: str) -> str:
    """The test server's URL without percent-escapes (its socket path is a ``host`` query
    value): an env.py that hands it to configparser would choke on ``%2F``."""
    parsed = parse_url(url)
    query = "&".join(f"{k}={v}" for k, v in parsed.query.items())
    user = f"{parsed.username}@" if parsed.username else ""
    host = f"{parsed.host or ''}" + (f":{parsed.port}" if parsed.port else "")
    return (f"postgresql+psycopg2://{user}{host}/{parsed.database}" + (f"?{query}" if query else ""))


def alembic(project: Path, *args: str, database_url: str) -> None:
    run = subprocess.run([sys.executable, "-m", "alembic", *args], cwd=project,
                         env=project_env(database_url), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def drift(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drift", *args], cwd=project,
                          env=project_env(), capture_output=True, text=True, timeout=300)
