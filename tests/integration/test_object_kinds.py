"""Domains, constraint options, exclusion constraints and operator classes, end to end.

Each case is a database written in plain SQL (as a dump or a hand-written
migration writes it) and declarative models written as projects write them
(``DeclarativeBase``, ``Mapped``, ``mapped_column``, ``__table_args__``, a
naming convention). The findings' (object_type, change, attribute, path) must
be exactly the expected ones: the equivalent declarations at the end must stay
silent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import DOMAIN, TSTZRANGE, ExcludeConstraint, Range
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from drift.compare import compare_snapshots
from drift.mismatch import Finding, Status
from drift.render.describe import side_value
from drift.schema import Snapshot
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

M, D, X = "only_in_models", "only_in_database", "differs"
Row = tuple[str, str, str | None, str]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_base() -> type[DeclarativeBase]:
    class Base(DeclarativeBase):
        metadata = sa.MetaData(naming_convention=NAMING)

    return Base


Models = Callable[[type[DeclarativeBase]], object]


@dataclass(frozen=True)
class Case:
    name: str
    db: str
    models: Models
    expected: list[Row]


# ---------------------------------------------------------------- domains

PERCENT_SQL = (
    "CREATE DOMAIN percent AS numeric(5,2)"
    " CONSTRAINT percent_min CHECK (VALUE >= 0) CONSTRAINT percent_max CHECK (VALUE <= 100);"
)
STATUS_SQL = "CREATE DOMAIN status_code AS varchar(10) DEFAULT 'new' NOT NULL;"
CODE_SQL = 'CREATE DOMAIN code AS text COLLATE "C";'
GRADE_SQL = (
    "CREATE TABLE grade (id integer NOT NULL, score percent, status status_code, code code);"
    "ALTER TABLE ONLY grade ADD CONSTRAINT pk_grade PRIMARY KEY (id);"
)


def grade(percent: DOMAIN | None = None, status: DOMAIN | None = None,
          code: DOMAIN | None = None) -> Models:
    """Models: table ``grade`` with a column of each domain."""
    # names the class body does not assign: it sees its function's names only then
    percent_type = percent if percent is not None else DOMAIN(
        "percent", sa.Numeric(5, 2), check="VALUE >= 0 AND VALUE <= 100")
    status_type = status if status is not None else DOMAIN(
        "status_code", sa.String(10), default="new", not_null=True)
    code_type = code if code is not None else DOMAIN("code", sa.Text, collation="C")

    def build(base: type[DeclarativeBase]) -> object:
        class Grade(base):  # type: ignore[valid-type, misc]
            __tablename__ = "grade"
            id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
            score: Mapped[Decimal | None] = mapped_column(percent_type)
            status: Mapped[str | None] = mapped_column(status_type)
            code: Mapped[str | None] = mapped_column(code_type)

        return Grade

    return build


DOMAINS = PERCENT_SQL + STATUS_SQL + CODE_SQL + GRADE_SQL

DOMAIN_CASES = [
    Case("a domain check dropped in the database",
         DOMAINS + "ALTER DOMAIN percent DROP CONSTRAINT percent_max;", grade(),
         [("domain", X, "checks", "public.percent")]),
    Case("a domain check differs",
         DOMAINS, grade(percent=DOMAIN("percent", sa.Numeric(5, 2),
                                       check="VALUE >= 0 AND VALUE <= 1")),
         [("domain", X, "checks", "public.percent")]),
    Case("a domain's base type differs",
         DOMAINS, grade(percent=DOMAIN("percent", sa.Numeric(6, 2),
                                       check="VALUE >= 0 AND VALUE <= 100")),
         [("domain", X, "type", "public.percent")]),
    Case("a domain's NOT NULL dropped in the database",
         DOMAINS + "ALTER DOMAIN status_code DROP NOT NULL;", grade(),
         [("domain", X, "nullable", "public.status_code")]),
    Case("a domain's default differs",
         DOMAINS + "ALTER DOMAIN status_code SET DEFAULT 'open';", grade(),
         [("domain", X, "default", "public.status_code")]),
    Case("a domain's collation differs",
         DOMAINS, grade(code=DOMAIN("code", sa.Text)),
         [("domain", X, "collation", "public.code")]),
    Case("a domain only in the database",
         DOMAINS + "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);", grade(),
         [("domain", D, None, "public.posint")]),
    Case("a domain only in the models",
         PERCENT_SQL + CODE_SQL
         + GRADE_SQL.replace("status status_code", "status varchar(10)"), grade(),
         [("column", X, "type", "public.grade.status"),
          ("domain", M, None, "public.status_code")]),
]


def registered_domain(base: type[DeclarativeBase]) -> object:
    """A domain registered with the metadata, used by no column yet."""
    return DOMAIN("posint", sa.Integer, check="VALUE > 0", metadata=base.metadata)


# ---------------------------------------------------------------- constraint options

LEDGER_SQL = (
    "CREATE TABLE account (id integer NOT NULL);"
    "ALTER TABLE ONLY account ADD CONSTRAINT pk_account PRIMARY KEY (id);"
    "CREATE TABLE ledger (id integer NOT NULL, account_id integer, position integer,"
    " amount numeric(12,2));"
)


def ledger(pk: Callable[[], sa.PrimaryKeyConstraint] | None = None,
           *table_args: Callable[[], object]) -> Models:
    """Models: ``account`` and ``ledger``; constraints made per test (one table each)."""

    def build(base: type[DeclarativeBase]) -> object:
        class Account(base):  # type: ignore[valid-type, misc]
            __tablename__ = "account"
            id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)

        class Ledger(base):  # type: ignore[valid-type, misc]
            __tablename__ = "ledger"
            id: Mapped[int] = mapped_column(autoincrement=False)
            account_id: Mapped[int | None] = mapped_column()
            position: Mapped[int | None]
            amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
            __table_args__ = (pk() if pk is not None else sa.PrimaryKeyConstraint("id"),
                              *(arg() for arg in table_args))

        return Ledger

    return build


def fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["account_id"], ["account.id"])


PK = "ALTER TABLE ONLY ledger ADD CONSTRAINT pk_ledger PRIMARY KEY (id)"
PK_DEFERRED = PK + " DEFERRABLE INITIALLY DEFERRED;"
UQ = "ALTER TABLE ONLY ledger ADD CONSTRAINT uq_ledger_position UNIQUE (position)"
FK = ("ALTER TABLE ledger ADD CONSTRAINT fk_ledger_account_id_account"
      " FOREIGN KEY (account_id) REFERENCES account (id)")
CK = "ALTER TABLE ledger ADD CONSTRAINT ck_ledger_positive CHECK (amount > 0)"

OPTION_CASES = [
    Case("a primary key DEFERRABLE INITIALLY DEFERRED in the database",
         LEDGER_SQL + PK_DEFERRED, ledger(),
         [("primary_key", X, "deferrable", "public.ledger.pk_ledger")]),
    Case("a unique constraint DEFERRABLE INITIALLY DEFERRED in the database",
         LEDGER_SQL + PK + ";" + UQ + " DEFERRABLE INITIALLY DEFERRED;",
         ledger(None, lambda: sa.UniqueConstraint("position")),
         [("unique_constraint", X, "deferrable", "public.ledger.uq_ledger_position")]),
    Case("a unique constraint DEFERRABLE in the models only",
         LEDGER_SQL + PK + ";" + UQ + ";",
         ledger(None, lambda: sa.UniqueConstraint("position", deferrable=True)),
         [("unique_constraint", X, "deferrable", "public.ledger.uq_ledger_position")]),
    Case("a check NOT VALID in the database",
         LEDGER_SQL + PK + ";" + CK + " NOT VALID;",
         ledger(None, lambda: sa.CheckConstraint("amount > 0", name="positive")),
         [("check_constraint", X, "validated", "public.ledger.ck_ledger_positive")]),
    Case("a foreign key NOT VALID in the database",
         LEDGER_SQL + PK + ";" + FK + " NOT VALID;", ledger(None, fk),
         [("foreign_key", X, "validated", "public.ledger.fk_ledger_account_id_account")]),
    Case("a unique constraint replaced by a unique index of the same name",
         LEDGER_SQL + PK + ";" + "CREATE UNIQUE INDEX uq_ledger_position ON ledger (position);",
         ledger(None, lambda: sa.UniqueConstraint("position")),
         [("unique_constraint", X, "constraint_kind", "public.ledger.uq_ledger_position")]),
    Case("a unique index replaced by a unique constraint of the same name",
         LEDGER_SQL + PK + ";" + UQ + ";",
         ledger(None, lambda: sa.Index("uq_ledger_position", "position", unique=True)),
         [("index", X, "constraint_kind", "public.ledger.uq_ledger_position")]),
]

# ---------------------------------------------------------------- exclusion constraints

BOOKING_SQL = (
    "CREATE TABLE booking (id integer NOT NULL, during tstzrange NOT NULL,"
    " seats int4range, cancelled boolean DEFAULT false NOT NULL);"
    "ALTER TABLE ONLY booking ADD CONSTRAINT pk_booking PRIMARY KEY (id);"
)
EXCLUDE = ("ALTER TABLE ONLY booking ADD CONSTRAINT booking_no_overlap"
           " EXCLUDE USING gist (seats WITH &&, during WITH &&) WHERE (NOT cancelled)")


def booking(*table_args: Callable[[], object]) -> Models:
    def build(base: type[DeclarativeBase]) -> object:
        class Booking(base):  # type: ignore[valid-type, misc]
            __tablename__ = "booking"
            id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
            during: Mapped[Range[datetime.datetime]] = mapped_column(TSTZRANGE)
            seats: Mapped[Range[int] | None] = mapped_column(
                sa.dialects.postgresql.INT4RANGE)
            cancelled: Mapped[bool] = mapped_column(server_default=sa.false())
            __table_args__ = tuple(arg() for arg in table_args)

        return Booking

    return build


def no_overlap(**kw: object) -> Callable[[], ExcludeConstraint]:
    return lambda: _no_overlap(**kw)


def _no_overlap(**kw: object) -> ExcludeConstraint:
    options: dict[str, object] = {"name": "booking_no_overlap", "using": "gist",
                                  "where": sa.text("NOT cancelled")}
    options.update(kw)
    elements = options.pop("elements", (("seats", "&&"), ("during", "&&")))
    return ExcludeConstraint(*elements, **options)  # type: ignore[arg-type]


EXCLUSION_CASES = [
    Case("an exclusion constraint only in the database", BOOKING_SQL + EXCLUDE + ";",
         booking(), [("exclusion_constraint", D, None, "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint only in the models", BOOKING_SQL, booking(no_overlap()),
         [("exclusion_constraint", M, None, "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint's WHERE differs", BOOKING_SQL + EXCLUDE + ";",
         booking(no_overlap(where=None)),
         [("exclusion_constraint", X, "where", "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint's operators differ", BOOKING_SQL + EXCLUDE + ";",
         booking(no_overlap(elements=(("seats", "&&"), ("during", "-|-")))),
         [("exclusion_constraint", X, "expressions", "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint's elements differ", BOOKING_SQL + EXCLUDE + ";",
         booking(no_overlap(elements=(("during", "&&"),))),
         [("exclusion_constraint", X, "expressions", "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint's method differs", BOOKING_SQL + EXCLUDE + ";",
         booking(no_overlap(using="spgist", elements=(("during", "&&"),))),
         [("exclusion_constraint", X, "expressions", "public.booking.booking_no_overlap"),
          ("exclusion_constraint", X, "method", "public.booking.booking_no_overlap")]),
    Case("an exclusion constraint's deferrable differs",
         BOOKING_SQL + EXCLUDE + " DEFERRABLE INITIALLY DEFERRED;", booking(no_overlap()),
         [("exclusion_constraint", X, "deferrable", "public.booking.booking_no_overlap")]),
]

# ---------------------------------------------------------------- operator classes

CUSTOMER_SQL = (
    "CREATE TABLE customer (id integer NOT NULL, email character varying(200));"
    "ALTER TABLE ONLY customer ADD CONSTRAINT pk_customer PRIMARY KEY (id);"
)


def customer(*table_args: Callable[[], object]) -> Models:
    def build(base: type[DeclarativeBase]) -> object:
        class Customer(base):  # type: ignore[valid-type, misc]
            __tablename__ = "customer"
            id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
            email: Mapped[str | None] = mapped_column(sa.String(200))
            __table_args__ = tuple(arg() for arg in table_args)

        return Customer

    return build


OPCLASS_CASES = [
    Case("an index that differs only in its operator class",
         CUSTOMER_SQL + "CREATE INDEX ix_customer_email ON customer (email varchar_pattern_ops);",
         customer(lambda: sa.Index("ix_customer_email", "email")),
         [("index", X, "opclass", "public.customer.ix_customer_email")]),
    Case("an index whose operator class differs from the declared one",
         CUSTOMER_SQL + "CREATE INDEX ix_customer_email ON customer (email);",
         customer(lambda: sa.Index("ix_customer_email", "email",
                           postgresql_ops={"email": "varchar_pattern_ops"})),
         [("index", X, "opclass", "public.customer.ix_customer_email")]),
]

# ---------------------------------------------------------------- equivalent: must stay silent

SILENT_CASES = [
    Case("a domain with several checks = one check of their conjunction", DOMAINS, grade(), []),
    Case("a domain registered with the metadata",
         "CREATE DOMAIN posint AS integer CHECK (VALUE > 0);", registered_domain, []),
    Case("a domain's checks in another order and spelling",
         "CREATE DOMAIN percent AS numeric(5,2) CHECK (VALUE <= 100 AND VALUE >= 0);"
         + STATUS_SQL + CODE_SQL + GRADE_SQL, grade(), []),
    Case("DEFERRABLE INITIALLY DEFERRED primary and unique keys on both sides",
         LEDGER_SQL + PK_DEFERRED + UQ + " DEFERRABLE INITIALLY DEFERRED;",
         ledger(lambda: sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED"),
                lambda: sa.UniqueConstraint("position", deferrable=True, initially="DEFERRED")),
         []),
    Case("INITIALLY DEFERRED alone makes a key DEFERRABLE",
         LEDGER_SQL + PK_DEFERRED,
         ledger(lambda: sa.PrimaryKeyConstraint("id", initially="DEFERRED")), []),
    Case("NOT VALID constraints declared NOT VALID",
         LEDGER_SQL + PK + ";" + CK + " NOT VALID;" + FK + " NOT VALID;",
         ledger(None, lambda: sa.CheckConstraint("amount > 0", name="positive",
                                         postgresql_not_valid=True),
                lambda: sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                                postgresql_not_valid=True)), []),
    Case("constraints declared NOT VALID and validated since",
         LEDGER_SQL + PK + ";" + CK + ";" + FK + ";",
         ledger(None, lambda: sa.CheckConstraint("amount > 0", name="positive",
                                         postgresql_not_valid=True),
                lambda: sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                                postgresql_not_valid=True)), []),
    Case("an unnamed unique constraint = a unique index of another name",
         LEDGER_SQL + PK + ";" + "CREATE UNIQUE INDEX ledger_position_idx ON ledger (position);",
         ledger(None, lambda: sa.UniqueConstraint("position", name=None)), []),
    Case("the same exclusion constraint", BOOKING_SQL + EXCLUDE + ";",
         booking(no_overlap()), []),
    Case("the same exclusion constraint, unnamed in the models", BOOKING_SQL
         + "ALTER TABLE booking ADD EXCLUDE USING gist (seats WITH &&, during WITH &&)"
           " WHERE (NOT cancelled);",
         booking(no_overlap(name=None)), []),
    Case("the same operator class", CUSTOMER_SQL
         + "CREATE INDEX ix_customer_email ON customer (email varchar_pattern_ops);",
         customer(lambda: sa.Index("ix_customer_email", "email",
                           postgresql_ops={"email": "varchar_pattern_ops"})), []),
]

class Vector(sa.types.UserDefinedType[list[float]]):
    """pgvector's type as a project without the pgvector package writes it."""

    cache_ok = True

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def get_col_spec(self, **kw: object) -> str:
        return f"VECTOR({self.dim})"


def embedding_domain(base: type[DeclarativeBase]) -> object:
    class Item(base):  # type: ignore[valid-type, misc]
        __tablename__ = "item"
        id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
        embedding: Mapped[list[float] | None] = mapped_column(
            DOMAIN("embedding", Vector(3), not_null=True))

    return Item


SILENT_CASES.append(Case(
    "a domain over an extension's type",
    "CREATE EXTENSION vector; CREATE DOMAIN embedding AS vector(3) NOT NULL;"
    "CREATE TABLE item (id integer NOT NULL, embedding embedding);"
    "ALTER TABLE ONLY item ADD CONSTRAINT pk_item PRIMARY KEY (id);",
    embedding_domain, []))

SILENT_CASES.append(Case(
    "an exclusion constraint naming the default operator class of a range",
    BOOKING_SQL + EXCLUDE + ";",
    booking(no_overlap(ops={"seats": "range_ops", "during": "range_ops"})), []))

CASES = DOMAIN_CASES + OPTION_CASES + EXCLUSION_CASES + OPCLASS_CASES + SILENT_CASES


def rows(found: list) -> list[Row]:  # type: ignore[type-arg]
    return sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found)


def snapshots(case: Case, run_sql, database_url: str) -> tuple[Snapshot, Snapshot]:  # type: ignore[no-untyped-def]
    run_sql(case.db)
    base = new_base()
    case.models(base)
    return declare_metadata(base.metadata, ("public",)), reflect_snapshot(database_url, ("public",))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_object_kind(case: Case, run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    models, database = snapshots(case, run_sql, database_url)
    assert rows(compare_snapshots(models, database)) == sorted(case.expected)
    # offline comparison of saved snapshots gives the same findings
    again = compare_snapshots(Snapshot.from_json(models.to_json()),
                              Snapshot.from_json(database.to_json()))
    assert rows(again) == sorted(case.expected)


def values(case: Case, run_sql, database_url: str) -> dict[str, tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    found = compare_snapshots(*snapshots(case, run_sql, database_url))
    return {
        f"{m.path} {m.attribute}": (m.severity.value,
                                    side_value(Finding(m, Status.UNEXPECTED), "models"),
                                    side_value(Finding(m, Status.UNEXPECTED), "database"))
        for m in found
    }


def test_a_dropped_domain_check_says_which(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    found = values(DOMAIN_CASES[0], run_sql, database_url)
    assert found == {"public.percent checks": (
        "warning", "(value <= 100, value >= 0)", "(value >= 0)")}


def test_domain_values_and_severities(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    run_sql(DOMAINS + "ALTER DOMAIN status_code DROP NOT NULL;"
            "ALTER DOMAIN status_code SET DEFAULT 'open';")
    base = new_base()
    grade(percent=DOMAIN("percent", sa.Numeric(6, 2), check="VALUE >= 0 AND VALUE <= 100"),
          code=DOMAIN("code", sa.Text))(base)
    found = compare_snapshots(declare_metadata(base.metadata, ("public",)),
                              reflect_snapshot(database_url, ("public",)))
    got = {(m.name, m.attribute): (m.severity.value, m.models, m.database) for m in found}
    assert got == {
        ("percent", "type"): ("error", "numeric(6,2)", "numeric(5,2)"),
        ("status_code", "nullable"): ("warning", False, True),
        ("status_code", "default"): ("warning", "'new'", "'open'"),
        ("code", "collation"): ("warning", None, '"C"'),
    }


def test_constraint_options_say_what_differs(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    found = values(OPTION_CASES[0], run_sql, database_url)
    assert found == {"public.ledger.pk_ledger deferrable": (
        "warning", "NOT DEFERRABLE", "DEFERRABLE INITIALLY DEFERRED")}


def test_a_unique_index_standing_for_a_named_constraint_is_a_warning(  # type: ignore[no-untyped-def]
    run_sql, database_url: str
) -> None:
    found = values(OPTION_CASES[5], run_sql, database_url)
    assert found == {"public.ledger.uq_ledger_position constraint_kind": (
        "warning", "unique constraint", "unique index")}


def test_an_index_declared_where_the_database_has_the_constraint_is_info(  # type: ignore[no-untyped-def]
    run_sql, database_url: str
) -> None:
    found = values(OPTION_CASES[6], run_sql, database_url)
    assert found == {"public.ledger.uq_ledger_position constraint_kind": (
        "info", "unique index", "unique constraint")}


def test_an_operator_class_difference_names_the_element(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    found = values(OPCLASS_CASES[0], run_sql, database_url)
    assert found == {"public.customer.ix_customer_email opclass": (
        "warning", "(none)", "(email varchar_pattern_ops)")}


def test_exclusion_constraint_as_read_and_described(run_sql, database_url: str) -> None:  # type: ignore[no-untyped-def]
    found = values(EXCLUSION_CASES[0], run_sql, database_url)
    assert found == {"public.booking.booking_no_overlap None": (
        "warning", "(absent)",
        "EXCLUDE USING gist (seats WITH &&, during WITH &&) WHERE NOT cancelled")}


def test_what_create_all_builds_from_the_models_is_no_drift(  # type: ignore[no-untyped-def]
    database_url: str, engine: sa.Engine
) -> None:
    """Every declaration of this file at once, created by create_all(): nothing to report."""
    base = new_base()
    grade()(base)
    registered_domain(base)
    ledger(lambda: sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED"),
           lambda: sa.UniqueConstraint("position", deferrable=True),
           lambda: sa.CheckConstraint("amount > 0", name="positive", postgresql_not_valid=True),
           lambda: sa.ForeignKeyConstraint(["account_id"], ["account.id"],
                                           postgresql_not_valid=True))(base)
    booking(no_overlap(deferrable=True, initially="DEFERRED"),
            no_overlap(name=None, elements=(("seats", "&&"),), where=None))(base)
    customer(lambda: sa.Index("ix_customer_email", "email",
                              postgresql_ops={"email": "varchar_pattern_ops"}))(base)
    base.metadata.create_all(engine)
    models = declare_metadata(base.metadata, ("public",))
    database = reflect_snapshot(database_url, ("public",))
    assert compare_snapshots(models, database) == []
    assert {d.name for d in database.schemas[0].domains} == {
        "code", "percent", "posint", "status_code"}
    booking_table = database.schemas[0].table("booking")
    assert booking_table is not None and len(booking_table.exclusion_constraints) == 2
