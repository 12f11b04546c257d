"""Rendering planned steps with Alembic's renderer: comments stay comments, bodies compile."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import render_python_code
from alembic.runtime.migration import MigrationContext
from test_plan_build import DATABASE, FINDINGS, MODELS, PHASES

from drift.plan import build_plan
from drift.plan.revision_script import comment_lines, migration_script

CONTEXT = MigrationContext.configure(dialect_name="postgresql")
OPENS_BLOCK = re.compile(r":[ \t]*(?:#.*)?$")


@pytest.mark.parametrize("text", [
    "plain", "ends with a colon:", "a\nb", "a\r\nb\rc", "x\x0bimport os", "u\u2028v",
    "nul\x00byte", "colon then comment: # x", "",
])
def test_comment_lines_are_single_safe_comments(text: str) -> None:
    lines = comment_lines(text)
    assert lines
    for line in lines:
        assert line.startswith("#")
        assert not OPENS_BLOCK.search(line)
        assert len(line.splitlines()) == 1
        assert "\x00" not in line
    compile("\n".join(["def f():", *("    " + x for x in lines), "    pass"]), "<t>", "exec")


def body(ops: object) -> str:
    return render_python_code(ops, migration_context=CONTEXT)  # type: ignore[arg-type]


def test_every_revision_body_compiles_and_drops_stay_commented() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    for i, revision in enumerate(plan.revisions):
        script = migration_script(revision, f"rev{i}", None, "/nowhere")
        for container in (script.upgrade_ops, script.downgrade_ops):
            code = body(container)
            compile("def f():\n    " + code + "\n", revision.key, "exec")
            for line in code.splitlines():
                if "drop_column('teams', 'legacy'" in line or "add_column('teams', " \
                        "sa.Column('legacy'" in line:
                    assert line.strip().startswith("# op.")
    phase1 = body(migration_script(plan.revisions[1], "r", None, "/x").upgrade_ops)
    assert "# DISABLED" in phase1
    assert "# HAZARD (index_not_concurrent)" in phase1
    assert "with op.get_context().autocommit_block(): op.create_index(" in phase1


def test_a_revision_of_only_disabled_steps_still_has_a_body() -> None:
    plan = build_plan(FINDINGS[4:5], PHASES, MODELS, DATABASE)
    script = migration_script(plan.revisions[0], "r", None, "/x")
    for container in (script.upgrade_ops, script.downgrade_ops):
        code = body(container)
        assert "\n    pass" in code
        compile("def f():\n    " + code + "\n", "disabled", "exec")


def test_messages_cannot_close_the_docstring() -> None:
    from drift.plan import Revision

    hostile = Revision("phase-1", 'drift phase 1: x"""; import os #\\', None, (), ())
    script = migration_script(hostile, "r", None, "/x")
    assert '"' not in script.message and "\\" not in script.message
