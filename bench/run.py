"""The benchmark: drift against Alembic and the catalog floor, interleaved, one database per size.

    python bench/run.py --quick                 # smoke run: 200 tables, 1 round, nothing written
    python bench/run.py --sizes 500,2000        # 3 rounds each; bench/results/<size>.json
    python bench/run.py --sizes 5000 --url postgresql://user@host/postgres

Per size: generate the catalog (K=0 and K=10 models), load its DDL once into a
fresh database, check drift's findings (none at K=0, exactly the manifest at
K=10), measure the peak memory of drift's stages, then run ROUNDS rounds; round
i runs every contender once, in an order rotated by i:

* ``drift check`` end to end: a subprocess, start to exit, models import included;
* one process that imports the models (timed apart), then times drift's stages
  (reflect, declare, compare, classify, render), Alembic's ``compare_metadata``
  with bulk reflection of both schemas, and the raw catalog read (the floor);
* import of the models + Alembic's ``compare_metadata`` with default settings:
  a subprocess, start to exit.

Medians go to ``bench/results/<size>.json``; ``bench/RESULTS.md`` is rebuilt
from every file there (``bench/report.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import generate  # noqa: E402
from bench.render_sql import split_chunks  # noqa: E402
from bench.report import environment, write_markdown  # noqa: E402
from drift.sources.database.connection import make_engine, parse_url  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CONTENDERS = ("inproc", "drift-check", "alembic-e2e")
INPROC = ("drift", "alembic-bulk", "raw")


def rotated(items: tuple[str, ...], i: int) -> list[str]:
    k = i % len(items)
    return list(items[k:] + items[:k])


def run_process(
    cmd: list[str], pythonpath: Path, cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = dict(os.environ, PYTHONPATH=f"{pythonpath}{os.pathsep}{REPO}")
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def worker(mode: str, url: str, module: str, directory: Path, order: str = "") -> dict[str, Any]:
    cmd = [sys.executable, str(BENCH / "worker.py"), mode, "--url", url, "--module", module]
    if order:
        cmd += ["--order", order]
    wall, done = run_process(cmd, directory, directory)
    if done.returncode != 0:
        raise SystemExit(f"worker {mode} failed:\n{done.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall_seconds"] = wall
    return out


def drift_check(url: str, module: str, directory: Path) -> dict[str, Any]:
    report = directory / "check.json"
    report.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "drift",
        "check",
        "--url",
        url,
        "--models",
        f"{module}:metadata",
        "--schema",
        "public",
        "--schema",
        "quantum",
        "--format",
        "json",
        "--output",
        str(report),
    ]
    wall, done = run_process(cmd, directory, directory)
    if done.returncode not in (0, 1):
        raise SystemExit(f"drift check failed ({done.returncode}):\n{done.stderr[-3000:]}")
    total = json.loads(report.read_text())["summary"]["total"]
    return {"wall_seconds": wall, "exit": done.returncode, "findings": total}


def load_database(admin_url: str, name: str, sql: str) -> tuple[str, float]:
    admin = make_engine(admin_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
    finally:
        admin.dispose()
    url = parse_url(admin_url).set(database=name).render_as_string(hide_password=False)
    start = time.perf_counter()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            for chunk in split_chunks(sql):
                conn.exec_driver_sql(chunk)
                conn.commit()  # one transaction per chunk: 10,000 tables exceed the lock table
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # catalog statistics as on a settled database
    finally:
        engine.dispose()
    return url, time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def _median(runs: list[dict[str, Any]] | None, key: str) -> float | None:
    """None where the contender was not run (Alembic above --alembic-max-tables)."""
    return median([r[key] for r in runs]) if runs else None


def bench_size(
    admin_url: str, size: int, rounds: int, workdir: Path, seed: int, k: int, alembic: bool = True
) -> dict[str, Any]:
    def say(text: str) -> None:
        print(f"[{size}] {text}", flush=True)

    base = workdir / f"n{size}"
    k0 = generate(base / "k0", size, seed, 0, module=f"bench_models_{size}")
    kk = generate(base / f"k{k}", size, seed, k, module=f"bench_models_{size}_k{k}")
    sql = k0.sql_path.read_text(encoding="utf-8")
    assert sql == kk.sql_path.read_text(encoding="utf-8"), "K only changes the models"
    url, load_seconds = load_database(admin_url, f"drift_bench_{size}", sql)
    say(f"catalog loaded in {load_seconds:.1f} s: {k0.counts}")

    verify = worker("verify", url, kk.module, kk.models_path.parent)
    expected = sorted([e.object_type, e.change, e.path] for e in kk.expected)
    found = sorted(verify["findings"])
    say(f"K={k}: {len(found)} findings, exact: {found == expected}")
    memory = worker("memory", url, k0.module, k0.models_path.parent)
    say(f"drift stages peak: {memory['stage_peak_mib']:.0f} MiB above {memory['baseline_mib']:.0f}")

    contenders = CONTENDERS if alembic else tuple(c for c in CONTENDERS if "alembic" not in c)
    inproc = INPROC if alembic else tuple(c for c in INPROC if "alembic" not in c)
    runs: dict[str, list[dict[str, Any]]] = {c: [] for c in contenders}
    for r in range(rounds):
        for contender in rotated(contenders, r):
            if contender == "inproc":
                order = ",".join(rotated(inproc, r))
                out = worker("inproc", url, k0.module, k0.models_path.parent, order)
            elif contender == "drift-check":
                out = drift_check(url, k0.module, k0.models_path.parent)
            else:
                out = worker("alembic-e2e", url, k0.module, k0.models_path.parent)
            runs[contender].append(out)
            say(f"round {r + 1}/{rounds} {contender}: {out['wall_seconds']:.2f} s")
    return summarize(size, k, k0.counts, load_seconds, runs, memory, expected, found)


def summarize(
    size: int,
    k: int,
    counts: dict[str, int],
    load_seconds: float,
    runs: dict[str, list[dict[str, Any]]],
    memory: dict[str, Any],
    expected: list[list[str]],
    found: list[list[str]],
) -> dict[str, Any]:
    inproc = runs["inproc"]
    stages = {
        s: median([r["drift"]["stages"][s] for r in inproc])
        for s in ("reflect", "declare", "compare", "classify", "render")
    }
    core = median(
        [
            sum(r["drift"]["stages"][s] for s in ("reflect", "declare", "compare", "classify"))
            for r in inproc
        ]
    )
    alembic_e2e = runs.get("alembic-e2e")
    bulk = [r["alembic-bulk"] for r in inproc] if alembic_e2e else None
    return {
        "tables": size,
        "rounds": len(inproc),
        "counts": counts,
        "load_seconds": load_seconds,
        "medians": {
            "drift_check_e2e": median([r["wall_seconds"] for r in runs["drift-check"]]),
            "alembic_default_e2e": _median(alembic_e2e, "wall_seconds"),
            "alembic_default_compare": _median(alembic_e2e, "seconds"),
            "models_import": median([r["import_seconds"] for r in inproc]),
            "drift_core": core,
            **{f"drift_{s}": v for s, v in stages.items()},
            "alembic_bulk": _median(bulk, "seconds"),
            "raw": median([r["raw"]["seconds"] for r in inproc]),
        },
        "statements": {
            # per round: Alembic's vary (see report.METHOD), drift's must not
            "drift_stages": [r["drift"]["statements"] for r in inproc],
            "alembic_bulk": [r["statements"] for r in bulk] if bulk else None,
            "alembic_default": [r["statements"] for r in alembic_e2e] if alembic_e2e else None,
            "raw": [r["raw"]["statements"] for r in inproc],
        },
        "memory": memory,
        "k0_findings": {
            "drift_stages": [r["drift"]["findings"] for r in inproc],
            "drift_check": [r["findings"] for r in runs["drift-check"]],
            "drift_check_exit": [r["exit"] for r in runs["drift-check"]],
        },
        "alembic_k0_diffs": {
            "bulk": bulk[0]["diffs"] if bulk else None,
            "default": alembic_e2e[0]["diffs"] if alembic_e2e else None,
        },
        "k_differences": {"k": k, "expected": expected, "found": found, "exact": expected == found},
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,2000,5000,10000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--quick", action="store_true", help="200 tables, 1 round, no files written"
    )
    parser.add_argument("--url", help="an existing server's admin URL (default: embedded pgserver)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/drift-bench"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--differences", type=int, default=10, metavar="K")
    parser.add_argument(
        "--alembic-max-tables",
        type=int,
        default=5000,
        metavar="N",
        help="run Alembic only up to N tables (its bars are at 5,000; it takes minutes above)",
    )
    args = parser.parse_args(argv)
    sizes = [200] if args.quick else [int(s) for s in args.sizes.split(",")]
    rounds = 1 if args.quick else args.rounds
    server = None
    if args.url:
        admin_url = args.url
    else:
        from drift.sources.scratch import EmbeddedPostgres

        server = EmbeddedPostgres()
        admin_url = server.url()
    try:
        env = environment(admin_url)
        for size in sizes:
            alembic = size <= args.alembic_max_tables
            result = bench_size(
                admin_url, size, rounds, args.workdir, args.seed, args.differences, alembic
            )
            result["environment"] = env
            print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=1)[:4000])
            if not args.quick:
                target = BENCH / "results" / f"{size}.json"
                target.parent.mkdir(exist_ok=True)
                target.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
                write_markdown(BENCH / "results", BENCH / "RESULTS.md")  # after each size
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
