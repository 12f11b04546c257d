"""The gate a revision passes before it is written: only what drift emits, never other code."""

from __future__ import annotations

import pytest

from drift.plan.revision_gate import RevisionRejected, check_body, check_revision

TEMPLATE = '''"""drift: unexpected drift

Revision ID: {rid}
Revises:
Create Date: 2026-01-01 00:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision: str = 'aaaa00000001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: str | None = None


def upgrade() -> None:
    """Upgrade schema."""
    {body}


def downgrade() -> None:
    """Downgrade schema."""
    pass
'''

ACCEPTED = [
    "pass",
    "op.create_table('t', sa.Column('id', sa.Integer(), nullable=False), "
    "sa.PrimaryKeyConstraint('id', name=op.f('t_pkey')), schema='public', comment='x')",
    "op.add_column('t', sa.Column('a', postgresql.ARRAY(sa.Integer(), dimensions=1), "
    "server_default=sa.text(\"'{}'::integer[]\"), nullable=True), schema='public')",
    "op.create_table('t', *[sa.Column('c', sa.Text())], schema=None)",
    "op.execute('CREATE SCHEMA \"a\\'b\"')",
    "op.create_index(op.f('ix'), 't', [sa.literal_column('(lower(a))')], unique=False, "
    "postgresql_where=sa.text('a > -1'), postgresql_include=['b'])",
    "with op.get_context().autocommit_block():\n        op.execute('ALTER TYPE k ADD VALUE x')",
    "# a comment: with x:\n    op.drop_constraint(op.f('c'), 't', schema='s', type_='check')",
    "op.create_foreign_key(op.f('fk'), 't', 'u', ['a'], ['id'], ondelete='CASCADE', "
    "info={'k': (1, -2.5, None, True)})",
]


@pytest.mark.parametrize("body", ACCEPTED)
def test_what_drift_emits_passes(body: str) -> None:
    check_revision(TEMPLATE.format(rid="a", body=body), "r")
    check_body(body, "r")


REJECTED = [
    # what Alembic's stock comment renderer made of a hostile table name
    "op.create_table_comment(\n        'x',__import__('os').system('touch pwned'),'',\n"
    "        'c', existing_comment=None, schema=None)",
    "import os",
    "os.system('x')",
    "op.execute(open('x').read())",
    "op.execute(f'{x}')",
    "op.execute('a' + 'b')",
    "op.execute(sa.text('x').compile.__globals__)",
    "op.execute(lambda: 0)",
    "op.execute(x)",
    "op.execute(**{'sqltext': 'x'})",
    "op.execute(op.execute('x'))",
    "getattr(op, 'execute')('x')",
    "op.get_bind().execute('x')",
    "x = 1",
    "for i in []: pass",
    "if True: pass",
    "with open('x'): pass",
    "with op.get_context().autocommit_block() as c: pass",
    "op.execute(sa.text('x')[0])",
    "op.execute(builtins.eval('1'))",
    "op.execute({**x})",
    "op.execute(op.f(x))",
    "def inner(): pass",
    "try: pass\n    except Exception: pass",
]


@pytest.mark.parametrize("body", REJECTED)
def test_anything_else_is_rejected(body: str) -> None:
    with pytest.raises(RevisionRejected, match="bug in drift"):
        check_revision(TEMPLATE.format(rid="a", body=body), "r")
    with pytest.raises(RevisionRejected):
        check_body(body, "r")


@pytest.mark.parametrize("module_code", [
    "print('loaded')",
    "revision = compute()",
    "revision: str = 'a' if x else 'b'",
    "class Helper: pass",
    "@decorated\ndef upgrade() -> None:\n    pass",
    "def upgrade(x=__import__('os')) -> None:\n    pass",
    "def helper() -> None:\n    pass",
    "down_revision: eval('str') = None",
])
def test_module_level_code_is_rejected(module_code: str) -> None:
    with pytest.raises(RevisionRejected):
        check_revision(TEMPLATE.format(rid="a", body="pass") + "\n" + module_code + "\n", "r")


def test_text_that_is_not_python_is_rejected_with_the_line() -> None:
    with pytest.raises(RevisionRejected, match="line 2"):
        check_revision("x = 1\n'o'brien'\n", "r")


@pytest.mark.parametrize("module_code", [
    # importing the file would run the payload: an attribute chain through modules
    'x = sa.sql.sqltypes.pickle.loads(b"cos\\nsystem\\n(S\'id\'\\ntR.")',
    'revision = sa.sql.sqltypes.pickle.loads(b"payload")',
    "import this",
    "import os",
    "from os import system",
    "import sqlalchemy as os",
    "from alembic import op as sa",
    "from .helpers import op",
    "sneaky = 'x'",
])
def test_only_the_templates_imports_and_identifiers_are_allowed(module_code: str) -> None:
    with pytest.raises(RevisionRejected, match="line 30"):
        check_revision(TEMPLATE.format(rid="a", body="pass") + "\n" + module_code + "\n", "r")


@pytest.mark.parametrize("body", [
    "op.get_bind().execute('DROP TABLE t')",
    "op.invoke(x)",
    "op.run_async(f)",
    "op.add_column('t', sa.Column('c', sa.sql.sqltypes.pickle.loads(b'p')))",
    "op.add_column('t', sa.Column('c', sa.PickleType()))",
    "op.add_column('t', sa.Column('c', sa.types.TypeDecorator()))",
    "op.execute(sa.exc.text('x'))",
])
def test_operations_and_constructs_by_exact_name(body: str) -> None:
    with pytest.raises(RevisionRejected, match="line 23"):
        check_revision(TEMPLATE.format(rid="a", body=body), "r")
