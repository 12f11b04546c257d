"""Revisions are only Alembic's rendering: hostile names inject no code; no file is overwritten."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_plan_fixtures import SCHEMAS, example_classification, init_migrations

from drift.errors import DriftError
from drift.plan import PlanOptions, build_plan
from drift.plan.revision_writer import write_revisions
from drift.plan.verify import verify_plan

# each would run code if pasted into Python source unquoted (all within PostgreSQL's 63 bytes)
HOSTILE_TABLE = "x'); open('pwned1', 'w'); ('"
HOSTILE_COLUMN = 'y"""\nopen("pwned2", "w")\n#'
HOSTILE_INDEX = "i\\'); open('pwned3', 'w'); #:"
HOSTILE_COMMENT = "c'''\r\nopen('pwned4', 'w')\n'''\x0b\u2028:"


def hostile_metadata() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        HOSTILE_TABLE, md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column(HOSTILE_COLUMN, sa.Text, comment=HOSTILE_COMMENT,
                  server_default=sa.text("'x'')--'")),
        sa.Index(HOSTILE_INDEX, HOSTILE_COLUMN),
        comment=HOSTILE_COMMENT,
    )
    return md


# names the rendered code may use: Alembic's op, SQLAlchemy, and the template's typing names
ALLOWED_NAMES = {"op", "sa", "postgresql", "Sequence", "Union", "str", "None"}


def assert_only_alembic_calls(source: str) -> None:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            assert node.id in ALLOWED_NAMES, f"unexpected name {node.id!r} in the revision"
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        for stmt in fn.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # the docstring
            if isinstance(stmt, ast.Pass):
                continue
            call = stmt.items[0].context_expr if isinstance(stmt, ast.With) else stmt.value
            assert isinstance(call, ast.Call), ast.dump(stmt)
            func = call.func
            while isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
                func = func.value.func  # op.get_context().autocommit_block()
            assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            assert func.value.id == "op", ast.dump(stmt)


def test_hostile_identifiers_cannot_inject_code(run_sql, database_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    quoted = HOSTILE_TABLE.replace('"', '""')
    # present in the database too, under another schema's twin: a disabled drop gets rendered
    run_sql(f'CREATE TABLE "{quoted}_old" (id integer);')
    classification, models, database = example_classification(database_url, hostile_metadata())
    plan = build_plan(classification.findings, (), models, database,
                      PlanOptions(allow_destructive=False))
    migrations = init_migrations(tmp_path / "migrations")
    written = write_revisions(plan, migrations)
    assert written.revisions
    for w in written.revisions:
        source = w.path.read_text(encoding="utf-8")
        compile(source, str(w.path), "exec")
        assert_only_alembic_calls(source)
        # the names are in the file, as string literals only
        assert repr(HOSTILE_TABLE) in source
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, SCHEMAS, scratch_url=database_url,
                         downgrade=True)
    assert report.converged, report
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("pwned")) == []


def test_never_overwrites_an_existing_revision(run_sql, database_url: str,
                                              tmp_path: Path) -> None:
    run_sql("CREATE TABLE t (id integer)")
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer), sa.Column("name", sa.Text))
    classification, models, database = example_classification(database_url, md)
    plan = build_plan(classification.findings, (), models, database)
    migrations = init_migrations(tmp_path / "migrations")
    first = write_revisions(plan, migrations, rev_ids=("aaaa00000001",))
    path = first.revisions[0].path
    before = path.read_text(encoding="utf-8")
    # the same revision id again: refused (Alembic sees the duplicate), the file is untouched
    with pytest.raises(DriftError):
        write_revisions(plan, migrations, rev_ids=("aaaa00000001",))
    assert path.read_text(encoding="utf-8") == before
    # a file of the very name drift would write, holding another revision: refused, untouched
    squatter = path.with_name(path.name.replace("aaaa00000001", "aaaa00000002"))
    squatter_text = before.replace("revision: str = 'aaaa00000001'",
                                   "revision: str = 'bbbb00000002'").replace(
        "down_revision: Union[str, Sequence[str], None] = None",
        "down_revision: Union[str, Sequence[str], None] = 'aaaa00000001'")
    squatter.write_text(squatter_text, encoding="utf-8")
    with pytest.raises(DriftError, match="already exists"):
        write_revisions(plan, migrations, rev_ids=("aaaa00000002",))
    assert squatter.read_text(encoding="utf-8") == squatter_text
    squatter.unlink()
    # a new plan chains onto the first revision, in a new file
    second = write_revisions(plan, migrations)
    assert second.start == "aaaa00000001"
    assert second.revisions[0].path != path
    assert "down_revision: Union[str, Sequence[str], None] = 'aaaa00000001'" in \
        second.revisions[0].path.read_text(encoding="utf-8")
