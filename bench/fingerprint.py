"""What the scratch-only proof costs: the inspected database's fingerprint against one read.

Before and after the project's code runs (``drift plan``, ``drift check --migrations``
beside ``--url``), drift takes a fingerprint of the inspected database: its catalog,
every user schema, and the rows of every ``alembic_version`` table. This script builds
a generated catalog of --tables tables (``bench/generate.py``) and times, interleaved,
in one process each round:

* ``reflect``: drift's own read of the checked schemas (what every ``drift check --url``
  pays once);
* ``fingerprint``: one fingerprint (a run with the proof pays two).

It prints the medians and the ratio fingerprint / reflect (the machines are noisy:
compare within one run, never across runs).

    python bench/fingerprint.py --tables 500 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate  # noqa: E402
from bench.render_sql import split_chunks  # noqa: E402
from drift.sources.database.reflect import reflect_snapshot  # noqa: E402
from drift.sources.migrations.fingerprint import take  # noqa: E402
from drift.sources.scratch import EmbeddedPostgres, execute_script  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    server = EmbeddedPostgres()
    try:
        url = server.create_database("drift_bench_fingerprint")
        with tempfile.TemporaryDirectory(prefix="drift-fingerprint-") as tmp:
            sql = generate(Path(tmp), args.tables).sql_path.read_text(encoding="utf-8")
        for chunk in split_chunks(sql):
            execute_script(url, chunk)
        execute_script(url, "CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);"
                            "INSERT INTO alembic_version VALUES ('r0001');")
        reflect, fingerprint = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            reflect_snapshot(url, ("public", "quantum"))
            reflect.append(time.perf_counter() - start)
            start = time.perf_counter()
            take(url)
            fingerprint.append(time.perf_counter() - start)
    finally:
        server.stop()
    r, f = statistics.median(reflect), statistics.median(fingerprint)
    print(f"{args.tables} tables, {args.rounds} rounds: reflect {r:.3f} s, "
          f"fingerprint {f:.3f} s, fingerprint / reflect {f / r:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
