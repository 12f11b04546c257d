"""`drift report` killed at random points: the previous complete report or the new one, never
a mix, and no temporary file once the next run is done.

The schema is bench/generate.py's (300 tables by default; DRIFT_KILL_TEST_TABLES
sets another size), saved as a snapshot once so that every run reads the same
catalog without reloading a database. Each run's expectations carry a marker (a
stale entry naming the run) that every file of its report shows.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# 300 in the suite (a run at 3,000 takes minutes); DRIFT_KILL_TEST_TABLES=3000 for the full size
TABLES = int(os.environ.get("DRIFT_KILL_TEST_TABLES", "300"))
DAY = "2026-03-09"
FILES = ("drift.html", "drift.md", "drift.json", "snapshot.json")

SAVE_SNAPSHOT = """
import dataclasses, sys
from pathlib import Path
import bench_models
from drift.sources.models.declare import declare_metadata
snap = declare_metadata(bench_models.metadata, ("public", "quantum"), "bench")
snap = dataclasses.replace(snap, origin="database", source="postgresql://bench@db/bench")
Path(sys.argv[1]).write_text(snap.to_json() + "\\n", encoding="utf-8")
"""


def _env(catalog: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(catalog), str(ROOT)])
    return env


def _start(work: Path, catalog: Path, marker: int) -> subprocess.Popen[bytes]:
    (work / "drift.yaml").write_text(
        f"expected:\n  - path: public.marker_{marker}\n    reason: run {marker}\n",
        encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "drift", "report", "--snapshot", "snap.json",
         "-m", "bench_models:metadata", "--schema", "public", "--schema", "quantum",
         "-e", "drift.yaml", "--output-dir", "reports", "--date", DAY,
         # every run does the first run's work: with the models' cache, the later runs
         # would end before the kill that was timed on the first
         "--no-cache"],
        cwd=work, env=_env(catalog), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _markers(text: str) -> set[int]:
    return {int(m) for m in re.findall(r"marker\\?_(\d+)", text)}


def _complete_report(folder: Path) -> int:
    """The marker of the run that wrote ``folder``, checking every file is that run's."""
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES), list(folder.iterdir())
    report = json.loads((folder / "drift.json").read_text(encoding="utf-8"))
    (marker,) = _markers(json.dumps(report["stale_expectations"]))
    for name in ("drift.md", "drift.html"):
        assert _markers((folder / name).read_text(encoding="utf-8")) == {marker}, name
    json.loads((folder / "snapshot.json").read_text(encoding="utf-8"))
    return marker


def test_a_killed_report_leaves_a_whole_one(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--tables", str(TABLES),
                    "--out", str(catalog)], check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run([sys.executable, "-c", SAVE_SNAPSHOT, str(work / "snap.json")],
                   env=_env(catalog), check=True)
    reports = work / "reports"

    # the first, complete run: how long it takes, and when its folder starts being written
    start = time.monotonic()
    run = _start(work, catalog, 0)
    staged_at = None
    while run.poll() is None:
        if staged_at is None and reports.is_dir() and any(
                p.name.startswith(f".{DAY}.") for p in reports.iterdir()):
            staged_at = time.monotonic() - start
        time.sleep(0.01)
    total = time.monotonic() - start
    assert run.returncode == 0, run.stderr.read() if run.stderr else ""
    assert _complete_report(reports / DAY) == 0
    staged_at = staged_at or total * 0.8

    rng = random.Random(11)
    previous, landed = 0, []
    for marker in range(1, 11):
        # anywhere from shortly before the folder is written to the end of the run
        delay = rng.uniform(staged_at * 0.9, total * 1.05)
        run = _start(work, catalog, marker)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        found = _complete_report(reports / DAY)
        assert found in (previous, marker), (found, previous, marker)
        landed.append(found == marker)
        previous = found

    run = _start(work, catalog, 99)
    assert run.wait() == 0, run.stderr.read() if run.stderr else ""
    assert _complete_report(reports / DAY) == 99
    leftovers = [p for p in reports.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert sorted(p.name for p in reports.iterdir()) == [".drift.lock", DAY, "index.html",
                                                          "index.md"]
    assert DAY in (reports / "index.md").read_text(encoding="utf-8")
    print(f"{TABLES} tables, run {total:.1f} s, folder staged at {staged_at:.1f} s; "
          f"kills after the swap: {sum(landed)}/10")


