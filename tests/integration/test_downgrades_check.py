"""`drift check --migrations --downgrades` on a 30-revision history with one broken downgrade
in the middle: every revision is checked, and the broken one is named in every format and
in the verdict line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import alembic
import pytest

from drift import api
from drift.config import config_from_options
from drift.render import render
from drift.render.text import verdict_line

TEMPLATES = Path(alembic.__file__).parent / "templates"
BROKEN = "0015"

REVISION = '''"""league {n}

Revision ID: {rev}
Revises: {down}
Create Date: 2024-03-{day:02d} 10:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = {down_repr}
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("league_{n:02d}", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("{dropped}")
'''


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    migrations = tmp_path / "migrations"
    shutil.copytree(TEMPLATES / "generic", migrations,
                    ignore=shutil.ignore_patterns("__pycache__", "*.mako", "README"))
    (migrations / "versions").mkdir()
    for n in range(1, 31):
        rev = f"{n:04d}"
        down = f"{n - 1:04d}" if n > 1 else None
        dropped = f"league_{n:02d}" if rev != BROKEN else f"leage_{n:02d}"  # a typo
        (migrations / "versions" / f"{rev}_league_{n:02d}.py").write_text(REVISION.format(
            n=n, rev=rev, down=down or "", down_repr=repr(down), day=n, dropped=dropped),
            encoding="utf-8")
    module = tmp_path / "leagues_models.py"
    module.write_text("import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n" + "".join(
        f'sa.Table("league_{n:02d}", metadata, sa.Column("id", sa.Integer, primary_key=True))\n'
        for n in range(1, 31)), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return migrations


def test_every_revision_is_checked_and_the_broken_one_named_everywhere(
        history: Path, pg_server) -> None:  # type: ignore[no-untyped-def]
    config = config_from_options(models=("leagues_models:metadata",), migrations=history,
                                 scratch_url=pg_server.admin_url, downgrades=True,
                                 no_cache=True)
    result = api.run_check(config)
    assert result.mismatches == ()
    assert result.exit_code == 1

    report = json.loads(render(result, "json"))["migrations"]
    assert report["revisions_checked"] == 30
    assert report["revisions"] == 30
    assert report["downgrades_checked"] is True  # every one was run
    [problem] = report["problems"]
    assert problem.startswith(f"revision {BROKEN}: downgrade failed")
    assert 'table "leage_15" does not exist' in problem

    verdict = verdict_line(result)
    assert verdict.startswith("FAIL: the migration history: ")
    assert f"revision {BROKEN}: downgrade failed" in verdict
    assert "--strict" not in verdict and "expectations" not in verdict

    text = render(result, "text")
    assert f"revision {BROKEN}: downgrade failed" in text
    assert text.strip().splitlines()[-1] == verdict
    markdown = render(result, "markdown")
    assert f"revision {BROKEN}: downgrade failed" in markdown
    assert "stale or expired" not in markdown

    from drift.render.html import render_html

    html = render_html(result)
    assert f"revision {BROKEN}: downgrade failed" in html

    junit = ElementTree.fromstring(render(result, "junit"))
    failures = [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failures] == [f"migration history: revision {BROKEN}"]

    sarif = json.loads(render(result, "sarif"))
    [run] = sarif["runs"]
    [finding] = run["results"]
    assert f"revision {BROKEN}: downgrade failed" in finding["message"]["text"]
    assert finding["level"] == "error"
    location = finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert location.endswith(f"versions/{BROKEN}_league_15.py")
