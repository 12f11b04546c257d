"""A history that cannot be run is one line naming where it broke: the revision (file and
line) that raised or whose SQL failed, and what Alembic warned on the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.projects.helpers import copy_project, drift

REVISION = '''"""backfill

Revision ID: 0c0c0c0c0c0c
Revises: {down}
"""
from alembic import op

revision = "0c0c0c0c0c0c"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
    {body}


def downgrade():
    pass
'''
NAME = "20240601_0c0c0c0c0c0c_backfill.py"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_project("shop", tmp_path)


def add_revision(shop: Path, body: str, down: str = "e5b6d2a09f17") -> Path:
    path = shop / "migrations" / "versions" / NAME
    path.write_text(REVISION.format(down=down, body=body))
    return path


def one_error_line(shop: Path) -> str:
    run = drift(shop, "check")
    assert run.returncode == 2, run.stdout
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("drift: error: ")
    return lines[0]


def test_a_revision_that_raises_is_named_with_its_line(shop: Path) -> None:
    path = add_revision(shop, 'raise RuntimeError("the backfill needs the api")')
    line = one_error_line(shop)
    assert f"revision 0c0c0c0c0c0c at {path}:15 failed (upgrade to heads)" in line
    assert line.endswith("RuntimeError: the backfill needs the api")
    assert "env.py" not in line


def test_a_revision_whose_sql_fails_is_named_with_its_line(shop: Path) -> None:
    path = add_revision(shop, 'op.execute("ALTER TABLE nowhere ADD COLUMN x integer")')
    line = one_error_line(shop)
    assert 'relation "nowhere" does not exist' in line
    assert line.endswith(f"(revision 0c0c0c0c0c0c at {path}:15)")


def test_alembic_s_warning_stays_in_the_one_line(shop: Path) -> None:
    add_revision(shop, "pass", down="deadbeefdead")
    line = one_error_line(shop)
    assert "Revision deadbeefdead referenced from" in line and "is not present" in line
