"""``drift report``, ``drift diff`` and the PR formats on a real PostgreSQL, through the CLI."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from drift.cli.commands import main

SQL = """
CREATE TABLE public.teams (
    id integer PRIMARY KEY,
    name character varying(50) NOT NULL
);
COMMENT ON TABLE public.teams IS 'Football teams';
CREATE TABLE public.matches (
    id integer PRIMARY KEY,
    team_id integer NOT NULL REFERENCES public.teams (id)
);
"""

MODELS = """
from sqlalchemy import ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = {"schema": "public", "comment": "Football teams"}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))


class Match(Base):
    __tablename__ = "matches"
    __table_args__ = {"schema": "public"}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    team_id: Mapped[int] = mapped_column(ForeignKey("public.teams.id"))


class Odds(Base):
    __tablename__ = "odds"
    __table_args__ = {"schema": "public"}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    price = mapped_column(Numeric(10, 2))
"""

EXPECTATIONS = """
phases:
  - number: 1
    name: current
  - number: 2
    name: short term
expected:
  - path: public.odds
    object_type: table
    change: only_in_models
    reason: The odds table lands with the pricing service.
    phase: 2
    ticket: ODDS-7
    owner: pricing
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A project folder (the cwd) with a models module of its own name, and the expectations."""
    for name in ("DRIFT_DATABASE_URL", "DATABASE_URL", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = f"report_models_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "expectations.yaml").write_text(EXPECTATIONS, encoding="utf-8")
    return tmp_path, module


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def report(url: str, module: str, day: str) -> Result:
    return invoke(
        "report",
        "--url",
        url,
        "--models",
        f"{module}:Base",
        "--schema",
        "public",
        "-e",
        "expectations.yaml",
        "--output-dir",
        "reports",
        "--date",
        day,
    )


def _md_rows(text: str, heading: str) -> list[str]:
    """The table rows under a Markdown heading (up to the next heading)."""
    section = text[text.index(heading) + len(heading) :]
    section = section[: section.find("\n#")] if "\n#" in section else section
    return [
        line
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
    ][1:]


def test_report_twice_shows_new_and_resolved_drift_changed_objects_and_trend(
    project: tuple[Path, str], database_url: str, run_sql
) -> None:  # type: ignore[no-untyped-def]
    root, module = project
    run_sql(SQL)
    first = report(database_url, module, "2026-11-19")
    assert first.exit_code == 0, first.output
    day1 = root / "reports" / "2026-11-19"
    assert first.stderr.splitlines()[-1] == "OK: no unexpected drift (1 expected)"
    assert first.stdout.split() == [
        str(Path("reports") / "2026-11-19" / name)
        for name in ("drift.html", "drift.md", "snapshot.json", "drift.json")
    ] + [str(Path("reports") / "index.html"), str(Path("reports") / "index.md")]
    data1 = json.loads((day1 / "drift.json").read_text())
    assert [(m["path"], m["status"]) for m in data1["mismatches"]] == [("public.odds", "expected")]

    # during the week: the odds table is created (resolves the planned drift), a column
    # nobody declared appears, and a type is widened in the database only
    run_sql("""
        CREATE TABLE public.odds (id integer PRIMARY KEY, price numeric(10,2));
        ALTER TABLE public.matches ADD COLUMN venue text;
        ALTER TABLE public.teams ALTER COLUMN name TYPE character varying(80);
    """)
    second = report(database_url, module, "2026-11-26")
    assert second.exit_code == 1, second.output  # unexpected drift, like check
    day2 = root / "reports" / "2026-11-26"
    data2 = json.loads((day2 / "drift.json").read_text())
    assert sorted((m["path"], m["change"], m["status"]) for m in data2["mismatches"]) == [
        ("public.matches.venue", "only_in_database", "unexpected"),
        ("public.teams.name", "differs", "unexpected"),
    ]
    assert [e["path"] for e in data2["stale_expectations"]] == ["public.odds"]

    md = (day2 / "drift.md").read_text()
    new = _md_rows(md, "### New drift (2)")
    assert [r.split(" | ")[0] for r in new] == ["| public.matches.venue", "| public.teams.name"]
    resolved = _md_rows(md, "### Resolved drift (1)")
    assert resolved[0].startswith("| public.odds | table | only in models | expected |")
    changed = _md_rows(md, "### Objects changed in the database (3)")
    assert [r.split(" | ")[:3] for r in changed] == [
        ["| added", "column", "public.matches.venue"],
        ["| added", "table", "public.odds"],
        ["| altered", "column", "public.teams.name"],
    ]
    assert "| type | character varying(50) | character varying(80) |" in changed[2]
    # the stale column: the odds expectation matches nothing once the table exists
    assert _md_rows(md, "## Trend") == [
        "| 2026-11-19 | 1 | 0 | 0 |",
        "| 2026-11-26 | 0 | 2 | 1 |",
    ]

    html = (day2 / "drift.html").read_text()
    chart = html[
        html.index('<svg class="chart"') : html.index("</svg>", html.index('<svg class="chart"'))
    ]
    assert chart.count('<circle class="dot-unexpected"') == 2
    assert "Since the report of 2026-11-19" in html
    index = (root / "reports" / "index.md").read_text()
    assert [line.split(" | ")[0] for line in index.splitlines() if line.startswith("| [")] == [
        "| [2026-11-26](2026-11-26/drift.md)",
        "| [2026-11-19](2026-11-19/drift.md)",
    ]

    # drift diff reads the two saved snapshots, no database
    diff = invoke("diff", day1 / "snapshot.json", day2)
    assert diff.exit_code == 1, diff.output
    assert diff.output.splitlines() == [
        "+ column public.matches.venue added: text",
        "+ table public.odds added: table with 2 column(s)",
        "~ column public.teams.name altered: type character varying(50) -> character varying(80)",
        "2 added, 0 dropped, 1 altered",
    ]
    same = invoke("diff", day2 / "snapshot.json", day2 / "snapshot.json", "--format", "json")
    assert (same.exit_code, json.loads(same.output)) == (0, {"changes": []})


def test_diff_of_a_missing_file_is_a_one_line_error(project: tuple[Path, str]) -> None:
    result = invoke("diff", "nope.json", "nope2.json")
    assert result.exit_code == 2
    assert result.output.strip().startswith("drift: error: cannot read snapshot nope.json")
    assert len(result.output.strip().splitlines()) == 1


def test_pr_formats_on_a_real_database(
    project: tuple[Path, str], database_url: str, run_sql
) -> None:  # type: ignore[no-untyped-def]
    root, module = project
    run_sql(SQL + "ALTER TABLE public.teams ALTER COLUMN name TYPE character varying(80);")
    args = (
        "check",
        "--url",
        database_url,
        "--models",
        f"{module}:Base",
        "--schema",
        "public",
        "-e",
        "expectations.yaml",
    )

    md = invoke(*args, "--format", "markdown")
    assert md.exit_code == 1
    assert md.output.startswith("### ❌ drift: 1 unexpected mismatch\n")
    assert (
        "| error | public.teams.name | column differs: type"
        " | character varying(50) | character varying(80) |" in md.output
    )
    assert "<details><summary>1 expected mismatch</summary>" in md.output

    junit = ET.fromstring(invoke(*args, "--format", "junit").output)
    cases = {c.get("name"): c for c in junit.iter("testcase")}
    assert sorted(cases) == ["matches", "odds", "teams"]
    assert cases["teams"].find("failure") is not None and cases["odds"].find("failure") is None

    sarif = json.loads(invoke(*args, "--format", "sarif").output)
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == f"{module}.py"
    lines = (root / f"{module}.py").read_text().splitlines()
    assert re.match(r"\s*name: Mapped\[str\]", lines[location["region"]["startLine"] - 1])
