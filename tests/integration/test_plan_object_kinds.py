"""drift plan on domains, exclusion constraints, constraint options and operator classes.

Revisions written by Alembic, run on a scratch copy of the live schema (which
has domains and an exclusion constraint, so the copy must build them too),
and checked to converge; what the planner cannot do is a MANUAL note, never a
crash.
"""

from __future__ import annotations

import datetime
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects.postgresql import DOMAIN, TSTZRANGE, ExcludeConstraint, Range
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from drift.classify.classifier import classify
from drift.classify.expectations import ExpectationsFile
from drift.compare import compare_snapshots
from drift.plan import PlanOptions, StepKind, build_plan
from drift.plan.revision_writer import write_revisions
from drift.plan.verify import verify_plan
from drift.sources.database.reflect import reflect_snapshot
from drift.sources.models.declare import declare_metadata

LIVE_SQL = """
CREATE DOMAIN percent AS numeric(5,2) CONSTRAINT percent_min CHECK (VALUE >= 0);
CREATE DOMAIN old_code AS text;
CREATE DOMAIN qty AS integer DEFAULT 1;
CREATE TABLE account (id integer NOT NULL, code text);
ALTER TABLE ONLY account ADD CONSTRAINT pk_account PRIMARY KEY (id);
ALTER TABLE ONLY account ADD CONSTRAINT uq_account_code UNIQUE (code);
CREATE TABLE ledger (id integer NOT NULL, account_id integer, "position" integer,
                     amount numeric(12,2), share percent, memo text, qty qty);
ALTER TABLE ONLY ledger ADD CONSTRAINT pk_ledger PRIMARY KEY (id);
ALTER TABLE ledger ADD CONSTRAINT fk_ledger_account_id_account
    FOREIGN KEY (account_id) REFERENCES account (id) NOT VALID;
ALTER TABLE ledger ADD CONSTRAINT ck_ledger_positive CHECK (amount > 0) NOT VALID;
CREATE UNIQUE INDEX uq_ledger_position ON ledger ("position");
CREATE INDEX ix_ledger_memo ON ledger (memo);
CREATE TABLE booking (id integer NOT NULL, during tstzrange NOT NULL,
                      cancelled boolean DEFAULT false NOT NULL);
ALTER TABLE ONLY booking ADD CONSTRAINT pk_booking PRIMARY KEY (id);
ALTER TABLE ONLY booking ADD CONSTRAINT booking_during_excl
    EXCLUDE USING gist (during WITH =);
"""

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING)


Percent = DOMAIN("percent", sa.Numeric(5, 2), check="VALUE >= 0 AND VALUE <= 100")
Qty = DOMAIN("qty", sa.Integer, default=sa.text("0"), not_null=True)
StatusCode = DOMAIN("status_code", sa.String(10), default="new", not_null=True)


class Account(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    code: Mapped[str | None] = mapped_column(sa.Text)
    __table_args__ = (sa.Index("uq_account_code", "code", unique=True),)


class Ledger(Base):
    __tablename__ = "ledger"
    id: Mapped[int] = mapped_column(autoincrement=False)
    account_id: Mapped[int | None] = mapped_column()
    position: Mapped[int | None]
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    share: Mapped[Decimal | None] = mapped_column(Percent)
    memo: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str | None] = mapped_column(StatusCode)
    qty: Mapped[int | None] = mapped_column(Qty)
    __table_args__ = (
        sa.PrimaryKeyConstraint("id", deferrable=True, initially="DEFERRED"),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.CheckConstraint("amount > 0", name="positive"),
        sa.UniqueConstraint("position"),
        sa.Index("ix_ledger_memo", "memo", postgresql_ops={"memo": "text_pattern_ops"}),
    )


class Booking(Base):
    __tablename__ = "booking"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    during: Mapped[Range[datetime.datetime]] = mapped_column(TSTZRANGE)
    cancelled: Mapped[bool] = mapped_column(server_default=sa.false())
    __table_args__ = (
        ExcludeConstraint(("during", "&&"), name="booking_no_overlap", using="gist",
                          where=sa.text("NOT cancelled")),
    )


def test_a_plan_over_the_new_kinds_converges_or_says_manual(
    run_sql, database_url: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    run_sql(LIVE_SQL)
    schemas = ("public",)
    models = declare_metadata(Base.metadata, schemas)
    database = reflect_snapshot(database_url, schemas)
    found = compare_snapshots(models, database)
    assert sorted((m.object_type.value, m.change.value, m.attribute, m.path) for m in found) == [
        ("check_constraint", "differs", "validated", "public.ledger.ck_ledger_positive"),
        ("column", "only_in_models", None, "public.ledger.status"),
        ("domain", "differs", "checks", "public.percent"),
        ("domain", "differs", "default", "public.qty"),
        ("domain", "differs", "nullable", "public.qty"),
        ("domain", "only_in_database", None, "public.old_code"),
        ("domain", "only_in_models", None, "public.status_code"),
        ("exclusion_constraint", "only_in_database", None, "public.booking.booking_during_excl"),
        ("exclusion_constraint", "only_in_models", None, "public.booking.booking_no_overlap"),
        ("foreign_key", "differs", "validated", "public.ledger.fk_ledger_account_id_account"),
        ("index", "differs", "constraint_kind", "public.account.uq_account_code"),
        ("index", "differs", "opclass", "public.ledger.ix_ledger_memo"),
        ("primary_key", "differs", "deferrable", "public.ledger.pk_ledger"),
        ("unique_constraint", "differs", "constraint_kind", "public.ledger.uq_ledger_position"),
    ]
    classification = classify(found, ExpectationsFile((), ()), date(2026, 1, 1))
    plan = build_plan(classification.findings, (), models, database,
                      PlanOptions(allow_destructive=True))
    manual = sorted(st.path for st in plan.steps if st.kind is StepKind.MANUAL)
    # the domain's checks (which constraint to drop is a person's call): a note, no operation
    assert manual == ["public.percent"]

    migrations = tmp_path / "migrations"
    command.init(Config(str(migrations / "alembic.ini")), str(migrations))
    written = write_revisions(plan, migrations, url=database_url)
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, schemas, scratch_url=database_url,
                         downgrade=True)
    assert report.rebuild_differences == ()
    assert report.converged, report
    assert [r.left_disabled for r in report.revisions] == [1]
    assert report.downgrade_ran
    # VALIDATE CONSTRAINT has no downgrade: a validated constraint where the schema had a
    # NOT VALID one is no drift (the rule of the `validated` attribute)
    assert report.downgrade_differences == ()


HOSTILE = 'Dom "x"; DROP TABLE t; --'
QUOTED = HOSTILE.replace('"', '""')
HOSTILE_SQL = (
    'CREATE SCHEMA "Odd Schema";'
    f'CREATE DOMAIN "Odd Schema"."{QUOTED}" AS text COLLATE "C" CHECK (VALUE <> \'it\'\'s\');'
    'CREATE TABLE "Odd Schema"."T t" ("Id" integer NOT NULL, "During ""x""" tstzrange);'
    'ALTER TABLE ONLY "Odd Schema"."T t" ADD CONSTRAINT "T t_pkey" PRIMARY KEY ("Id");'
    f'ALTER TABLE ONLY "Odd Schema"."T t" ADD CONSTRAINT "{QUOTED}"'
    ' EXCLUDE USING gist ("During ""x""" WITH &&) WHERE ("Id" > 0);'
)


def test_hostile_names_of_domains_and_exclusion_constraints_are_quoted(
    run_sql, database_url: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Dropped by the plan, then created again by its downgrade: quoted both ways."""
    run_sql(HOSTILE_SQL)
    schemas = ("Odd Schema",)
    md = sa.MetaData()
    sa.Table("T t", md, sa.Column("Id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column('During "x"', TSTZRANGE), schema="Odd Schema")
    models = declare_metadata(md, schemas)
    database = reflect_snapshot(database_url, schemas)
    found = compare_snapshots(models, database)
    assert sorted((m.object_type.value, m.path) for m in found) == [
        ("domain", f"Odd Schema.{HOSTILE}"),
        ("exclusion_constraint", f"Odd Schema.T t.{HOSTILE}"),
    ]
    classification = classify(found, ExpectationsFile((), ()), date(2026, 1, 1))
    plan = build_plan(classification.findings, (), models, database,
                      PlanOptions(allow_destructive=True))
    migrations = tmp_path / "migrations"
    command.init(Config(str(migrations / "alembic.ini")), str(migrations))
    written = write_revisions(plan, migrations, url=database_url)
    report = verify_plan(plan, tuple(w.rev_id for w in written.revisions), written.start,
                         migrations, database, models, schemas, scratch_url=database_url,
                         downgrade=True)
    assert report.rebuild_differences == ()
    assert report.converged, report
    assert report.downgrade_ran and report.downgrade_differences == ()
