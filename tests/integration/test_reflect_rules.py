"""What the reader records, object by object, on schemas the way real projects have them.

Every object is created with SQL in a fresh database, outside ``public`` and under hostile
names (quotes, dots, spaces, capitals); the snapshot's records are stated by hand, whole.
Races with DDL are in ``test_reflect_races.py``.
"""

from __future__ import annotations

from dataclasses import replace

from drift.schema import (
    CheckConstraint,
    Column,
    Domain,
    EnumType,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    Snapshot,
    Table,
    UniqueConstraint,
    View,
)
from drift.sources.database.reflect import reflect_snapshot

BILLING = '"Billing.Ops"'


def _schema(snap: Snapshot, name: str = "Billing.Ops") -> Schema:
    found = snap.schema(name)
    assert found is not None, f"schema {name} not reflected"
    return found


def _table(snap: Snapshot, name: str, schema: str = "Billing.Ops") -> Table:
    table = _schema(snap, schema).table(name)
    assert table is not None, f"table {schema}.{name} not reflected"
    return table


def test_domains_with_defaults_collations_and_several_checks(run_sql, database_url: str) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE DOMAIN {BILLING}."Money Amount" AS numeric(12,2) DEFAULT '0' NOT NULL
            CONSTRAINT amount_min CHECK (VALUE >= 0) CONSTRAINT amount_max CHECK (VALUE < 1000000);
        CREATE DOMAIN {BILLING}.iso_code AS text COLLATE "C"
            CONSTRAINT iso_code_length CHECK (length(VALUE) = 3);
        CREATE DOMAIN {BILLING}.booked_at AS timestamp(6) with time zone DEFAULT now();
        CREATE DOMAIN {BILLING}.ledger_id AS bigint;
        -- checks PostgreSQL already prints the canonical way keep no text as read
        CREATE DOMAIN {BILLING}.clock_ok AS boolean
            CONSTRAINT a_finite CHECK (isfinite(now())) CONSTRAINT b_on CHECK (true);
        CREATE DOMAIN public.percent AS smallint CHECK (VALUE BETWEEN 0 AND 100);
    """)
    snap = reflect_snapshot(database_url, ("Billing.Ops", "public"))
    assert _schema(snap).domains == (
        Domain(
            name="Money Amount", type="numeric(12,2)", nullable=False, default="0",
            checks=("value < 1000000", "value >= 0"),
            # the checks as read, in the order of their names
            raw=(
                ("checks", "(VALUE < (1000000)::numeric); (VALUE >= (0)::numeric)"),
                ("default", "'0'::numeric"),
            ),
        ),
        Domain(
            name="booked_at", type="timestamp with time zone", default="now()",
            raw=(("type", "timestamp(6) with time zone"),),
        ),
        Domain(name="clock_ok", type="boolean", checks=("isfinite(now())", "true")),
        Domain(
            name="iso_code", type="text", collation='"C"', checks=("length(value) = 3",),
            raw=(("checks", "(length(VALUE) = 3)"),),
        ),
        Domain(name="ledger_id", type="bigint"),
    )
    assert _schema(snap, "public").domains == (
        Domain(
            name="percent", type="smallint", checks=("value <= 100", "value >= 0"),
            raw=(("checks", "((VALUE >= 0) AND (VALUE <= 100))"),),
        ),
    )


def test_exclusion_constraints_with_expressions_predicates_and_deferral(
    run_sql, database_url: str
) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE TABLE {BILLING}."Room ""A"" Booking" (
            id integer NOT NULL, "Room" integer NOT NULL, lo integer, hi integer,
            during tsrange, cancelled boolean NOT NULL DEFAULT false,
            CONSTRAINT zz_span_excl EXCLUDE USING gist
                (int4range(lo, hi, '[]') WITH &&, int4range("Room", "Room", '[]') WITH =),
            CONSTRAINT "No Overlap" EXCLUDE USING gist (during WITH &&) WHERE (NOT cancelled)
                DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT id_excl EXCLUDE USING btree (id WITH =) DEFERRABLE);
    """)
    table = _table(reflect_snapshot(database_url, ("Billing.Ops",)), 'Room "A" Booking')
    assert table.indexes == ()  # the constraints' indexes are the constraints
    assert table.exclusion_constraints == (
        ExclusionConstraint(
            name="No Overlap", elements=(IndexElement(expression="during"),), operators=("&&",),
            method="gist", where="NOT cancelled", deferrable=True, initially_deferred=True,
            raw=(("where", "(NOT cancelled)"),),
        ),
        ExclusionConstraint(
            name="id_excl", elements=(IndexElement(expression="id"),), operators=("=",),
            method="btree", deferrable=True,
        ),
        ExclusionConstraint(
            name="zz_span_excl",
            elements=(
                IndexElement(expression="int4range(lo, hi, '[]')", is_column=False),
                IndexElement(expression="int4range(\"Room\", \"Room\", '[]')", is_column=False),
            ),
            operators=("&&", "="),
            method="gist",
            raw=(("expressions",
                  "int4range(lo, hi, '[]'::text); int4range(\"Room\", \"Room\", '[]'::text)"),),
        ),
    )


def test_identity_serial_and_sequences_created_apart(run_sql, database_url: str) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE SEQUENCE {BILLING}."Invoice No" AS integer
            START 1010 INCREMENT 10 MINVALUE 1000 MAXVALUE 999999 CYCLE;
        CREATE SEQUENCE {BILLING}.countdown INCREMENT -1;
        CREATE SEQUENCE {BILLING}.legacy_seq;
        CREATE SEQUENCE public.shared_seq AS smallint;
        CREATE TABLE {BILLING}.invoice (
            id bigint GENERATED ALWAYS AS IDENTITY,
            line integer GENERATED BY DEFAULT AS IDENTITY (START 5),
            "Serial No" serial,
            legacy integer NOT NULL DEFAULT nextval('{BILLING}.legacy_seq'),
            number integer DEFAULT nextval('{BILLING}."Invoice No"'),
            shared smallint DEFAULT nextval('public.shared_seq'::regclass),
            net numeric(12,2) NOT NULL DEFAULT '0',
            gross numeric(12,2) GENERATED ALWAYS AS (net * 1.2) STORED,
            issued_at timestamp(6) with time zone DEFAULT CURRENT_TIMESTAMP,
            paid_at timestamp(3) without time zone,
            state varchar(10) DEFAULT 'open' COLLATE "C",
            "Note" text);
        -- a sequence created apart and then owned by its column is that column's serial
        ALTER SEQUENCE {BILLING}.legacy_seq OWNED BY {BILLING}.invoice.legacy;
        COMMENT ON TABLE {BILLING}.invoice IS 'one row per invoice';
        COMMENT ON COLUMN {BILLING}.invoice."Note" IS 'free text, shown on the PDF';
    """)
    snap = reflect_snapshot(database_url, ("Billing.Ops", "public"))
    invoice = _table(snap, "invoice")
    assert invoice.comment == "one row per invoice"
    assert invoice.columns == (
        Column(name="id", type="bigint", nullable=False, identity="always"),
        Column(name="line", type="integer", nullable=False, identity="by default"),
        Column(
            name="Serial No", type="integer", nullable=False, serial=True,
            owned_sequence='"Billing.Ops"."invoice_Serial No_seq"',
            raw=(("default", "nextval('\"Billing.Ops\".\"invoice_Serial No_seq\"'::regclass)"),),
        ),
        Column(
            name="legacy", type="integer", nullable=False, serial=True,
            owned_sequence='"Billing.Ops".legacy_seq',
            raw=(("default", "nextval('\"Billing.Ops\".legacy_seq'::regclass)"),),
        ),
        Column(
            name="number", type="integer", sequence='"Billing.Ops"."Invoice No"',
            raw=(("default", "nextval('\"Billing.Ops\".\"Invoice No\"'::regclass)"),),
        ),
        Column(
            name="shared", type="smallint", sequence="public.shared_seq",
            raw=(("default", "nextval('public.shared_seq'::regclass)"),),
        ),
        Column(
            name="net", type="numeric(12,2)", nullable=False, default="0",
            raw=(("default", "'0'::numeric"),),
        ),
        Column(
            name="gross", type="numeric(12,2)", computed="net * 1.2",
            raw=(("computed", "(net * 1.2)"),),
        ),
        Column(
            name="issued_at", type="timestamp with time zone", default="now()",
            raw=(("default", "CURRENT_TIMESTAMP"), ("type", "timestamp(6) with time zone")),
        ),
        Column(name="paid_at", type="timestamp(3) without time zone"),
        Column(
            name="state", type="character varying(10)", default="'open'", collation='"C"',
            raw=(("default", "'open'::character varying"),),
        ),
        Column(name="Note", type="text", comment="free text, shown on the PDF"),
    )
    # owned sequences (serial, OWNED BY, identity) belong to their columns
    assert _schema(snap).sequences == (
        Sequence(
            name="Invoice No", data_type="integer", start=1010, increment=10, min_value=1000,
            max_value=999999, cycle=True,
        ),
        Sequence(name="countdown", start=-1, increment=-1),
    )
    assert _schema(snap, "public").sequences == (Sequence(name="shared_seq", data_type="smallint"),)


def test_a_timestamp_with_its_default_precision_keeps_the_type_as_read(
    run_sql, database_url: str
) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE TABLE {BILLING}.audit (at timestamp(6) with time zone NOT NULL,
                                      "Who" text DEFAULT 'system');
    """)
    assert _table(reflect_snapshot(database_url, ("Billing.Ops",)), "audit").columns == (
        Column(
            name="at", type="timestamp with time zone", nullable=False,
            raw=(("type", "timestamp(6) with time zone"),),
        ),
        Column(name="Who", type="text", default="'system'", raw=(("default", "'system'::text"),)),
    )


def test_indexes_sorted_by_name_with_every_element_option(run_sql, database_url: str) -> None:
    # created out of name order: the reader sorts them
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE TABLE {BILLING}."Customer" ("Customer ID" integer NOT NULL, email text,
                                           "Full Name" text, region text COLLATE "C",
                                           score numeric, created date);
        CREATE INDEX ix_score_plus ON {BILLING}."Customer" ((score + 1), (score * 2));
        CREATE INDEX ix_score ON {BILLING}."Customer"
            (score DESC NULLS LAST, "Customer ID" NULLS FIRST) INCLUDE (email) WHERE score > 0;
        CREATE INDEX ix_region ON {BILLING}."Customer" (region COLLATE "C");
        CREATE INDEX ix_name_c ON {BILLING}."Customer"
            ("Full Name" COLLATE "C" text_pattern_ops DESC);
        CREATE INDEX ix_customer_id ON {BILLING}."Customer" ("Customer ID");
        CREATE INDEX ix_created ON {BILLING}."Customer" USING brin (created);
        CREATE UNIQUE INDEX "Ix Email" ON {BILLING}."Customer" (lower(email), upper("Full Name"));
    """)
    customer = _table(reflect_snapshot(database_url, ("Billing.Ops",)), "Customer")
    assert customer.indexes == (
        Index(name="Ix Email", unique=True, elements=(
            IndexElement(expression="lower(email)", is_column=False),
            IndexElement(expression='upper("Full Name")', is_column=False),
        )),
        Index(name="ix_created", elements=(IndexElement(expression="created"),), method="brin"),
        Index(name="ix_customer_id", elements=(IndexElement(expression="Customer ID"),)),
        Index(name="ix_name_c", elements=(IndexElement(
            expression="Full Name", descending=True, opclass="text_pattern_ops", collation='"C"',
        ),)),
        # the column's own collation is not repeated on the element
        Index(name="ix_region", elements=(IndexElement(expression="region"),)),
        Index(
            name="ix_score", where="score > 0", include=("email",),
            elements=(IndexElement(expression="score", descending=True, nulls_first=False),
                      IndexElement(expression="Customer ID", nulls_first=True)),
            raw=(("where", "(score > (0)::numeric)"),),
        ),
        Index(
            name="ix_score_plus",
            elements=(IndexElement(expression="score + 1", is_column=False),
                      IndexElement(expression="score * 2", is_column=False)),
            raw=(("expressions", "(score + 1::numeric); (score * 2::numeric)"),),
        ),
    )


def test_keys_and_constraints_sorted_by_name_across_schemas(run_sql, database_url: str) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE SCHEMA crm;
        CREATE TABLE crm."Account" ("Account ID" integer, region text, code text,
            CONSTRAINT account_pk PRIMARY KEY (region, "Account ID"),
            CONSTRAINT account_code_key UNIQUE (code));
        CREATE TABLE {BILLING}.payer (id integer PRIMARY KEY, "Tax No" text);
        CREATE TABLE {BILLING}."Payment" (
            id integer, payer_id integer, account_id integer, account_region text,
            account_code text, amount numeric, "Ref" text,
            CONSTRAINT mm_payment_code FOREIGN KEY (account_code) REFERENCES crm."Account" (code)
                DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT "Payment Account" FOREIGN KEY (account_id, account_region)
                REFERENCES crm."Account" ("Account ID", region)
                MATCH FULL ON DELETE SET DEFAULT ON UPDATE CASCADE,
            CONSTRAINT zz_ref_key UNIQUE ("Ref") DEFERRABLE INITIALLY DEFERRED,
            CONSTRAINT aa_ref_amount_key UNIQUE NULLS NOT DISTINCT ("Ref", amount),
            CONSTRAINT "Amount Small" CHECK (amount < 10000));
        ALTER TABLE {BILLING}."Payment"
            ADD CONSTRAINT "Payment PK" PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED,
            ADD CONSTRAINT zz_payment_payer FOREIGN KEY (payer_id) REFERENCES {BILLING}.payer (id)
                ON DELETE SET NULL ON UPDATE RESTRICT NOT VALID,
            ADD CONSTRAINT "Amount Positive" CHECK (amount > 0) NOT VALID;
    """)
    # crm is not read: its columns are named by the foreign keys' own query
    payment = _table(reflect_snapshot(database_url, ("Billing.Ops",)), "Payment")
    assert payment.primary_key == PrimaryKey(
        name="Payment PK", columns=("id",), deferrable=True, initially_deferred=True
    )
    assert payment.foreign_keys == (
        ForeignKey(
            name="Payment Account", columns=("account_id", "account_region"),
            referred_schema="crm", referred_table="Account",
            referred_columns=("Account ID", "region"), on_delete="SET DEFAULT",
            on_update="CASCADE", match="FULL",
        ),
        ForeignKey(
            name="mm_payment_code", columns=("account_code",), referred_schema="crm",
            referred_table="Account", referred_columns=("code",), deferrable=True,
            initially_deferred=True,
        ),
        ForeignKey(
            name="zz_payment_payer", columns=("payer_id",), referred_schema="Billing.Ops",
            referred_table="payer", referred_columns=("id",), on_delete="SET NULL",
            on_update="RESTRICT", validated=False,
        ),
    )
    assert payment.unique_constraints == (
        UniqueConstraint(name="aa_ref_amount_key", columns=("Ref", "amount"),
                         nulls_not_distinct=True),
        UniqueConstraint(name="zz_ref_key", columns=("Ref",), deferrable=True,
                         initially_deferred=True),
    )
    assert payment.check_constraints == (
        CheckConstraint(
            name="Amount Positive", expression="amount > 0",
            raw=(("expression", "(amount > (0)::numeric)"),), validated=False,
        ),
        CheckConstraint(
            name="Amount Small", expression="amount < 10000",
            raw=(("expression", "(amount < (10000)::numeric)"),),
        ),
    )
    assert payment.indexes == ()  # those of the keys are the keys


LEDGER_COLUMNS = (
    Column(name="id", type="bigint", nullable=False),
    Column(name="booked_on", type="date", nullable=False),
    Column(name="amount", type="numeric(12,2)"),
)
AMOUNT_NONZERO = CheckConstraint(
    name="amount_nonzero", expression="amount <> 0",
    raw=(("expression", "(amount <> (0)::numeric)"),),
)


def _amount_index(name: str) -> Index:
    return Index(name=name, elements=(IndexElement(expression="amount"),))


def _ledger_part(name: str, **options: object) -> Table:
    """A partition of the ledger as PostgreSQL makes it: the parent's key, check and index."""
    return Table(
        name=name, columns=LEDGER_COLUMNS, check_constraints=(AMOUNT_NONZERO,),
        primary_key=PrimaryKey(name=f"{name}_pkey", columns=("id", "booked_on")),
        indexes=(_amount_index(f"{name}_amount_idx"),),
        inherited=(f"{name}_amount_idx", f"{name}_pkey", "amount_nonzero"),
        **options,  # type: ignore[arg-type]
    )


def test_partitions_nest_in_their_parent_level_by_level(run_sql, database_url: str) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE SCHEMA archive;
        CREATE TABLE {BILLING}."Ledger Entry" (
            id bigint NOT NULL, booked_on date NOT NULL,
            amount numeric(12,2) CONSTRAINT amount_nonzero CHECK (amount <> 0),
            CONSTRAINT "Ledger PK" PRIMARY KEY (id, booked_on)
        ) PARTITION BY RANGE (booked_on);
        CREATE INDEX ix_ledger_amount ON {BILLING}."Ledger Entry" (amount);
        CREATE TABLE {BILLING}."Ledger 2025" PARTITION OF {BILLING}."Ledger Entry"
            FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (id);
        CREATE TABLE {BILLING}."Ledger 2025 odd" PARTITION OF {BILLING}."Ledger 2025"
            FOR VALUES IN (1, 3);
        CREATE TABLE {BILLING}."Ledger 2024" PARTITION OF {BILLING}."Ledger Entry"
            FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
        -- a partition in another schema is not matched by name with the models: left out
        CREATE TABLE archive.ledger_2023 PARTITION OF {BILLING}."Ledger Entry"
            FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
        CREATE INDEX ix_own_2024 ON {BILLING}."Ledger 2024" (booked_on);
        ALTER TABLE {BILLING}."Ledger 2024" ADD CONSTRAINT own_check CHECK (id > 0);
        CREATE TABLE {BILLING}.zz_plain (id integer);
    """)
    snap = reflect_snapshot(database_url, ("Billing.Ops", "archive"))
    assert _schema(snap, "archive") == Schema(name="archive")
    own_2024 = Index(name="ix_own_2024", elements=(IndexElement(expression="booked_on"),))
    own_check = CheckConstraint(name="own_check", expression="id > 0",
                                raw=(("expression", "(id > 0)"),))
    assert _schema(snap).tables == (
        Table(
            name="Ledger Entry", columns=LEDGER_COLUMNS, check_constraints=(AMOUNT_NONZERO,),
            primary_key=PrimaryKey(name="Ledger PK", columns=("id", "booked_on")),
            indexes=(_amount_index("ix_ledger_amount"),), partitioned_by="RANGE (booked_on)",
            partitions=(
                replace(
                    _ledger_part("Ledger 2024"),
                    check_constraints=(AMOUNT_NONZERO, own_check),
                    indexes=(_amount_index("Ledger 2024_amount_idx"), own_2024),
                ),
                _ledger_part("Ledger 2025", partitioned_by="LIST (id)",
                             partitions=(_ledger_part("Ledger 2025 odd"),)),
            ),
        ),
        Table(name="zz_plain", columns=(Column(name="id", type="integer"),)),
    )


def test_views_enums_and_tables_of_one_schema_each_in_name_order(
    run_sql, database_url: str
) -> None:
    run_sql(f"""
        CREATE SCHEMA {BILLING};
        CREATE TYPE {BILLING}.currency AS ENUM ('EUR', 'USD');
        CREATE TYPE {BILLING}."Invoice State" AS ENUM ('open', 'paid', 'void');
        CREATE TABLE {BILLING}.invoice (id bigint, net numeric(12,2),
                                        state {BILLING}."Invoice State" DEFAULT 'open');
        CREATE VIEW {BILLING}."Open Invoices" AS
            SELECT id, net FROM {BILLING}.invoice WHERE state = 'open';
        CREATE MATERIALIZED VIEW {BILLING}.totals AS
            SELECT state, sum(net) AS total FROM {BILLING}.invoice GROUP BY state;
        COMMENT ON MATERIALIZED VIEW {BILLING}.totals IS 'refreshed nightly';
        CREATE VIEW {BILLING}.a_first_view AS SELECT 1 AS one;
        CREATE TABLE {BILLING}."Z last" ();  -- no columns yet
    """)
    schema = _schema(reflect_snapshot(database_url, ("Billing.Ops",)))
    state = '"Billing.Ops"."Invoice State"'
    assert schema.enums == (
        EnumType(name="Invoice State", labels=("open", "paid", "void")),
        EnumType(name="currency", labels=("EUR", "USD")),
    )
    assert schema.tables[0] == Table(name="Z last")
    assert [t.name for t in schema.tables] == ["Z last", "invoice"]
    assert schema.table("invoice") == Table(name="invoice", columns=(
        Column(name="id", type="bigint"),
        Column(name="net", type="numeric(12,2)"),
        Column(name="state", type=state, default="'open'", raw=(("default", f"'open'::{state}"),)),
    ))
    assert schema.views == (
        View(
            name="Open Invoices",
            definition=f"SELECT id, net FROM {BILLING}.invoice WHERE state = 'open'::{state};",
            columns=(Column(name="id", type="bigint"), Column(name="net", type="numeric(12,2)")),
        ),
        View(name="a_first_view", definition="SELECT 1 AS one;",
             columns=(Column(name="one", type="integer"),)),
        View(
            name="totals", materialized=True,
            definition=f"SELECT state, sum(net) AS total FROM {BILLING}.invoice GROUP BY state;",
            columns=(Column(name="state", type=state), Column(name="total", type="numeric")),
            comment="refreshed nightly",
        ),
    )
