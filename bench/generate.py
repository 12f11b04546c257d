"""Generate a synthetic catalog: its DDL, its SQLAlchemy models, and the expected differences.

    python bench/generate.py --tables 500 --out /tmp/cat500 [--seed 42] [--differences 10]

writes ``catalog.sql`` (load it into the database), ``<module>.py`` (the models;
put the directory on ``sys.path`` and import ``<module>``, whose ``metadata``
holds both schemas) and ``manifest.json`` (the K differences drift must report,
as ``object_type``/``change``/``path``/``attribute``, and the catalog's counts).
Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.differences import Expected, apply_differences  # noqa: E402
from bench.render_models import render_models  # noqa: E402
from bench.render_sql import render_sql  # noqa: E402
from bench.spec import Catalog, generate_catalog  # noqa: E402


@dataclass(frozen=True)
class Generated:
    sql_path: Path
    models_path: Path
    manifest_path: Path
    module: str
    expected: tuple[Expected, ...]
    counts: dict[str, int]


def counts(cat: Catalog) -> dict[str, int]:
    """What the database holds, in the issue's terms."""
    return {
        "tables": len(cat.tables),
        "columns": sum(len(t.columns) for t in cat.tables),
        "foreign_keys": sum(len(t.foreign_keys) for t in cat.tables),
        # every index the catalog has besides primary keys: unique constraints included
        "indexes": sum(len(t.indexes) + len(t.uniques) for t in cat.tables),
        "checks": sum(len(t.checks) for t in cat.tables),
        "defaults": sum(
            1
            for t in cat.tables
            for c in t.columns
            if c.default is not None or c.sequence is not None or c.serial
        ),
        "identity": sum(1 for t in cat.tables for c in t.columns if c.identity),
        "sequences": len(cat.sequences),
        "comments": sum(
            (t.comment is not None) + sum(c.comment is not None for c in t.columns)
            for t in cat.tables
        ),
    }


def generate(
    out: Path, tables: int, seed: int = 42, differences: int = 0, module: str = "bench_models"
) -> Generated:
    base = generate_catalog(tables, seed)
    models, expected = apply_differences(base, differences, seed)
    out.mkdir(parents=True, exist_ok=True)
    what = f"{tables} tables, seed {seed}, {differences} differences"
    sql_path = out / "catalog.sql"
    models_path = out / f"{module}.py"
    manifest_path = out / "manifest.json"
    sql_path.write_text(render_sql(base), encoding="utf-8")
    models_path.write_text(render_models(models, what), encoding="utf-8")
    n = counts(base)
    manifest = {
        "tables": tables,
        "seed": seed,
        "differences": differences,
        "module": module,
        "counts": n,
        "expected": [e.to_dict() for e in expected],
    }
    manifest_path.write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return Generated(sql_path, models_path, manifest_path, module, tuple(expected), n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--differences", type=int, default=0, metavar="K")
    parser.add_argument("--module", default="bench_models")
    args = parser.parse_args(argv)
    try:
        g = generate(args.out, args.tables, args.seed, args.differences, args.module)
    except ValueError as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    print(f"{g.sql_path}\n{g.models_path}\n{g.manifest_path}")
    print(json.dumps(g.counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
