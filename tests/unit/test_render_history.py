"""History: snapshot diffs, saved reports, week over week and the index (no database)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from render_factory import sample_result, snapshots

from drift.errors import DriftError
from drift.mismatch import Classification
from drift.render.changes import render_changes_json, render_changes_text
from drift.render.report_folder import write_report
from drift.report.history import diff_snapshots, load_reports
from drift.schema import (
    CheckConstraint,
    Column,
    EnumType,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
    View,
)


def _changes(old: Snapshot, new: Snapshot) -> list[tuple[str, str, str, str | None]]:
    return [(c.change.value, c.object_type, c.path, c.attribute) for c in diff_snapshots(old, new)]


def test_diff_added_dropped_altered() -> None:
    old = Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=(
                    Table("t", (Column("id", "integer", False), Column("x", "text"))),
                    Table("gone"),
                ),
                enums=(EnumType("e", ("a",)),),
            ),
        ),
    )
    new = Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=(
                    Table(
                        "t",
                        (Column("id", "bigint", False), Column("y", "text")),
                        comment="now documented",
                    ),
                    Table("new"),
                ),
                enums=(EnumType("e", ("a", "b")),),
            ),
            Schema("quantum"),
        ),
    )
    assert _changes(old, new) == [
        ("altered", "enum", "public.e", "labels"),
        ("dropped", "table", "public.gone", None),
        ("added", "table", "public.new", None),
        ("altered", "table", "public.t", "comment"),
        ("altered", "column", "public.t.id", "type"),
        ("dropped", "column", "public.t.x", None),
        ("added", "column", "public.t.y", None),
        ("added", "schema", "quantum", None),
    ]
    altered = next(c for c in diff_snapshots(old, new) if c.path == "public.t.id")
    assert (altered.old, altered.new) == ("integer", "bigint")
    assert diff_snapshots(old, old) == ()
    text = render_changes_text(diff_snapshots(old, new))
    assert "~ column public.t.id altered: type integer -> bigint\n" in text
    assert text.endswith("3 added, 2 dropped, 3 altered\n")
    assert (
        json.loads(render_changes_json(diff_snapshots(old, new)))["changes"][0]["change"]
        == "altered"
    )


def test_diff_ignores_raw_text_and_column_order_of_unrelated_tables() -> None:
    db, _ = snapshots()
    same = Snapshot(
        "database",
        tuple(
            replace(
                s,
                tables=tuple(
                    replace(
                        t, columns=tuple(replace(c, raw=(("default", "x"),)) for c in t.columns)
                    )
                    for t in s.tables
                ),
            )
            for s in db.schemas
        ),
    )
    assert diff_snapshots(db, same) == ()


def test_two_reports_week_over_week(tmp_path: Path) -> None:
    first = sample_result()
    # a week later: the index was dropped (resolved), a column was added in the database
    db2, _ = snapshots(extra_db_column=True)
    findings = tuple(
        f for f in first.classification.findings if f.mismatch.object_type.value != "index"
    )
    second = replace(
        first, database=db2, classification=replace(first.classification, findings=findings)
    )
    write_report(first, tmp_path, date(2026, 11, 19))
    written = write_report(second, tmp_path, date(2026, 11, 26))
    day = tmp_path / "2026-11-26"
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "2026-11-26/drift.html",
        "2026-11-26/drift.md",
        "2026-11-26/snapshot.json",
        "2026-11-26/drift.json",
        "index.html",
        "index.md",
    ]
    assert not [p for p in day.iterdir() if p.name.endswith(".tmp")]
    reports = load_reports(tmp_path)
    assert [(r.date.isoformat(), r.unexpected, r.expected) for r in reports] == [
        ("2026-11-19", 3, 3),
        ("2026-11-26", 2, 3),
    ]
    md = (day / "drift.md").read_text()
    week = md[md.index("## Since the report of 2026-11-19") :]
    assert "### New drift (0)" in week and "### Resolved drift (1)" in week
    assert "| public.matches.ix\\_matches\\_played\\_at | index | only in database |" in week
    assert "| added | column | public.teams.founded |" in week
    trend = md[md.index("## Trend") :]
    assert "| 2026-11-19 | 3 | 3 |" in trend and "| 2026-11-26 | 3 | 2 |" in trend
    index = (tmp_path / "index.md").read_text()
    assert index.index("2026-11-26") < index.index("2026-11-19")  # newest first
    assert "(2026-11-19/drift.md)" in index
    assert 'href="2026-11-26/drift.html"' in (tmp_path / "index.html").read_text()
    # the JSON report is the check's contract, unchanged
    assert json.loads((day / "drift.json").read_text())["summary"]["unexpected"] == 2
    assert Snapshot.load(day / "snapshot.json") == db2


def test_rerun_on_the_same_day_replaces_it_and_compares_with_the_week_before(
    tmp_path: Path,
) -> None:
    result = sample_result()
    write_report(result, tmp_path, date(2026, 11, 19))
    write_report(result, tmp_path, date(2026, 11, 26))
    clean = replace(result, classification=Classification(()))
    write_report(clean, tmp_path, date(2026, 11, 26))
    assert [r.total for r in load_reports(tmp_path)] == [6, 0]
    md = (tmp_path / "2026-11-26" / "drift.md").read_text()
    assert "## Since the report of 2026-11-19" in md and "### Resolved drift (6)" in md


def test_a_corrupt_saved_report_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "2026-11-19").mkdir()
    (tmp_path / "2026-11-19" / "drift.json").write_text("{not json")
    (tmp_path / "notes").mkdir()  # not a date: ignored
    with pytest.raises(DriftError, match=r"2026-11-19/drift.json: not a drift report"):
        load_reports(tmp_path)


def test_an_unwritable_output_dir_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DriftError, match=r"^cannot write .*reports: not a directory$"):
        write_report(sample_result(), blocker, date(2026, 11, 26))


def _no_python_repr(text: str) -> None:
    assert "{'" not in text and "': " not in text and "[{" not in text, text


def test_diff_speaks_in_the_words_of_the_mismatches() -> None:
    """Views, keys and unnamed constraints changed: every output reads as SQL words."""
    old = Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=(
                    Table(
                        "t",
                        (Column("id", "integer", False), Column("n", "integer")),
                        check_constraints=(CheckConstraint(None, "n > 0"),),
                    ),
                ),
                views=(View("v", columns=(Column("id", "integer"),)),),
            ),
        ),
    )
    new = Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=(
                    Table(
                        "t",
                        (Column("id", "integer", False), Column("n", "integer", False)),
                        primary_key=PrimaryKey("t_pkey", ("id",)),
                        check_constraints=(CheckConstraint(None, "n > 1"),),
                    ),
                    Table("dna_profiles", (Column("id", "bigint", False),)),
                ),
                views=(View("v", columns=(Column("id", "integer"), Column("label", "text"))),),
            ),
        ),
    )
    changes = diff_snapshots(old, new)
    rows = {
        (c.change.value, c.object_type, c.path, c.attribute): (c.before, c.after) for c in changes
    }
    assert rows[("added", "table", "public.dna_profiles", None)] == ("", "table with 1 column(s)")
    assert rows[("altered", "table", "public.t", "primary_key")] == ("(none)", "PRIMARY KEY (id)")
    assert rows[("altered", "column", "public.t.n", "nullable")] == ("NULL", "NOT NULL")
    assert rows[("altered", "view", "public.v", "columns")] == (
        "(id integer)",
        "(id integer, label text)",
    )
    check = "check_constraint"
    assert rows[("dropped", check, "public.t.CHECK (n > 0)", None)] == ("CHECK (n > 0)", "")
    assert rows[("added", check, "public.t.CHECK (n > 1)", None)] == ("", "CHECK (n > 1)")
    text = render_changes_text(changes)
    _no_python_repr(text)
    _no_python_repr(render_changes_json(changes))
    assert "~ column public.t.n altered: nullable NULL -> NOT NULL\n" in text
    assert "+ table public.dna_profiles added: table with 1 column(s)\n" in text
