"""Application SQL: 2,000 statements judged on 4 schema states, cold and warm, against the
floor of preparing them by hand over one psycopg connection.

    python bench/queries.py [--url ADMIN_URL] [--rounds 3]

* **floor**: the 4 state databases already built; one psycopg 3 connection per state
  prepares (Parse/Describe) each of the 2,000 statements: what any checker must pay.
* **cold**: extraction (ast over the 40 generated modules) + ``judge`` with an empty
  cache: the 4 states built on the server (a template copy per phase), then
  every statement prepared on each.
* **warm**: the same with the extraction and every verdict in the cache (nothing
  changed): the files are read and hashed, no server is asked.

Prints one Markdown row; ratios are against the floor measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

TABLES = 40
COLUMNS = 10
STATEMENTS = 2000


def schema_sql() -> str:
    out = []
    for t in range(TABLES):
        cols = ", ".join(f"c{c} integer" for c in range(COLUMNS))
        out.append(f"CREATE TABLE t{t} (id serial PRIMARY KEY, note text, {cols});")
    return "\n".join(out)


PHASES = (
    # phase 1 drops a column in 4 tables; phase 2 adds one to 8
    "\n".join(f"ALTER TABLE t{t} DROP COLUMN c9;" for t in range(0, TABLES, 10)),
    "\n".join(f"ALTER TABLE t{t} ADD COLUMN extra text;" for t in range(0, TABLES, 5)),
)


def write_code(folder: Path) -> None:
    per_file = STATEMENTS // TABLES
    for t in range(TABLES):
        lines = ["import psycopg2", "", f'TABLE = "t{t}"', ""]
        for i in range(per_file):
            c = i % COLUMNS
            kind = i % 4
            if kind == 0:
                where = f"c{(c + 1) % COLUMNS}"
                sql = f'f"SELECT id, c{c}, note FROM {{TABLE}} WHERE {where} = %s LIMIT {i + 1}"'
            elif kind == 1:
                sql = f'"UPDATE t{t} SET c{c} = %s WHERE id = %s AND note <> \'{i}\'"'
            elif kind == 2:
                sql = f'"INSERT INTO t{t} (c{c}, note) VALUES (%s, %s) RETURNING id, {i}"'
            else:
                sql = (f'"SELECT count(*) FROM t{t} a JOIN t{(t + 1) % TABLES} b ON b.id = a.c{c} '
                       f'WHERE a.c{(c + 2) % COLUMNS} > %s AND b.note LIKE \'x{i}%%\'"')
            lines += [f"def q{i}(cur, a=None, b=None):", f"    cur.execute({sql}, (a, b))", ""]
        (folder / f"repo_{t}.py").write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="admin URL of a server (default: an embedded one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.url:
        return run(args.url, args.rounds)
    from drift.sources.scratch import embedded_postgres

    with embedded_postgres() as server:
        return run(server.url(), args.rounds)


def run(admin_url: str, rounds: int) -> int:
    import psycopg

    from drift.sources.cache import SnapshotCache, digest
    from drift.sources.code import _extract
    from drift.sources.code.judge import (
        SchemaState,
        VerdictStore,
        _connect_args,
        _prepare,
        _Server,
        judge,
    )
    from drift.sources.scratch import drop_database, execute_script

    work = Path(tempfile.mkdtemp(prefix="drift-bench-queries-"))
    (work / "app").mkdir()
    write_code(work / "app")
    cold, warm, floor = [], [], []
    for r in range(rounds):
        salt = f"{time.time()}-{r}"  # new contents each round: nothing reused from before
        base = schema_sql()
        live = SchemaState("live", "live", digest([salt, base]),
                           lambda url, sql=base: execute_script(url, sql))
        states = [live]
        before = live
        for n, sql in enumerate(PHASES, 1):
            state = SchemaState(f"phase-{n}", f"after phase {n}", digest([before.content, sql]),
                                lambda url, sql=sql: execute_script(url, sql),
                                parent=before.content, phase=n)
            states.append(state)
            before = state
        models_sql = base + "\n" + "\n".join(PHASES)
        states.append(SchemaState("models", "models", digest([salt, models_sql]),
                                  lambda url, sql=models_sql: execute_script(url, sql)))
        cache = SnapshotCache(work / f"cache-{r}")

        start = time.perf_counter()
        found = _extract((work / "app",), (), cache)
        verdicts, asked = judge(found.statements, states, admin_url, VerdictStore(cache))
        cold.append(time.perf_counter() - start)
        assert len(found.statements) == STATEMENTS and asked == STATEMENTS * len(states), asked

        start = time.perf_counter()
        found = _extract((work / "app",), (), cache)
        again, asked = judge(found.statements, states, admin_url, VerdictStore(cache))
        warm.append(time.perf_counter() - start)
        assert asked == 0 and again == verdicts

        server = _Server(admin_url, keep=True)
        start = time.perf_counter()
        for state in states:
            url = server.ensure(state, {s.content: s for s in states})
            with psycopg.connect(**_connect_args(url), autocommit=True) as conn:
                for st in found.statements:
                    _prepare(conn, st.sql)
        floor.append(time.perf_counter() - start)
        for state in states:
            drop_database(admin_url, server.name(state.content))
    c, w, f = (statistics.median(x) for x in (cold, warm, floor))
    print("| statements | states | rounds | cold s | warm s | floor s | cold / floor | "
          "warm / floor |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {STATEMENTS} | {len(states)} | {rounds} | {c:.2f} | {w:.3f} | {f:.2f} | "
          f"{c / f:.1f}x | {w / f:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
