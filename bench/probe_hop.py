"""The models probe's hop: declaring the models in drift's process vs in another interpreter.

With the project's own Python, drift starts the probe there (``python -c``), which
imports the models, declares them and writes the snapshot as JSON; drift reads it
back, validates it against the snapshot schema and rebuilds the records. This
measures what that hop costs against the in-process path, on the generated
catalog (``bench/generate.py``), with the same interpreter on both sides so only
the hop differs:

* ``in-process``: ``declare_models(refs, schemas, cache=None)`` with drift's own
  interpreter: the models imported and declared in drift's process;
* ``probe``: the same call told the interpreter is another one: subprocess,
  import, declare, JSON out, JSON in, schema validation, records rebuilt.

Each measurement is a fresh process (no module imported twice), timed around the call;
rounds interleaved, medians. Rows for RESULTS.md are printed at the end.

    python bench/probe_hop.py --tables 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.generate import generate  # noqa: E402

SCHEMAS = ("public", "quantum")

MEASURE = f"""
import json, sys, time
from pathlib import Path
from drift.sources.models.cached import declare_models
from drift.sources.models.project_python import Interpreter
mode, module = sys.argv[1], sys.argv[2]
python = Interpreter(Path(sys.executable), mode == "in-process")
start = time.perf_counter()
declared = declare_models((module + ":metadata",), {SCHEMAS!r}, None, python)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "tables": declared.table_count}}))
"""


def measure(mode: str, folder: Path, module: str) -> dict[str, float]:
    run = subprocess.run([sys.executable, "-c", MEASURE, mode, module], cwd=folder,
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    modes = ("in-process", "probe")
    with tempfile.TemporaryDirectory(prefix="drift-bench-probe-") as tmp:
        folder = Path(tmp)
        generated = generate(folder, args.tables, module=f"bench_models_{args.tables}")
        times: dict[str, list[float]] = {m: [] for m in modes}
        tables = set()
        for i in range(args.rounds):
            order = modes if i % 2 == 0 else modes[::-1]
            for mode in order:
                found = measure(mode, folder, generated.module)
                times[mode].append(found["seconds"])
                tables.add(found["tables"])
                print(f"round {i + 1}: {mode} {found['seconds']:.2f} s", file=sys.stderr)
    assert len(tables) == 1, tables  # both paths declare the same catalog
    inproc, probe = (statistics.median(times[m]) for m in modes)
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print("| tables | rounds | in-process s | through the probe s | probe / in-process | date |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.tables} | {args.rounds} | {inproc:.2f} | {probe:.2f} | "
          f"{probe / inproc:.2f}x | {date} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
