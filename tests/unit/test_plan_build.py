"""build_plan on hand-built snapshots and findings: grouping, ordering, hazards, disabled drops."""

from __future__ import annotations

from drift import schema as s
from drift.mismatch import (
    Change,
    Expectation,
    Finding,
    Mismatch,
    ObjectType,
    Phase,
    Severity,
    Status,
)
from drift.plan import PlanOptions, StepKind, TableStats, build_plan
from drift.plan.hazards import HazardKind
from drift.plan.ordering import dependency_order

TEAMS = s.Table("teams", columns=(s.Column("id", "integer", False), s.Column("name", "text")),
                primary_key=s.PrimaryKey("teams_pkey", ("id",)))
DB_TEAMS = s.Table("teams", columns=(s.Column("id", "integer", False), s.Column("name", "text"),
                                     s.Column("legacy", "text")),
                   primary_key=s.PrimaryKey("teams_pkey", ("id",)),
                   indexes=(s.Index("ix_name", (s.IndexElement("name"),)),))
LEFT = s.Table("left", columns=(s.Column("id", "integer", False), s.Column("right_id", "integer")),
               primary_key=s.PrimaryKey(None, ("id",)),
               foreign_keys=(s.ForeignKey(None, ("right_id",), "q", "right", ("id",)),))
RIGHT = s.Table("right", columns=(s.Column("id", "integer", False), s.Column("left_id", "integer"),
                                  s.Column("team_id", "integer")),
                primary_key=s.PrimaryKey(None, ("id",)),
                foreign_keys=(s.ForeignKey(None, ("left_id",), "q", "left", ("id",)),
                              s.ForeignKey(None, ("team_id",), "public", "teams", ("id",))))
MODELS_TEAMS = s.Table("teams", columns=TEAMS.columns, primary_key=TEAMS.primary_key,
                       indexes=(s.Index("ix_name", (s.IndexElement("name"),), unique=True),))
MODELS = s.Snapshot("models", (s.Schema("public", tables=(MODELS_TEAMS,)),
                               s.Schema("q", tables=(LEFT, RIGHT),
                                        enums=(s.EnumType("k", ("a",)),))))
DATABASE = s.Snapshot("database", (s.Schema("public", tables=(DB_TEAMS,)),))

PHASES = (Phase(1, "current"), Phase(2, "short term"))


def finding(kind: ObjectType, change: Change, schema: str, table: str | None, name: str | None,
            models: object = None, database: object = None, attribute: str | None = None,
            phase: int | None = 0) -> Finding:
    m = Mismatch(kind, change, schema, table, name, attribute, models, database, Severity.ERROR)
    if phase == 0:
        return Finding(m, Status.UNEXPECTED)
    return Finding(m, Status.EXPECTED, Expectation("*", "planned", phase=phase))


FINDINGS = (
    finding(ObjectType.SCHEMA, Change.ONLY_IN_MODELS, "q", None, None, s.Schema("q"), phase=2),
    finding(ObjectType.ENUM, Change.ONLY_IN_MODELS, "q", None, "k", s.EnumType("k", ("a",)),
            phase=2),
    finding(ObjectType.TABLE, Change.ONLY_IN_MODELS, "q", "right", None, RIGHT, phase=2),
    finding(ObjectType.TABLE, Change.ONLY_IN_MODELS, "q", "left", None, LEFT, phase=2),
    finding(ObjectType.COLUMN, Change.ONLY_IN_DATABASE, "public", "teams", "legacy", None,
            s.Column("legacy", "text"), phase=1),
    # two attributes of one index differ: one drop and one create
    finding(ObjectType.INDEX, Change.DIFFERS, "public", "teams", "ix_name", True, False,
            attribute="unique", phase=1),
    finding(ObjectType.INDEX, Change.DIFFERS, "public", "teams", "ix_name", "x", "y",
            attribute="where", phase=1),
    finding(ObjectType.COLUMN, Change.DIFFERS, "public", "teams", "name", False, True,
            attribute="nullable", phase=None),
    finding(ObjectType.COLUMN, Change.DIFFERS, "public", "teams", "id", "bigint", "integer",
            attribute="type"),
)


def test_one_revision_per_phase_unexpected_first_unphased_last() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    assert [r.key for r in plan.revisions] == ["unexpected", "phase-1", "phase-2", "unphased"]
    assert [r.message for r in plan.revisions] == [
        "drift: unexpected drift", "drift phase 1: current", "drift phase 2: short term",
        "drift: expected drift without a phase"]
    assert sum(len(r.finding_ids) for r in plan.revisions) == len(FINDINGS)


def test_expected_only_and_one_phase() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE, PlanOptions(expected_only=True))
    assert [r.key for r in plan.revisions] == ["phase-1", "phase-2", "unphased"]
    assert len(plan.left_out) == 1
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE, PlanOptions(phase=2))
    assert [r.key for r in plan.revisions] == ["phase-2"]
    assert len(plan.left_out) == len(FINDINGS) - 4


def test_drops_are_disabled_unless_allowed() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    phase1 = plan.revisions[1]
    drop = next(st for st in phase1.steps if st.kind is StepKind.DROP_COLUMN)
    assert drop.disabled and drop.destructive
    assert drop.finding_id not in phase1.converging_ids
    assert any(h.kind is HazardKind.DATA_LOSS for h in drop.hazards)
    allowed = build_plan(FINDINGS, PHASES, MODELS, DATABASE, PlanOptions(allow_destructive=True))
    drop = next(st for st in allowed.revisions[1].steps if st.kind is StepKind.DROP_COLUMN)
    assert not drop.disabled


def test_a_changed_index_is_dropped_once_then_created_once() -> None:
    phase1 = build_plan(FINDINGS, PHASES, MODELS, DATABASE).revisions[1]
    kinds = [st.kind for st in phase1.steps]
    assert kinds == [StepKind.DROP_INDEX, StepKind.CREATE_INDEX, StepKind.DROP_COLUMN]


def test_order_inside_a_revision_and_the_cycle_broken_by_a_later_foreign_key() -> None:
    phase2 = build_plan(FINDINGS, PHASES, MODELS, DATABASE).revisions[2]
    kinds = [st.kind for st in phase2.steps]
    assert kinds == [StepKind.CREATE_SCHEMA, StepKind.CREATE_ENUM, StepKind.CREATE_TABLE,
                     StepKind.CREATE_TABLE, StepKind.CREATE_FOREIGN_KEY]
    # left comes first (cycle broken by name); right declares both of its keys inline
    first, second = phase2.steps[2], phase2.steps[3]
    assert (first.table, second.table) == ("left", "right")
    assert len([c for c in second.op.columns if c.__class__.__name__ == "ForeignKeyConstraint"]) \
        == 2  # type: ignore[union-attr]
    assert phase2.steps[4].table == "left"  # left.right_id -> right, after right exists


def test_dependency_order() -> None:
    deps = {("s", "c"): (("s", "b"),), ("s", "b"): (("s", "a"),), ("s", "a"): (),
            ("s", "x"): (("s", "y"),), ("s", "y"): (("s", "x"),)}
    assert dependency_order(deps) == [("s", "a"), ("s", "b"), ("s", "c"), ("s", "x"), ("s", "y")]


def test_hazards_use_the_catalog_estimate_and_null_counts() -> None:
    stats = TableStats(rows={("public", "teams"): 1_234_567.0},
                       nulls={("public", "teams", "name"): 12})
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE, stats=stats)
    unphased = plan.revisions[3]
    [step] = unphased.steps
    assert step.kind is StepKind.SET_NOT_NULL
    messages = {h.kind: h.message for h in step.hazards}
    assert "~1,234,567 rows" in messages[HazardKind.LOCK]
    assert "holds 12 NULL(s)" in messages[HazardKind.NULLS_PRESENT]
    unexpected = plan.revisions[0]
    [alter] = unexpected.steps
    assert {h.kind for h in alter.hazards} == {HazardKind.REWRITE}  # integer -> bigint: no loss
    index = next(st for st in plan.revisions[1].steps if st.kind is StepKind.CREATE_INDEX)
    [hazard] = index.hazards
    assert hazard.kind is HazardKind.INDEX_NOT_CONCURRENT
    assert hazard.alternative[0].kw["postgresql_concurrently"] is True  # type: ignore[attr-defined]


def test_steps_on_new_tables_carry_no_lock_hazards() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    assert all(not st.hazards for st in plan.revisions[2].steps)


def test_type_change_rules() -> None:
    from drift.plan.hazards import _type_change

    # (rewrites the table, may lose data)
    assert _type_change("character varying(20)", "character varying(50)") == (False, False)
    assert _type_change("character varying(50)", "character varying(20)") == (True, True)
    assert _type_change("character varying(20)", "text") == (False, False)
    assert _type_change("text", "character varying(20)") == (True, True)
    assert _type_change("numeric(6,2)", "numeric(8,2)") == (False, False)
    assert _type_change("numeric(8,3)", "numeric(6,2)") == (True, True)
    assert _type_change("integer", "bigint") == (True, False)
    assert _type_change("bigint", "integer") == (True, True)
    assert _type_change("double precision", "numeric(12,2)") == (True, True)


def test_adding_a_column_with_a_volatile_default_or_not_null_without_default() -> None:
    from drift.plan.hazards import _add_column
    from drift.plan.steps import Step

    stats = TableStats(rows={("public", "t"): 10.0})
    volatile = Step(StepKind.ADD_COLUMN, None, None, "public", "t", "u",
                    record=s.Column("u", "uuid", default="gen_random_uuid()"))
    assert [h.kind for h in _add_column(volatile, stats)] == [HazardKind.REWRITE]
    stable = Step(StepKind.ADD_COLUMN, None, None, "public", "t", "at",
                  record=s.Column("at", "timestamp with time zone", default="now()"))
    assert _add_column(stable, stats) == []
    required = Step(StepKind.ADD_COLUMN, None, None, "public", "t", "n",
                    record=s.Column("n", "integer", nullable=False))
    assert [h.kind for h in _add_column(required, stats)] == [HazardKind.NULLS_PRESENT]
