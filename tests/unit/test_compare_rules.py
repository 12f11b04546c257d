"""The comparator's rules on hand-built snapshots, pinned where the broader cases let them drift
(found by mutation testing): the values each finding carries, its severity and its hint,
word for word."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from drift.compare import compare_snapshots, registry
from drift.compare.long_names import long_names
from drift.compare.registry import (
    SchemaPair,
    TablePair,
    match_objects,
    schema_comparator,
    table_comparator,
)
from drift.mismatch import Change, Mismatch, ObjectType, Severity
from drift.schema import (
    CheckConstraint,
    Column,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Sequence,
    Table,
    UniqueConstraint,
    View,
)
from tests.unit.test_compare import TEAM, database, models, public

Full = tuple[str, str, str | None, str, object, object, Severity, str | None]


def full(found: list[Mismatch]) -> list[Full]:
    """Every finding with its values, severity and hint: what a user reads."""
    return [(m.object_type.value, m.change.value, m.attribute, m.path, m.models, m.database,
             m.severity, m.hint) for m in found]


def compare(models_schema: Schema, database_schema: Schema) -> list[Full]:
    return full(compare_snapshots(models(models_schema), database(database_schema)))


M, D, X = "only_in_models", "only_in_database", "differs"
ERR, WARN, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

# ---------------------------------------------------------------- tables and views

# a view as the models declare it to query it: a keyless Table with the view's columns
REPORT_COLUMNS = (Column("team", "text"), Column("total", "bigint"))
REPORT = Table("report", columns=REPORT_COLUMNS)
REPORT_VIEW = View("report", columns=REPORT_COLUMNS)
MATERIALIZED = replace(REPORT_VIEW, materialized=True)


@pytest.mark.parametrize("view", [REPORT_VIEW, MATERIALIZED], ids=["view", "materialized"])
def test_a_keyless_table_with_the_views_columns_declares_the_view(view: View) -> None:
    assert compare(public(REPORT), public(views=(view,))) == []


@pytest.mark.parametrize("table", [
    replace(REPORT, primary_key=PrimaryKey("report_pkey", ("team",))),
    replace(REPORT, primary_key=PrimaryKey("report_pkey", ("team",)),
            indexes=(Index("ix", (IndexElement("team"),)),)),
    replace(REPORT, foreign_keys=(ForeignKey("f", ("team",), "public", "team", ("name",)),)),
    replace(REPORT, unique_constraints=(UniqueConstraint("u", ("team",)),)),
    replace(REPORT, check_constraints=(CheckConstraint("c", "(total > 0)"),)),
    replace(REPORT, indexes=(Index("ix", (IndexElement("team"),)),)),
    replace(REPORT, columns=REPORT_COLUMNS[:1]),
    replace(REPORT, columns=(REPORT_COLUMNS[0], Column("total", "integer"))),
    replace(REPORT, columns=REPORT_COLUMNS[::-1]),
], ids=["primary key", "primary key and index", "foreign key", "unique", "check", "index",
        "fewer columns", "another type", "another order"])
def test_a_table_with_keys_or_other_columns_is_a_table_where_the_database_has_a_view(
    table: Table,
) -> None:
    assert compare(public(table), public(views=(REPORT_VIEW,))) == [
        ("table", X, "kind", "public.report", "table", "view", INFO, None)]
    assert compare(public(table), public(views=(MATERIALIZED,))) == [
        ("table", X, "kind", "public.report", "table", "materialized view", INFO, None)]


def test_the_kind_of_a_view_in_the_views_own_words() -> None:
    assert compare(public(views=(REPORT_VIEW,)), public(views=(MATERIALIZED,))) == [
        ("view", X, "kind", "public.report", "view", "materialized view", INFO, None)]
    assert compare(public(views=(MATERIALIZED,)), public(REPORT)) == [
        ("view", X, "kind", "public.report", "materialized view", "table", INFO, None)]
    assert compare(public(views=(REPORT_VIEW,)), public(REPORT)) == [
        ("view", X, "kind", "public.report", "view", "table", INFO, None)]


def test_a_table_rename_hint_names_every_candidate() -> None:
    # "alpha" comes first and has no candidate: the tables after it still get theirs
    alpha = Table("alpha", columns=(Column("q", "text"),))
    found = compare(public(alpha, TEAM),
                    public(replace(TEAM, name="side"), replace(TEAM, name="club")))
    assert [(path, hint) for _, _, _, path, _, _, _, hint in found] == [
        ("public.alpha", None),
        ("public.club", "possibly renamed: models table 'team' has the same columns"),
        ("public.side", "possibly renamed: models table 'team' has the same columns"),
        ("public.team",
         "possibly renamed: database tables 'club', 'side' have the same columns"),
    ]


def test_a_declared_partition_is_compared_as_a_table_at_any_depth() -> None:
    """PostgreSQL nests partitions in their parent; one the models declare is a table."""
    day = Table("scores_2024_01_01", columns=(Column("id", "integer"),))
    month = Table("scores_2024_01", columns=day.columns, partitioned_by="RANGE (id)",
                  partitions=(day,))
    scores = Table("scores", columns=day.columns, partitioned_by="RANGE (id)",
                   partitions=(month,))
    declared_day = replace(day, comment="one day")
    assert compare(public(replace(scores, partitions=()), declared_day),
                   public(scores)) == [
        ("table", X, "comment", "public.scores_2024_01_01", "one day", None, INFO, None)]
    declared_month = replace(month, partitions=(), comment="one month")
    assert compare(public(replace(scores, partitions=()), declared_month),
                   public(scores)) == [
        ("table", X, "comment", "public.scores_2024_01", "one month", None, INFO, None)]


# ---------------------------------------------------------------- the registry


def test_a_registered_schema_comparator_is_dispatched_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "SCHEMA_COMPARATORS", {})

    def one_per_schema(pair: SchemaPair) -> Iterator[Mismatch]:
        yield registry.only_in(ObjectType.SCHEMA, Change.ONLY_IN_DATABASE, pair.name, None,
                               None, pair.database)

    assert schema_comparator(ObjectType.SCHEMA)(one_per_schema) is one_per_schema
    pair = SchemaPair("legacy", Schema("legacy"), Schema("legacy"))
    assert full(list(registry.compare_schema(pair))) == [
        ("schema", D, None, "legacy", None, Schema("legacy"), INFO, None)]


def test_a_registered_table_comparator_is_dispatched_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "TABLE_COMPARATORS", {})

    def one_per_table(pair: TablePair) -> Iterator[Mismatch]:
        yield registry.mismatch(ObjectType.TABLE, Change.DIFFERS, pair.schema, pair.name, None,
                                "a", "b", attribute="comment")

    assert table_comparator(ObjectType.TABLE)(one_per_table) is one_per_table
    pair = TablePair("public", TEAM, TEAM)
    assert full(list(registry.compare_table(pair))) == [
        ("table", X, "comment", "public.team", "a", "b", INFO, None)]


# ---------------------------------------------------------------- how a column is filled

SEQ = "public.ticket_seq"
NEXTVAL = "nextval('public.ticket_seq')"
PLAIN = Column("id", "integer", nullable=False)


def ticket(column: Column) -> Schema:
    return public(Table("ticket", columns=(column,)))


@pytest.mark.parametrize(("declared", "present", "expected"), [
    # a serial in the models is satisfied by a nextval() of any sequence
    (replace(PLAIN, serial=True), replace(PLAIN, sequence=SEQ), []),
    # a nextval() the models write out is satisfied by the column owning that sequence
    (replace(PLAIN, sequence=SEQ), replace(PLAIN, serial=True, owned_sequence=SEQ), []),
    (replace(PLAIN, sequence=SEQ), replace(PLAIN, serial=True, owned_sequence="public.other"),
     [("default", NEXTVAL, "serial", WARN)]),
    (replace(PLAIN, sequence="public.other"), replace(PLAIN, sequence=SEQ),
     [("default", "nextval('public.other')", NEXTVAL, WARN)]),
    (replace(PLAIN, serial=True), replace(PLAIN, default="0"),
     [("default", "serial", "0", WARN)]),
    (replace(PLAIN, sequence=SEQ), PLAIN, [("default", NEXTVAL, None, ERR)]),
    (PLAIN, replace(PLAIN, default="0"), [("default", None, "0", WARN)]),
    # a sequence replaced by identity (or back) is one identity finding naming the sequence
    (replace(PLAIN, identity="always"), replace(PLAIN, serial=True),
     [("identity", "always", "serial", WARN)]),
    (replace(PLAIN, serial=True), replace(PLAIN, identity="by default"),
     [("identity", "serial", "by default", WARN)]),
    (replace(PLAIN, sequence=SEQ), replace(PLAIN, identity="always"),
     [("identity", NEXTVAL, "always", WARN)]),
    # a plain default is no sequence: identity and default differ each
    (replace(PLAIN, identity="always"), replace(PLAIN, default="0"),
     [("default", None, "0", WARN), ("identity", "always", None, WARN)]),
    (replace(PLAIN, identity="always"), PLAIN, [("identity", "always", None, WARN)]),
    # a Sequence() SQLAlchemy fires itself needs no database default
    (replace(PLAIN, sequence=SEQ, client_sequence=True), PLAIN, []),
    (replace(PLAIN, sequence=SEQ, client_sequence=True), replace(PLAIN, sequence=SEQ), []),
    (replace(PLAIN, sequence=SEQ, client_sequence=True), replace(PLAIN, default="0"),
     [("default", NEXTVAL, "0", WARN)]),
    (replace(PLAIN, sequence=SEQ, client_sequence=True), replace(PLAIN, identity="by default"),
     [("identity", NEXTVAL, "by default", WARN)]),
], ids=["serial = free-standing sequence", "nextval = owned sequence",
        "nextval != another owned sequence", "another sequence", "serial vs a plain default",
        "sequence missing", "default only in the database", "identity replaced serial",
        "serial replaced identity", "identity replaced nextval", "identity vs a plain default",
        "identity missing", "client sequence, no default", "client sequence, nextval",
        "client sequence vs a plain default", "client sequence vs identity"])
def test_how_a_column_is_filled(declared: Column, present: Column,
                                expected: list[tuple[str, object, object, Severity]]) -> None:
    assert compare(ticket(declared), ticket(present)) == [
        ("column", X, attribute, "public.ticket.id", a, b, severity, None)
        for attribute, a, b, severity in expected]


@pytest.mark.parametrize(("column", "severity"), [
    (replace(PLAIN, serial=True), INFO),
    (replace(PLAIN, sequence=SEQ), INFO),
    (replace(PLAIN, computed="(id * 2)"), INFO),
    (replace(PLAIN, default="0"), INFO),
    (replace(PLAIN, identity="always"), INFO),
    (PLAIN, ERR),
    (replace(PLAIN, nullable=True), INFO),
], ids=["serial", "sequence", "generated", "default", "identity", "nothing", "nullable"])
def test_a_column_only_in_the_database_breaks_inserts_only_when_nothing_fills_it(
    column: Column, severity: Severity,
) -> None:
    extra = replace(column, name="extra")
    [found] = compare(ticket(PLAIN), public(Table("ticket", columns=(PLAIN, extra))))
    assert found == ("column", D, None, "public.ticket.extra", None, extra, severity, None)


# ---------------------------------------------------------------- free-standing sequences

TICKET_SEQ = Sequence("ticket_seq")
EXTRA_SEQ: Full = ("sequence", D, None, "public.ticket_seq", None, TICKET_SEQ, INFO, None)
SERIAL_TICKET = ticket(replace(PLAIN, serial=True))


@pytest.mark.parametrize(("declared", "present", "expected"), [
    # the models declare the sequence through the column: nextval() written out, or serial
    (ticket(replace(PLAIN, sequence=SEQ)), ticket(replace(PLAIN, sequence=SEQ)), []),
    (ticket(replace(PLAIN, serial=True)), ticket(replace(PLAIN, sequence=SEQ)), []),
    # nothing in the models fills a column from it: the sequence is extra
    (ticket(PLAIN), ticket(replace(PLAIN, sequence=SEQ)),
     [EXTRA_SEQ, ("column", X, "default", "public.ticket.id", None, NEXTVAL, WARN, None)]),
    (ticket(replace(PLAIN, serial=True)), ticket(PLAIN),
     [EXTRA_SEQ, ("column", X, "default", "public.ticket.id", "serial", None, ERR, None)]),
    (ticket(replace(PLAIN, serial=True)), ticket(replace(PLAIN, name="number")),
     [EXTRA_SEQ,
      ("column", M, None, "public.ticket.id", replace(PLAIN, serial=True), None, ERR,
       "possibly renamed: database column 'number' has the same type"),
      ("column", D, None, "public.ticket.number", None, replace(PLAIN, name="number"), ERR,
       "possibly renamed: models column 'id' has the same type")]),
    (SERIAL_TICKET, public(),
     [EXTRA_SEQ, ("table", M, None, "public.ticket", SERIAL_TICKET.tables[0], None, ERR, None)]),
], ids=["nextval", "serial", "plain column", "serial, plain in the database",
        "serial, no such column in the database", "serial, no such table in the database"])
def test_a_sequence_the_models_declare_through_a_column_is_not_extra(
    declared: Schema, present: Schema, expected: list[Full],
) -> None:
    assert compare(declared, replace(present, sequences=(TICKET_SEQ,))) == expected


# ---------------------------------------------------------------- names over 63 bytes

# declared, and as PostgreSQL stores it (cut to 63 bytes, on a character boundary)
ORDERS, ORDERS_CUT = "orders_" + "o" * 63, "orders_" + "o" * 56
ACCENTED, ACCENTED_CUT = "é" * 32, "é" * 31  # 64 bytes; 62: no half character
NOTE, NOTE_CUT = "n" * 64, "n" * 63
EXACT = "c" * 63  # fits: kept as declared
PKEY, PKEY_CUT = "pk_" + "p" * 61, "pk_" + "p" * 60
FKEY, FKEY_CUT = "fk_" + "f" * 61, "fk_" + "f" * 60
UNIQUE, UNIQUE_CUT = "uq_" + "u" * 61, "uq_" + "u" * 60
CHECK, CHECK_CUT = "ck_" + "k" * 61, "ck_" + "k" * 60
INDEX, INDEX_CUT = "ix_" + "i" * 61, "ix_" + "i" * 60
EXCLUDE, EXCLUDE_CUT = "ex_" + "e" * 61, "ex_" + "e" * 60
PART, PART_CUT = "orders_" + "q" * 63, "orders_" + "q" * 56
# an expression is no name: never cut
LOWER = "lower(" + "z" * 60 + ")"


def orders(name: str, accented: str, note: str, pkey: str, fkey: str, unique: str,
           check: str, index: str, exclude: str, part: str,
           unnamed_unique: str | None = None) -> Table:
    """The same table under the names given."""
    return Table(
        name,
        columns=(Column(accented, "integer", nullable=False), Column(note, "text"),
                 Column(EXACT, "text")),
        primary_key=PrimaryKey(pkey, (accented,)),
        foreign_keys=(ForeignKey(fkey, (accented,), "public", name, (accented,)),),
        unique_constraints=(UniqueConstraint(unique, (accented, note)),
                            UniqueConstraint(unnamed_unique, (EXACT,))),
        check_constraints=(CheckConstraint(check, "(length(note) > 0)"),),
        indexes=(Index(index, (IndexElement(accented), IndexElement(LOWER, is_column=False)),
                       include=(note,)),),
        exclusion_constraints=(ExclusionConstraint(exclude, (IndexElement(note),), ("=",)),),
        partitioned_by="LIST (note)",
        partitions=(Table(part, columns=(Column(accented, "integer"),)),),
    )


DECLARED = orders(ORDERS, ACCENTED, NOTE, PKEY, FKEY, UNIQUE, CHECK, INDEX, EXCLUDE, PART)
AS_STORED = orders(ORDERS_CUT, ACCENTED_CUT, NOTE_CUT, PKEY_CUT, FKEY_CUT, UNIQUE_CUT, CHECK_CUT,
                   INDEX_CUT, EXCLUDE_CUT, PART_CUT)


def test_each_name_over_63_bytes_is_one_error_and_compared_as_postgresql_cut_it() -> None:
    found = compare(public(DECLARED),
                    public(replace(AS_STORED, unique_constraints=(
                        *AS_STORED.unique_constraints[:1], UniqueConstraint("c_key", (EXACT,))))))
    cut = "name_too_long"
    at = f"public.{ORDERS_CUT}"
    assert found == [
        ("table", X, cut, at, ORDERS, ORDERS_CUT, ERR, None),
        ("check_constraint", X, cut, f"{at}.{CHECK_CUT}", CHECK, CHECK_CUT, ERR, None),
        ("exclusion_constraint", X, cut, f"{at}.{EXCLUDE_CUT}", EXCLUDE, EXCLUDE_CUT, ERR, None),
        ("foreign_key", X, cut, f"{at}.{FKEY_CUT}", FKEY, FKEY_CUT, ERR, None),
        ("index", X, cut, f"{at}.{INDEX_CUT}", INDEX, INDEX_CUT, ERR, None),
        ("column", X, cut, f"{at}.{NOTE_CUT}", NOTE, NOTE_CUT, ERR, None),
        ("primary_key", X, cut, f"{at}.{PKEY_CUT}", PKEY, PKEY_CUT, ERR, None),
        ("unique_constraint", X, cut, f"{at}.{UNIQUE_CUT}", UNIQUE, UNIQUE_CUT, ERR, None),
        ("column", X, cut, f"{at}.{ACCENTED_CUT}", ACCENTED, ACCENTED_CUT, ERR, None),
    ]
    assert {m.rule for m in compare_snapshots(models(public(DECLARED)),
                                              database(public(AS_STORED)))} == {
        "a declared name over 63 bytes (UTF-8) is cut to 63 bytes by PostgreSQL; the models "
        "are compared under the cut name"}


def test_the_models_are_compared_under_the_cut_names() -> None:
    declared = models(public(DECLARED), Schema("audit", tables=(Table("log"),)))
    found, cut = long_names(declared)
    assert len(found) == 9
    assert cut == models(public(AS_STORED), Schema("audit", tables=(Table("log"),)))
    assert long_names(cut) == ([], cut)


# ---------------------------------------------------------------- what a finding carries


def test_each_side_keeps_its_own_text_as_read() -> None:
    declared = replace(PLAIN, type="character varying(20)", default="'x'::character varying",
                       raw=(("type", "VARCHAR(20)"), ("default", "'x'")))
    present = replace(PLAIN, type="text", raw=(("type", "TEXT"),))
    found = compare_snapshots(models(ticket(declared)), database(ticket(present)))
    assert [(m.attribute, m.models_raw, m.database_raw) for m in found] == [
        ("default", "'x'", None),
        ("type", "VARCHAR(20)", "TEXT"),
    ]


def test_each_finding_names_the_rule_that_decided_it() -> None:
    name = replace(TEAM.columns[1], type="bigint")
    found = compare_snapshots(
        models(public(replace(TEAM, partitioned_by="RANGE (id)"), Table("cup"))),
        database(public(replace(TEAM, columns=(TEAM.columns[0], name)))))
    assert [(m.path, m.attribute, m.rule) for m in found] == [
        ("public.cup", None,
         "objects matched by name; unnamed constraints and indexes matched by definition"),
        ("public.team", "partitioned_by", "partitioned_by compared as normalised by the readers"),
        ("public.team.name", "type",
         "types compared in PostgreSQL's canonical spelling (format_type)"),
    ]


def test_several_equal_definitions_pair_in_name_order() -> None:
    """An unnamed index pairs with the first of its twins by name, whatever the input order."""
    twin = Index("team_name_idx", (IndexElement("name"),))
    other = replace(twin, name="team_name_idx1")
    declared = public(replace(TEAM, indexes=(replace(twin, name=None),)))
    for present in ((other, twin), (twin, other)):
        assert compare(declared, public(replace(TEAM, indexes=present))) == [
            ("index", D, None, "public.team.team_name_idx1", None, other, WARN, None)]


def test_a_name_is_paired_once() -> None:
    """Two declared objects of one name (an error in the models) do not share the database's."""
    ix_a, ix_b = ("ix", "a"), ("ix", "b")
    matching = match_objects([ix_a, ix_b], [ix_a], name=lambda o: o[0], key=lambda o: o[1])
    assert (matching.pairs, matching.only_models, matching.only_database) == (
        [(ix_a, ix_a)], [ix_b], [])


def test_unnamed_twins_pair_before_named_ones() -> None:
    unnamed, named = (None, "k"), ("W", "k")
    matching = match_objects([unnamed], [named, unnamed], name=lambda o: o[0],
                             key=lambda o: o[1])
    assert (matching.pairs, matching.only_models, matching.only_database) == (
        [(unnamed, unnamed)], [], [named])


def test_unnamed_checks_of_one_table_are_numbered_like_postgresql() -> None:
    checks = tuple(CheckConstraint(None, f"(id > {n})") for n in range(3))
    found = compare(public(replace(TEAM, check_constraints=checks)), public(TEAM))
    assert [(path, record) for _, _, _, path, record, _, _, _ in found] == [
        ("public.team.team_id_check", checks[0]),
        ("public.team.team_id_check1", checks[1]),
        ("public.team.team_id_check2", checks[2]),
    ]


# ---------------------------------------------------------------- schemas


def test_a_schema_on_one_side_carries_its_bare_record() -> None:
    legacy = Schema("legacy", tables=(Table("t"),))
    assert compare_snapshots(models(), database(legacy))[0].database == Schema("legacy")
    assert compare_snapshots(models(legacy), database())[0].models == Schema("legacy")
