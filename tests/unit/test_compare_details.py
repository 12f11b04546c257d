"""Details of the comparator that the broader cases let through (found by mutation testing).

Each expected value is PostgreSQL's own: how pg_get_constraintdef spells
deferrability, the names it gives to unnamed checks, the one namespace of a
table's constraint and index names.
"""

from __future__ import annotations

from dataclasses import replace

from drift.compare import compare_snapshots
from drift.compare.definitions import check_base_name, taken_names
from drift.compare.registry import TablePair
from drift.normalize.canonical import bare_identifier
from drift.schema import (
    CheckConstraint,
    Column,
    ForeignKey,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
    UniqueConstraint,
)

TEAM = Table("team", columns=(Column("id", "integer", nullable=False),),
             primary_key=PrimaryKey("team_pkey", ("id",)))


def _pair(models: Table, database: Table) -> list[tuple[str | None, object, object]]:
    found = compare_snapshots(
        Snapshot(origin="models", schemas=(Schema("public", tables=(TEAM, models)),)),
        Snapshot(origin="database", schemas=(Schema("public", tables=(TEAM, database)),)))
    return [(m.attribute, m.models, m.database) for m in found]


def _bets(*fks: ForeignKey) -> Table:
    return Table("bets", columns=(Column("team_id", "integer"),), foreign_keys=fks)


def test_deferrability_of_a_foreign_key_in_postgresqls_words() -> None:
    plain = ForeignKey("bets_team_id_fkey", ("team_id",), "public", "team", ("id",))
    deferred = replace(plain, deferrable=True, initially_deferred=True)
    immediate = replace(plain, deferrable=True)
    assert _pair(_bets(plain), _bets(deferred)) == [
        ("deferrable", "NOT DEFERRABLE", "DEFERRABLE INITIALLY DEFERRED")]
    assert _pair(_bets(immediate), _bets(deferred)) == [
        ("deferrable", "DEFERRABLE INITIALLY IMMEDIATE", "DEFERRABLE INITIALLY DEFERRED")]
    assert _pair(_bets(deferred), _bets(deferred)) == []


def test_a_column_rename_hint_names_every_candidate() -> None:
    models = Table("bets", columns=(Column("stake", "numeric(12,2)"),))
    database = Table("bets", columns=(Column("amount", "numeric(12,2)"),
                                      Column("wager", "numeric(12,2)")))
    found = compare_snapshots(
        Snapshot(origin="models", schemas=(Schema("public", tables=(models,)),)),
        Snapshot(origin="database", schemas=(Schema("public", tables=(database,)),)))
    hints = {m.path: m.hint for m in found}
    assert hints["public.bets.stake"] == (
        "possibly renamed: database columns 'amount', 'wager' have the same type")


def test_only_a_lone_identifier_is_bare() -> None:
    assert bare_identifier("status") == "status"
    assert bare_identifier('"Odd ""name"""') == 'Odd "name"'
    # literals, not column names
    for literal in ("true", "false", "null"):
        assert bare_identifier(literal) is None
    assert bare_identifier("lower(name)") is None


def test_a_check_is_named_after_its_one_column_even_when_quoted() -> None:
    # CREATE TABLE t ("Odd""col" int CHECK ("Odd""col" > 0)) -> t_Odd"col_check
    check = CheckConstraint(None, '("Odd""col" > 0)')
    assert check_base_name("t", check, frozenset({'Odd"col', "other"})) == 't_Odd"col_check'
    both = CheckConstraint(None, '(("Odd""col" > 0) AND (other > 0))')
    assert check_base_name("t", both, frozenset({'Odd"col', "other"})) == "t_check"


def test_the_primary_key_name_is_taken_too() -> None:
    table = replace(TEAM, unique_constraints=(UniqueConstraint("team_id_key", ("id",)),))
    assert taken_names(TablePair("public", table, TEAM)) == {"team_pkey", "team_id_key"}
