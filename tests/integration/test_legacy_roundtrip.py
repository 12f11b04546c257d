"""A legacy database written the way pg_dump writes it, against models written the way
sqlacodegen writes them: no drift; then one DDL statement at a time, exactly its finding.

The dump (tests/fixtures/legacy_dump.sql) has sequences created apart and attached by
DEFAULT nextval() (one OWNED BY, one not), a range-partitioned table whose partitions
were attached by ATTACH PARTITION, a domain and an enum as column types, a view,
comments, grants, ``set_config('search_path', '', false)`` and quoted names.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from drift.compare import compare_snapshots
from drift.mismatch import Mismatch
from drift.schema import Snapshot
from drift.sources.database.connection import read_only_connection
from drift.sources.database.literals import canonical_literals
from drift.sources.database.reflect import reflect_consistently
from drift.sources.models.declare import declare_metadata

REPO = Path(__file__).resolve().parents[2]
DUMP = (REPO / "tests" / "fixtures" / "legacy_dump.sql").read_text(encoding="utf-8")
M, D, X = "only_in_models", "only_in_database", "differs"
Row = tuple[str, str, str | None, str]


@pytest.fixture
def legacy_models(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO))
    return importlib.import_module("tests.fixtures.legacy_models")


def check(url: str, models: ModuleType) -> tuple[list[Mismatch], Snapshot]:
    with read_only_connection(url) as conn:
        database = reflect_consistently(conn, ("public",))
        declared = canonical_literals(declare_metadata(models.Base.metadata, ("public",)), conn)
    return compare_snapshots(declared, database), database


def rows(found: list[Mismatch]) -> list[Row]:
    return sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found)


def test_legacy_dump_against_its_models_has_no_drift(
    legacy_models: ModuleType, run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    run_sql(DUMP)
    found, database = check(database_url, legacy_models)
    assert rows(found) == []
    # not vacuous: what the comparison had to see through
    public = database.schema("public")
    assert public is not None
    assert [t.name for t in public.tables] == ["Store Config", "actor", "film", "film_actor",
                                               "payment"]
    payment = public.table("payment")
    assert payment is not None
    assert [p.name for p in payment.partitions] == ["payment_p2022_01", "payment_p2022_02"]
    assert payment.partitions[0].inherited == (
        "payment_actor_id_fkey", "payment_p2022_01_actor_id_payment_date_idx",
        "payment_p2022_01_pkey")
    actor = public.table("actor")
    assert actor is not None and actor.column("actor_id").sequence == (  # type: ignore[union-attr]
        "public.actor_actor_id_seq")
    film = public.table("film")
    assert film is not None and film.column("film_id").serial  # type: ignore[union-attr]
    assert [s.name for s in public.sequences] == [
        "actor_actor_id_seq", "invoice_no_seq", "payment_payment_id_seq"]
    assert [v.name for v in public.views] == ["actor_info"]


# (name, one DDL change, the findings it must give and nothing else)
MUTATIONS: list[tuple[str, str, list[Row]]] = [
    # ------------------------------------------------------------ columns
    ("column added", "ALTER TABLE public.actor ADD COLUMN nickname text",
     [("column", D, None, "public.actor.nickname")]),
    ("column dropped", "ALTER TABLE public.film DROP COLUMN description",
     [("column", M, None, "public.film.description")]),
    ("column renamed", "ALTER TABLE public.actor RENAME COLUMN first_name TO given_name",
     [("column", D, None, "public.actor.given_name"),
      ("column", M, None, "public.actor.first_name")]),
    ("quoted column added", 'ALTER TABLE public."Store Config" ADD COLUMN "Note" text',
     [("column", D, None, "public.Store Config.Note")]),
    # ------------------------------------------------------------ types
    ("varchar length", "ALTER TABLE public.film ALTER COLUMN title TYPE varchar(300)",
     [("column", X, "type", "public.film.title")]),
    ("timestamp gets a time zone",
     "ALTER TABLE public.actor ALTER COLUMN last_update TYPE timestamptz",
     [("column", X, "type", "public.actor.last_update")]),
    ("jsonb to json",
     'ALTER TABLE public."Store Config" ALTER COLUMN value TYPE json USING value::json',
     [("column", X, "type", "public.Store Config.value")]),
    ("smallint to integer", "ALTER TABLE public.film ALTER COLUMN rental_duration TYPE integer",
     [("column", X, "type", "public.film.rental_duration")]),
    ("quoted key column type",
     'ALTER TABLE public."Store Config" ALTER COLUMN "Key" TYPE varchar(64)',
     [("column", X, "type", "public.Store Config.Key")]),
    ("partitioned column type: the parent and each declared partition",
     "ALTER TABLE public.payment ALTER COLUMN amount TYPE numeric(7,2)",
     [("column", X, "type", "public.payment.amount"),
      ("column", X, "type", "public.payment_p2022_01.amount"),
      ("column", X, "type", "public.payment_p2022_02.amount")]),
    # ------------------------------------------------------------ defaults
    ("integer default", "ALTER TABLE public.film ALTER COLUMN rental_duration SET DEFAULT 5",
     [("column", X, "default", "public.film.rental_duration")]),
    ("default dropped", "ALTER TABLE public.actor ALTER COLUMN last_update DROP DEFAULT",
     [("column", X, "default", "public.actor.last_update")]),
    ("interval default",
     "ALTER TABLE public.\"Store Config\" ALTER COLUMN grace SET DEFAULT '1 day'",
     [("column", X, "default", "public.Store Config.grace")]),
    ("time default", "ALTER TABLE public.\"Store Config\" ALTER COLUMN opens SET DEFAULT '10:00'",
     [("column", X, "default", "public.Store Config.opens")]),
    ("enum default", "ALTER TABLE public.film ALTER COLUMN rating SET DEFAULT 'PG'",
     [("column", X, "default", "public.film.rating")]),
    ("jsonb default",
     "ALTER TABLE public.\"Store Config\" ALTER COLUMN value SET DEFAULT '{\"a\": 1}'",
     [("column", X, "default", "public.Store Config.value")]),
    ("partition's own default",
     "ALTER TABLE public.payment_p2022_01 ALTER COLUMN amount SET DEFAULT 0",
     [("column", X, "default", "public.payment_p2022_01.amount")]),
    # ------------------------------------------------------------ nullability
    ("set not null", "ALTER TABLE public.film ALTER COLUMN description SET NOT NULL",
     [("column", X, "nullable", "public.film.description")]),
    ("drop not null", "ALTER TABLE public.actor ALTER COLUMN first_name DROP NOT NULL",
     [("column", X, "nullable", "public.actor.first_name")]),
    # ------------------------------------------------------------ keys
    ("primary key dropped", "ALTER TABLE public.film_actor DROP CONSTRAINT film_actor_pkey",
     [("primary_key", M, None, "public.film_actor.film_actor_pkey")]),
    ("primary key columns",
     'ALTER TABLE public."Store Config" DROP CONSTRAINT "Store Config_pkey",'
     ' ADD CONSTRAINT "Store Config_pkey" PRIMARY KEY ("Key", grace)',
     [("primary_key", X, "columns", "public.Store Config.Store Config_pkey")]),
    ("unique dropped", "ALTER TABLE public.film DROP CONSTRAINT film_title_release_year_key",
     [("unique_constraint", M, None, "public.film.film_title_release_year_key")]),
    ("unique added",
     "ALTER TABLE public.actor ADD CONSTRAINT actor_name_key UNIQUE (first_name, last_name)",
     [("unique_constraint", D, None, "public.actor.actor_name_key")]),
    # ------------------------------------------------------------ foreign keys
    ("foreign key dropped", "ALTER TABLE public.film_actor DROP CONSTRAINT film_actor_film_id_fkey",
     [("foreign_key", M, None, "public.film_actor.film_actor_film_id_fkey")]),
    ("foreign key on delete",
     "ALTER TABLE public.film_actor DROP CONSTRAINT film_actor_actor_id_fkey,"
     " ADD CONSTRAINT film_actor_actor_id_fkey FOREIGN KEY (actor_id)"
     " REFERENCES public.actor (actor_id) ON UPDATE CASCADE ON DELETE CASCADE",
     [("foreign_key", X, "on_delete", "public.film_actor.film_actor_actor_id_fkey")]),
    ("foreign key on update",
     "ALTER TABLE public.film_actor DROP CONSTRAINT film_actor_film_id_fkey,"
     " ADD CONSTRAINT film_actor_film_id_fkey FOREIGN KEY (film_id)"
     " REFERENCES public.film (film_id) ON DELETE RESTRICT",
     [("foreign_key", X, "on_update", "public.film_actor.film_actor_film_id_fkey")]),
    ("foreign key deferrable",
     "ALTER TABLE public.film_actor ALTER CONSTRAINT film_actor_film_id_fkey"
     " DEFERRABLE INITIALLY DEFERRED",
     [("foreign_key", X, "deferrable", "public.film_actor.film_actor_film_id_fkey")]),
    ("partitioned table's foreign key: the parent and the partition declaring it",
     "ALTER TABLE public.payment DROP CONSTRAINT payment_actor_id_fkey",
     [("foreign_key", M, None, "public.payment.payment_actor_id_fkey"),
      ("foreign_key", M, None, "public.payment_p2022_01.payment_actor_id_fkey")]),
    # ------------------------------------------------------------ indexes
    ("index dropped", "DROP INDEX public.idx_title", [("index", M, None, "public.film.idx_title")]),
    ("index added", "CREATE INDEX idx_film_length ON public.film (length)",
     [("index", D, None, "public.film.idx_film_length")]),
    ("index direction", "DROP INDEX public.idx_actor_last_name;"
     " CREATE INDEX idx_actor_last_name ON public.actor (last_name DESC)",
     [("index", X, "expressions", "public.actor.idx_actor_last_name")]),
    ("index method", "DROP INDEX public.idx_fk_film_id;"
     " CREATE INDEX idx_fk_film_id ON public.film_actor USING hash (film_id)",
     [("index", X, "method", "public.film_actor.idx_fk_film_id")]),
    ("index predicate", "DROP INDEX public.idx_lower_title; CREATE INDEX idx_lower_title"
     " ON public.film (lower(title), release_year DESC) WHERE length > 0",
     [("index", X, "where", "public.film.idx_lower_title")]),
    ("index made unique", "DROP INDEX public.idx_title;"
     " CREATE UNIQUE INDEX idx_title ON public.film (title)",
     [("index", X, "unique", "public.film.idx_title")]),
    ("index on a declared partition only",
     "CREATE INDEX payment_p1_amount ON public.payment_p2022_01 (amount)",
     [("index", D, None, "public.payment_p2022_01.payment_p1_amount")]),
    ("partitioned index dropped: the parent and the partition declaring it",
     "DROP INDEX public.idx_payment_actor",
     [("index", M, None, "public.payment.idx_payment_actor"),
      ("index", M, None, "public.payment_p2022_01.payment_p2022_01_actor_id_payment_date_idx")]),
    # ------------------------------------------------------------ checks
    ("check dropped", "ALTER TABLE public.film DROP CONSTRAINT film_length_check",
     [("check_constraint", M, None, "public.film.film_length_check")]),
    ("check expression", "ALTER TABLE public.film DROP CONSTRAINT film_length_check,"
     " ADD CONSTRAINT film_length_check CHECK (length > 1)",
     [("check_constraint", X, "expression", "public.film.film_length_check")]),
    ("check added",
     "ALTER TABLE public.actor ADD CONSTRAINT actor_name_check CHECK (first_name <> '')",
     [("check_constraint", D, None, "public.actor.actor_name_check")]),
    # ------------------------------------------------------------ sequences
    ("sequence increment", "ALTER SEQUENCE public.invoice_no_seq INCREMENT BY 10",
     [("sequence", X, "increment", "public.invoice_no_seq")]),
    ("sequence start", "ALTER SEQUENCE public.invoice_no_seq START WITH 1",
     [("sequence", X, "start", "public.invoice_no_seq")]),
    ("sequence added", "CREATE SEQUENCE public.orphan_seq",
     [("sequence", D, None, "public.orphan_seq")]),
    ("serial's sequence and default gone", "ALTER TABLE public.actor ALTER COLUMN actor_id"
     " DROP DEFAULT; DROP SEQUENCE public.actor_actor_id_seq",
     [("column", X, "default", "public.actor.actor_id")]),
    ("default from another sequence", "CREATE SEQUENCE public.film_id2_seq;"
     " ALTER TABLE public.film ALTER COLUMN film_id SET DEFAULT nextval('public.film_id2_seq')",
     [("column", X, "default", "public.film.film_id"),
      ("sequence", D, None, "public.film_id2_seq")]),
    # ------------------------------------------------------------ views
    ("view dropped", "DROP VIEW public.actor_info", [("table", M, None, "public.actor_info")]),
    ("view gets a column", "CREATE OR REPLACE VIEW public.actor_info AS SELECT a.actor_id,"
     " a.first_name, a.last_name, count(fa.film_id) AS film_count, max(fa.last_update) AS last"
     " FROM public.actor a LEFT JOIN public.film_actor fa ON fa.actor_id = a.actor_id"
     " GROUP BY a.actor_id, a.first_name, a.last_name",
     [("table", X, "kind", "public.actor_info")]),
    ("view added", "CREATE VIEW public.film_list AS SELECT film_id, title FROM public.film",
     [("view", D, None, "public.film_list")]),
    # ------------------------------------------------------------ comments
    ("table comment", "COMMENT ON TABLE public.actor IS 'Actors'",
     [("table", X, "comment", "public.actor")]),
    ("column comment removed", "COMMENT ON COLUMN public.film.rental_rate IS NULL",
     [("column", X, "comment", "public.film.rental_rate")]),
    ("column comment added", "COMMENT ON COLUMN public.film.title IS 'As on the poster'",
     [("column", X, "comment", "public.film.title")]),
    ("declared partition's comment", "COMMENT ON TABLE public.payment_p2022_01 IS 'January'",
     [("table", X, "comment", "public.payment_p2022_01")]),
    # ------------------------------------------------------------ partitions
    ("declared partition detached: what it had from its parent is its own now",
     "ALTER TABLE public.payment DETACH PARTITION public.payment_p2022_02",
     [("foreign_key", D, None, "public.payment_p2022_02.payment_actor_id_fkey"),
      ("index", D, None, "public.payment_p2022_02.payment_p2022_02_actor_id_payment_date_idx")]),
    ("declared partition dropped", "DROP TABLE public.payment_p2022_02",
     [("table", M, None, "public.payment_p2022_02")]),
    ("partitioning changed", "DROP TABLE public.payment CASCADE;"
     " CREATE TABLE public.payment (payment_id integer NOT NULL, actor_id integer NOT NULL,"
     " amount numeric(5,2) NOT NULL, invoice_no bigint NOT NULL"
     " DEFAULT nextval('public.invoice_no_seq'::regclass),"
     " payment_date timestamp with time zone NOT NULL,"
     " CONSTRAINT payment_pkey PRIMARY KEY (payment_date, payment_id),"
     " CONSTRAINT payment_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES public.actor (actor_id)"
     " ON DELETE RESTRICT) PARTITION BY LIST (payment_date);"
     " CREATE INDEX idx_payment_actor ON public.payment (actor_id, payment_date DESC);"
     " ALTER TABLE public.payment ALTER COLUMN payment_id"
     " SET DEFAULT nextval('public.payment_payment_id_seq'::regclass)",
     [("table", M, None, "public.payment_p2022_01"), ("table", M, None, "public.payment_p2022_02"),
      ("table", X, "partitioned_by", "public.payment")]),
]


@pytest.mark.parametrize(("change", "expected"), [(m[1], m[2]) for m in MUTATIONS],
                         ids=[m[0] for m in MUTATIONS])
def test_one_change_one_finding(
    change: str, expected: list[Row], legacy_models: ModuleType,
    run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    run_sql(DUMP)
    run_sql(change)
    found, _ = check(database_url, legacy_models)
    assert rows(found) == sorted(expected), "\n".join(map(repr, found))


def test_an_undeclared_partition_is_part_of_its_parent(
    legacy_models: ModuleType, run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    run_sql(DUMP)
    run_sql("CREATE TABLE public.payment_p2022_03 PARTITION OF public.payment"
            " FOR VALUES FROM ('2022-03-01 00:00:00+00') TO ('2022-04-01 00:00:00+00')")
    found, database = check(database_url, legacy_models)
    assert rows(found) == []
    payment = database.schema("public").table("payment")  # type: ignore[union-attr]
    assert payment is not None and payment.partitions[-1].name == "payment_p2022_03"

