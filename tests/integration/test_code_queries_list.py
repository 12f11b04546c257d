"""`drift queries`: every call site found, every statement and how it is checked, the parts
drift could not resolve (holes) and the statements it leaves unchecked, with why. Static: no
database is needed, and none is given."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from tests.projects.helpers import copy_project, drift


def _legacy(tmp_path: Path) -> Path:
    """A reporting module as such teams write it: a module constant for the schema, an
    f-string whose value comes from the caller, a table name from the caller."""
    project = tmp_path / "reports"
    (project / "reports").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.drift]\ncode = ["reports"]\n')
    (project / "reports" / "__init__.py").write_text("")
    (project / "reports" / "daily.py").write_text(textwrap.dedent('''\
        SCHEMA = "billing"


        def totals(conn, since, customer):
            cur = conn.cursor()
            cur.execute(f"SELECT sum(amount) FROM {SCHEMA}.invoices WHERE issued_at >= '{since}' "
                        f"AND customer_id = {customer}")
            return cur.fetchone()


        def count(conn, table):
            cur = conn.cursor()
            cur.execute("SELECT count(*) FROM " + table)
            return cur.fetchone()


        def reset(conn):
            cur = conn.cursor()
            cur.execute("SET search_path TO billing; TRUNCATE billing.invoices_staging")
        '''))
    return project


def test_lists_each_call_site_its_statements_holes_and_why_unchecked(tmp_path: Path) -> None:
    run = drift(_legacy(tmp_path), "queries")
    assert run.returncode == 0, run.stderr
    assert run.stdout == textwrap.dedent("""\
        queries: 3 call site(s) in 2 file(s), 4 statement(s): 3 checked, 1 unchecked, 1 with holes

        reports/daily.py
          6:5  cur.execute
            prepared on each schema state
              | SELECT sum(amount) FROM billing.invoices WHERE issued_at >= 'x' AND customer_id = $1
              holes: $1 = `customer`, `since` in a string literal
          13:5  cur.execute
            unchecked: a name in it comes from `table`, which drift cannot resolve from the source
              | SELECT count(*) FROM $1
          19:5  cur.execute
            needs no schema
              | SET search_path TO billing
            run on each schema state, rolled back
              | TRUNCATE billing.invoices_staging
        """)


def test_json_lists_the_same(tmp_path: Path) -> None:
    run = drift(_legacy(tmp_path), "queries", "--format", "json")
    assert run.returncode == 0, run.stderr
    listing = json.loads(run.stdout)
    assert (listing["call_sites"], listing["statements"], listing["checked"],
            listing["unchecked"]) == (3, 4, 3, 1)
    first = listing["sites"][0]
    assert (first["file"], first["line"], first["column"], first["call"]) == (
        "reports/daily.py", 6, 5, "cur.execute")
    assert first["statements"][0]["holes"] == [{"parameter": 1, "expression": "customer"},
                                               {"parameter": None, "expression": "since"}]
    assert first["statements"][0]["kind"] == "query"
    assert [s["kind"] for s in listing["sites"][2]["statements"]] == ["no_schema", "execute"]


def test_the_sportsbook_listing_agrees_with_the_check_coverage(tmp_path: Path) -> None:
    """The same call sites and statements `drift check --code` counts (15 and 16, its test
    states them), the unchecked one with its reason."""
    project = copy_project("sportsbook", tmp_path)
    listing = json.loads(drift(project, "queries", "--format", "json").stdout)
    assert (listing["call_sites"], listing["statements"], listing["unchecked"]) == (15, 16, 1)
    unchecked = [(site["file"], site["line"], s["reason"]) for site in listing["sites"]
                 for s in site["statements"] if s["kind"] == "unchecked"]
    assert unchecked == [("sportsbook/db/odds.py", 80, "a name in it comes from `table`, "
                          "which drift cannot resolve from the source")]


def test_without_code_it_says_so_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.drift]\n")
    run = drift(tmp_path, "queries")
    assert run.returncode == 2
    assert run.stderr == ("drift: error: no code to read: pass --code DIR "
                          "(or set code in [tool.drift])\n")
    missing = drift(tmp_path, "queries", "--code", "nowhere")
    assert missing.returncode == 2
    assert missing.stderr == "drift: error: --code nowhere: no such file or folder\n"
