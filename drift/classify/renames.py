"""Renames the user confirms: a column or table the models name anew, planned as one rename.

The comparator sees a renamed column as a column only in the models plus one
only in the database; only a person knows it is the same data. A confirmed
rename (``--rename public.t.old=new``, or ``renames:`` in the expectations
file) names both paths, as ``Mismatch.path`` spells them; the planner then
turns that pair of findings into ``op.alter_column(new_column_name=...)`` or
``op.rename_table`` instead of an add and a drop.
"""

from __future__ import annotations

from drift.errors import DriftError
from drift.mismatch import Rename


def same_parent(old: str, new: str) -> bool:
    """Both paths under one table (columns) or one schema (tables)."""
    return "." in old and "." in new and old.rsplit(".", 1)[0] == new.rsplit(".", 1)[0]


def parse_rename(text: str) -> Rename:
    """``schema.table.old=new`` (a column) or ``schema.old=new`` (a table)."""
    old, sep, new = text.partition("=")
    if not sep or not new or "." not in old or not old.rsplit(".", 1)[1]:
        raise DriftError(f"--rename {text!r}: expected schema.table.old=new (a column) or "
                         "schema.old=new (a table)")
    return Rename(old, f"{old.rsplit('.', 1)[0]}.{new}", "--rename")
