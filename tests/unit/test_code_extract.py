"""Extraction of application SQL from Python source (no server): placeholders as each driver
reads them, what resolves and what stays a hole, and the map back to the source."""

from __future__ import annotations

import textwrap
from pathlib import Path

from drift.sources.code import extract
from drift.sources.code.statements import Kind, Statement


def _statements(tmp_path: Path, source: str, name: str = "repo.py",
                sql_calls: tuple[str, ...] = (), **others: str) -> list[Statement]:
    package = tmp_path / "app"
    package.mkdir(exist_ok=True)
    (package / "__init__.py").write_text("")
    for module, text in {name: source, **others}.items():
        (package / module).write_text(textwrap.dedent(text))
    return list(extract((package,), sql_calls, base=tmp_path).statements)


def test_psycopg2_placeholders_only_when_parameters_are_passed(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        import psycopg2

        def run(conn, team, ids):
            cur = conn.cursor()
            cur.execute("SELECT id FROM odds WHERE selection LIKE 'home%'")
            cur.execute("SELECT id FROM odds WHERE team = %s AND note LIKE '50%%'", (team,))
            cur.execute("SELECT id FROM odds WHERE team = %(t)s OR away = %(t)s", {"t": team})
            cur.execute("SELECT id FROM odds WHERE id IN %s", (tuple(ids),))
        """)
    assert [s.sql for s in found] == [
        "SELECT id FROM odds WHERE selection LIKE 'home%'",
        "SELECT id FROM odds WHERE team = $1 AND note LIKE '50%'",
        "SELECT id FROM odds WHERE team = $1 OR away = $1",
        "SELECT id FROM odds WHERE id IN ($1)",
    ]
    assert all(s.client_side for s in found[1:])


def test_execute_values_row_from_the_column_list_or_the_template(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        from psycopg2.extras import execute_values

        def save(cur, rows):
            execute_values(cur, "INSERT INTO odds (match_id, price) VALUES %s", rows)
            execute_values(cur, "INSERT INTO odds VALUES %s", rows,
                           template="(%s, %s, now())")
            execute_values(cur, "INSERT INTO odds VALUES %s", rows)
        """)
    assert [(s.sql, s.kind) for s in found[:2]] == [
        ("INSERT INTO odds (match_id, price) VALUES ($1, $2)", Kind.QUERY),
        ("INSERT INTO odds VALUES ($1, $2)", Kind.QUERY),
    ]
    assert found[2].kind is Kind.UNCHECKED
    assert found[2].reason == ("execute_values: the row's width is neither in a column list "
                               "nor in a template")


def test_sqlalchemy_text_reads_names_as_sqlalchemy_does(tmp_path: Path) -> None:
    found = _statements(tmp_path, r"""
        import sqlalchemy as sa
        from sqlalchemy import text

        A = text("SELECT * FROM teams WHERE id = :id AND name = :name OR id = :id")
        B = sa.text("SELECT created::date FROM teams WHERE tag = '\:x' AND day = :day")
        """)
    assert [s.sql for s in found] == [
        "SELECT * FROM teams WHERE id = $1 AND name = $2 OR id = $1",
        "SELECT created::date FROM teams WHERE tag = ':x' AND day = $1",
    ]
    assert found[0].star


def test_asyncpg_keeps_its_numbers(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        import asyncpg

        async def prices(conn, match_id, since):
            return await conn.fetch(
                "SELECT id FROM odds WHERE match_id = $1 AND ($2::timestamptz IS NULL "
                "OR captured_at >= $2)", match_id, since)
        """)
    assert [(s.sql, s.call, s.params, s.client_side) for s in found] == [
        ("SELECT id FROM odds WHERE match_id = $1 AND ($2::timestamptz IS NULL "
         "OR captured_at >= $2)", "asyncpg fetch", 2, False)]


def test_names_resolved_from_module_constants_and_other_modules(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        from .tables import ODDS_TABLE

        SCHEMA = "public"
        COLUMNS = ", ".join(["id", "price"])

        def latest(cur, match_id):
            sql = f"SELECT {COLUMNS} FROM {SCHEMA}.{ODDS_TABLE}"
            sql += " WHERE match_id = %s"
            cur.execute(sql, (match_id,))
        """, **{"tables.py": 'ODDS_TABLE = "odds"\n'})
    assert [s.sql for s in found] == ["SELECT id, price FROM public.odds WHERE match_id = $1"]


def test_an_unresolvable_name_is_unchecked_and_an_unresolvable_value_a_parameter(
        tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        def count(cur, table, team):
            cur.execute(f"SELECT count(*) FROM {table}")
            cur.execute(f"SELECT count(*) FROM odds WHERE team = {team}")
            cur.execute(f"SELECT count(*) FROM odds WHERE note = '{team}'")
            cur.execute(f"SELECT count(*) FROM odds ORDER BY {table}")
        """)
    assert [(s.kind, s.sql if s.kind is Kind.QUERY else s.reason) for s in found] == [
        (Kind.UNCHECKED, "a name in it comes from `table`, which drift cannot resolve from "
                         "the source"),
        (Kind.QUERY, "SELECT count(*) FROM odds WHERE team = $1"),
        (Kind.QUERY, "SELECT count(*) FROM odds WHERE note = 'x'"),
        (Kind.UNCHECKED, "a name in it comes from `table`, which drift cannot resolve from "
                         "the source"),
    ]


def test_a_value_set_in_a_branch_is_not_guessed(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        def search(cur, team=None):
            sql = "SELECT id FROM odds"
            if team:
                sql += " WHERE team = %s"
            cur.execute(sql, (team,))
        """)
    assert [(s.kind, s.reason) for s in found] == [
        (Kind.UNCHECKED, "the SQL is `sql`, which drift cannot resolve from the source")]


def test_a_multi_statement_string_is_split_and_renumbered(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        def purge(cur, match_id):
            cur.execute("DELETE FROM odds WHERE match_id = %s; "
                        "UPDATE matches SET status = %s WHERE id = %s",
                        (match_id, "void", match_id))
        """)
    assert [(s.sql, s.index) for s in found] == [
        ("DELETE FROM odds WHERE match_id = $1", 0),
        ("UPDATE matches SET status = $1 WHERE id = $2", 1),
    ]


def test_each_character_leads_back_to_its_line_and_column(tmp_path: Path) -> None:
    found = _statements(tmp_path, '''\
        def raw(cur, match_id):
            cur.execute("""
                SELECT o.id, o.price_raw
                  FROM odds o
                 WHERE o.match_id = %s""", (match_id,))
            cur.execute("SELECT é, "
                        "price_raw FROM odds")
        ''')
    first, second = found
    assert (first.line, first.column) == (2, 5)  # the call
    assert first.position_of(first.sql.index("o.price_raw")) == (3, 22)
    assert first.position_of(first.sql.index("match_id")) == (5, 18)
    # implicit concatenation over two lines, a non-ASCII character before
    assert second.position_of(second.sql.index("price_raw")) == (7, 18)


def test_ddl_copy_do_and_transaction_control(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        def migrate(cur):
            cur.execute("BEGIN")
            cur.execute("ALTER TABLE odds ADD COLUMN note text")
            cur.execute("DO $$ BEGIN PERFORM 1; END $$")
            cur.execute("COPY odds (id, price) FROM STDIN")
            cur.execute("VACUUM odds")
        """)
    assert [s.kind for s in found] == [Kind.NO_SCHEMA, Kind.EXECUTE, Kind.EXECUTE,
                                      Kind.EXECUTE, Kind.UNCHECKED]


def test_a_wrapper_named_in_sql_calls(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        def fetch_all(conn, sql, params=None):
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()

        def teams(conn, league):
            return fetch_all(conn, "SELECT id FROM teams WHERE league_id = %s", (league,))
        """, sql_calls=("fetch_all",))
    assert [(s.call, s.sql) for s in found] == [
        ("fetch_all", "SELECT id FROM teams WHERE league_id = $1")]


def test_orm_statements_are_not_application_sql(tmp_path: Path) -> None:
    found = _statements(tmp_path, """\
        from sqlalchemy import select

        def teams(session, Team):
            stmt = select(Team).where(Team.id == 1)
            return session.execute(stmt).scalars().all()
        """)
    assert found == []
