"""Generated schemas for the ER diagram's tests: many tables, many foreign keys."""

from __future__ import annotations

import random

from drift.schema import Column, ForeignKey, PrimaryKey, Schema, Snapshot, Table

PK = PrimaryKey("pk", ("id",))


def generated(tables: int, fks: int, seed: int) -> Snapshot:
    """``tables`` tables of ``public``, each but the first referring to an earlier one (the
    popular ones more often), ``fks`` foreign keys in all, a few self references."""
    rng = random.Random(seed)
    refs: list[list[int]] = [[] for _ in range(tables)]
    for i in range(1, tables):
        refs[i].append(rng.randrange(i))
    for i in rng.sample(range(2, tables), 2):
        refs[i].append(i)
    while sum(map(len, refs)) < fks:
        i = rng.randrange(2, tables)
        refs[i].append(rng.choice([j for r in refs for j in r if j < i] or [0]))
    out = []
    for i in range(tables):
        cols = [Column("id", "bigint", False)]
        cols += [Column(f"ref_{k}", "bigint") for k in range(len(refs[i]))]
        cols += [Column(f"note_{k}", "text") for k in range(rng.randint(1, 4))]
        out.append(Table(f"t{i:02d}", tuple(cols), PK, tuple(
            ForeignKey(None, (f"ref_{k}",), "public", f"t{j:02d}", ("id",))
            for k, j in enumerate(refs[i]))))
    return Snapshot("database", (Schema("public", tables=tuple(out)),))
