"""K deliberate differences between the models and the database, and what drift must report.

Each difference is applied to the models' copy of the spec (the database keeps
the original), on its own table, on a column or object nothing else mentions,
so it produces exactly one finding: the manifest entry.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass

from bench.spec import Catalog, Column, Index, Table


@dataclass(frozen=True)
class Expected:
    kind: str  # the difference made (column_type, missing_column, ...)
    object_type: str
    change: str
    path: str
    attribute: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "object_type": self.object_type,
            "change": self.change,
            "path": self.path,
            "attribute": self.attribute,
        }


Maker = Callable[[Catalog, Table, random.Random], "Expected | None"]


def _free_columns(t: Table) -> list[Column]:
    used = t.constrained()
    return [
        c
        for c in t.columns
        if c.name not in used and c.kind not in ("key", "seq_key", "fk") and c.sequence is None
    ]


def column_type(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = [c for c in _free_columns(t) if c.kind == "varchar"]
    if not cols:
        return None
    col = rng.choice(cols)
    col.length = (col.length or 10) + 17
    return Expected("column_type", "column", "differs", f"{t.qualified}.{col.name}", "type")


def missing_column(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = _free_columns(t)
    if not cols:
        return None
    col = rng.choice(cols)
    t.columns.remove(col)
    return Expected("missing_column", "column", "only_in_database", f"{t.qualified}.{col.name}")


def extra_column(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    t.columns.append(Column(name="audit_note", kind="text", nullable=True))
    return Expected("extra_column", "column", "only_in_models", f"{t.qualified}.audit_note")


def nullable(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = [c for c in _free_columns(t) if c.default is None]
    if not cols:
        return None
    col = rng.choice(cols)
    col.nullable = not col.nullable
    return Expected("nullable", "column", "differs", f"{t.qualified}.{col.name}", "nullable")


def default(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = [c for c in _free_columns(t) if c.default in ("true", "false")]
    if not cols:
        return None
    col = rng.choice(cols)
    col.default = "false" if col.default == "true" else "true"
    return Expected("default", "column", "differs", f"{t.qualified}.{col.name}", "default")


def extra_index(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = [c for c in _free_columns(t) if c.kind in ("integer", "varchar", "date", "bigint")]
    if not cols:
        return None
    col = rng.choice(cols)
    name = f"ix_{t.name}_{col.name}_extra"
    t.indexes.append(Index(name=name, columns=(col.name,)))
    return Expected("extra_index", "index", "only_in_models", f"{t.qualified}.{name}")


def missing_index(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    ixs = [i for i in t.indexes if not i.unique]
    if not ixs:
        return None
    ix = rng.choice(ixs)
    t.indexes.remove(ix)
    return Expected("missing_index", "index", "only_in_database", f"{t.qualified}.{ix.name}")


def on_delete(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    fks = [f for f in t.foreign_keys if f.on_delete == "CASCADE"]
    if not fks:
        return None
    fk = rng.choice(fks)
    fk.on_delete = None
    return Expected("on_delete", "foreign_key", "differs", f"{t.qualified}.{fk.name}", "on_delete")


def missing_check(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    if not t.checks:
        return None
    ck = rng.choice(t.checks)
    t.checks.remove(ck)
    return Expected(
        "missing_check", "check_constraint", "only_in_database", f"{t.qualified}.{ck.name}"
    )


def table_comment(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    t.comment = (t.comment or "") + " (models)"
    return Expected("table_comment", "table", "differs", t.qualified, "comment")


def column_comment(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    cols = _free_columns(t)
    if not cols:
        return None
    col = rng.choice(cols)
    col.comment = (col.comment + " (changed)") if col.comment else "Documented in the models only"
    return Expected("column_comment", "column", "differs", f"{t.qualified}.{col.name}", "comment")


def missing_unique(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    if not t.uniques:
        return None
    u = rng.choice(t.uniques)
    t.uniques.remove(u)
    return Expected(
        "missing_unique", "unique_constraint", "only_in_database", f"{t.qualified}.{u.name}"
    )


def missing_table(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    referenced = {(fk.schema, fk.table) for other in cat.tables for fk in other.foreign_keys}
    if (t.schema, t.name) in referenced:
        return None
    cat.dropped_tables.add(t.qualified)
    return Expected("missing_table", "table", "only_in_database", t.qualified)


def extra_table(cat: Catalog, t: Table, rng: random.Random) -> Expected | None:
    name = f"{t.name}_planned"
    new = Table(
        schema=t.schema, name=name, class_name=f"{t.class_name}Planned", pk_name=f"pk_{name}"
    )
    new.columns = [
        Column(name="id", kind="key", nullable=False, primary_key=True, serial=True),
        Column(name="label", kind="varchar", length=40, nullable=False),
    ]
    cat.extra_tables.append(new)
    return Expected("extra_table", "table", "only_in_models", new.qualified)


MAKERS: tuple[Maker, ...] = (
    column_type,
    missing_column,
    extra_column,
    nullable,
    default,
    extra_index,
    missing_index,
    on_delete,
    missing_check,
    table_comment,
    column_comment,
    missing_unique,
    missing_table,
    extra_table,
)


def apply_differences(base: Catalog, k: int, seed: int) -> tuple[Catalog, list[Expected]]:
    """A copy of ``base`` for the models with ``k`` differences, each on its own table."""
    models = copy.deepcopy(base)
    rng = random.Random(seed * 31 + k)
    used: set[str] = set()
    expected: list[Expected] = []
    order = list(models.tables)
    rng.shuffle(order)
    for i in range(k):
        maker = MAKERS[i % len(MAKERS)]
        for t in order:
            if t.qualified in used or len(t.columns) < 3:
                continue
            result = maker(models, t, rng)
            if result is not None:
                used.add(t.qualified)
                expected.append(result)
                break
        else:
            raise ValueError(
                f"no table left for difference {i + 1} ({maker.__name__}); "
                f"use more tables or fewer differences"
            )
    return models, expected
