"""A hostile database: names and comments made to break HTML, Markdown, XML and templates.

Shared with the browser test (tests/browser), which opens the same report.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_db import COLUMN, TABLE, HostileReport, make_hostile_report

from drift.cli.commands import main


@pytest.fixture
def hostile(
    tmp_path: Path, database_url: str, run_sql, monkeypatch: pytest.MonkeyPatch
) -> HostileReport:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return make_hostile_report(tmp_path, database_url, run_sql)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_html_has_no_injected_markup(hostile: HostileReport) -> None:
    hostile_report = hostile.folder
    html = (hostile_report / "drift.html").read_text()
    parser = _Tags()
    parser.feed(html)
    assert [t for t, _ in parser.tags].count("script") == 1
    assert "img" not in [t for t, _ in parser.tags]
    assert not [name for _, attrs in parser.tags for name, _ in attrs if name.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "{{ 7*7 }}" in html


def _cells(row: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_markdown_tables_keep_their_rows_and_cells(hostile: HostileReport) -> None:
    hostile_report = hostile.folder
    md = (hostile_report / "drift.md").read_text()
    # names are code in the next steps' fenced blocks (shown as text), markup nowhere else
    prose = re.sub(r"^```(?:python|yaml)\n.*?^```$", "", md, flags=re.MULTILINE | re.DOTALL)
    assert "<script>" not in prose and "<img" not in prose
    unexpected = md[md.index("## Unexpected drift") : md.index("## Expected drift")]
    rows = [
        line for line in unexpected.splitlines() if line.startswith("| ") and "---" not in line
    ][1:]
    # the type of the hostile column, and the table nobody declared
    assert len(rows) == 2 and all(len(_cells(r)) == 5 for r in rows)
    reference = md[md.index("#### public.t") :]
    columns = reference[
        reference.index("| Column |") : reference.index("\n\n", reference.index("| Column |"))
    ]
    assert len(columns.splitlines()) == 4 and all(len(_cells(r)) == 6 for r in columns.splitlines())
    mermaid = md[md.index("```mermaid") : md.index("```", md.index("```mermaid") + 3)]
    assert not re.search(r"[<>`]", mermaid.removeprefix("```mermaid"))


def test_pr_formats_stay_valid(hostile: HostileReport) -> None:
    hostile_report = hostile.folder
    data = json.loads((hostile_report / "drift.json").read_text())
    assert any(m["path"] == f"public.{TABLE}.{COLUMN}" for m in data["mismatches"])
    args = [
        "check",
        "--snapshot",
        str(hostile_report / "snapshot.json"),
        "--models",
        hostile.models,
        "--schema",
        "public",
        "--format",
    ]
    junit = CliRunner().invoke(main, [*args, "junit"])
    assert junit.exit_code == 1
    cases = {c.get("name"): c for c in ET.fromstring(junit.output).iter("testcase")}
    assert sorted(cases) == ["plain", TABLE]
    assert "<script>" not in junit.output and "&lt;script&gt;" in junit.output
    summary = CliRunner().invoke(main, [*args, "markdown"]).output
    rows = [line for line in summary.splitlines() if line.startswith("| ") and "---" not in line][
        1:
    ]
    assert len(rows) == 2 and all(len(_cells(r)) == 5 for r in rows)
    assert "<script>" not in summary and "<img" not in summary
    diff = CliRunner().invoke(main, ["diff", str(hostile_report), str(hostile_report)])
    assert (diff.exit_code, diff.output) == (0, "no change\n")
