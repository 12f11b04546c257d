"""`drift explain` on a GIN index with an operator class: the next step keeps the class (a GIN
index re-created without it takes the type's default class, or none: an error)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drift.cli.commands import main

MODELS = """
from sqlalchemy import Index, Integer, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Doc(Base):
    __tablename__ = "docs"
    __table_args__ = (
        Index("ix_docs_body", "body", postgresql_using="gin",
              postgresql_ops={"body": "jsonb_path_ops"}, postgresql_where=text("id > 0")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body = mapped_column(JSONB)
"""

CREATE = ("    op.create_index(op.f('ix_docs_body'), 'docs',"
          " [sa.literal_column('\"body\" jsonb_path_ops')], unique=False, schema='public',"
          " postgresql_using='gin', postgresql_where=sa.text('id > 0'))")
DROP = "    op.drop_index(op.f('ix_docs_body'), table_name='docs', schema='public',"

pytestmark = pytest.mark.usefixtures("cli_isolated")


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize(("live_index", "attribute"), [
    ("", None),  # only in the models: created with its class
    ("CREATE INDEX ix_docs_body ON docs USING gin (body) WHERE id > 0;", "opclass"),
    ("CREATE INDEX ix_docs_body ON docs USING gin (body jsonb_path_ops);", "where"),
])
def test_explain_keeps_the_operator_class(  # type: ignore[no-untyped-def]
    run_sql, database_url: str, tmp_path: Path, live_index: str, attribute: str | None
) -> None:
    run_sql("CREATE TABLE docs (id integer PRIMARY KEY, body jsonb);" + live_index)
    name = f"opclass_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{name}.py").write_text(MODELS, encoding="utf-8")
    args = ("--url", database_url, "-m", f"{name}:Base", "--schema", "public")
    (finding,) = json.loads(invoke("check", *args, "--format", "json").stdout)["mismatches"]
    assert (finding["path"], finding["attribute"]) == ("public.docs.ix_docs_body", attribute)
    explained = invoke("explain", finding["id"], *args)
    assert explained.exit_code == 0, explained.output
    step = explained.stdout.split("next step, the operation `drift plan` writes for it:\n")[1]
    operations = step.split("\n\n")[0].splitlines()
    assert operations[-1] == CREATE
    assert len(operations) == (1 if attribute is None else 2)
    if attribute is not None:
        assert operations[0].startswith(DROP)
