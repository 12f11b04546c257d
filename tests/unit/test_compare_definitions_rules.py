"""Definition keys and PostgreSQL-style names of constraints and indexes, on hand-built
snapshots (found by mutation testing): which unique index stands for a unique constraint, the
names PostgreSQL gives unnamed objects, and the values a matched pair's findings carry.

Each expected value is PostgreSQL's own (checked against a server): an index stands for a
unique constraint only with the default sort order and operator class (``ALTER TABLE ... ADD
CONSTRAINT ... USING INDEX`` refuses any other); ``CREATE INDEX ON room (lower(code), (id +
1))`` is named ``room_lower_expr_idx``; names are cut to 63 bytes on a character boundary.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from drift.compare import compare_snapshots
from drift.compare.definitions import element_base_name, index_base_name, truncate_name
from drift.mismatch import Change, Mismatch, ObjectType, Severity
from drift.schema import (
    CheckConstraint,
    Column,
    ExclusionConstraint,
    ForeignKey,
    Index,
    IndexElement,
    Table,
    UniqueConstraint,
)
from tests.unit.test_compare_object_kinds import ROOM, index, room, snap, unique

KIND_RULE = ("a unique constraint and a plain unique index on the same columns are equivalent, "
             "but under one name the kind matters to ON CONFLICT ON CONSTRAINT and DROP "
             "CONSTRAINT")
MATCH_RULE = "objects matched by name; unnamed constraints and indexes matched by definition"

Found = tuple[ObjectType, Change, str | None, str | None, object, object, Severity, str | None,
              str]


def compare(models: Table, database: Table) -> list[Found]:
    found = compare_snapshots(snap("models", tables=(models,)),
                              snap("database", tables=(database,)))
    return [_fields(m) for m in found]


def _fields(m: Mismatch) -> Found:
    return (m.object_type, m.change, m.name, m.attribute, m.models, m.database, m.severity,
            m.hint, m.rule)


# ---------------------------------------------------------------- constraint_kind


def test_a_unique_constraint_the_database_has_as_an_index_of_its_name() -> None:
    assert compare(room(unique_constraints=(unique("u"),)), room(indexes=(index("u"),))) == [
        (ObjectType.UNIQUE_CONSTRAINT, Change.DIFFERS, "u", "constraint_kind",
         "unique constraint", "unique index", Severity.WARNING, None, KIND_RULE)]


def test_a_unique_index_the_database_has_as_a_constraint_of_its_name() -> None:
    assert compare(room(indexes=(index("u"),)), room(unique_constraints=(unique("u"),))) == [
        (ObjectType.INDEX, Change.DIFFERS, "u", "constraint_kind",
         "unique index", "unique constraint", Severity.INFO, None, KIND_RULE)]


def test_a_composite_foreign_key_refers_to_its_columns_in_order() -> None:
    def key(referred_table: str) -> ForeignKey:
        return ForeignKey("room_site_fkey", ("id", "code"), "public", referred_table,
                          ("id", "code"))
    assert compare(room(foreign_keys=(key("site"),)), room(foreign_keys=(key("venue"),))) == [
        (ObjectType.FOREIGN_KEY, Change.DIFFERS, "room_site_fkey", "referred",
         "public.site(id, code)", "public.venue(id, code)", Severity.WARNING, None,
         "the referred table and columns compared, schema-qualified")]


# ---------------------------------------------------------------- names of unnamed constraints


def _only_in_models(models: Table, database: Table) -> list[tuple[ObjectType, str | None]]:
    found = compare(models, database)
    assert {f[1] for f in found} == {Change.ONLY_IN_MODELS}
    return [(f[0], f[2]) for f in found]


def test_an_unnamed_key_on_two_columns_is_named_after_both() -> None:
    # CREATE TABLE room (..., FOREIGN KEY (id, code) REFERENCES site, UNIQUE (id, code))
    key = ForeignKey(None, ("id", "code"), "public", "site", ("id", "code"))
    assert _only_in_models(room(foreign_keys=(key,), unique_constraints=(unique(None, columns=(
        "id", "code")),)), ROOM) == [(ObjectType.FOREIGN_KEY, "room_id_code_fkey"),
                                     (ObjectType.UNIQUE_CONSTRAINT, "room_id_code_key")]


def test_a_long_name_loses_its_bytes_from_the_longer_part_first() -> None:
    # CREATE TABLE a*30 (id int PRIMARY KEY, b*30 int REFERENCES a*30)
    #   -> a*29_b*28_fkey (63 bytes: two parts of one length lose from the second first)
    a, b = "a" * 30, "b" * 30
    table = Table(a, columns=(Column(b, "integer"),),
                  foreign_keys=(ForeignKey(None, (b,), "public", a, ("id",)),))
    assert _only_in_models(table, replace(table, foreign_keys=())) == [
        (ObjectType.FOREIGN_KEY, "a" * 29 + "_" + "b" * 28 + "_fkey")]


def test_a_long_name_is_cut_on_a_character_boundary() -> None:
    # CREATE TABLE "é"*20 ("ü"*20 int UNIQUE) -> é*14_ü*14_key: 29 bytes each allowed, and
    # the 15th two-byte character would straddle the cut
    e, u = "\u00e9" * 20, "\u00fc" * 20
    table = Table(e, columns=(Column(u, "integer"),),
                  unique_constraints=(UniqueConstraint(None, (u,)),))
    assert _only_in_models(table, replace(table, unique_constraints=())) == [
        (ObjectType.UNIQUE_CONSTRAINT, "\u00e9" * 14 + "_" + "\u00fc" * 14 + "_key")]


# ---------------------------------------------------------------- index for a constraint


def _not_paired(element: IndexElement) -> None:
    """An unnamed unique constraint on code against a unique index whose one element is
    ``element``: both reported, each on its own side."""
    ux = index("ux", elements=(element,))
    assert compare(room(unique_constraints=(unique(None),)), room(indexes=(ux,))) == [
        (ObjectType.UNIQUE_CONSTRAINT, Change.ONLY_IN_MODELS, "room_code_key", None,
         unique(None), None, Severity.WARNING, None, MATCH_RULE),
        (ObjectType.INDEX, Change.ONLY_IN_DATABASE, "ux", None, None, ux, Severity.WARNING,
         None, MATCH_RULE),
    ]


def test_a_plain_unique_index_stands_for_the_constraint() -> None:
    assert compare(room(unique_constraints=(unique(None),)), room(indexes=(index("ux"),))) == []


def test_a_descending_unique_index_does_not_stand_for_a_constraint() -> None:
    _not_paired(IndexElement("code", descending=True))


def test_a_unique_index_with_nulls_first_does_not_stand_for_a_constraint() -> None:
    _not_paired(IndexElement("code", nulls_first=True))


def test_a_unique_index_with_an_operator_class_does_not_stand_for_a_constraint() -> None:
    _not_paired(IndexElement("code", opclass="text_pattern_ops"))


# ---------------------------------------------------------------- unnamed expression names


def test_an_unnamed_index_on_an_operator_expression_is_named_expr() -> None:
    # CREATE INDEX ON room ((id + 1), code) -> room_expr_code_idx
    ix = Index(None, (IndexElement("id + 1", is_column=False), IndexElement("code")))
    assert compare(room(indexes=(ix,)), ROOM) == [
        (ObjectType.INDEX, Change.ONLY_IN_MODELS, "room_expr_code_idx", None, ix, None,
         Severity.WARNING, None, MATCH_RULE)]


def test_an_unnamed_exclusion_on_an_operator_expression_is_named_expr() -> None:
    # ALTER TABLE room ADD EXCLUDE USING gist (code WITH =, (during * r) WITH &&)
    #   -> room_code_expr_excl
    excl = ExclusionConstraint(
        None, (IndexElement("code"), IndexElement("during * r", is_column=False)), ("=", "&&"))
    assert compare(room(exclusion_constraints=(excl,)), ROOM) == [
        (ObjectType.EXCLUSION_CONSTRAINT, Change.ONLY_IN_MODELS, "room_code_expr_excl", None,
         excl, None, Severity.WARNING, None, MATCH_RULE)]


def test_an_unnamed_index_on_a_function_call_is_named_after_the_function() -> None:
    # CREATE INDEX ON room (lower(code), (id + 1)) -> room_lower_expr_idx (PostgreSQL names an
    # expression element by its function, as a SELECT list names its column)
    ix = Index(None, (IndexElement("lower(code)", is_column=False),
                      IndexElement("id + 1", is_column=False)))
    assert compare(room(indexes=(ix,)), ROOM) == [
        (ObjectType.INDEX, Change.ONLY_IN_MODELS, "room_lower_expr_idx", None, ix, None,
         Severity.WARNING, None, MATCH_RULE)]


def test_an_unnamed_exclusion_on_a_function_call_is_named_after_the_function() -> None:
    # EXCLUDE USING gist (during WITH &&, tstzrange(lower(during), upper(during)) WITH &&)
    #   -> room_during_tstzrange_excl
    excl = ExclusionConstraint(
        None, (IndexElement("during"),
               IndexElement("tstzrange(lower(during), upper(during))", is_column=False)),
        ("&&", "&&"))
    assert compare(room(exclusion_constraints=(excl,)), ROOM) == [
        (ObjectType.EXCLUSION_CONSTRAINT, Change.ONLY_IN_MODELS, "room_during_tstzrange_excl",
         None, excl, None, Severity.WARNING, None, MATCH_RULE)]


@pytest.mark.parametrize(("expression", "named"), [
    # CREATE INDEX ON room (<written>) and the name PostgreSQL gives it, canonical text here
    ("lower(code)", "lower"),                  # lower(code) -> room_lower_idx
    ("COALESCE(code, 'x')", "coalesce"),       # coalesce(code, 'x') -> room_coalesce_idx
    ("btrim(code)", "btrim"),                  # trim(both from code) -> room_btrim_idx
    ('"substring"(code, 2)', "substring"),     # substring(code from 2) -> room_substring_idx
    ("CASE WHEN id > 0 THEN 1 END", "case"),   # (CASE WHEN ...) -> room_case_idx
    ("ARRAY[id, 1]", "array"),                 # (array[id, 1]) -> room_array_idx
    ("id + 1", "expr"),                        # (id + 1) -> room_expr_idx
    ("id OPERATOR(pg_catalog.+) 1", "expr"),   # text the expression parser does not read
])
def test_the_name_an_expression_element_gives(expression: str, named: str) -> None:
    assert element_base_name(IndexElement(expression, is_column=False)) == named
    assert index_base_name("room", Index(None, (IndexElement(expression, is_column=False),))) == (
        f"room_{named}_idx")


def test_a_column_element_gives_its_name_as_it_is() -> None:
    # CREATE INDEX ON room ("lower(x)") -> "room_lower(x)_idx": a column, however it is spelled
    assert element_base_name(IndexElement("lower(x)")) == "lower(x)"


# ---------------------------------------------------------------- values of matched pairs


def test_index_elements_read_as_postgresql_prints_them() -> None:
    # pg_get_indexdef: code COLLATE "C" DESC NULLS LAST, then code NULLS FIRST
    models = Index("ix", (IndexElement("code", collation='"C"', descending=True, nulls_first=False),
                          IndexElement("id")))
    database = Index("ix", (IndexElement("code", nulls_first=True), IndexElement("id")))
    assert compare(room(indexes=(models,)), room(indexes=(database,))) == [
        (ObjectType.INDEX, Change.DIFFERS, "ix", "expressions",
         ('code COLLATE "C" DESC NULLS LAST', "id"), ("code NULLS FIRST", "id"),
         Severity.WARNING, None,
         "index elements compared in order, with direction, NULLS order and opclass")]


def test_an_operator_class_against_the_default_one() -> None:
    models = Index("ix", (IndexElement("code", opclass="text_pattern_ops"), IndexElement("id")))
    database = Index("ix", (IndexElement("code"), IndexElement("id")))
    assert compare(room(indexes=(models,)), room(indexes=(database,))) == [
        (ObjectType.INDEX, Change.DIFFERS, "ix", "opclass", ("code text_pattern_ops",), None,
         Severity.WARNING, None,
         "the operator class of each index element, where not its type's default")]


def test_a_key_matched_by_definition_under_another_name() -> None:
    key = ForeignKey("fk_room_id", ("id",), "public", "site", ("id",))
    assert compare(room(foreign_keys=(key,)),
                   room(foreign_keys=(replace(key, name="room_id_fkey"),))) == [
        (ObjectType.FOREIGN_KEY, Change.DIFFERS, "room_id_fkey", "name", "fk_room_id",
         "room_id_fkey", Severity.INFO, None, "matched by definition; only the name differs")]


def test_a_pair_unnamed_on_both_sides_goes_by_postgresqls_name() -> None:
    # two snapshots of models (or a hand-written one): neither side names the key
    key = ForeignKey(None, ("id",), "public", "site", ("id",))
    assert compare(room(foreign_keys=(replace(key, on_delete="CASCADE"),)),
                   room(foreign_keys=(key,))) == [
        (ObjectType.FOREIGN_KEY, Change.DIFFERS, "room_id_fkey", "on_delete", "CASCADE",
         "NO ACTION", Severity.WARNING, None, "on_delete compared as normalised by the readers")]


def test_the_text_as_read_goes_with_a_difference() -> None:
    models = CheckConstraint("c", "id > 0", raw=(("expression", "id>0"),))
    database = CheckConstraint("c", "id > 1", raw=(("expression", "(id > (1)::integer)"),))
    found = compare_snapshots(snap("models", tables=(room(check_constraints=(models,)),)),
                              snap("database", tables=(room(check_constraints=(database,)),)))
    assert [(m.attribute, m.models, m.database, m.models_raw, m.database_raw) for m in found] == [
        ("expression", "id > 0", "id > 1", "id>0", "(id > (1)::integer)")]


def test_a_check_not_valid_on_both_sides_is_no_drift() -> None:
    check = CheckConstraint("c", "id > 0", validated=False)
    assert compare(room(check_constraints=(check,)), room(check_constraints=(check,))) == []


def test_every_constraint_a_partition_has_of_its_own_is_reported() -> None:
    # room_code_check comes from the parent (the parent declares it); room_id_check, after it in
    # name order, does not
    inherited = CheckConstraint("room_code_check", "code <> ''")
    own = CheckConstraint("room_id_check", "id > 0")
    assert compare(ROOM, room(check_constraints=(inherited, own),
                              inherited=("room_code_check",))) == [
        (ObjectType.CHECK_CONSTRAINT, Change.ONLY_IN_DATABASE, "room_id_check", None, None,
         own, Severity.WARNING, None, MATCH_RULE)]


def test_a_declared_name_is_cut_to_63_bytes_on_a_character_boundary() -> None:
    # CREATE TABLE t (c*70 int) stores c*63; "é"*40 (80 bytes) is stored as "é"*31 (62 bytes)
    assert truncate_name("c" * 70) == "c" * 63
    assert truncate_name("\u00e9" * 40) == "\u00e9" * 31
    assert truncate_name("room") == "room"
