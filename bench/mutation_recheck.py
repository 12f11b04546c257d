"""Re-run mutmut's survivors (and timeouts), each in a fresh Python process (see bench/MUTATION.md).

mutmut applies a mutant in a worker forked after the code was imported, so a mutant in code
that runs at import time (a module-level table built by calling a function) is never applied
there and "survives" whatever the tests check. Here MUTANT_UNDER_TEST is set before Python
starts: the mutant is applied everywhere. A mutant is killed when its tests fail.

    python bench/mutation_recheck.py                 # every survivor of the last run
    python bench/mutation_recheck.py 'drift.plan.*'  # survivors matching globs
    python bench/mutation_recheck.py --also tests/unit/test_new.py   # with a test added since

Run it from the repository root after ``bash bench/mutation.sh``, with
``DRIFT_TEST_DATABASE_URL`` set (mutation.sh prints how); it prints one line per
mutant and the counts.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"


def survivors(patterns: list[str], statuses: tuple[str, ...]) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    names = [line.split(":")[0].strip() for line in out.splitlines()
             if line.strip().endswith(tuple(f": {s}" for s in statuses))]
    return [n for n in names if not patterns or any(fnmatch.fnmatch(n, p) for p in patterns)]


def tests_of(name: str, mapping: dict[str, list[str]], selection: list[str],
             also: list[str]) -> list[str]:
    """The tests mutmut saw reaching the mutant's function, and the files named by ``--also``;
    the whole selection when none did (a function called only at import time is reached by
    no test)."""
    function = name.rsplit("__mutmut_", 1)[0]
    return sorted(mapping.get(function, ())) + also or selection


def killed(name: str, tests: list[str], extra: list[str]) -> bool:
    env = {**os.environ, "MUTANT_UNDER_TEST": name}
    run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", *extra, *tests],
                         cwd=MUTANTS, env=env, capture_output=True, timeout=900)
    return run.returncode != 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("patterns", nargs="*", help="mutant name globs (default: all survivors)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--also", action="append", default=[], metavar="TEST_FILE",
                        help="run this test file too (tests added since the run's stats)")
    parser.add_argument("--tests", action="append", default=[], metavar="TEST_FILE",
                        help="run only these test files, not the tests mutmut mapped")
    parser.add_argument("--unchecked", action="store_true",
                        help="also the mutants mutmut has not run (an interrupted run)")
    args = parser.parse_args()
    if "DRIFT_TEST_DATABASE_URL" not in os.environ:
        print("mutation_recheck: set DRIFT_TEST_DATABASE_URL (see bench/MUTATION.md)",
              file=sys.stderr)
        return 2
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    stats = json.loads((MUTANTS / "mutmut-stats.json").read_text(encoding="utf-8"))
    mapping = stats["tests_by_mangled_function_name"]
    selection = config["pytest_add_cli_args_test_selection"]
    extra = config.get("pytest_add_cli_args", [])
    # a timeout is rechecked too: on a loaded machine the test run of a mutant can outlast
    # mutmut's estimate without looping
    statuses = ("survived", "timeout", *(("not checked",) if args.unchecked else ()))
    names = survivors(args.patterns, statuses)
    # the tests as they are now (mutmut copied them when the run started)
    shutil.copytree(ROOT / "tests", MUTANTS / "tests", dirs_exist_ok=True)
    if args.tests and killed("", args.tests, extra):
        print("mutation_recheck: the tests fail without a mutant", file=sys.stderr)
        return 2

    def recheck(name: str) -> tuple[str, bool]:
        tests = args.tests or tests_of(name, mapping, selection, args.also)
        return name, killed(name, tests, extra)

    with ThreadPoolExecutor(args.jobs) as pool:
        results = pool.map(recheck, names)
        left = 0
        for name, dead in results:
            print(("killed   " if dead else "survived ") + name, flush=True)
            left += not dead
    print(f"{len(names)} rechecked: {len(names) - left} killed, {left} survived")
    return 0


if __name__ == "__main__":
    sys.exit(main())
