"""How long reading a large expectations file takes (not a timed test).

    python bench/expectations.py --entries 50000 [--rounds 3]

Writes a file of N entries as ``drift expect`` writes them (one exact path per
mismatch, with object_type, change, a reason) into a temporary folder and
prints the median time of ``load_expectations`` over the rounds, and whether
PyYAML's C parser (libyaml) was used.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``drift`` importable from the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from drift.classify.expectations import load_expectations  # noqa: E402
from drift.classify.expectations_writer import render_expectations_yaml  # noqa: E402
from drift.mismatch import Change, Mismatch, ObjectType, Severity  # noqa: E402


def mismatches(n: int) -> list[Mismatch]:
    return [
        Mismatch(ObjectType.COLUMN, Change.ONLY_IN_DATABASE, "public", f"table_{i // 20:05d}",
                 f"column_{i % 20:02d}", None, None, "text", Severity.WARNING)
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "expectations.yaml"
        path.write_text(render_expectations_yaml(mismatches(args.entries)), encoding="utf-8")
        size = path.stat().st_size
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            loaded = load_expectations(path)
            times.append(time.perf_counter() - start)
        assert len(loaded.entries) == args.entries
    print(f"{args.entries} entries ({size / 1e6:.1f} MB): "
          f"median {statistics.median(times):.2f} s over {args.rounds} round(s); "
          f"libyaml available: {yaml.__with_libyaml__}")


if __name__ == "__main__":
    main()
