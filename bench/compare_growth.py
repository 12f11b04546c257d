"""How the comparator's time grows with the catalog: compare at N and 4N tables, report the ratio.

Reported, not asserted (a clock on a shared machine says little on its own; the
test suite checks the work instead: tests/unit/test_compare.py counts the lines
the comparator runs at N and 4N tables)::

    python bench/compare_growth.py                 # 500 and 2000 tables, best of 5
    python bench/compare_growth.py --tables 1000 --rounds 7

A ratio near 4 is linear; near 16 would be quadratic.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drift.compare import compare_snapshots  # noqa: E402
from drift.schema import Column, Index, IndexElement, Schema, Snapshot, Table  # noqa: E402


def catalog(n: int) -> tuple[Snapshot, Snapshot]:
    """n tables of 16 columns, an index unnamed in the models, one type drifted per table."""
    cols = tuple(Column(f"c{i}", "integer") for i in range(16))
    unnamed = Index(None, (IndexElement("c1"),))
    tables = tuple(Table(f"t{i}", columns=cols, indexes=(unnamed,)) for i in range(n))
    db_tables = tuple(
        replace(t, indexes=(replace(unnamed, name=f"{t.name}_c1_idx"),),
                columns=(replace(cols[0], type="bigint"), *cols[1:]))
        for t in tables
    )
    return (Snapshot(origin="models", schemas=(Schema("public", tables=tables),)),
            Snapshot(origin="database", schemas=(Schema("public", tables=db_tables),)))


def best_of(rounds: int, n: int) -> float:
    models, database = catalog(n)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        found = compare_snapshots(models, database)
        times.append(time.perf_counter() - start)
        assert len(found) == n  # one type difference per table
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500, help="N (the large run is 4N)")
    parser.add_argument("--rounds", type=int, default=5, help="best of this many runs per size")
    args = parser.parse_args()
    small = best_of(args.rounds, args.tables)
    large = best_of(args.rounds, 4 * args.tables)
    print(f"compare {args.tables} tables: {small * 1000:.1f} ms")
    print(f"compare {4 * args.tables} tables: {large * 1000:.1f} ms")
    print(f"growth ratio (4x tables): {large / small:.2f}  (4 = linear, 16 = quadratic)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
