"""The command line on a real PostgreSQL: exit codes, formats, config, and one-line errors."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from modules import write_module

from drift.cli import progress as progress_module
from drift.cli.commands import main
from drift.cli.progress import StageLine
from drift.sources.database.connection import make_engine, parse_url

TEAMS_SQL = """
CREATE TABLE public.teams (
    id integer PRIMARY KEY,
    name character varying(50) NOT NULL
);
"""

MODELS_BODY = """
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = {"schema": "public"}
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))
"""

MISMATCH_KEYS = [
    "id",
    "object_type",
    "change",
    "attribute",
    "path",
    "models",
    "database",
    "severity",
    "status",
    "expectation",
    "hint",
    "cause",
]


pytestmark = pytest.mark.usefixtures("cli_isolated")


def write_models(tmp_path: Path, body: str = MODELS_BODY) -> str:
    return write_module(tmp_path, "cli_models", body)


def invoke(*args: str | Path, env: dict[str, str] | None = None, color: bool = False) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env, color=color)


def assert_one_line_error(result: Result, *fragments: str, secret: str | None = None) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("drift: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    if secret is not None:
        assert secret not in result.stderr
    # a DriftError, not an exception that escaped: click reports those as result.exception
    assert isinstance(result.exception, SystemExit)


@pytest.fixture
def teams_db(database_url: str, run_sql: Any) -> str:
    run_sql(TEAMS_SQL)
    return database_url


@pytest.fixture
def drifted_db(teams_db: str, run_sql: Any) -> str:
    """teams has a column the models do not declare."""
    run_sql("ALTER TABLE public.teams ADD COLUMN legacy_code text")
    return teams_db


def check(url: str, models: str, *extra: str | Path) -> Result:
    return invoke("check", "--url", url, "--models", f"{models}:Base", "--schema", "public", *extra)


# --- exit codes -----------------------------------------------------------------


def test_no_drift_exits_0(teams_db: str, tmp_path: Path) -> None:
    result = check(teams_db, write_models(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("OK: no unexpected drift")
    assert "0 mismatch(es)" in result.stdout
    assert result.stderr == ""


def test_unexpected_drift_exits_1(drifted_db: str, tmp_path: Path) -> None:
    result = check(drifted_db, write_models(tmp_path))
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "UNEXPECTED (1)" in out
    assert "public.teams\n  column legacy_code  only_in_database" in out
    assert "      database: text\n" in out
    assert out.splitlines()[-1].startswith("FAIL: 1 unexpected mismatch(es)")


def write_expectations(path: Path, *entries: str) -> Path:
    path.write_text("expected:\n" + "".join(entries), encoding="utf-8")
    return path


LEGACY_EXPECTED = (
    "  - path: public.teams.legacy_code\n"
    "    object_type: column\n"
    "    change: only_in_database\n"
    "    reason: dropped after the archive is retired\n"
    "    phase: 4\n"
    "    ticket: QDNA-9\n"
)
STALE_ENTRY = "  - path: public.nothing_here\n    reason: this matches nothing\n"


def test_expected_drift_exits_0_and_shows_the_reason(drifted_db: str, tmp_path: Path) -> None:
    exp = write_expectations(tmp_path / "drift.yaml", LEGACY_EXPECTED)
    result = check(drifted_db, write_models(tmp_path), "--expectations", exp)
    assert result.exit_code == 0, result.output
    # summed up per expectation entry; -v lists each mismatch with its expectation
    assert "EXPECTED (1), by expectation entry (-v lists each mismatch)" in result.stdout
    assert (
        "  1 × public.teams.legacy_code [column only_in_database]: dropped after the archive "
        "is retired (phase 4, ticket QDNA-9, drift.yaml:2)\n"
    ) in result.stdout
    verbose = check(drifted_db, write_models(tmp_path), "--expectations", exp, "-v")
    assert "expected: dropped after the archive is retired (phase 4, ticket QDNA-9" in (
        verbose.stdout
    )


def test_stale_expectation_fails_only_under_strict(drifted_db: str, tmp_path: Path) -> None:
    exp = write_expectations(tmp_path / "drift.yaml", LEGACY_EXPECTED, STALE_ENTRY)
    models = write_models(tmp_path)
    lenient = check(drifted_db, models, "--expectations", exp)
    assert lenient.exit_code == 0, lenient.output
    assert "STALE EXPECTATIONS (1): matched nothing" in lenient.stdout
    assert "public.nothing_here" in lenient.stdout
    strict = check(drifted_db, models, "--expectations", exp, "--strict")
    assert strict.exit_code == 1, strict.output
    assert strict.stdout.splitlines()[-1].startswith("FAIL: 1 stale expectation(s) (--strict)")


# --- formats and outputs --------------------------------------------------------


def test_json_report_follows_the_contract(drifted_db: str, tmp_path: Path) -> None:
    exp = write_expectations(tmp_path / "drift.yaml", STALE_ENTRY)
    secret_url = drifted_db  # the fixture URL may carry a password; none may appear
    result = check(secret_url, write_models(tmp_path), "--expectations", exp, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "format_version",
        "generated_at",
        "database",
        "schemas",
        "summary",
        "mismatches",
        "stale_expectations",
        "expectations",
    ]
    assert data["format_version"] == 2
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", data["generated_at"])
    assert list(data["database"]) == ["url", "server_version"]
    assert data["database"]["url"].startswith("postgresql")
    assert data["database"]["server_version"] == server_version(drifted_db)
    assert data["schemas"] == ["public"]
    assert data["summary"] == {
        "total": 1,
        "expected": 0,
        "unexpected": 1,
        # a nullable column only in the database breaks nothing: info
        "by_severity": {"error": 0, "warning": 0, "info": 1},
    }
    [mismatch] = data["mismatches"]
    assert list(mismatch) == MISMATCH_KEYS
    assert re.fullmatch(r"[0-9a-f]{12}", mismatch["id"])
    assert mismatch["object_type"] == "column"
    assert mismatch["change"] == "only_in_database"
    assert mismatch["attribute"] is None
    assert mismatch["path"] == "public.teams.legacy_code"
    assert mismatch["models"] is None
    assert mismatch["database"]["name"] == "legacy_code"
    assert mismatch["database"]["type"] == "text"
    assert mismatch["severity"] == "info"
    assert mismatch["status"] == "unexpected"
    assert mismatch["expectation"] is None
    assert mismatch["hint"] is None  # no models column of type text: no rename to suggest
    [stale] = data["stale_expectations"]
    assert stale["path"] == "public.nothing_here"
    assert stale["reason"] == "this matches nothing"
    # no progress or colour mixed into the machine-readable output
    assert "\x1b" not in result.stdout
    assert result.stderr == ""


def server_version(url: str) -> str:
    """The server's version as the server itself says it, read apart from drift."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.exec_driver_sql("SHOW server_version").scalar_one())
    finally:
        engine.dispose()


def test_json_is_byte_stable_apart_from_the_time(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    first = json.loads(check(drifted_db, models, "--format", "json").stdout)
    second = json.loads(check(drifted_db, models, "--format", "json").stdout)
    first.pop("generated_at")
    second.pop("generated_at")
    assert first == second


def test_output_file_is_written_and_announced(drifted_db: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    result = check(drifted_db, write_models(tmp_path), "--format", "json", "--output", target)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    # the CI log says why the step failed, in the report's last line
    assert result.stderr == f"wrote {target}\nFAIL: 1 unexpected mismatch(es) (0 expected)\n"
    assert json.loads(target.read_text())["summary"]["unexpected"] == 1
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]  # no temp file left


def test_report_ends_with_the_verdict_on_stderr(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    result = invoke("report", "--url", drifted_db, "-m", f"{models}:Base", "--schema", "public",
                    "--output-dir", tmp_path / "reports", "--date", "2026-11-26")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == "FAIL: 1 unexpected mismatch(es) (0 expected)"
    assert (tmp_path / "reports" / "2026-11-26" / "drift.json").is_file()


def test_pr_summary_links_the_full_report_and_ends_with_a_newline(
    drifted_db: str, tmp_path: Path
) -> None:
    url = "https://ci.example/job/7/artifact/reports/drift.html"
    result = check(drifted_db, write_models(tmp_path), "--format", "markdown",
                   "--report-url", url)
    assert result.exit_code == 1, result.output
    assert f"[Full report]({url})\n" in result.stdout
    # the last line is the hidden marker a CI step finds the comment by, then one newline
    assert result.stdout.endswith("|\n\n<!-- drift: pull-request summary -->\n")


def test_text_output_file_has_no_colour(drifted_db: str, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    models = write_models(tmp_path)
    result = invoke(
        "check",
        "--url",
        drifted_db,
        "-m",
        f"{models}:Base",
        "--schema",
        "public",
        "-o",
        target,
        color=True,
    )
    assert result.exit_code == 1, result.output
    text = target.read_text()
    assert "\x1b" not in text
    assert "UNEXPECTED (1)" in text


def test_colour_on_a_terminal_unless_no_color(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    args = ("check", "--url", drifted_db, "-m", f"{models}:Base", "--schema", "public")
    assert "\x1b[" in invoke(*args, color=True).stdout
    assert "\x1b[" not in invoke(*args, color=True, env={"NO_COLOR": "1"}).stdout
    assert "\x1b[" not in invoke(*args).stdout


# --- snapshot -------------------------------------------------------------------


def test_snapshot_round_trip_gives_the_same_findings(drifted_db: str, tmp_path: Path) -> None:
    snap = tmp_path / "snap.json"
    saved = invoke("snapshot", "--url", drifted_db, "--schema", "public", "-o", snap)
    assert saved.exit_code == 0, saved.output
    assert saved.stderr == f"wrote {snap}\n"
    assert json.loads(snap.read_text())["snapshot"]["origin"] == "database"
    models = write_models(tmp_path)
    online = json.loads(check(drifted_db, models, "--format", "json").stdout)
    offline_run = invoke(
        "check",
        "--snapshot",
        snap,
        "-m",
        f"{models}:Base",
        "--schema",
        "public",
        "--format",
        "json",
    )
    assert offline_run.exit_code == 1, offline_run.output
    offline = json.loads(offline_run.stdout)
    assert offline["mismatches"] == online["mismatches"]
    assert offline["database"] == online["database"]


def test_snapshot_to_stdout_and_without_url(teams_db: str) -> None:
    result = invoke("snapshot", "--url", teams_db, "--schema", "public")
    assert result.exit_code == 0, result.output
    tables = json.loads(result.stdout)["snapshot"]["schemas"][0]["tables"]
    assert [t["name"] for t in tables] == ["teams"]
    assert_one_line_error(invoke("snapshot", "--schema", "public"), "no database given")


def test_an_unwritable_output_is_a_one_line_error(teams_db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    result = invoke("snapshot", "--url", teams_db, "--schema", "public",
                    "-o", blocker / "snap.json")
    assert_one_line_error(result, f"cannot write {blocker / 'snap.json'}")


# --- config ---------------------------------------------------------------------


def test_url_from_the_environment(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    args = ("check", "-m", f"{models}:Base", "--schema", "public")
    assert invoke(*args, env={"DATABASE_URL": drifted_db}).exit_code == 1
    # DRIFT_DATABASE_URL wins over DATABASE_URL
    both = {"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x", "DRIFT_DATABASE_URL": drifted_db}
    assert invoke(*args, env=both).exit_code == 1


def test_settings_from_pyproject(
    drifted_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = write_models(tmp_path)
    (tmp_path / "conf").mkdir()
    write_expectations(tmp_path / "conf" / "drift.yaml", LEGACY_EXPECTED)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.drift]\n"
        f"url = {json.dumps(drifted_db)}\n"
        f'models = ["{models}:Base"]\n'
        'schemas = ["public"]\n'
        'expectations = "conf/drift.yaml"\n',
        encoding="utf-8",
    )
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)  # found in a parent; the expectations path is relative to it
    result = invoke("check")
    assert result.exit_code == 0, result.output
    assert "EXPECTED (1)" in result.stdout


def test_unknown_key_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.drift]\nmodel = "x"\n', encoding="utf-8")
    assert_one_line_error(invoke("check"), str(tmp_path / "pyproject.toml"), "model")


# --- explain and expect ---------------------------------------------------------


def test_explain_by_id_prefix(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    data = json.loads(check(drifted_db, models, "--format", "json").stdout)
    mismatch_id = data["mismatches"][0]["id"]
    result = invoke(
        "explain",
        mismatch_id[:6],
        "--url",
        drifted_db,
        "-m",
        f"{models}:Base",
        "--schema",
        "public",
    )
    assert result.exit_code == 0, result.output
    head, step = result.stdout.split("\n\n", 1)
    fields = dict(line.split(":", 1) for line in head.splitlines())
    fields = {k: v.strip() for k, v in fields.items()}
    # the next step: the plan's drop (disabled by default), or the entry accepting the column
    assert step.startswith("next step, the operation `drift plan` writes for it:\n    # DISABLED")
    assert "    # op.drop_column('teams', 'legacy_code', schema='public')\n" in step
    accept = step[step.index("or accept it") :].split("\n", 1)[1]
    assert yaml.safe_load(textwrap.dedent(accept))[0]["path"] == "public.teams.legacy_code"
    assert fields["id"] == mismatch_id
    assert fields["path"] == "public.teams.legacy_code"
    assert fields["object type"] == "column"
    assert fields["change"] == "only_in_database"
    assert fields["status"].startswith("unexpected")
    assert fields["database normalised"] == "text"
    assert fields["database as read"] == "text"
    assert fields["models normalised"] == "(absent)"
    assert fields["models as read"] == "(absent)"
    assert "rule" in fields
    missing = invoke(
        "explain",
        "ffffffffffff",
        "--url",
        drifted_db,
        "-m",
        f"{models}:Base",
        "--schema",
        "public",
    )
    assert_one_line_error(missing, "no mismatch with id 'ffffffffffff'")


def test_expect_accepts_todays_drift(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    target = tmp_path / "expectations.yaml"
    args = ("--url", drifted_db, "-m", f"{models}:Base", "--schema", "public")
    written = invoke("expect", "-o", target, *args)
    assert written.exit_code == 0, written.output
    assert written.stderr == f"wrote {target}\n"
    assert "public.teams.legacy_code" in target.read_text()
    assert check(drifted_db, models, "--expectations", target).exit_code == 0
    before = target.read_text()
    assert_one_line_error(invoke("expect", "-o", target, *args), "already exists", "--force")
    assert target.read_text() == before
    assert invoke("expect", "-o", target, "--force", *args).exit_code == 0


# --- bad inputs: one line on stderr, exit 2, no traceback, no password --------------


def test_unreachable_host(tmp_path: Path) -> None:
    url = "postgresql://someone:hunter2-secret@127.0.0.1:1/nowhere"
    result = check(url, write_models(tmp_path))
    assert_one_line_error(result, "127.0.0.1", secret="hunter2-secret")


def test_wrong_password(teams_db: str, password_role: str, tmp_path: Path) -> None:
    url = parse_url(teams_db).set(username=password_role, password="wrong-pass-XYZ")
    result = check(url.render_as_string(hide_password=False), write_models(tmp_path))
    assert_one_line_error(result, "password authentication failed", secret="wrong-pass-XYZ")


def test_password_appears_in_no_output(drifted_db: str, password_role: str, tmp_path: Path) -> None:
    secret = "right-password"
    url = parse_url(drifted_db).set(username=password_role, password=secret)
    url_text = url.render_as_string(hide_password=False)
    models = write_models(tmp_path)
    snap = tmp_path / "snap.json"
    common = ("--url", url_text, "-m", f"{models}:Base", "--schema", "public")
    runs = [
        invoke("check", *common),
        invoke("check", *common, "--format", "json"),
        invoke("snapshot", "--url", url_text, "--schema", "public", "-o", snap),
    ]
    mismatch_id = json.loads(runs[1].stdout)["mismatches"][0]["id"]
    runs.append(invoke("explain", mismatch_id, *common))
    assert [r.exit_code for r in runs] == [1, 1, 0, 0], [r.output for r in runs]
    assert f"{password_role}:***@" in runs[0].stdout
    assert json.loads(runs[1].stdout)["database"]["url"].startswith(
        f"postgresql://{password_role}:***@"
    )
    for run in runs:
        assert secret not in run.stdout + run.stderr
    assert secret not in snap.read_text()


def test_missing_snapshot_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    result = invoke("check", "--snapshot", missing, "-m", f"{write_models(tmp_path)}:Base")
    assert_one_line_error(result, str(missing))


def test_none_of_the_schemas_exists(teams_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    result = invoke("check", "--url", teams_db, "-m", f"{models}:Base", "--schema", "nope")
    assert_one_line_error(result, "nope")


def test_models_module_raising_import_error(teams_db: str, tmp_path: Path) -> None:
    broken = write_models(tmp_path, "import a_module_that_is_not_installed_anywhere\n")
    result = check(teams_db, broken)
    assert_one_line_error(result, broken)


def test_models_module_that_does_not_exist(teams_db: str) -> None:
    result = check(teams_db, "no_such_package_xyz.models")
    assert_one_line_error(result, "no_such_package_xyz")


def test_malformed_yaml_names_file_and_line(teams_db: str, tmp_path: Path) -> None:
    exp = tmp_path / "bad.yaml"
    exp.write_text("expected:\n  - path: public.x\n    reason: [unclosed\n", encoding="utf-8")
    result = check(teams_db, write_models(tmp_path), "--expectations", exp)
    assert_one_line_error(result, str(exp))
    assert re.search(r"line \d+|:\d+", result.stderr)


def test_unknown_key_in_expectations(teams_db: str, tmp_path: Path) -> None:
    exp = write_expectations(
        tmp_path / "drift.yaml", "  - path: public.teams\n    reason: r\n    colour: blue\n"
    )
    result = check(teams_db, write_models(tmp_path), "--expectations", exp)
    assert_one_line_error(result, str(exp), "colour")


def test_no_models_given(teams_db: str) -> None:
    result = invoke("check", "--url", teams_db, "--schema", "public")
    assert_one_line_error(result, "no models given")


def test_no_url_given(tmp_path: Path) -> None:
    result = invoke("check", "-m", f"{write_models(tmp_path)}:Base")
    assert_one_line_error(result, "no database given")


# --- a real process -------------------------------------------------------------


def run_drift(*args: str | Path, cwd: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "drift", *map(str, args)],
        cwd=cwd,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        **kw,
    )


def test_python_m_drift_exit_status_and_no_traceback(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    found = run_drift(
        "check", "--url", drifted_db, "-m", f"{models}:Base", "--schema", "public", cwd=tmp_path
    )
    assert found.returncode == 1, found.stderr
    assert "UNEXPECTED (1)" in found.stdout
    assert found.stderr == ""  # stderr is a pipe: no progress line
    failed = run_drift(
        "check",
        "--url",
        "postgresql://u:pw-secret-1@127.0.0.1:1/x",
        "-m",
        f"{models}:Base",
        cwd=tmp_path,
    )
    assert failed.returncode == 2
    assert failed.stdout == ""
    assert len(failed.stderr.splitlines()) == 1
    assert "Traceback" not in failed.stderr
    assert "pw-secret-1" not in failed.stderr


def test_progress_on_a_terminal_only() -> None:
    master, slave = os.openpty()
    try:
        with open(slave, "w") as tty, StageLine(tty) as progress:
            progress("reflect")
            progress("compare")
        written = read_until_closed(master)
    finally:
        os.close(master)
    assert "drift: reflect... 0 s" in written
    assert "drift: compare... 0 s" in written
    assert written.endswith("\r\x1b[K")  # the line is cleared at the end
    with open(os.devnull, "w") as pipe_like, StageLine(pipe_like) as quiet:
        assert quiet.enabled is False


class ManualTicks:
    """Stands in for StageLine's stop event: the ticker redraws once per ``tick()`` the test
    gives, instead of once per TICK_SECONDS of real time, so the count of redraws is exact."""

    def __init__(self) -> None:
        self._orders: queue.Queue[bool] = queue.Queue()
        self._waiting = threading.Semaphore(0)

    def wait(self, timeout: float | None = None) -> bool:  # the ticker's side
        self._waiting.release()
        return self._orders.get()

    def set(self) -> None:  # StageLine.clear()
        self._orders.put(True)

    def tick(self) -> None:
        """Let the ticker redraw once; return when it waits again (the redraw is written)."""
        self._orders.put(False)
        assert self._waiting.acquire(timeout=60), "the ticker did not come back"


def test_progress_ticks_while_a_stage_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long stage (a models import) redraws its line with the elapsed time."""
    clock = [100.0]
    monkeypatch.setattr(progress_module, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    master, slave = os.openpty()
    try:
        with open(slave, "w") as tty, StageLine(tty) as progress:
            ticks = ManualTicks()
            progress._stop = ticks  # type: ignore[assignment]
            progress("declare: importing the models")
            assert ticks._waiting.acquire(timeout=60)  # the ticker has started and waits
            for elapsed in (1.4, 2.6, 61.0):
                clock[0] = 100.0 + elapsed
                ticks.tick()
        written = read_until_closed(master)
    finally:
        os.close(master)
    line = "\r\x1b[Kdrift: declare: importing the models... {} s"
    # the first draw, then one redraw per tick with the seconds elapsed, then the line cleared
    assert written == "".join(line.format(n) for n in (0, 1, 3, 61)) + "\r\x1b[K"
    assert not [t for t in threading.enumerate() if t.name == "drift-progress"]


def read_until_closed(master: int) -> str:
    """All a pty's other side wrote, once every writer has closed it (EIO on Linux)."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_check_shows_stages_on_a_terminal_stderr_only(drifted_db: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("DRIFT_DATABASE_URL", "DATABASE_URL")}
    args = ("check", "--url", drifted_db, "-m", f"{models}:Base", "--schema", "public")
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "drift", *args, "--format", "json"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        ) as proc:
            os.close(slave)  # only the child holds the terminal now
            stdout, _ = proc.communicate(timeout=120)
            terminal = read_until_closed(master)
    finally:
        os.close(master)
    assert proc.returncode == 1
    for stage in ("reflect: reading the catalog", "declare: importing the models",
                  "compare: 1 table declared, 1 table in the database", "classify: 1 mismatch(es)"):
        assert f"drift: {stage}" in terminal
    assert terminal.endswith("\r\x1b[K")
    assert json.loads(stdout)["summary"]["unexpected"] == 1  # nothing of it in the report


# --- what a newcomer stumbled on ----------------------------------------------------

SALES_BODY = MODELS_BODY + '''

class Order(Base):
    __tablename__ = "orders"
    __table_args__ = {"schema": "sales"}
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
'''


def notes(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("note: ")]


def test_models_in_a_schema_not_checked_get_a_note_on_stderr(
    teams_db: str, tmp_path: Path
) -> None:
    models = write_models(tmp_path, SALES_BODY)
    result = check(teams_db, models, "--format", "json")
    assert result.exit_code == 0, result.output
    (note,) = notes(result)
    assert "sales" in note and "--schema sales" in note
    assert json.loads(result.stdout)["schemas"] == ["public"]  # stdout stays the report
    args = ("--url", teams_db, "-m", f"{models}:Base", "--schema", "public")
    written = invoke("expect", "-o", tmp_path / "e.yaml", *args)
    assert written.exit_code == 0, written.output
    assert len(notes(written)) == 1
    # checking the schema makes the note go (the table is then reported as missing)
    both = check(teams_db, models, "--schema", "sales")
    assert notes(both) == [] and "orders" in both.stdout


def test_a_schema_in_neither_the_database_nor_the_models_gets_a_note(
    teams_db: str, tmp_path: Path
) -> None:
    result = check(teams_db, write_models(tmp_path), "--schema", "nope")
    assert result.exit_code == 0, result.output
    (note,) = notes(result)
    assert "'nope'" in note and "neither in the database nor in the models" in note
    # the default schemas are not the user's choice: an absent quantum says nothing
    default = invoke("check", "--url", teams_db, "-m", f"{write_models(tmp_path)}:Base")
    assert default.exit_code == 0, default.output
    assert notes(default) == []


def test_explain_lists_the_candidates_of_an_ambiguous_id(
    drifted_db: str, run_sql: Any, tmp_path: Path
) -> None:
    run_sql("ALTER TABLE public.teams ADD COLUMN other_code text")
    models = write_models(tmp_path)
    data = json.loads(check(drifted_db, models, "--format", "json").stdout)
    result = invoke("explain", "", "--url", drifted_db, "-m", f"{models}:Base",
                    "--schema", "public")
    assert_one_line_error(result, "id '' is ambiguous: ")
    for m in data["mismatches"]:
        assert f"{m['id']} {m['path']}" in result.stderr


def test_strict_is_offered_only_where_it_changes_the_exit_status() -> None:
    for command in ("check", "report"):
        assert "--strict" in invoke(command, "--help").stdout
    for command in ("expect", "explain", "plan"):
        assert "--strict" not in invoke(command, "--help").stdout


def test_a_file_path_as_models_gets_a_hint(teams_db: str, tmp_path: Path) -> None:
    name = write_models(tmp_path)
    result = invoke("check", "--url", teams_db, "-m", f"{name}.py", "--schema", "public")
    assert_one_line_error(result, f"pass a module name ({name}), not a file path")
    nested = invoke("check", "--url", teams_db, "-m", f"app/{name}.py:Base")
    assert_one_line_error(nested, "not a file path")


def test_a_file_that_is_no_snapshot_says_so_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1}', encoding="utf-8")
    result = invoke("check", "--snapshot", bad, "-m", f"{write_models(tmp_path)}:Base")
    assert_one_line_error(result, str(bad))
    assert result.stderr.count("not a drift snapshot") == 1


def test_demo_help_names_everything_it_writes() -> None:
    text = " ".join(invoke("demo", "--help").stdout.split())
    for written in ("HTML", "Markdown", "JSON", "plan.md", "migrations/"):
        assert written in text
