"""One measurement process of the benchmark (``bench/run.py`` starts it; prints one JSON line).

A fresh process per measurement keeps one contender's imports, caches and
memory out of the next one's figures. Modes:

* ``inproc``: import the models once (timed apart), then run drift's stages,
  Alembic's ``compare_metadata`` with bulk reflection of both schemas, and the
  raw catalog read, in the given order;
* ``alembic-e2e``: import the models and run ``compare_metadata`` with
  Alembic's default settings (the runner times the whole process);
* ``memory``: drift's stages alone, peak resident memory above the level
  reached once the models are imported;
* ``verify``: drift's findings on a (K>0) models module, as (object_type, change, path).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalog import read_catalog  # noqa: E402
from drift.sources.database.connection import make_engine  # noqa: E402

SCHEMAS = ("public", "quantum")


class StatementCounter:
    """Counts every statement any engine of this process sends (SQLAlchemy's cursor event)."""

    def __init__(self) -> None:
        self.count = 0
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1

    def take(self) -> int:
        n, self.count = self.count, 0
        return n


def drift_stages(url: str, module: str) -> dict[str, Any]:
    from drift.api import CheckConfig, CheckResult, declare_models, reflect_database
    from drift.classify.expectations import classify
    from drift.compare import compare_snapshots
    from drift.render.json import render_json

    refs = (f"{module}:metadata",)
    marks = [time.perf_counter()]
    database = reflect_database(url, SCHEMAS)
    marks.append(time.perf_counter())
    models = declare_models(refs, SCHEMAS)
    marks.append(time.perf_counter())
    mismatches = tuple(compare_snapshots(models, database))
    marks.append(time.perf_counter())
    classification = classify(mismatches, None, today=date.today())
    marks.append(time.perf_counter())
    result = CheckResult(
        config=CheckConfig(url=url, models=refs, schemas=SCHEMAS),
        database=database,
        models=models,
        mismatches=mismatches,
        classification=classification,
        generated_at=datetime.now(UTC),
    )
    render_json(result)
    marks.append(time.perf_counter())
    names = ("reflect", "declare", "compare", "classify", "render")
    stages = {n: marks[i + 1] - marks[i] for i, n in enumerate(names)}
    return {
        "stages": stages,
        "seconds": marks[-1] - marks[0],
        "findings": [[m.object_type.value, m.change.value, m.path] for m in mismatches],
    }


def alembic_compare(url: str, metadata: sa.MetaData, bulk: bool) -> dict[str, Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "schema" or name is None or name in SCHEMAS

    # "bulk": both schemas, each read with the inspector's get_multi_* calls
    opts = {"include_schemas": True, "include_name": include_name, "compare_server_default": True}
    start = time.perf_counter()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts=opts if bulk else {})
            diffs = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    return {"seconds": time.perf_counter() - start, "diffs": len(diffs)}


def raw_read(url: str) -> dict[str, Any]:
    start = time.perf_counter()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = read_catalog(conn, SCHEMAS)
    finally:
        engine.dispose()
    return {"seconds": time.perf_counter() - start, "rows": sum(len(r) for r in rows.values())}


def rss_mib(field: str) -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    assert match is not None
    return int(match.group(1)) / 1024


def timed_import(module: str) -> tuple[Any, float]:
    start = time.perf_counter()
    mod = importlib.import_module(module)  # as drift check and Alembic do: mappers not configured
    return mod, time.perf_counter() - start


def preload() -> None:
    """Import drift's and Alembic's modules before timing: their import is not a stage."""
    for name in (
        "drift.api",
        "drift.sources.database.reflect",
        "drift.sources.models.declare",
        "drift.compare",
        "drift.classify.expectations",
        "drift.render.json",
        "alembic.autogenerate",
        "alembic.migration",
    ):
        importlib.import_module(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("inproc", "alembic-e2e", "memory", "verify"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--order", default="drift,alembic-bulk,raw")
    args = parser.parse_args(argv)
    counter = StatementCounter()
    out: dict[str, Any] = {"mode": args.mode}
    if args.mode != "alembic-e2e":
        preload()

    if args.mode == "alembic-e2e":
        mod, out["import_seconds"] = timed_import(args.module)
        out.update(alembic_compare(args.url, mod.metadata, bulk=False))
        out["statements"] = counter.take()
    elif args.mode == "memory":
        timed_import(args.module)
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM) to the current RSS
        baseline = rss_mib("VmRSS")
        result = drift_stages(args.url, args.module)
        out.update(
            baseline_mib=baseline, peak_mib=rss_mib("VmHWM"), findings=len(result["findings"])
        )
        out["stage_peak_mib"] = out["peak_mib"] - baseline
    elif args.mode == "verify":
        timed_import(args.module)
        out["findings"] = drift_stages(args.url, args.module)["findings"]
    else:
        mod, out["import_seconds"] = timed_import(args.module)
        runs: dict[str, Callable[[], dict[str, Any]]] = {
            "drift": lambda: drift_stages(args.url, args.module),
            "alembic-bulk": lambda: alembic_compare(args.url, mod.metadata, bulk=True),
            "raw": lambda: raw_read(args.url),
        }
        counter.take()
        for name in args.order.split(","):
            gc.collect()
            out[name] = runs[name]()
            out[name]["statements"] = counter.take()
        out["drift"]["findings"] = len(out["drift"]["findings"])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
