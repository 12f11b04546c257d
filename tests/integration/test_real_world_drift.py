"""False drift on schemas drift was not written against: pg_dump-style SQL, generated models.

Each case gives the database's SQL the way a dump or a legacy migration writes it and the
models the way a project (or sqlacodegen) writes them; the findings' (object_type, change,
attribute, path) must be exactly the expected ones. Literal defaults are canonicalised the
way ``drift check`` does it: by the database, in the reading session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from drift.compare import compare_snapshots
from drift.mismatch import Mismatch
from drift.plan.ddl import alter_identity
from drift.schema import Snapshot
from drift.sources.database.connection import read_only_connection
from drift.sources.database.literals import canonical_literals
from drift.sources.database.reflect import reflect_snapshot_with_connection
from drift.sources.models.declare import declare_metadata

M, D, X = "only_in_models", "only_in_database", "differs"
Row = tuple[str, str, str | None, str]


@dataclass(frozen=True)
class Case:
    name: str
    db: str
    models: Callable[[sa.MetaData], object]
    expected: list[Row]
    convention: tuple[tuple[str, str], ...] = (("ix", "ix_%(column_0_label)s"),)


def check(url: str, metadata: sa.MetaData, schemas: tuple[str, ...] = ("public",)
          ) -> tuple[list[Mismatch], Snapshot]:
    with read_only_connection(url) as conn:
        database = reflect_snapshot_with_connection(conn, schemas)
        models = canonical_literals(declare_metadata(metadata, schemas), conn, database)
    return compare_snapshots(models, database), models


def rows(found: list[Mismatch]) -> list[Row]:
    return sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found)


def pk(name: str = "id") -> sa.Column[int]:
    return sa.Column(name, sa.Integer, primary_key=True, autoincrement=False)


def t(*items: object, name: str = "t", **kw: object) -> Callable[[sa.MetaData], sa.Table]:
    return lambda md: sa.Table(name, md, pk(), *items, **kw)  # type: ignore[arg-type]


def col(name: str, type_: object, *args: object, **kw: object) -> sa.Column[object]:
    return sa.Column(name, type_, *args, **kw)  # type: ignore[arg-type]


def tables(*makers: Callable[[sa.MetaData], object]) -> Callable[[sa.MetaData], None]:
    def make(md: sa.MetaData) -> None:
        for maker in makers:
            maker(md)

    return make


# ------------------------------------------------------------------ 1. partitions as tables

PAYMENT_SQL = """
CREATE TABLE payment (
    payment_id integer NOT NULL,
    paid_on date NOT NULL,
    amount numeric(5,2) NOT NULL,
    customer_id integer REFERENCES k (id),
    PRIMARY KEY (payment_id, paid_on)
) PARTITION BY RANGE (paid_on);
CREATE INDEX payment_customer_idx ON payment (customer_id);
CREATE TABLE payment_p2020 PARTITION OF payment FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE payment_p2021 PARTITION OF payment FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
"""


def payment_columns() -> list[sa.Column[object]]:
    return [col("payment_id", sa.Integer, primary_key=True, autoincrement=False),
            col("paid_on", sa.Date, primary_key=True),
            col("amount", sa.Numeric(5, 2), nullable=False),
            col("customer_id", sa.Integer, sa.ForeignKey("k.id"))]


def payment(md: sa.MetaData) -> None:
    sa.Table("payment", md, *payment_columns(), sa.Index("payment_customer_idx", "customer_id"),
             postgresql_partition_by="RANGE (paid_on)")


def payment_p2020_generated(md: sa.MetaData) -> None:
    """As sqlacodegen writes a partition: its own key, foreign key and attached index."""
    sa.Table("payment_p2020", md, *payment_columns(),
             sa.PrimaryKeyConstraint("payment_id", "paid_on", name="payment_p2020_pkey"),
             sa.Index("payment_p2020_customer_id_idx", "customer_id"))


def payment_p2020_bare(md: sa.MetaData) -> None:
    """As a hand-written model often declares it: only the columns and the key."""
    sa.Table("payment_p2020", md,
             col("payment_id", sa.Integer, primary_key=True, autoincrement=False),
             col("paid_on", sa.Date, primary_key=True),
             col("amount", sa.Numeric(5, 2), nullable=False),
             col("customer_id", sa.Integer))


CITY_SQL = """
CREATE TABLE city (id integer NOT NULL, country text NOT NULL, name text)
    PARTITION BY LIST (country);
CREATE TABLE city_fr PARTITION OF city FOR VALUES IN ('fr');
CREATE TABLE city_other PARTITION OF city DEFAULT;
"""


def city(name: str, partitioned: bool = False) -> Callable[[sa.MetaData], sa.Table]:
    kw = {"postgresql_partition_by": "LIST (country)"} if partitioned else {}
    return lambda md: sa.Table(name, md, col("id", sa.Integer, nullable=False),
                               col("country", sa.Text, nullable=False), col("name", sa.Text), **kw)


HASHED_SQL = """
CREATE TABLE hashed (id bigint NOT NULL, body text) PARTITION BY HASH (id);
CREATE TABLE hashed_0 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE hashed_1 PARTITION OF hashed FOR VALUES WITH (MODULUS 2, REMAINDER 1);
"""


def hashed(name: str, partitioned: bool = False) -> Callable[[sa.MetaData], sa.Table]:
    kw = {"postgresql_partition_by": "HASH (id)"} if partitioned else {}
    return lambda md: sa.Table(name, md, col("id", sa.BigInteger, nullable=False),
                               col("body", sa.Text), **kw)


def ev(name: str, partition_by: str | None = None) -> Callable[[sa.MetaData], sa.Table]:
    kw = {"postgresql_partition_by": partition_by} if partition_by else {}
    return lambda md: sa.Table(name, md, col("id", sa.Integer, nullable=False),
                               col("at", sa.Date, nullable=False),
                               col("kind", sa.Text, nullable=False), **kw)


PARTITION_CASES = [
    Case("range partition declared as generated table", PAYMENT_SQL,
         tables(payment, payment_p2020_generated), []),
    Case("range partition declared bare: inherited key, index and fk are the parent's",
         PAYMENT_SQL, tables(payment, payment_p2020_bare), []),
    Case("list partitions declared, the default partition not", CITY_SQL,
         tables(city("city", True), city("city_fr")), []),
    Case("hash partitions declared", HASHED_SQL,
         tables(hashed("hashed", True), hashed("hashed_0"), hashed("hashed_1")), []),
    Case("declared partition compared as a table", PAYMENT_SQL
         + "COMMENT ON TABLE payment_p2020 IS 'closed year';"
         "CREATE INDEX payment_p2020_amount_idx ON payment_p2020 (amount);",
         tables(payment, payment_p2020_generated),
         [("index", D, None, "public.payment_p2020.payment_p2020_amount_idx"),
          ("table", X, "comment", "public.payment_p2020")]),
    Case("foreign key to a partitioned table: PostgreSQL's per-partition copies are internal",
         PAYMENT_SQL + "CREATE TABLE refund (id integer PRIMARY KEY, payment_id integer,"
         " paid_on date, FOREIGN KEY (payment_id, paid_on) REFERENCES payment);",
         tables(payment, lambda md: sa.Table(
             "refund", md, pk(), col("payment_id", sa.Integer), col("paid_on", sa.Date),
             sa.ForeignKeyConstraint(["payment_id", "paid_on"],
                                     ["payment.payment_id", "payment.paid_on"]))), []),
    Case("declared partition missing from the database", CITY_SQL,
         tables(city("city", True), city("city_de")), [("table", M, None, "public.city_de")]),
    Case("sub-partition declared", """
         CREATE TABLE ev (id integer NOT NULL, at date NOT NULL, kind text NOT NULL)
             PARTITION BY RANGE (at);
         CREATE TABLE ev_2020 PARTITION OF ev FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')
             PARTITION BY LIST (kind);
         CREATE TABLE ev_2020_click PARTITION OF ev_2020 FOR VALUES IN ('click');
         """,
         tables(ev("ev", "RANGE (at)"), ev("ev_2020", "LIST (kind)"), ev("ev_2020_click")), []),
]

# ------------------------------------------------------------------ 2. serial through sequences

ACTOR_SQL = """
CREATE SEQUENCE public.actor_actor_id_seq
    START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
CREATE TABLE public.actor (
    actor_id integer DEFAULT nextval('public.actor_actor_id_seq'::regclass) NOT NULL,
    CONSTRAINT actor_pkey PRIMARY KEY (actor_id)
);
"""

SERIAL_CASES = [
    Case("serial through a sequence the column does not own", ACTOR_SQL,
         lambda md: sa.Table("actor", md, col("actor_id", sa.Integer, primary_key=True,
                                             autoincrement=True)), []),
    Case("bigserial through a bigint sequence the column does not own",
         "CREATE SEQUENCE ev_id_seq AS bigint;"
         "CREATE TABLE ev (id bigint DEFAULT nextval('ev_id_seq'::regclass) NOT NULL PRIMARY KEY);",
         lambda md: sa.Table("ev", md, col("id", sa.BigInteger, primary_key=True)), []),
    Case("models write nextval of the sequence the column owns",
         "CREATE TABLE t (id integer PRIMARY KEY, ref integer NOT NULL);"
         "CREATE SEQUENCE t_ref_seq OWNED BY t.ref;"
         "ALTER TABLE t ALTER COLUMN ref SET DEFAULT nextval('t_ref_seq'::regclass);",
         t(col("ref", sa.Integer, nullable=False,
               server_default=sa.text("nextval('public.t_ref_seq'::regclass)"))), []),
    Case("models write nextval of an owned sequence with a legacy name",
         "CREATE TABLE t (id integer PRIMARY KEY, ref integer NOT NULL);"
         "CREATE SEQUENCE \"Legacy Refs\" OWNED BY t.ref;"
         "ALTER TABLE t ALTER COLUMN ref SET DEFAULT nextval('\"Legacy Refs\"'::regclass);",
         t(col("ref", sa.Integer, nullable=False,
               server_default=sa.text("nextval('\"Legacy Refs\"'::regclass)"))), []),
    Case("a sequence named by a models nextval default is declared by it",
         "CREATE SEQUENCE order_no; CREATE TABLE t (id integer PRIMARY KEY,"
         " no integer DEFAULT nextval('order_no'::regclass));",
         t(col("no", sa.Integer, server_default=sa.text("nextval('order_no'::regclass)"))), []),
    Case("models nextval of another sequence than the owned one",
         "CREATE TABLE t (id integer PRIMARY KEY, ref serial);",
         t(col("ref", sa.Integer, nullable=False,
               server_default=sa.text("nextval('other_seq'::regclass)"))),
         [("column", X, "default", "public.t.ref")]),
    Case("serial in the models, no default in the database",
         "CREATE SEQUENCE actor_actor_id_seq; CREATE TABLE actor (actor_id integer PRIMARY KEY);",
         lambda md: sa.Table("actor", md, col("actor_id", sa.Integer, primary_key=True)),
         [("column", X, "default", "public.actor.actor_id"),
          ("sequence", D, None, "public.actor_actor_id_seq")]),
]

# ------------------------------------------------------------------ 3. keyword case in indexes

INDEX_CASES = [
    Case("text index element with DESC",
         "CREATE TABLE t (id integer PRIMARY KEY, name text, ver_major integer);"
         "CREATE INDEX ix ON t (name, ver_major DESC);",
         t(col("name", sa.Text), col("ver_major", sa.Integer),
           sa.Index("ix", "name", sa.text("ver_major DESC"))), []),
    Case("text index element with lower-case desc nulls last",
         "CREATE TABLE t (id integer PRIMARY KEY, name text, ver_major integer);"
         "CREATE INDEX ix ON t (ver_major DESC NULLS LAST);",
         t(col("name", sa.Text), col("ver_major", sa.Integer),
           sa.Index("ix", sa.text("ver_major desc nulls last"))), []),
    Case("text expression element with DESC",
         "CREATE TABLE t (id integer PRIMARY KEY, name text);"
         "CREATE INDEX ix ON t (lower(name) DESC);",
         t(col("name", sa.Text), sa.Index("ix", sa.text("LOWER(name) desc"))), []),
    Case("text index element: the direction still counts",
         "CREATE TABLE t (id integer PRIMARY KEY, name text, ver_major integer);"
         "CREATE INDEX ix ON t (name, ver_major);",
         t(col("name", sa.Text), col("ver_major", sa.Integer),
           sa.Index("ix", "name", sa.text("ver_major DESC"))),
         [("index", X, "expressions", "public.t.ix")]),
]

# ------------------------------------------------------------------ 4. declared twice

FK_CONVENTION = (("fk", "fk_%(table_name)s_%(column_0_name)s"),)


def tag(md: sa.MetaData) -> None:
    sa.Table("actor", md, pk("actor_id"))
    sa.Table("tag", md, pk(),
             col("actor_id", sa.Integer, sa.ForeignKey("actor.actor_id", ondelete="CASCADE")),
             sa.ForeignKeyConstraint(["actor_id"], ["actor.actor_id"], name="fk_tag_actor",
                                     ondelete="CASCADE"))


TWICE_CASES = [
    Case("foreign key on the column and again in __table_args__",
         "CREATE TABLE actor (actor_id integer PRIMARY KEY);"
         "CREATE TABLE tag (id integer PRIMARY KEY, actor_id integer,"
         " CONSTRAINT fk_tag_actor FOREIGN KEY (actor_id) REFERENCES actor (actor_id)"
         " ON DELETE CASCADE);", tag, []),
    Case("foreign key named by the convention on the column and again with a name",
         "CREATE TABLE actor (actor_id integer PRIMARY KEY);"
         "CREATE TABLE tag (id integer PRIMARY KEY, actor_id integer,"
         " CONSTRAINT fk_tag_actor FOREIGN KEY (actor_id) REFERENCES actor (actor_id)"
         " ON DELETE CASCADE);", tag, [], FK_CONVENTION),
    Case("index=True under a naming convention and again Index() of the same name",
         "CREATE TABLE t (id integer PRIMARY KEY, a integer); CREATE INDEX ix_t_a ON t (a);",
         t(col("a", sa.Integer, index=True), sa.Index("ix_t_a", "a")), []),
    Case("unique=True and again a named UniqueConstraint",
         "CREATE TABLE t (id integer PRIMARY KEY, a integer CONSTRAINT uq_t_a UNIQUE);",
         t(col("a", sa.Integer, unique=True), sa.UniqueConstraint("a", name="uq_t_a")), []),
    Case("declared twice, absent from the database: one finding",
         "CREATE TABLE t (id integer PRIMARY KEY, a integer);",
         t(col("a", sa.Integer, index=True), sa.Index("ix_t_a", "a")),
         [("index", M, None, "public.t.ix_t_a")]),
    Case("declared twice, the database differs: one finding",
         "CREATE TABLE t (id integer PRIMARY KEY, a integer); CREATE INDEX ix_t_a ON t (a DESC);",
         t(col("a", sa.Integer, index=True), sa.Index("ix_t_a", "a")),
         [("index", X, "expressions", "public.t.ix_t_a")]),
]

# ------------------------------------------------------------------ 5. literals stored by value


def literal_case(name: str, sql_type: str, sql_default: str, type_: object, default: object,
                 expected: list[Row] | None = None) -> Case:
    sql = f"CREATE TABLE t (id integer PRIMARY KEY, a {sql_type} DEFAULT {sql_default});"
    return Case(name, sql,
                t(col("a", type_, server_default=default)), expected or [])


ENUM_SQL = "CREATE TYPE mood AS ENUM ('ok', 'sad');"

LITERAL_CASES = [
    literal_case("interval '0'", "interval", "'0'", sa.Interval, "0"),
    literal_case("interval '24 hours'", "interval", "'24:00:00'::interval", sa.Interval,
                 sa.text("'24 hours'")),
    literal_case("interval '1 day' is not 24 hours", "interval", "'24:00:00'::interval",
                 sa.Interval, sa.text("'1 day'"), [("column", X, "default", "public.t.a")]),
    literal_case("interval '1 hour' spelled as 60 minutes", "interval", "'01:00:00'", sa.Interval,
                 "60 minutes"),
    literal_case("time without seconds", "time", "'8:30'", sa.Time, "08:30:00"),
    literal_case("date in another spelling", "date", "'2020-01-01'", sa.Date, "2020-1-1"),
    literal_case("timestamp without a time", "timestamp", "'2020-01-01'", sa.DateTime,
                 "2020-01-01 00:00"),
    literal_case("timestamptz", "timestamptz", "'2020-01-01 00:00:00+00'",
                 sa.DateTime(timezone=True), "2020-01-01T00:00:00Z"),
    literal_case("numeric with its scale", "numeric(10,2)", "1.5", sa.Numeric(10, 2), "1.50"),
    literal_case("numeric scale padded by the column", "numeric(10,2)", "'1.50'",
                 sa.Numeric(10, 2), sa.text("1.5")),
    literal_case("numeric value differs", "numeric(10,2)", "1.5", sa.Numeric(10, 2), "1.25",
                 [("column", X, "default", "public.t.a")]),
    literal_case("boolean 'yes'", "boolean", "true", sa.Boolean, "yes"),
    literal_case("jsonb spacing and key order", "jsonb", "'{\"b\": 2, \"a\": [1, 2]}'", pg.JSONB,
                 '{"a":[1,2],"b":2}'),
    literal_case("json empty object", "json", "'{}'::json", pg.JSON, "{}"),
    literal_case("integer array", "integer[]", "'{1,2}'", pg.ARRAY(sa.Integer), "{ 1, 2 }"),
    literal_case("text array with quoted elements", "text[]", "'{a,b}'", pg.ARRAY(sa.Text),
                 sa.text("'{\"a\", \"b\"}'")),
    literal_case("a value the type rejects stays as written", "date", "'2020-01-01'", sa.Date,
                 "not a date", [("column", X, "default", "public.t.a")]),
    Case("enum literal", ENUM_SQL + "CREATE TABLE t (id integer PRIMARY KEY,"
         " a mood DEFAULT 'ok'::mood);",
         t(col("a", sa.Enum("ok", "sad", name="mood"), server_default=sa.text("'ok'::mood"))), []),
    literal_case("text literal is compared as written", "text", "'0'", sa.Text, "00",
                 [("column", X, "default", "public.t.a")]),
]

JSONPATH_CHECK = """jsonb_path_exists(doc, '$.* ? (@.type() <> "string")')"""


def checked(expression: str, type_: object = pg.JSONB, column: str = "doc"
            ) -> Callable[[sa.MetaData], sa.Table]:
    return t(col(column, type_), sa.CheckConstraint(expression, name="ck_t"))


CHECK_LITERAL_CASES = [
    # PostgreSQL stores the jsonpath parsed: '$.*?(@.type() != "string")'::jsonpath
    Case("jsonpath literal in a CHECK", "CREATE TABLE t (id integer PRIMARY KEY, doc jsonb,"
         f" CONSTRAINT ck_t CHECK ({JSONPATH_CHECK}));", checked(JSONPATH_CHECK), []),
    Case("another jsonpath in a CHECK still differs", "CREATE TABLE t (id integer PRIMARY KEY,"
         " doc jsonb, CONSTRAINT ck_t CHECK (jsonb_path_exists(doc, '$.a')));",
         checked("jsonb_path_exists(doc, '$.b')"),
         [("check_constraint", X, "expression", "public.t.ck_t")]),
    Case("interval literal in a CHECK", "CREATE TABLE t (id integer PRIMARY KEY, d interval,"
         " CONSTRAINT ck_t CHECK (d >= '0'));", checked("d >= '0 seconds'", sa.Interval, "d"), []),
]

# ------------------------------------------------------------------ 6. default precision

PRECISION_CASES = [
    Case("timestamptz(6) is timestamptz", "CREATE TABLE t (id integer PRIMARY KEY,"
         " a timestamp(6) with time zone, b timestamp(6), c time(6), d timetz(6),"
         " e interval(6), f interval day to second(6));",
         t(col("a", sa.DateTime(timezone=True)), col("b", sa.DateTime), col("c", sa.Time),
           col("d", sa.Time(timezone=True)), col("e", sa.Interval),
           col("f", pg.INTERVAL(fields="day to second"))), []),
    Case("models precision 6 against the bare type", "CREATE TABLE t (id integer PRIMARY KEY,"
         " a timestamptz, b interval);",
         t(col("a", pg.TIMESTAMP(timezone=True, precision=6)), col("b", pg.INTERVAL(precision=6))),
         []),
    Case("another precision still differs", "CREATE TABLE t (id integer PRIMARY KEY,"
         " a timestamp(3) with time zone);",
         t(col("a", sa.DateTime(timezone=True))), [("column", X, "type", "public.t.a")]),
]

# ------------------------------------------------------------------ 7. one change, one finding

ONE_CASES = [
    Case("serial changed to identity", "CREATE TABLE t (id serial PRIMARY KEY);",
         lambda md: sa.Table("t", md, col("id", sa.Integer, sa.Identity(), primary_key=True)),
         [("column", X, "identity", "public.t.id")]),
    Case("identity changed to serial",
         "CREATE TABLE t (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);",
         lambda md: sa.Table("t", md, col("id", sa.Integer, primary_key=True)),
         [("column", X, "identity", "public.t.id")]),
    Case("nextval default changed to identity",
         "CREATE SEQUENCE s; CREATE TABLE t (id integer PRIMARY KEY, a integer NOT NULL"
         " DEFAULT nextval('s'));",
         t(col("a", sa.Integer, sa.Identity(always=True), nullable=False)),
         [("column", X, "identity", "public.t.a"), ("sequence", D, None, "public.s")]),
]

VIEW_CASES = [
    Case("a view declared as a keyless Table of its columns",
         "CREATE VIEW v AS SELECT id, id::text AS label FROM k;",
         lambda md: sa.Table("v", md, col("id", sa.Integer), col("label", sa.Text)), []),
    Case("a view declared as a Table of other columns",
         "CREATE VIEW v AS SELECT id FROM k;",
         lambda md: sa.Table("v", md, col("id", sa.BigInteger)),
         [("table", X, "kind", "public.v")]),
]

CASES = (VIEW_CASES + PARTITION_CASES + SERIAL_CASES + INDEX_CASES + TWICE_CASES + LITERAL_CASES
         + CHECK_LITERAL_CASES + PRECISION_CASES + ONE_CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_real_world_case(case: Case, run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    run_sql("CREATE TABLE k (id integer PRIMARY KEY);" + case.db)
    metadata = sa.MetaData(naming_convention=dict(case.convention))
    sa.Table("k", metadata, pk())
    case.models(metadata)
    found, _ = check(database_url, metadata)
    assert rows(found) == sorted(case.expected), "\n".join(map(repr, found))


def test_canonical_literals_are_kept_in_the_saved_models_snapshot(
    run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    """An offline comparison later sees the value the database gave, not the text written."""
    run_sql("CREATE TABLE t (id integer PRIMARY KEY, a interval DEFAULT '0');")
    metadata = sa.MetaData()
    t(col("a", sa.Interval, server_default="0"))(metadata)
    _, models = check(database_url, metadata)
    column = models.schema("public").table("t").column("a")  # type: ignore[union-attr]
    assert column is not None and column.default == "'00:00:00'"
    assert dict(column.raw)["default"] == "'0'"
    assert Snapshot.from_json(models.to_json()) == models


def test_one_finding_for_serial_to_identity_says_both_sides(
    run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    run_sql("CREATE TABLE t (id serial PRIMARY KEY);")
    metadata = sa.MetaData()
    sa.Table("t", metadata, col("id", sa.Integer, sa.Identity(), primary_key=True))
    found, _ = check(database_url, metadata)
    assert [(m.attribute, m.models, m.database) for m in found] == [
        ("identity", "by default", "serial")]


def test_the_one_identity_finding_plans_a_change_that_converges(
    run_sql, database_url: str  # type: ignore[no-untyped-def]
) -> None:
    """serial -> identity is one finding: its one step must drop the default first."""
    run_sql("CREATE SEQUENCE s; CREATE TABLE t (id serial PRIMARY KEY,"
            " a integer NOT NULL DEFAULT nextval('s'));")
    metadata = sa.MetaData()
    sa.Table("t", metadata, col("id", sa.Integer, sa.Identity(), primary_key=True),
             col("a", sa.Integer, sa.Identity(always=True), nullable=False))
    found, _ = check(database_url, metadata)
    steps = [alter_identity(m.schema, m.table or "", m.name or "", m.models, m.database)
             for m in found if m.attribute == "identity"]
    assert len(steps) == 2
    run_sql(";".join(str(up.sqltext) for up, _ in steps))
    after, _ = check(database_url, metadata)
    assert rows(after) == [("sequence", D, None, "public.s")]
    run_sql(";".join(str(down.sqltext) for _, down in steps))
    database = check(database_url, metadata)[0]
    assert ("column", X, "identity", "public.t.a") in rows(database)
    with read_only_connection(database_url) as conn:
        back = reflect_snapshot_with_connection(conn, ("public",))
    column = back.schema("public").table("t").column("a")  # type: ignore[union-attr]
    assert column is not None and (column.identity, column.sequence) == (None, "public.s")
