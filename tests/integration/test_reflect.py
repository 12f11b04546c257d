from __future__ import annotations

from drift.reflect import reflect_snapshot


def test_reflects_tables_columns_keys_and_comments(run_sql, database_url: str) -> None:
    run_sql(
        """
        CREATE TABLE teams (id serial PRIMARY KEY, name varchar(40) NOT NULL DEFAULT 'x',
                            rating numeric(10,2) DEFAULT 0, created_at timestamptz DEFAULT now());
        COMMENT ON TABLE teams IS 'the teams';
        COMMENT ON COLUMN teams.name IS 'display name';
        """
    )
    snap = reflect_snapshot(database_url, ("public",))
    print(snap)
    table = snap.schema("public").table("teams")
    assert table.comment == "the teams"
    assert [c.name for c in table.columns] == ["id", "name", "rating", "created_at"]
    assert table.column("id").serial and table.column("id").default is None
    assert table.column("name").type == "character varying(40)"
    assert table.column("name").default == "'x'"
    assert table.column("name").comment == "display name"
    assert table.column("rating").default == "0"
    assert table.column("created_at").default == "now()"
    assert table.primary_key.columns == ("id",)
    assert snap.schema("public").sequences == ()
