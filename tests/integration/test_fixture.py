from __future__ import annotations

import sqlalchemy as sa

COUNT_T = sa.text("select count(*) from pg_tables where tablename = 't'")


def test_each_test_gets_a_fresh_database(run_sql, engine: sa.Engine) -> None:
    run_sql("CREATE TABLE t (id integer)")
    with engine.connect() as conn:
        assert conn.execute(COUNT_T).scalar() == 1


def test_and_the_next_one_does_not_see_it(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(COUNT_T).scalar() == 0
