"""drift's renderers for the Alembic operations whose stock renderer is not safe for any name.

Alembic's renderers of ``create_table_comment`` and ``drop_table_comment`` put
the table and schema names between quotes without escaping them (``'%s'``): a
table named ``x',__import__('os').system('…'),'`` becomes code in the revision,
and ``o'brien`` a SyntaxError. These replace them (``renderers.dispatch_for``
keeps one renderer per operation class) and repr() every value, as Alembic's
other renderers do. Importing this module registers them.
"""

from __future__ import annotations

from alembic.autogenerate.api import AutogenContext
from alembic.autogenerate.render import renderers
from alembic.operations import ops


def _call(autogen_context: AutogenContext, name: str, args: list[str]) -> str:
    prefix = "batch_op." if autogen_context._has_batch else (
        autogen_context.opts.get("alembic_module_prefix") or "")
    return f"{prefix}{name}(" + ", ".join(args) + ")"


@renderers.dispatch_for(ops.CreateTableCommentOp, replace=True)
def _create_table_comment(autogen_context: AutogenContext, op: ops.CreateTableCommentOp) -> str:
    args = [repr(op.comment), f"existing_comment={op.existing_comment!r}"]
    if not autogen_context._has_batch:
        args = [repr(op.table_name), *args, f"schema={op.schema!r}"]
    return _call(autogen_context, "create_table_comment", args)


@renderers.dispatch_for(ops.DropTableCommentOp, replace=True)
def _drop_table_comment(autogen_context: AutogenContext, op: ops.DropTableCommentOp) -> str:
    args = [f"existing_comment={op.existing_comment!r}"]
    if not autogen_context._has_batch:
        args = [repr(op.table_name), *args, f"schema={op.schema!r}"]
    return _call(autogen_context, "drop_table_comment", args)


@renderers.dispatch_for(ops.RenameTableOp)
def _rename_table(autogen_context: AutogenContext, op: ops.RenameTableOp) -> str:
    # Alembic has no renderer for rename_table (autogenerate never emits one); a confirmed
    # rename does
    return _call(autogen_context, "rename_table",
                 [repr(op.table_name), repr(op.new_table_name), f"schema={op.schema!r}"])
