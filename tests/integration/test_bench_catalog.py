"""The benchmark's generated catalog, small: its two outputs agree, and drift finds exactly K.

The generator (``bench/generate.py``) writes DDL and SQLAlchemy models from one
spec; these tests load the DDL into a real database, import the models, and run
drift's pipeline on them: no finding at K=0, exactly the manifest's entries at
K=10. They also prove the two outputs equivalent without drift (the models'
``create_all`` and the DDL give the same catalog rows) and that reflection sends
as many statements for 40 tables as for 10.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from drift.api import declare_models, reflect_database
from drift.compare import compare_snapshots
from drift.sources.database.connection import make_engine

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # ``bench`` is a directory of the checkout, not an installed package

from bench.catalog import read_catalog  # noqa: E402
from bench.generate import Generated, generate  # noqa: E402
from bench.render_sql import split_chunks  # noqa: E402

SCHEMAS = ("public", "quantum")


def load_ddl(url: str, generated: Generated) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for chunk in split_chunks(generated.sql_path.read_text(encoding="utf-8")):
                conn.exec_driver_sql(chunk)
    finally:
        engine.dispose()


@pytest.fixture
def import_models(tmp_path: Path) -> Iterator[Any]:
    """Import a generated models module from its directory; forget it afterwards."""
    imported: list[str] = []

    def do_import(generated: Generated) -> ModuleType:
        sys.path.insert(0, str(generated.models_path.parent))
        imported.append(generated.module)
        return importlib.import_module(generated.module)

    yield do_import
    for name in imported:
        sys.modules.pop(name, None)
    sys.path[:] = [p for p in sys.path if not p.startswith(str(tmp_path))]


Found = set[tuple[str, str, str, str | None]]


def findings(url: str, generated: Generated) -> Found:
    """(object_type, change, path, attribute) of each mismatch drift reports."""
    database = reflect_database(url, SCHEMAS)
    models = declare_models((f"{generated.module}:metadata",), SCHEMAS)
    return {
        (m.object_type.value, m.change.value, m.path, m.attribute)
        for m in compare_snapshots(models, database)
    }


def test_at_k0_the_generated_catalog_gives_no_finding(
    database_url: str, tmp_path: Path, import_models: Any
) -> None:
    generated = generate(tmp_path / "k0", tables=40, seed=7, module="bench_models_k0")
    load_ddl(database_url, generated)
    import_models(generated)
    assert findings(database_url, generated) == set()


def test_at_k10_drift_reports_exactly_the_manifest(
    database_url: str, tmp_path: Path, import_models: Any
) -> None:
    generated = generate(
        tmp_path / "k10", tables=40, seed=7, differences=10, module="bench_models_k10"
    )
    assert len({e.kind for e in generated.expected}) == 10  # ten distinct kinds of difference
    load_ddl(database_url, generated)
    import_models(generated)
    expected = {(e.object_type, e.change, e.path, e.attribute) for e in generated.expected}
    assert len(expected) == 10
    assert findings(database_url, generated) == expected


def test_ddl_and_models_build_the_same_catalog(
    database_url: str, pg_server: Any, tmp_path: Path, import_models: Any
) -> None:
    generated = generate(tmp_path / "eq", tables=40, seed=11, module="bench_models_eq")
    load_ddl(database_url, generated)
    module = import_models(generated)
    second = pg_server.create_database()
    try:
        second_url = pg_server.url(second)
        engine = make_engine(second_url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("CREATE SCHEMA quantum")
                module.metadata.create_all(conn)
        finally:
            engine.dispose()
        # without drift: the catalog rows themselves
        assert catalog_rows(database_url) == catalog_rows(second_url)
        # and through drift's reader
        from_ddl, from_models = (
            reflect_database(database_url, SCHEMAS),
            reflect_database(second_url, SCHEMAS),
        )
        assert from_ddl.schemas == from_models.schemas
    finally:
        pg_server.drop_database(second)


def catalog_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = read_catalog(conn, SCHEMAS)
    finally:
        engine.dispose()
    assert len(rows["relations"]) > 40  # the catalog is there, not two empty databases
    return rows


def statements_to_reflect(url: str) -> int:
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        snapshot = reflect_database(url, SCHEMAS)
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)
    assert sum(len(s.tables) for s in snapshot.schemas) > 0
    return len(sent)


def test_reflection_sends_as_many_statements_for_40_tables_as_for_10(
    database_url: str, pg_server: Any, tmp_path: Path
) -> None:
    load_ddl(database_url, generate(tmp_path / "n40", tables=40, seed=3))
    small = pg_server.create_database()
    try:
        small_url = pg_server.url(small)
        load_ddl(small_url, generate(tmp_path / "n10", tables=10, seed=3))
        assert statements_to_reflect(small_url) == statements_to_reflect(database_url)
    finally:
        pg_server.drop_database(small)


def test_the_generator_is_deterministic_and_its_differences_distinct(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", tables=60, seed=5, differences=14)
    second = generate(tmp_path / "b", tables=60, seed=5, differences=14)
    for a, b in ((first.sql_path, second.sql_path), (first.models_path, second.models_path)):
        assert a.read_bytes() == b.read_bytes()
    assert len({e.kind for e in first.expected}) == 14  # every kind of difference once
    assert len({e.path for e in first.expected}) == 14
    other_seed = generate(tmp_path / "c", tables=60, seed=6)
    assert other_seed.sql_path.read_bytes() != first.sql_path.read_bytes()
