"""The migrations' cache cannot give a false pass: a revision that runs a .sql file, imports
a helper module (found through the project or through PYTHONPATH) or reads a variable has
those in its cache entry, so the warm run gives the verdict ``--no-cache`` gives.

tests/projects/shop with a fifth revision, as teams write them: DDL kept in a .sql file
beside the revisions, statements shared in a module, a flag read from the environment."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.projects.helpers import copy_project, project_env

CACHED = "drift check: migrations (heads, from the cache)"

HEADER = '''"""{title}

Revision ID: f00dfeed0005
Revises: e5b6d2a09f17
Create Date: 2024-05-02 09:12:44.120331

"""
import os
from pathlib import Path

from alembic import op

revision = "f00dfeed0005"
down_revision = "e5b6d2a09f17"
branch_labels = None
depends_on = None


def downgrade() -> None:
    pass

'''

AUDIT_TABLE = "CREATE TABLE public.audit_log (id integer PRIMARY KEY)"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_project("shop", tmp_path)


def add_revision(shop: Path, title: str, upgrade: str) -> None:
    path = shop / "migrations" / "versions" / "20240502_f00dfeed0005_audit.py"
    path.write_text(HEADER.format(title=title) + upgrade)


def check(shop: Path, scratch: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drift", "check", "--scratch-url", scratch, *args],
        cwd=shop, env={**project_env(), **env}, capture_output=True, text=True, timeout=300)


def prime(shop: Path, scratch: str, **env: str) -> None:
    assert check(shop, scratch, **env).returncode == 0


def verdicts(shop: Path, scratch: str, **env: str) -> tuple[int, int, bool]:
    """(warm exit status, --no-cache exit status, whether the warm run used the cache)."""
    warm = check(shop, scratch, **env)
    cold = check(shop, scratch, "--no-cache", **env)
    assert warm.returncode in (0, 1), warm.stderr
    return warm.returncode, cold.returncode, CACHED in warm.stdout


def test_a_sql_file_a_revision_runs(shop: Path, database_url: str) -> None:
    (shop / "migrations" / "sql").mkdir()
    ddl = shop / "migrations" / "sql" / "audit.sql"
    ddl.write_text("SELECT 1;\n")
    add_revision(shop, "audit, from sql/audit.sql", (
        "def upgrade() -> None:\n"
        "    op.execute((Path(__file__).parents[1] / 'sql' / 'audit.sql').read_text())\n"))
    prime(shop, database_url)
    assert verdicts(shop, database_url) == (0, 0, True)

    ddl.write_text(AUDIT_TABLE + ";\n")
    assert verdicts(shop, database_url) == (1, 1, False)
    assert verdicts(shop, database_url) == (1, 1, True)  # and the new entry is warm


def test_a_helper_module_a_revision_imports(shop: Path, database_url: str) -> None:
    helper = shop / "shop" / "ddl.py"
    helper.write_text("STATEMENTS: list[str] = []\n")
    add_revision(shop, "audit, from the shared statements", (
        "def upgrade() -> None:\n"
        "    from shop.ddl import STATEMENTS\n"
        "    for statement in STATEMENTS:\n"
        "        op.execute(statement)\n"))
    prime(shop, database_url)
    assert verdicts(shop, database_url) == (0, 0, True)

    helper.write_text(f"STATEMENTS = [{AUDIT_TABLE!r}]\n")
    assert verdicts(shop, database_url) == (1, 1, False)


def test_pythonpath_picks_another_helper(shop: Path, database_url: str) -> None:
    for folder, statements in (("plain", []), ("audited", [AUDIT_TABLE])):
        (shop / folder).mkdir()
        (shop / folder / "shop_flags.py").write_text(f"STATEMENTS = {statements!r}\n")
    add_revision(shop, "audit, if the deployment's flags module says so", (
        "def upgrade() -> None:\n"
        "    import shop_flags\n"
        "    for statement in shop_flags.STATEMENTS:\n"
        "        op.execute(statement)\n"))
    plain, audited = str(shop / "plain"), str(shop / "audited")
    prime(shop, database_url, PYTHONPATH=plain)
    assert verdicts(shop, database_url, PYTHONPATH=plain) == (0, 0, True)
    # the same files on disk, another one found
    assert verdicts(shop, database_url, PYTHONPATH=audited) == (1, 1, False)
    assert verdicts(shop, database_url, PYTHONPATH=plain) == (0, 0, True)


def test_a_variable_a_revision_reads(shop: Path, database_url: str) -> None:
    add_revision(shop, "audit, behind a flag", (
        "def upgrade() -> None:\n"
        "    if os.environ.get('SHOP_AUDIT') == 'on':\n"
        f"        op.execute({AUDIT_TABLE!r})\n"))
    prime(shop, database_url, SHOP_AUDIT="off")
    assert verdicts(shop, database_url, SHOP_AUDIT="off") == (0, 0, True)
    assert verdicts(shop, database_url, SHOP_AUDIT="on") == (1, 1, False)
    # a variable nothing reads leaves the entry warm
    assert verdicts(shop, database_url, SHOP_AUDIT="on", UNRELATED="x") == (1, 1, True)
