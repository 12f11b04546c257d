"""``drift demo``: the example database on its own embedded server, the whole pipeline, exit 1."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from drift.cli.commands import main
from drift.demo import locate_example_models
from drift.errors import DriftError
from drift.sources.database.connection import make_engine

REPO = Path(__file__).resolve().parents[2]

# What the example is built to show: (path, object_type, change, attribute) -> status.
# Expected ones are planned in drift/demo/expectations.yaml; unexpected ones are not
# (or their expectation has expired).
STORY: dict[tuple[str, str, str, str | None], str] = {
    # phase 1: mixin columns and comments the legacy tables lack
    ("public.odds.created_by", "column", "only_in_models", None): "expected",
    ("public.bets.updated_at", "column", "only_in_models", None): "expected",
    ("public.leagues", "table", "differs", "comment"): "expected",
    ("public.odds.price", "column", "differs", "comment"): "expected",
    # phase 2: types, an enum, indexes
    ("public.odds.price", "column", "differs", "type"): "expected",
    ("public.matches.status", "column", "differs", "type"): "expected",
    ("public.match_status", "enum", "only_in_models", None): "expected",
    ("public.bets.ix_bets_status_placed_at", "index", "only_in_models", None): "expected",
    # phase 3: the quantum tables, a new enum label, new foreign keys
    ("quantum.dna_vectors", "table", "only_in_models", None): "expected",
    ("quantum.predictions", "table", "only_in_models", None): "expected",
    ("quantum.signal_weights", "table", "only_in_models", None): "expected",
    ("quantum.dna_kind", "enum", "differs", "values"): "expected",
    ("public.odds.odds_bookmaker_id_fkey", "foreign_key", "only_in_models", None): "expected",
    ("public.odds.price_raw", "column", "only_in_database", None): "expected",
    (
        "quantum.dna_profiles.dna_profiles_team_id_fkey",
        "foreign_key",
        "only_in_models",
        None,
    ): "expected",
    # phase 4: what only the database still has
    ("public.legacy_odds_archive", "table", "only_in_database", None): "expected",
    ("public.team_dna.legacy_score", "column", "only_in_database", None): "expected",
    ("public.v_open_exposure", "view", "only_in_database", None): "expected",
    # nobody planned these: the legacy odds page reads the column phase 3 drops
    ("legacy/odds.py:32", "query", "differs", "undefined_column"): "unexpected",
    ("public.bets.odds_id", "column", "differs", "nullable"): "unexpected",
    ("public.bets.payout", "column", "differs", "type"): "unexpected",
    ("public.bookmakers.active", "column", "differs", "default"): "unexpected",
    ("public.bets.bets_placed_at_idx", "index", "only_in_database", None): "unexpected",
    # planned, but its expectation expired
    ("public.bookmakers.name", "column", "differs", "type"): "unexpected",
}


def _key(m: dict[str, Any]) -> tuple[str, str, str, str | None]:
    return (m["path"], m["object_type"], m["change"], m["attribute"])


def _data_dir(stderr: str) -> Path:
    found = re.search(r"^demo: data directory (.+)$", stderr, re.MULTILINE)
    assert found, stderr
    return Path(found.group(1))


def _postgres_processes_using(directory: Path) -> list[str]:
    """Command lines of running processes that mention ``directory`` (a server's -D)."""
    hits = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # the process ended while we looked
            continue
        if str(directory) in cmdline and str(os.getpid()) != entry.name:
            hits.append(cmdline)
    return hits


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """One demo run shared by the tests below (it starts its own server: keep it to one)."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main, ["demo", "--output-dir", str(out)], env={"NO_COLOR": "1"}, catch_exceptions=False
    )
    return result, out


def test_demo_exits_1_and_names_expected_and_unexpected_drift(demo_run: tuple[Any, Path]) -> None:
    result, out = demo_run
    assert result.exit_code == 1, result.output
    text = result.stdout
    lines = text.splitlines()
    unplanned = sorted(key for key, status in STORY.items() if status == "unexpected")
    # the section headers, each a line of its own, with the counts the demo is built with:
    # 5 unplanned differences and a legacy query that a phase breaks, and 46 planned ones
    # in drift/demo/expectations.yaml
    assert f"UNEXPECTED ({len(unplanned)})" in lines
    expected_header = "EXPECTED (46), by expectation entry (-v lists each mismatch)"
    assert expected_header in lines
    assert "STALE EXPECTATIONS (1)" in text
    assert "EXPIRED EXPECTATIONS (1)" in text
    # each unplanned difference is listed under UNEXPECTED, none under EXPECTED
    unexpected = lines[lines.index(f"UNEXPECTED ({len(unplanned)})"):lines.index(expected_header)]
    for path, kind, change, attribute in unplanned:
        if kind == "query":
            continue
        what = f"{change}: {attribute}" if attribute else change
        entry = f"  {kind} {path.rsplit('.', 1)[1]}  {what}  ["
        assert [line for line in unexpected if line.startswith(entry)], (entry, unexpected)
    assert "public.bets" in unexpected  # grouped under their table
    assert "\x1b[" not in text  # NO_COLOR
    assert f"wrote {out / 'drift.json'}" in result.stderr


def test_demo_writes_the_html_and_markdown_reports(demo_run: tuple[Any, Path]) -> None:
    result, out = demo_run
    html = (out / "drift.html").read_text(encoding="utf-8")
    markdown = (out / "drift.md").read_text(encoding="utf-8")
    for name in ("drift.html", "drift.md"):
        assert f"wrote {out / name}" in result.stderr
    assert "bets_placed_at_idx" in html
    assert r"bets\_placed\_at\_idx" in markdown  # Markdown-escaped underscores
    assert "erDiagram" in markdown  # the onboarding reference's diagram


def test_demo_report_follows_the_json_contract(demo_run: tuple[Any, Path]) -> None:
    _, out = demo_run
    report = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    assert set(report) >= {
        "format_version",
        "generated_at",
        "database",
        "schemas",
        "summary",
        "mismatches",
        "stale_expectations",
    }
    assert report["schemas"] == ["public", "quantum"]
    summary = report["summary"]
    assert summary["expected"] > 0
    assert summary["unexpected"] > 0
    assert (
        summary["total"] == len(report["mismatches"]) == summary["expected"] + summary["unexpected"]
    )
    assert "drift_demo" in report["database"]["url"]
    for m in report["mismatches"]:
        assert set(m) >= {"id", "object_type", "change", "attribute", "path", "status"}
        if m["status"] == "expected":
            assert m["expectation"]["reason"]


def test_demo_tells_the_story_it_was_built_for(demo_run: tuple[Any, Path]) -> None:
    _, out = demo_run
    report = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    found = {_key(m): m for m in report["mismatches"]}
    wrong = {
        key: (found[key]["status"] if key in found else "missing")
        for key, status in STORY.items()
        if key not in found or found[key]["status"] != status
    }
    assert wrong == {}
    # each planned difference carries its phase and ticket
    price = found[("public.odds.price", "column", "differs", "type")]["expectation"]
    assert (price["phase"], price["ticket"]) == (2, "QDNA-142")
    # the expired one still names its (lapsed) expectation
    name = found[("public.bookmakers.name", "column", "differs", "type")]
    assert name["expectation"]["expires"] == "2025-09-30"
    # the widening of teams.short_name is done: its expectation matched nothing
    assert [e["path"] for e in report["stale_expectations"]] == ["public.teams.short_name"]


def test_demo_reports_the_legacy_query_phase_3_breaks_and_no_other(
        demo_run: tuple[Any, Path]) -> None:
    result, out = demo_run
    report = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    queries = [m for m in report["mismatches"] if m["object_type"] == "query"]
    assert [(m["path"], m["attribute"]) for m in queries] == [
        ("legacy/odds.py:32", "undefined_column")]
    query = queries[0]["query"]
    assert (query["file"], query["line"], query["phase"], query["operation"]) == (
        "legacy/odds.py", 32, 3, "drop column public.odds.price_raw")
    assert query["broken_on"] == ["phase-3", "phase-4", "models"]
    assert report["queries"]["unchecked"] == []
    text = result.stdout.splitlines()
    at = text.index("legacy/odds.py:32")
    assert text[at + 3] == ("      breaks:    after phase 3 (medium term): column o.price_raw "
                            "does not exist")
    # the weekly report (today's) shows it too
    assert "legacy/odds.py:32" in (out / "drift.md").read_text(encoding="utf-8")


def test_demo_unexpected_drift_is_exactly_the_unplanned_part(demo_run: tuple[Any, Path]) -> None:
    _, out = demo_run
    report = json.loads((out / "drift.json").read_text(encoding="utf-8"))
    unexpected = sorted(_key(m) for m in report["mismatches"] if m["status"] == "unexpected")
    assert unexpected == sorted(k for k, status in STORY.items() if status == "unexpected")


def test_demo_server_is_gone_afterwards(demo_run: tuple[Any, Path]) -> None:
    result, _ = demo_run
    data_dir = _data_dir(result.stderr)
    assert not data_dir.exists()
    assert _postgres_processes_using(data_dir) == []


def test_demo_keep_holds_the_server_until_sigterm(tmp_path: Path) -> None:
    report = tmp_path / "stdout.txt"
    # stdout to a file: a full pipe must not block the demo while we read stderr
    with report.open("w") as stdout_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "drift", "demo", "--keep", "--output-dir", str(tmp_path)],
            cwd=tmp_path,  # not the repository: the models are found next to the package
            stdout=stdout_file,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
    # a demo that never reaches its prompt must fail the test, not hang it
    watchdog = threading.Timer(180, proc.kill)
    watchdog.start()
    try:
        assert proc.stderr is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "stays up at" in line or "error" in line:
                break
        stderr = "".join(seen)
        assert "stays up at" in stderr, stderr
        data_dir = _data_dir(stderr)
        assert _postgres_processes_using(data_dir) != []
        # the URL it prints is usable as it stands
        url = re.search(r"stays up at (\S+);", stderr)
        assert url, stderr
        engine = make_engine(url.group(1))
        try:
            with engine.connect() as conn:
                assert conn.execute(sa.text("select count(*) from odds")).scalar() > 0
        finally:
            engine.dispose()
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=120)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, stderr + rest
    assert "UNEXPECTED (" in report.read_text(encoding="utf-8")
    assert (tmp_path / "drift.json").is_file()
    assert not data_dir.exists()
    assert _postgres_processes_using(data_dir) == []


def test_the_example_models_are_found_next_to_the_package(tmp_path: Path) -> None:
    assert locate_example_models(cwd=tmp_path) == REPO


def test_an_installed_drift_finds_the_models_in_the_cwd(tmp_path: Path) -> None:
    # `pip install .` run from the repository root: nothing next to the package
    installed = tmp_path / "site-packages"
    assert locate_example_models(cwd=REPO, checkout=installed) == REPO


def test_no_example_models_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(DriftError, match="example models are not found"):
        locate_example_models(cwd=tmp_path, checkout=tmp_path / "site-packages")


def test_demo_refuses_a_migrations_folder_it_did_not_create(tmp_path: Path) -> None:
    mine = tmp_path / "migrations"
    mine.mkdir()
    (mine / "env.py").write_text("# a user's file\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["demo", "--output-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "was not created by drift demo" in result.output
    assert "starting an embedded PostgreSQL" not in result.output  # refused before any work
    assert [p.name for p in mine.iterdir()] == ["env.py"]
    assert (mine / "env.py").read_text(encoding="utf-8") == "# a user's file\n"
