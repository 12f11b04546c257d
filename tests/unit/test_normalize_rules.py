"""The canonical text of identifiers, index orderings, CHECK conjuncts, sequences and raw
records, each pinned by hand: both readers rely on these exact spellings."""

from __future__ import annotations

import pytest

from drift.normalize import canonical as nz
from drift.schema import Sequence

# --- identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "name", "qualified"),
    [
        ("public", "teams", "public.teams"),
        ("public", "Mood", 'public."Mood"'),
        ("select", "position", '"select"."position"'),
        ("Sales Data", "orders", '"Sales Data".orders'),
    ],
)
def test_qualified_names_quote_each_part_as_quote_ident_does(
    schema: str, name: str, qualified: str
) -> None:
    assert nz.qualified_name(schema, name) == qualified


def test_reserved_words_are_quoted_and_plain_names_are_not() -> None:
    assert nz.quote_ident("user") == '"user"'
    assert nz.quote_ident("order_lines") == "order_lines"


@pytest.mark.parametrize(
    ("quote", "stored"),
    [(None, "CamelCase"), (True, "CamelCase"), (False, "camelcase")],
)
def test_only_quote_false_lets_postgresql_fold_a_name(quote: bool | None, stored: str) -> None:
    assert nz.fold_identifier("CamelCase", quote) == stored


@pytest.mark.parametrize(
    ("canonical", "name"),
    [
        ("email", "email"),
        ("_x1", "_x1"),
        ("a$b", "a$b"),
        ('"Total Amount"', "Total Amount"),
        ('"say ""hi"""', 'say "hi"'),
        ("true", None),
        ("false", None),
        ("null", None),
        ("lower(email)", None),
        ("a + b", None),
        ("Email", None),  # canonical text has unquoted names in lower case only
    ],
)
def test_a_bare_identifier_is_one_name_and_nothing_else(canonical: str, name: str | None) -> None:
    assert nz.bare_identifier(canonical) == name


@pytest.mark.parametrize(
    ("text", "default_schema", "split"),
    [
        ('public."My Seq"', "public", ("public", "My Seq")),
        ("Quantum.Orders", "public", ("quantum", "orders")),
        ("  ticket_seq  ", "public", ("public", "ticket_seq")),
        ("Ticket_Seq", "app", ("app", "ticket_seq")),
        ('"Seq"', "public", ("public", "Seq")),
        ('"a""b"."c.d"', "public", ('a"b', "c.d")),
        ("shop.public.s", "public", ("public", "s")),
    ],
)
def test_split_qualified(text: str, default_schema: str, split: tuple[str, str]) -> None:
    assert nz.split_qualified(text, default_schema) == split


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Public.Mood", "public.mood"),
        ('app."My Type"', 'app."My Type"'),
        ('"Sales Data"."Kind"', '"Sales Data"."Kind"'),
        ("public.user", 'public."user"'),
        ('"char"', '"char"'),  # not schema.name: kept as printed
        ('"char"[]', '"char"[]'),
    ],
)
def test_user_types_are_requoted_as_the_models_reader_quotes_them(
    text: str, canonical: str
) -> None:
    assert nz.canonical_type(text) == canonical


# --- types ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_text", "base"),
    [
        ("integer[]", "array"),
        ("numeric(10,2)", "numeric"),
        ("character varying(20)", "character varying"),
        ("double precision", "double precision"),
        ("timestamp(3) with time zone", "timestamp"),
        ("time with time zone", "time"),
        ("text", "text"),
    ],
)
def test_base_type(type_text: str, base: str) -> None:
    assert nz.base_type(type_text) == base


# --- index orderings and CHECK conjuncts ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("ver_major DESC NULLS LAST", ("ver_major", True, False)),
        ("ver_major desc nulls first", ("ver_major", True, True)),
        ("lower(name) ASC", ("lower(name)", False, None)),
        ("score ASC NULLS FIRST", ("score", False, True)),
        ("score NULLS FIRST", ("score", False, True)),
        ("score nulls last", ("score", False, False)),
        ("created_at DESC", ("created_at", True, None)),
        ("description", ("description", False, None)),
        ("lower(name)", ("lower(name)", False, None)),
    ],
)
def test_an_index_element_written_as_text_gives_up_its_ordering(
    text: str, split: tuple[str, bool, bool | None]
) -> None:
    assert nz.split_ordering(text) == split


@pytest.mark.parametrize(
    ("text", "conjuncts"),
    [
        ("a > 0", ("a > 0",)),
        ("a > 0 OR b > 0", ("a > 0 OR b > 0",)),  # one conjunct: only AND splits
        ("b > 0 AND a > 0 AND b > 0", ("a > 0", "b > 0")),
        ("(a > 0) and (b < 1 or c)", ("a > 0", "b < 1 OR c")),
        # PostgreSQL's keywords are quoted in each conjunct as ruleutils prints them
        ("position > 0 AND values IS NOT NULL", ('"position" > 0', '"values" IS NOT NULL')),
        ('"position" > 0', ('"position" > 0',)),
        # text the parser does not know is only re-spaced and folded, token by token
        ("x  IN (SELECT  1)", ("x in ( select 1 )",)),
    ],
)
def test_check_conjuncts(text: str, conjuncts: tuple[str, ...]) -> None:
    assert nz.check_conjuncts(text) == conjuncts


# --- sequences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "sequence"),
    [
        # CREATE SEQUENCE s: bigint, from 1 by 1, no cycle
        (
            ("s", None, None, None, None, None, None),
            Sequence("s", "bigint", 1, 1, None, None, False),
        ),
        # the same, every default spelled out as the catalog reports it
        (
            ("s", "bigint", 1, 1, 1, 2**63 - 1, False),
            Sequence("s", "bigint", 1, 1, None, None, False),
        ),
        (
            ("s", "int4", 1, 1, 1, 2**31 - 1, False),
            Sequence("s", "integer", 1, 1, None, None, False),
        ),
        (
            ("s", "smallint", None, None, None, 2**15 - 1, None),
            Sequence("s", "smallint", 1, 1, None, None, False),
        ),
        # descending: from -1 down to the type's minimum
        (
            ("down", "integer", None, -1, None, None, None),
            Sequence("down", "integer", -1, -1, None, None, False),
        ),
        (
            ("down", "smallint", -1, -1, -(2**15), -1, False),
            Sequence("down", "smallint", -1, -1, None, None, False),
        ),
        # an increment of 0 is no increment: PostgreSQL's default of 1
        (
            ("s", "integer", None, 0, None, None, None),
            Sequence("s", "integer", 1, 1, None, None, False),
        ),
        # bounds off the defaults are kept; the start follows the bound
        (
            ("s", "integer", None, 2, 5, 100, True),
            Sequence("s", "integer", 5, 2, 5, 100, True),
        ),
        (
            ("down", "integer", None, -5, -1000, -10, None),
            Sequence("down", "integer", -10, -5, -1000, -10, False),
        ),
        (
            ("s", "bigint", 1000, 1, None, None, None),
            Sequence("s", "bigint", 1000, 1, None, None, False),
        ),
        # a type PostgreSQL refuses for a sequence gets bigint's defaults, not a crash
        (
            ("s", "numeric", None, None, None, None, None),
            Sequence("s", "numeric", 1, 1, None, None, False),
        ),
        # an integer's maximum is not a bigint's default
        (
            ("s", "bigint", 1, 1, 1, 2**31 - 1, False),
            Sequence("s", "bigint", 1, 1, None, 2**31 - 1, False),
        ),
    ],
)
def test_sequences_have_postgresqls_defaults_made_implicit(args: tuple, sequence: Sequence) -> None:
    assert nz.canonical_sequence(*args) == sequence


# --- raw records ---------------------------------------------------------------------------


def test_raw_keeps_only_what_was_read_differently_sorted_by_attribute() -> None:
    assert nz.raw_of() == ()
    assert nz.raw_of(type=("integer", "integer"), default=(None, "0")) == ()
    assert nz.raw_of(
        type=("int4", "integer"),
        expression=(None, "a > 0"),
        default=("'0'::integer", "0"),
        comment=("same", "same"),
        length=(20, "20"),
    ) == (("default", "'0'::integer"), ("length", "20"), ("type", "int4"))
