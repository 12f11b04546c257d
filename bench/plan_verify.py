"""One ``drift plan --verify --downgrade`` on a synthetic catalog, timed end to end.

    python bench/plan_verify.py --tables 500 [--differences 10]

Generates the catalog (``bench/generate.py``), loads it into a database of an
embedded PostgreSQL, creates an Alembic environment (``alembic init``), then
runs, as subprocesses, ``drift check`` and ``drift plan --verify --downgrade``
(scratch databases on the same server) and prints the seconds of each and
their ratio. Not a timed test: figures for the notes, not assertions.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` and ``drift`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402

from bench.generate import generate  # noqa: E402
from drift.sources.scratch import embedded_postgres, execute_script  # noqa: E402


def _timed(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": f"{cwd}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "drift", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--differences", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="drift-bench-plan-") as tmp, \
            embedded_postgres() as server:
        work = Path(tmp)
        gen = generate(work, args.tables, differences=args.differences)
        url = server.create_database()
        execute_script(url, gen.sql_path.read_text(encoding="utf-8"))
        with contextlib.redirect_stdout(io.StringIO()):
            command.init(Config(str(work / "alembic.ini")), str(work / "migrations"))
        common = ["--url", url, "--models", f"{gen.module}:metadata",
                  "--schema", "public", "--schema", "quantum"]
        check_s, check = _timed(["check", *common], work)
        plan_s, plan = _timed(["plan", *common, "--migrations", "migrations", "--verify",
                               "--downgrade", "--scratch-url", server.url()], work)
        print(plan.stdout[-2000:], plan.stderr[-2000:], sep="\n")
        print(f"tables={args.tables} differences={args.differences}")
        print(f"drift check: {check_s:.1f} s (exit {check.returncode})")
        print(f"drift plan --verify --downgrade: {plan_s:.1f} s (exit {plan.returncode})")
        print(f"ratio plan --verify / check: {plan_s / check_s:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
