"""Objects the models declare twice, made one (see ``declared_once``).

Real models repeat themselves: a foreign key on the column and again, named, in
``__table_args__``; ``index=True`` under a naming convention and again an
``Index()`` of the name the convention gives. The database has one object; the
models snapshot must hold one too, or the comparator would report the second as
missing from a database that has it.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from sqlalchemy.sql.elements import conv

from drift.schema import CheckConstraint, ForeignKey, Index, UniqueConstraint


def sort_key(obj: Any) -> tuple[str, str]:
    return (obj.name or "", repr(obj))


R = typing.TypeVar("R", ForeignKey, UniqueConstraint, CheckConstraint, Index)


def declared_once(records: list[R], implicit: frozenset[int] = frozenset()) -> tuple[R, ...]:
    """Sorted, each object once, though the models may declare it twice.

    ``ForeignKey(...)`` on a column and again a named ``ForeignKeyConstraint`` in
    ``__table_args__``, or ``index=True`` under a naming convention and again
    ``Index()`` of that name, are one object in the database. A copy whose name is
    not the user's (none, or made by the naming convention: ``implicit`` holds their
    ids) of an object declared with a name goes; of two with one name the first in
    sort order stays (create_all would fail on the second).
    """
    ordered = sorted(records, key=sort_key)
    explicit = [r for r in ordered if r.name is not None and id(r) not in implicit]
    kept: list[R] = []
    seen: set[str] = set()
    for r in ordered:
        if (r.name is None or id(r) in implicit) and any(
            o is not r and dataclasses.replace(r, name=o.name) == o for o in explicit
        ):
            continue
        if r.name is None:
            if r in kept:
                continue
        elif r.name in seen:
            continue
        else:
            seen.add(r.name)
        kept.append(r)
    return tuple(kept)


def implicit_name(obj: Any) -> bool:
    """Named by nobody, or by the naming convention rather than by the user."""
    return obj.name is None or isinstance(obj.name, conv)
