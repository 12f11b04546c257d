"""The shared canonicalisation: each pair is one spelling PostgreSQL prints and one
the models side produces; both must come out the same."""

from __future__ import annotations

import pytest

from drift.normalize import canonical as nz
from drift.normalize.sqlexpr import canonical_expression


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("VARCHAR(20)", "character varying(20)"),
        ("character varying(20)", "character varying(20)"),
        ("VARCHAR", "character varying"),
        ("TEXT", "text"),
        ("INTEGER", "integer"),
        ("int4", "integer"),
        ("BIGINT", "bigint"),
        ("SMALLINT", "smallint"),
        ("NUMERIC(10, 2)", "numeric(10,2)"),
        ("numeric(10,2)", "numeric(10,2)"),
        ("DECIMAL", "numeric"),
        ("FLOAT", "double precision"),
        ("FLOAT(10)", "real"),
        ("FLOAT(24)", "real"),  # 1 to 24 select real, 25 to 53 double precision
        ("FLOAT(25)", "double precision"),
        ("REAL", "real"),
        ("DOUBLE PRECISION", "double precision"),
        ("BOOLEAN", "boolean"),
        ("TIMESTAMP WITHOUT TIME ZONE", "timestamp without time zone"),
        ("TIMESTAMP", "timestamp without time zone"),
        ("TIMESTAMP WITH TIME ZONE", "timestamp with time zone"),
        ("timestamptz", "timestamp with time zone"),
        ("TIMESTAMP(3) WITH TIME ZONE", "timestamp(3) with time zone"),
        ("TIME WITHOUT TIME ZONE", "time without time zone"),
        ("TIME WITH TIME ZONE", "time with time zone"),
        ("DATE", "date"),
        ("INTERVAL", "interval"),
        ("BYTEA", "bytea"),
        ("JSON", "json"),
        ("JSONB", "jsonb"),
        ("UUID", "uuid"),
        ("INTEGER[]", "integer[]"),
        ("INTEGER[][]", "integer[]"),
        ("VARCHAR(30)[]", "character varying(30)[]"),
        ("INET", "inet"),
        ("CIDR", "cidr"),
        ("MACADDR", "macaddr"),
        ("TSVECTOR", "tsvector"),
        ("CHAR(2)", "character(2)"),
        ("CHAR", "character(1)"),
        ("quantum.dna_kind", "quantum.dna_kind"),
        ('public."Mood"', 'public."Mood"'),
        ("quantum.dna_kind[]", "quantum.dna_kind[]"),
        # as format_type() quotes them, whoever printed them
        ("public.position", 'public."position"'),
        ('public."position"', 'public."position"'),
        ('public."new"', "public.new"),
        ('"char"', '"char"'),
    ],
)
def test_types_in_format_type_spelling(text: str, canonical: str) -> None:
    assert nz.canonical_type(text) == canonical


@pytest.mark.parametrize(
    ("database", "models", "type_"),
    [
        ("'x'::text", "'x'", "text"),
        ("'x'::character varying", "'x'", "character varying(20)"),
        ("0", "'0'", "integer"),
        ("'0'::numeric", "0", "numeric(10,2)"),
        ("(0)::numeric", "'0'", "numeric"),
        ("9.50", "'9.5'", "numeric(10,2)"),
        ("'-1'::integer", "-1", "integer"),
        ("now()", "CURRENT_TIMESTAMP", "timestamp with time zone"),
        ("now()", "transaction_timestamp()", "timestamp with time zone"),
        ("CURRENT_TIMESTAMP", "now()", "timestamp without time zone"),
        ("true", "'t'", "boolean"),
        ("false", "'false'", "boolean"),
        ("true", "TRUE", "boolean"),
        ("'{}'::jsonb", "'{}'", "jsonb"),
        ("'active'::quantum.status", "'active'", "quantum.status"),
        ("gen_random_uuid()", "gen_random_uuid()", "uuid"),
        ("public.uuid_generate_v4()", "uuid_generate_v4()", "uuid"),
        ("timezone('utc'::text, now())", "timezone('utc', now())", "timestamp without time zone"),
        ("'2020-01-01'::date", "'2020-01-01'", "date"),
    ],
)
def test_equivalent_defaults_are_equal(database: str, models: str, type_: str) -> None:
    assert nz.canonical_default(database, type_) == nz.canonical_default(models, type_)


def test_a_string_that_is_not_a_number_stays_a_string() -> None:
    assert nz.canonical_default("'0'", "text") == "'0'"
    assert nz.canonical_default("'abc'", "integer") == "'abc'"
    assert nz.canonical_default("'1'", "text") != nz.canonical_default("1", "text")


def test_different_defaults_stay_different() -> None:
    assert nz.canonical_default("0", "integer") != nz.canonical_default("1", "integer")
    assert nz.canonical_default("'a'", "text") != nz.canonical_default("'A'", "text")
    assert nz.canonical_default("now()", "date") != nz.canonical_default("CURRENT_DATE", "date")


@pytest.mark.parametrize(
    ("default", "sequence"),
    [
        ("nextval('public.s'::regclass)", "public.s"),
        ("nextval('s')", "public.s"),
        ("nextval('quantum.ticket_seq'::regclass)", "quantum.ticket_seq"),
        ("""nextval('public."My Seq"'::regclass)""", 'public."My Seq"'),
        ("now()", None),
    ],
)
def test_sequence_of_a_nextval_default(default: str, sequence: str | None) -> None:
    assert nz.sequence_of_default(nz.canonical_default(default, "integer")) == sequence


@pytest.mark.parametrize(
    ("database", "models"),
    [
        (
            "((status)::text = ANY "
            "((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
            "status IN ('a', 'b')",
        ),
        (
            "((status)::text <> ALL ((ARRAY['a'::character varying])::text[]))",
            "status NOT IN ('a')",
        ),
        ("(price > (0)::numeric)", "price > 0"),
        ("(rating > 0.5)", "rating > 0.50"),
        (
            "((rating >= (0)::numeric) AND (rating <= (100)::numeric))",
            "rating >= 0 AND rating <= 100",
        ),
        ("((home_goals >= 0) AND (home_goals <= 99))", "home_goals BETWEEN 0 AND 99"),
        ("lower((email)::text)", "lower(email)"),
        ("(retired = false)", "retired = FALSE"),
        ("(home_team_id <> away_team_id)", "home_team_id != away_team_id"),
        ('("Total Amount" >= (0)::numeric)', '"Total Amount" >= 0'),
        ("((name)::text ~~ 'a%'::text)", "name LIKE 'a%'"),
        ("((name)::text !~~* 'a%'::text)", "name NOT ILIKE 'a%'"),
        ("(deleted_at IS NULL)", "deleted_at is null"),
        ("(home_goals + away_goals)", "home_goals+away_goals"),
        ("((a OR b) AND c)", "(a OR b) AND c"),
        ("(length((code)::text) = 3)", "LENGTH(code) = 3"),
        ("(x > '-1'::integer)", "x > -1"),
        (
            "CASE WHEN (a > 0) THEN 'p'::text ELSE 'n'::text END",
            "case when a > 0 then 'p' else 'n' end",
        ),
        ("(kind = ANY (ARRAY['a'::quantum.dna_kind]))", "kind IN ('a')"),
        ("(ts > (now() - '1 day'::interval))", "ts > now() - interval '1 day'"),
        ("((code)::text <> ''::text)", "CAST(code AS TEXT) <> ''"),
        ("(qty >= '10'::numeric)", "qty >= CAST('10' AS numeric(10, 2))"),
        ("(NOT (a = 1))", "a <> 1"),
        ("(deleted_at IS NOT NULL)", "NOT (deleted_at IS NULL)"),
    ],
)
def test_equivalent_expressions_are_equal(database: str, models: str) -> None:
    assert nz.canonical_expression(database) == nz.canonical_expression(models)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("a + b * c", "(a + b) * c"),
        ("a > 0", "a >= 0"),
        ("a OR b AND c", "(a OR b) AND c"),
        ("status IN ('a', 'b')", "status IN ('a', 'c')"),
        ("lower(email)", "upper(email)"),
        ('"Name" > 0', "name > 0"),
    ],
)
def test_different_expressions_stay_different(a: str, b: str) -> None:
    assert nz.canonical_expression(a) != nz.canonical_expression(b)


def test_text_the_parser_does_not_know_is_only_respaced() -> None:
    assert canonical_expression("x  IN (SELECT  1)") == canonical_expression("X in (select 1)")


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        ("teams", "teams"),
        ("Legacy Keyed", '"Legacy Keyed"'),
        ("user", '"user"'),
        ("a$b", "a$b"),
        # PostgreSQL's keyword categories, not SQLAlchemy's reserved words
        ("position", '"position"'),
        ("values", '"values"'),
        ("new", "new"),
        ("over", "over"),
    ],
)
def test_quote_ident(name: str, quoted: str) -> None:
    assert nz.quote_ident(name) == quoted


def test_identifiers_fold_like_postgresql() -> None:
    assert nz.fold_identifier("CamelCase") == "CamelCase"  # SQLAlchemy quotes it
    assert nz.fold_identifier("CamelCase", quote=False) == "camelcase"
    assert nz.split_qualified('Quantum."My Seq"') == ("quantum", "My Seq")


def test_sequences_get_the_type_defaults() -> None:
    declared = nz.canonical_sequence("s", None, None, None, None, None, None)
    read = nz.canonical_sequence("s", "bigint", 1, 1, 1, 2**63 - 1, False)
    assert declared == read
    assert declared.min_value is None and declared.max_value is None and declared.start == 1
    descending = nz.canonical_sequence("s", "INTEGER", None, -1, None, None, None)
    assert descending.start == -1 and descending.data_type == "integer"
    assert nz.canonical_sequence("s", "integer", 1, 1, 5, None, None).min_value == 5
