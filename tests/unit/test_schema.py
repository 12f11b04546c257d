"""The neutral model's JSON round trip, and the output writers."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from drift.errors import DriftError
from drift.files import write_atomic, write_new
from drift.schema import (
    CheckConstraint,
    Column,
    EnumType,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    Snapshot,
    Table,
    UniqueConstraint,
    View,
)

RICH = Snapshot(
    origin="database",
    server_version="16.2",
    source="postgresql://u@h/db",
    schemas=(
        Schema(
            name="public",
            tables=(
                Table(
                    name="Odd Table",
                    comment="quotes ' and \" and <b>",
                    columns=(
                        Column("id", "integer", nullable=False, serial=True),
                        Column(
                            "price", "numeric(8,3)", default="0", raw=(("default", "'0'::numeric"),)
                        ),
                        Column("tags", "text[]", comment="ü"),
                        Column("kind", "public.kind", identity=None, collation="C"),
                    ),
                    primary_key=PrimaryKey("odd_pkey", ("id",)),
                    foreign_keys=(
                        ForeignKey(None, ("id",), "public", "t", ("id",), on_delete="CASCADE"),
                    ),
                    unique_constraints=(
                        UniqueConstraint("u", ("price",), nulls_not_distinct=True),
                    ),
                    check_constraints=(CheckConstraint("c", "price > 0"),),
                    indexes=(
                        Index(
                            "i",
                            (IndexElement("lower(kind)", is_column=False, descending=True),),
                            where="price > 1",
                            include=("tags",),
                        ),
                    ),
                ),
            ),
            views=(View("v", materialized=True, columns=(Column("a", "integer"),)),),
            enums=(EnumType("kind", ("a", "b")),),
            sequences=(Sequence("s", start=5, max_value=None),),
        ),
    ),
)


def test_a_snapshot_survives_json() -> None:
    assert Snapshot.from_json(RICH.to_json()) == RICH


def test_json_is_byte_stable() -> None:
    assert RICH.to_json() == Snapshot.from_json(RICH.to_json()).to_json()


def test_an_unknown_field_is_refused() -> None:
    data = json.loads(RICH.to_json())
    data["snapshot"]["schemas"][0]["tables"][0]["columns"][0]["bogus"] = 1
    text = json.dumps(data)
    with pytest.raises(ValueError, match="bogus"):
        Snapshot.from_json(text)


def test_not_a_snapshot_is_refused() -> None:
    with pytest.raises(ValueError, match="not a drift snapshot"):
        Snapshot.from_json('{"tables": []}')


def test_write_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.md"
    write_atomic(target, "one")
    write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_written_files_are_readable_by_others_as_with_open(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a", "x")
        write_new(tmp_path / "b", "x")
    finally:
        os.umask(old)
    for name in ("a", "b"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_write_new_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "rev.py"
    write_new(target, "first")
    with pytest.raises(DriftError, match="never overwrites"):
        write_new(target, "second")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["rev.py"]
