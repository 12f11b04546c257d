"""`drift check --code`: the application's SQL prepared on every schema state.

tests/projects/sportsbook is a betting backend as such teams write it: a psycopg2
data layer (``%s``, ``%(name)s``, ``IN %s``, ``execute_values``, table names from a
constants module, a multi-statement string, a CTE, ``ON CONFLICT``, a wrapper the
team named in ``sql_calls``), SQLAlchemy ``text()`` beside 2.0-style models, and
an asyncpg feed (``$1``). Its live schema (schema.sql) is two phases away from
the models (drift-expectations.yaml).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import pq

from drift import api
from drift.plan.states import schema_states
from drift.schemas import validation_error
from drift.sources.code import extract
from drift.sources.code.judge import VerdictStore, _connect_args, _nulls, judge
from drift.sources.code.statements import Kind
from drift.sources.scratch import drop_database, execute_script
from tests.conftest import PostgresServer
from tests.projects.helpers import copy_project, drift, plain_url

# (where, how it breaks, the first state it breaks on, the planned operation): by hand
BREAKS = {
    ("sportsbook/db/odds.py:26", "undefined_column", "phase-1",
     "drop column public.odds.price_raw"),
    ("sportsbook/db/odds.py:74", "undefined_column", "live", None),
    ("sportsbook/db/fixtures.py:5", "result_columns_changed", "phase-2",
     "add column public.teams.short_code"),
    ("sportsbook/db/fixtures.py:15", "undefined_function", "phase-2",
     "alter column type public.matches.status"),
}


@pytest.fixture
def sportsbook(tmp_path: Path, database_url: str) -> Path:
    project = copy_project("sportsbook", tmp_path)
    execute_script(database_url, (project / "schema.sql").read_text())
    return project


def _scratch_databases(pg_server: PostgresServer) -> set[str]:
    import sqlalchemy as sa

    from drift.sources.database.connection import make_engine

    engine = make_engine(pg_server.admin_url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'drift\\_q\\_%'")).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def scratch(pg_server: PostgresServer) -> Any:
    """The test server as --scratch-url; the state databases drift keeps there are dropped
    afterwards."""
    before = _scratch_databases(pg_server)
    yield pg_server
    for name in _scratch_databases(pg_server) - before:
        drop_database(pg_server.admin_url, name)


def _breaks(report: dict[str, Any]) -> set[tuple[str, str, str, str | None]]:
    return {(m["path"], m["attribute"], m["query"]["state"], m["query"]["operation"])
            for m in report["mismatches"] if m["object_type"] == "query"}


def test_each_query_is_reported_where_and_when_it_breaks(
        sportsbook: Path, database_url: str, scratch: PostgresServer) -> None:
    args = ("check", "--url", plain_url(database_url), "--scratch-url", scratch.admin_url,
            "--format", "json")
    run = drift(sportsbook, *args)
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert validation_error("report.schema.json", report) is None
    assert _breaks(report) == BREAKS
    price_raw = next(m for m in report["mismatches"] if m["path"] == "sportsbook/db/odds.py:26")
    assert price_raw["query"]["phase"] == 1
    assert price_raw["query"]["column"] == 22  # `o.price_raw` in the triple-quoted SQL
    assert price_raw["query"]["message"] == "column o.price_raw does not exist"
    queries = report["queries"]
    # 15 calls; the multi-statement string is two statements
    assert (queries["call_sites"], queries["statements"]) == (15, 16)
    assert [(u["location"], u["reason"]) for u in queries["unchecked"]] == [
        ("sportsbook/db/odds.py:80", "a name in it comes from `table`, which drift cannot "
                                     "resolve from the source")]
    assert [s["key"] for s in queries["states"]] == ["live", "phase-1", "phase-2", "models"]
    assert queries["from_cache"] is False

    # warm: the same verdicts, none asked of PostgreSQL
    warm = drift(sportsbook, *args)
    assert warm.returncode == 1, warm.stderr
    again = json.loads(warm.stdout)
    assert _breaks(again) == BREAKS
    assert again["queries"]["from_cache"] is True


def test_a_known_broken_query_can_be_accepted(sportsbook: Path, database_url: str,
                                              scratch: PostgresServer) -> None:
    expectations = sportsbook / "drift-expectations.yaml"
    expectations.write_text(expectations.read_text() + """\
  - path: "sportsbook/db/odds.py:74"
    object_type: query
    attribute: undefined_column
    reason: The countries page is being rewritten on the ORM (BET-812).
    phase: 1
""")
    run = drift(sportsbook, "check", "--url", plain_url(database_url), "--scratch-url",
                scratch.admin_url, "--format", "json")
    report = json.loads(run.stdout)
    accepted = next(m for m in report["mismatches"] if m["path"] == "sportsbook/db/odds.py:74")
    assert accepted["status"] == "expected"
    assert accepted["expectation"]["phase"] == 1
    assert report["summary"]["unexpected"] == 3


def test_text_report_names_the_file_the_phase_and_the_operation(
        sportsbook: Path, database_url: str, scratch: PostgresServer) -> None:
    run = drift(sportsbook, "check", "--url", plain_url(database_url), "--scratch-url",
                scratch.admin_url)
    lines = run.stdout.splitlines()
    at = lines.index("sportsbook/db/odds.py:26")
    assert lines[at + 3] == ("      breaks:    after phase 1 (scraper cleanup): column "
                             "o.price_raw does not exist")
    assert lines[at + 4] == "      operation: drop column public.odds.price_raw"
    assert ("queries: 15 call site(s) in 7 file(s), 16 statement(s): 15 checked on 4 schema "
            "state(s), 1 unchecked") in lines


def test_sarif_anchors_a_broken_query_at_its_python_line(
        sportsbook: Path, database_url: str, scratch: PostgresServer) -> None:
    run = drift(sportsbook, "check", "--url", plain_url(database_url), "--scratch-url",
                scratch.admin_url, "--format", "sarif")
    results = json.loads(run.stdout)["runs"][0]["results"]
    price_raw = next(r for r in results if r["properties"]["path"] == "sportsbook/db/odds.py:26")
    assert price_raw["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "sportsbook/db/odds.py"},
        "region": {"startLine": 26, "startColumn": 22},
    }


# ------------------------------------------------------------------ no false break

_SCHEMA_CLASSES = ("42", "3F")  # what the schema decides: names, types, operators


def test_every_statement_judged_fine_runs_on_its_state(
        sportsbook: Path, database_url: str, scratch: PostgresServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each extracted statement is run for real (parameters NULL, in a transaction rolled
    back) on each state's scratch database: one judged fine never fails on a name or a type
    there, and one judged broken fails with PostgreSQL's same error."""
    monkeypatch.chdir(sportsbook)
    config = api.CheckConfig(url=database_url, models=("sportsbook.models:Base",),
                             expectations=sportsbook / "drift-expectations.yaml")
    monkeypatch.syspath_prepend(str(sportsbook))
    result = api.run_check(config)
    states = schema_states(result)
    found = extract((sportsbook / "sportsbook",), ("fetch_all",), base=sportsbook)
    verdicts, _ = judge(found.statements, states, scratch.admin_url, VerdictStore(None))
    runnable = [s for s in found.statements if s.kind is Kind.QUERY]
    assert len(runnable) == 15  # 16 statements, one unchecked
    checked = 0
    for state in states:
        url = scratch.url(f"drift_q_{state.content[:24]}")
        with psycopg.connect(**_connect_args(url), autocommit=True) as conn:
            for st in runnable:
                verdict = verdicts[state.key][st.key]
                sql = _nulls(st.sql)[0] if st.client_side else st.sql
                conn.pgconn.exec_(b"BEGIN")
                result_ = conn.pgconn.exec_params(sql.encode(), [None] * (
                    0 if st.client_side else st.params))
                conn.pgconn.exec_(b"ROLLBACK")
                failed = result_.status == pq.ExecStatus.FATAL_ERROR
                sqlstate = (result_.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
                if verdict.ok:
                    assert not (failed and sqlstate.startswith(_SCHEMA_CLASSES)), (
                        state.key, st.sql, result_.error_message)
                else:
                    assert failed and sqlstate == verdict.sqlstate, (state.key, st.sql)
                checked += 1
    assert checked == 15 * 4
