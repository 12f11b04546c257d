"""The warm path of `drift check`: cold and warm runs, medians, rows for RESULTS.md.

1. `drift check --migrations` (no live database) at each --sizes table count, on a project
   whose Alembic history of --revisions revisions builds the generated catalog: cold (the
   .drift_cache folder removed before the run) and warm (the run right after).
2. `drift check --url` against a live database of --live-size tables: cold and warm models
   cache, beside import + Alembic's default `compare_metadata` (worker.py alembic-e2e),
   in the same run.

Each measurement is a whole `drift` process (what a pre-commit hook pays), wall clock.

    python bench/warm_path.py --sizes 50,500 --revisions 20 --live-size 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate  # noqa: E402

ENV_PY = '''import os

from alembic import context
from sqlalchemy import create_engine

import bench_models

target_metadata = bench_models.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        engine = create_engine(os.environ["DATABASE_URL"])
        connection = engine.connect()
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
'''

REVISION = '''"""part {n} of the catalog"""
from alembic import op

revision = "{rev}"
down_revision = {down!r}
branch_labels = None
depends_on = None

SQL = {sql!r}


def upgrade() -> None:
    # the raw DBAPI cursor: no bind-parameter parsing of the DDL's colons and percents
    op.get_bind().connection.driver_connection.cursor().execute(SQL)


def downgrade() -> None:
    raise NotImplementedError
'''


def write_project(root: Path, tables: int, revisions: int, migrations_key: bool = True) -> Path:
    """A project: the generated models, pyproject [tool.drift], an Alembic history."""
    g = generate(root, tables)
    statements = [s + ";" for s in g.sql_path.read_text().split(";\n") if s.strip()]
    statements[-1] = statements[-1].rstrip(";")
    migrations = root / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "env.py").write_text(ENV_PY)
    mako = Path(__import__("alembic").__file__).parent / "templates/generic/script.py.mako"
    shutil.copy(mako, migrations / "script.py.mako")
    size = -(-len(statements) // revisions)
    down = None
    for n in range(revisions):
        rev = f"r{n:04d}"
        part = "\n".join(statements[n * size:(n + 1) * size]) or "SELECT 1;"
        (migrations / "versions" / f"{rev}.py").write_text(
            REVISION.format(n=n + 1, rev=rev, down=down, sql=part))
        down = rev
    (root / "pyproject.toml").write_text(
        '[tool.drift]\nmodels = ["bench_models"]\nschemas = ["public", "quantum"]\n'
        + ('migrations = "migrations"\n' if migrations_key else ""))
    return g.sql_path


def timed(args: list[str], cwd: Path, expect: int = 0) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DRIFT_DATABASE_URL")}
    env["PYTHONPATH"] = str(cwd)  # worker.py imports the models as drift does, from the project
    start = time.perf_counter()
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != expect:
        raise SystemExit(f"{' '.join(args[:4])}...: exit {run.returncode}\n{run.stdout[-2000:]}"
                         f"\n{run.stderr[-2000:]}")
    return seconds


def cold_warm(project: Path, extra: list[str], rounds: int) -> tuple[float, float]:
    drift = [sys.executable, "-m", "drift", "check", *extra]
    cold, warm = [], []
    for _ in range(rounds):
        shutil.rmtree(project / ".drift_cache", ignore_errors=True)
        cold.append(timed(drift, project))
        warm.append(timed(drift, project))
    return statistics.median(cold), statistics.median(warm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,500")
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--live-size", type=int, default=5000, help="0: skip")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    with tempfile.TemporaryDirectory(prefix="drift-warm-") as tmp:
        for tables in (int(s) for s in args.sizes.split(",") if s):
            project = Path(tmp) / f"m{tables}"
            write_project(project, tables, args.revisions)
            cold, warm = cold_warm(project, [], args.rounds)
            rows.append(f"| `drift check --migrations` | {tables} | {args.revisions} revisions "
                        f"| {args.rounds} | {cold:.2f} | {warm:.2f} | {cold / warm:.1f}x | - "
                        f"| {stamp} |")
            print(rows[-1], flush=True)
        if args.live_size:
            from bench.render_sql import split_chunks
            from drift.sources.scratch import EmbeddedPostgres, execute_script

            project = Path(tmp) / f"live{args.live_size}"
            sql = write_project(project, args.live_size, 1, migrations_key=False)
            server = EmbeddedPostgres()
            try:
                url = server.create_database("drift_bench_live")
                for chunk in split_chunks(sql.read_text()):
                    execute_script(url, chunk)
                cold, warm = cold_warm(project, ["--url", url], args.rounds)
                print(f"drift check --url at {args.live_size}: cold {cold:.2f} s, "
                      f"warm {warm:.2f} s", flush=True)
                alembic = statistics.median(
                    timed([sys.executable, str(HERE / "worker.py"), "alembic-e2e", "--url", url,
                           "--module", "bench_models"], project)
                    for _ in range(args.rounds))
            finally:
                server.stop()
            rows.append(f"| `drift check --url` (models cache) | {args.live_size} | live "
                        f"database | {args.rounds} | {cold:.2f} | {warm:.2f} | "
                        f"{cold / warm:.1f}x | {alembic:.2f} | {stamp} |")
            print(rows[-1], flush=True)
    print("\n| command | tables | other side | rounds | cold s | warm s | cold / warm "
          "| import + Alembic default s | date |\n|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
