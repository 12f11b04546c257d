"""A 5 MB reason on an expectation that accepts many findings: the JSON report and the HTML
report each hold it once, not once per finding (it was 110 MB on stdout and a 441 MB folder).

Every finding's own ``expectation`` in the JSON keeps every field, its reason cut to 2,000
characters with a note, and the key of the top-level ``expectations`` entry that holds the
whole text. Week over week still reads a report written before (format_version 1)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import jsonschema

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.compare import compare_snapshots
from drift.mismatch import Expectation
from drift.render.json import render_json
from drift.render.report_folder import write_report
from drift.report.history import load_reports
from drift.result import CheckConfig, CheckResult
from drift.schema import Column, PrimaryKey, Schema, Snapshot, Table
from drift.schemas import load_schema

TABLES = 20
REASON = "because " * 625_000  # 5,000,000 characters
SHORT = "kept for the reports team"


def _table(name: str) -> Table:
    return Table(name, (Column("id", "integer", False),), PrimaryKey(f"{name}_pkey", ("id",)))


def long_result(day: date = date(2026, 1, 5)) -> CheckResult:
    models = Snapshot("models", (Schema("public", ()),))
    database = Snapshot("database", (Schema("public", (
        *(_table(f"legacy_{i:02d}") for i in range(TABLES)), _table("audit"))),))
    mismatches = tuple(compare_snapshots(models, database))
    expectations = ExpectationsFile((), (
        Expectation("public.legacy_*", REASON, phase=1, ticket="OPS-1", source="drift.yaml:3"),
        Expectation("public.audit", SHORT, source="drift.yaml:9"),
        Expectation("public.gone", "stale: matches nothing", source="drift.yaml:12"),
    ))
    return CheckResult(CheckConfig(schemas=("public",), today=day), database, models, mismatches,
                       classify(mismatches, expectations, day),
                       datetime(day.year, day.month, day.day, tzinfo=UTC))


def test_json_holds_the_long_reason_once() -> None:
    text = render_json(long_result())
    # by hand: the reason once, each of the 20 findings' copies cut to 2,000 characters
    # with a note and the other fields (well under 3 KB each), and the rest under 30 KB
    assert len(text) < 5_000_000 + TABLES * 3_000 + 30_000
    assert text.count(REASON) == 1
    data = json.loads(text)
    jsonschema.validate(data, load_schema("report.schema.json"))
    assert data["format_version"] == 2
    entries = {e["key"]: e for e in data["expectations"]}
    assert sorted((e["path"], e["source"]) for e in entries.values()) == [
        ("public.audit", "drift.yaml:9"), ("public.legacy_*", "drift.yaml:3")]
    legacy = [m for m in data["mismatches"] if m["path"].startswith("public.legacy_")]
    assert len(legacy) == TABLES
    for m in legacy:
        e = m["expectation"]
        assert entries[e["key"]]["reason"] == REASON
        assert e["reason"] == REASON[:2_000] + "… (4,998,000 more characters cut)"
        assert (e["path"], e["phase"], e["ticket"], e["source"]) == (
            "public.legacy_*", 1, "OPS-1", "drift.yaml:3")
    [audit] = [m for m in data["mismatches"] if m["path"] == "public.audit"]
    # a reason that fits is the same in both places
    assert audit["expectation"]["reason"] == SHORT == entries[audit["expectation"]["key"]]["reason"]
    assert [e["reason"] for e in data["stale_expectations"]] == ["stale: matches nothing"]
    # the key is the same from run to run
    assert json.loads(render_json(long_result()))["expectations"] == data["expectations"]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_report_folder_holds_the_long_reason_once_per_file(tmp_path: Path) -> None:
    written = write_report(long_result(), tmp_path / "reports")
    folder = tmp_path / "reports" / "2026-01-05"
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    # by hand: drift.json and drift.html each hold the 5 MB once; drift.md cuts it; the
    # 20 findings and the page's own CSS, script and tables add well under 1 MB in all
    assert sum(sizes.values()) < 2 * 5_000_000 + 1_000_000, sizes
    assert sizes["drift.md"] < 200_000
    html = (folder / "drift.html").read_text(encoding="utf-8")
    assert html.count(REASON) == 1
    parser = _Text()
    parser.feed(html)
    shown = [p for p in parser.parts if REASON in p]
    assert shown == [REASON]  # the whole reason, shown once
    assert len(written) == 6


def _as_version_1(path: Path) -> None:
    """A drift.json as drift wrote it before the reasons were held once (format_version 1)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    whole = {e["key"]: e for e in data.pop("expectations")}
    data["format_version"] = 1
    for m in data["mismatches"]:
        if m["expectation"] is not None:
            m["expectation"] = {k: v for k, v in whole[m["expectation"]["key"]].items()
                                if k != "key"}
    data["stale_expectations"] = [{k: v for k, v in e.items() if k != "key"}
                                  for e in data["stale_expectations"]]
    path.write_text(json.dumps(data), encoding="utf-8")


def test_week_over_week_reads_reports_of_both_versions(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    write_report(long_result(date(2026, 1, 5)), reports)
    _as_version_1(reports / "2026-01-05" / "drift.json")
    write_report(long_result(date(2026, 1, 12)), reports)
    saved = load_reports(reports)
    assert [(r.date, r.expected, r.unexpected, r.stale) for r in saved] == [
        (date(2026, 1, 5), 21, 0, 1), (date(2026, 1, 12), 21, 0, 1)]
    html = (reports / "2026-01-12" / "drift.html").read_text(encoding="utf-8")
    assert "2026-01-05" in html  # compared with the week before
    assert "2026-01-05" in (reports / "index.html").read_text(encoding="utf-8")
