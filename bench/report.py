"""The machine and versions of a run, and ``bench/RESULTS.md`` from ``bench/results/*.json``."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from drift.sources.database.connection import make_engine

BARS = """\
Bars of the issue (at 5,000 tables unless said): drift's reflect + declare + compare +
classify >= 8x faster than Alembic `compare_metadata` with bulk reflection; drift's
reflect <= 2x the raw catalog read; `drift check` end to end >= 2.5x faster than
import + Alembic default; 10,000-table time <= 2.2x the 5,000-table time; peak memory of
drift's stages at 10,000 tables < 1 GiB; zero findings at K=0, exactly K at K=10."""

METHOD = """\
How it is measured (`bench/run.py`, `bench/worker.py`): one database per size, loaded once
from the generated DDL; a fresh process per measurement; rounds interleaved (round i runs
each contender once, in an order rotated by i); medians over the rounds.

* **drift check e2e**: `python -m drift check --url ... --models bench_models_N:metadata
  --format json --output FILE`, start to exit (interpreter, drift and models import included).
* **import + Alembic default e2e**: a process that imports the same models and runs
  `alembic.autogenerate.compare_metadata(MigrationContext.configure(conn), metadata)`
  with no options, start to exit. With default settings Alembic reads only the default
  schema (`public`); the `quantum` tables are reported as tables to add.
* **models import**: the plain `import` of the models module in the in-process worker
  (the cyclic GC on, as Alembic's run has it; `drift check` pauses the GC for it).
* **drift core**: drift's stages in-process, the models already imported:
  `reflect_database`, `declare_models`, `compare_snapshots`, `classify`
  (render, JSON, shown apart).
* **Alembic bulk**: `compare_metadata` with `include_schemas=True` (an `include_name`
  keeping `public` and `quantum`) and `compare_server_default=True`. "Bulk" is how Alembic
  1.20 reads: `autogenerate/compare/tables.py` calls `_InspectorConv.pre_cache_tables`
  once per schema, which calls the inspector's `get_multi_columns`, `get_multi_pk_constraint`,
  `get_multi_foreign_keys`, `get_multi_indexes`, `get_multi_unique_constraints`,
  `get_multi_table_comment`, `get_multi_check_constraints` and `get_multi_table_options`
  for the whole schema (no name filter when more than 100 tables and more than half of
  the schema are compared), then builds each `Table` from that cache. Two limits show in
  the statement counts: the cache keys (`alembic_columns`, ...) do not include the schema,
  so `_pre_cache` returns early for the second schema and that schema's tables are read
  one query per table and kind; and `PostgresqlImpl.autogen_column_reflect` sends one
  `pg_depend` query per column whose default is `nextval(...)`. Which schema is read in
  bulk depends on the iteration order of a Python set of schema names (string hashing is
  randomised per process), so Alembic's statement count and time vary from run to run.
* Above `--alembic-max-tables` (default 5,000) Alembic is not run (`-`): its bars are at
  5,000 tables and one run takes minutes there.
* **raw floor**: `bench/catalog.py`: one query per object kind (relations, columns,
  constraints, indexes, sequences, enums), all rows fetched, nothing built.
* **statements**: SQLAlchemy `before_cursor_execute` events, counted in the process
  (drift's stages together; each Alembic run; the raw read).
* **peak memory**: a separate process imports the models, then runs drift's stages;
  peak resident memory (VmHWM, reset after the import through `/proc/self/clear_refs`)
  minus the resident memory once the models are imported."""


def environment(admin_url: str) -> dict[str, Any]:
    engine = make_engine(admin_url)
    try:
        with engine.connect() as conn:
            server = conn.exec_driver_sql("SHOW server_version").scalar()
    finally:
        engine.dispose()
    meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = subprocess.run(
        ["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(Path(__file__).parent.parent), "status", "--porcelain", "drift"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if dirty:
        commit += "+uncommitted"  # teammates' work in progress in the same tree
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "memory_gib": round(int(meminfo[1]) / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "postgresql": server,
        "sqlalchemy": metadata.version("sqlalchemy"),
        "alembic": metadata.version("alembic"),
        "drift_commit": commit,
    }


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a is not None and b else "-"


def _n(value: int | list[int] | None) -> str:
    """A count, or the range of counts over the rounds; "-" where not run."""
    if value is None:
        return "-"
    if isinstance(value, int):
        return str(value)
    low, high = min(value), max(value)
    return str(low) if low == high else f"{low}-{high}"


def _secs(value: float | None, digits: int = 2) -> str:
    """Seconds; "-" where the contender was not run."""
    return "-" if value is None else f"{value:.{digits}f}"


def write_markdown(results_dir: Path, target: Path) -> None:
    results = sorted(
        (json.loads(p.read_text()) for p in results_dir.glob("*.json")), key=lambda r: r["tables"]
    )
    lines = ["# drift benchmark results", "", BARS, ""]
    for r in results[-1:]:
        env = r["environment"]
        lines += [
            f"Machine: {env['nproc']} CPUs ({env['cpu']}), {env['memory_gib']} GiB; "
            f"Python {env['python']}, PostgreSQL {env['postgresql']} (embedded pgserver unless "
            f"--url), SQLAlchemy {env['sqlalchemy']}, Alembic {env['alembic']}; "
            f"drift {env['drift_commit']}; {env['date']} (latest size's run; each size's date "
            "is in its JSON). The machine's 2 cores were shared with other work.",
            "",
        ]
    lines += [
        "## Times (medians, seconds)",
        "",
        "| tables | rounds | drift check e2e | import + Alembic default e2e | ratio (>= 2.5x) "
        "| drift core | Alembic bulk | ratio (>= 8x) | drift reflect | raw floor "
        "| reflect / raw (<= 2x) | declare | compare | classify | render | models import "
        "| drift commit, date |",
        "|" + "---|" * 17,
    ]
    for r in results:
        m = r["medians"]
        cells = [
            str(r["tables"]),
            str(r["rounds"]),
            _secs(m["drift_check_e2e"], 2),
            _secs(m["alembic_default_e2e"], 2),
            _ratio(m["alembic_default_e2e"], m["drift_check_e2e"]),
            _secs(m["drift_core"], 2),
            _secs(m["alembic_bulk"], 2),
            _ratio(m["alembic_bulk"], m["drift_core"]),
            _secs(m["drift_reflect"], 2),
            _secs(m["raw"], 2),
            _ratio(m["drift_reflect"], m["raw"]),
            _secs(m["drift_declare"], 2),
            _secs(m["drift_compare"], 2),
            _secs(m["drift_classify"], 3),
            _secs(m["drift_render"], 3),
            _secs(m["models_import"], 2),
            f"{r['environment']['drift_commit']}, {r['environment']['date']}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    by_size = {r["tables"]: r for r in results}
    if 5000 in by_size and 10000 in by_size:
        a, b = by_size[5000]["medians"], by_size[10000]["medians"]
        lines += [
            "",
            "Growth 5,000 -> 10,000 tables (<= 2.2x): "
            f"drift core {_ratio(b['drift_core'], a['drift_core'])}, "
            f"drift check e2e {_ratio(b['drift_check_e2e'], a['drift_check_e2e'])}, "
            f"drift reflect {_ratio(b['drift_reflect'], a['drift_reflect'])}.",
        ]
    lines += [
        "",
        "## Statements, memory, correctness",
        "",
        "| tables | columns | FKs | indexes | checks | defaults | statements: drift / Alembic bulk "
        "/ Alembic default / raw | drift stages peak MiB (above import) | K=0 findings "
        "(drift check) | K=10 exact | Alembic diffs at K=0 (bulk / default) |",
        "|" + "---|" * 11,
    ]
    for r in results:
        c, st, k = r["counts"], r["statements"], r["k_differences"]
        statements = " / ".join(
            _n(st[x]) for x in ("drift_stages", "alembic_bulk", "alembic_default", "raw")
        )
        cells = [
            *(str(c[x]) for x in ("tables", "columns", "foreign_keys", "indexes", "checks")),
            str(c["defaults"]),
            statements,
            f"{r['memory']['stage_peak_mib']:.0f}",
            str(max(r["k0_findings"]["drift_check"] + r["k0_findings"]["drift_stages"])),
            f"{'yes' if k['exact'] else 'NO'} ({len(k['found'])}/{len(k['expected'])})",
            " / ".join(_n(r["alembic_k0_diffs"][x]) for x in ("bulk", "default")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", METHOD, ""]
    target.write_text("\n".join(lines), encoding="utf-8")
