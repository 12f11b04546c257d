"""The view object: counts, ordering, grouping, history and the trend chart's geometry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import yaml
from render_factory import TODAY, sample_result

from drift.render.describe import describe, describe_default
from drift.render.filters import md_cell, md_code, md_inline, mermaid_id, mermaid_type
from drift.render.finding_rows import NO_PHASE
from drift.render.reference import build_reference
from drift.render.trend_chart import trend_chart
from drift.render.view import build_view
from drift.report.history import MismatchRef, TrendPoint, WeekOverWeek
from drift.schema import (
    Column,
    ForeignKey,
    Index,
    IndexElement,
    PrimaryKey,
    Schema,
    Snapshot,
    Table,
)


def test_counts_and_breakdowns() -> None:
    v = build_view(sample_result())
    assert (v.total, v.unexpected_count, v.expected_count, v.expired_count, v.stale_count) == (
        6,
        3,
        3,
        1,
        1,
    )
    counts = {b.title: {c.key: c.value for c in b.counts} for b in v.breakdowns}
    assert counts["Status"] == {"unexpected": 3, "expected": 3}
    assert counts["Severity"] == {"error": 2, "warning": 3, "info": 1}
    assert counts["Schema"] == {"public": 5, "quantum": 1}
    assert counts["Object type"] == {"column": 3, "index": 1, "table": 2}
    # phases group the expected drift: an expired expectation's finding (phase 1) is unexpected
    # and counted there, so each phase's count is its section's
    assert counts["Phase"] == {"1": 1, "2": 1, "3": 1}
    assert counts["Phase"] == {g.key: len(g.rows) for g in v.phase_groups}
    assert NO_PHASE not in counts["Phase"]
    assert [b.filter for b in v.breakdowns] == [
        "status",
        "severity",
        "schema",
        "object-type",
        "phase",
    ]


def test_unexpected_first_by_severity_then_expected_grouped_by_phase() -> None:
    v = build_view(sample_result())
    assert [r.path for r in v.unexpected] == [
        "public.odds.price",
        "public.matches.ix_matches_played_at",
        "public.matches.played_at",
    ]
    assert [(g.key, g.title, [r.path for r in g.rows]) for g in v.phase_groups] == [
        ("1", "Phase 1: current", ["public.teams.name"]),
        ("2", "Phase 2: short term", ["quantum.dna_profile"]),
        ("3", "Phase 3: medium term", ["public.legacy_bets"]),
    ]
    dna = v.phase_groups[1].rows[0]
    assert dna.expectation is not None and dna.expectation.expiring_soon
    assert (dna.models, dna.database) == (
        "table with 2 column(s), declared by models.quantum:DnaProfile",
        "(absent)",
    )
    legacy = v.phase_groups[2].rows[0].expectation
    assert legacy is not None and not legacy.expiring_soon and legacy.ticket == "ODDS-12"
    assert v.unexpected[2].expired
    assert [e.path for e in v.stale] == ["public.old_odds"]


def test_expiry_highlight_is_within_thirty_days_only() -> None:
    result = sample_result()  # the Quantum expectation expires 10 days after TODAY
    assert build_view(result).phase_groups[1].rows[0].expectation.expiring_soon  # type: ignore[union-attr]
    # seen 25 days earlier it expires in 35 days: no highlight
    earlier = replace(result, config=replace(result.config, today=TODAY - timedelta(days=25)))
    assert not build_view(earlier).phase_groups[1].rows[0].expectation.expiring_soon  # type: ignore[union-attr]


def test_reference_tables_classes_and_relations() -> None:
    ref = build_view(sample_result()).reference
    assert ref is not None
    public = {t.name: t for t in ref.schemas[0].tables}
    assert list(public) == ["legacy_bets", "matches", "odds", "teams"]
    teams = public["teams"]
    assert (teams.declared_module, teams.declared_class, teams.comment) == (
        "models.public",
        "Team",
        "Football teams",
    )
    assert [r.text for r in teams.referenced_by] == [
        "public.matches",
        "public.matches",
        "quantum.dna_profile",
    ]
    assert public["legacy_bets"].presence == "database"
    assert ref.schemas[1].tables[0].presence == "models"
    assert [c.keys for c in public["matches"].columns] == ["PK", "FK", "FK", ""]
    assert ref.schemas[0].others == (("enum", "bet_status", "ENUM ('pending', 'won', 'lost')"),)
    (diagram,) = ref.schemas[0].diagrams
    assert len(diagram.boxes) == 4 and len(diagram.edges) == 3
    # one edge per foreign key, from the referring column to the referred one
    assert sorted((e.source, e.target) for e in diagram.edges) == [
        ("public.matches.away_team_id", "public.teams.id"),
        ("public.matches.home_team_id", "public.teams.id"),
        ("public.odds.match_id", "public.matches.id"),
    ]
    boxes = {b.key: b for b in diagram.boxes}
    for e in diagram.edges:  # the path starts on the referring column's row, at a box side
        child = boxes[e.source.rsplit(".", 1)[0]]
        row = next(c for c in child.columns if c.name == e.source.rsplit(".", 1)[1])
        x, y = (float(v) for v in e.d.split()[0][1:].split(","))
        assert x in (child.x, round(child.x + child.width, 1)) and row.top < y < row.top + 17
    # boxes do not overlap, and hold the full types
    placed = list(boxes.values())
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            apart = a.x + a.width <= b.x or b.x + b.width <= a.x
            assert apart or a.y + a.height <= b.y or b.y + b.height <= a.y, (a.key, b.key)
    assert "timestamp with time zone" in [c.type for c in boxes["public.matches"].columns]


def test_history_and_trend_in_view() -> None:
    ref = MismatchRef("abc", "public.x", "table", "only_in_database", None, "unexpected", "error")
    week = WeekOverWeek(date(2026, 11, 19), new=(ref,), resolved=(), reclassified=(), changed=())
    points = (TrendPoint(date(2026, 11, 19), 4, 0), TrendPoint(date(2026, 11, 26), 3, 3))
    v = build_view(sample_result(), week=week, trend=points)
    assert v.history is not None and v.history.previous_date == "2026-11-19"
    assert [r.path for r in v.history.new] == ["public.x"]
    assert v.trend is not None and len(v.trend.marks) == 2


def test_trend_chart_geometry() -> None:
    chart = trend_chart([TrendPoint(date(2026, 1, d), d, 8 - d) for d in range(1, 5)])
    assert chart is not None
    xs = [m.x for m in chart.marks]
    assert xs == sorted(xs) and xs[0] == chart.left and xs[-1] == chart.right
    # the largest value sits at the top tick, zero on the baseline
    assert max(v for _, v in chart.ticks) >= 7
    assert chart.ticks[0] == (chart.bottom, 0)
    assert len(chart.expected_points.split()) == 4
    assert trend_chart([]) is None
    # one report is no trend: no chart of lone dots
    assert trend_chart([TrendPoint(date(2026, 1, 1), 0, 0)]) is None
    # stale expectations have a line of their own
    stale = trend_chart(
        [TrendPoint(date(2026, 1, 1), 2, 0, 4), TrendPoint(date(2026, 1, 8), 2, 1, 0)]
    )
    assert stale is not None and [m.stale for m in stale.marks] == [4, 0]
    assert stale.marks[0].y_stale == stale.top and stale.marks[1].y_stale == stale.bottom
    assert len(stale.stale_points.split()) == 2


def test_describe_records() -> None:
    assert describe(Column("x", "integer", False, default="0")) == "integer NOT NULL DEFAULT 0"
    assert describe(ForeignKey("f", ("a",), "s", "t", ("id",), on_delete="CASCADE")) == (
        "FOREIGN KEY (a) REFERENCES s.t (id) ON DELETE CASCADE"
    )
    assert describe(
        Index("i", (IndexElement("lower(x)", is_column=False),), unique=True, where="x > 0")
    ) == ("UNIQUE INDEX ((lower(x))) WHERE x > 0")
    assert describe(None) == "(none)" and describe(False) == "false"
    assert describe(("a", "b")) == "(a, b)"


def test_markdown_and_mermaid_filters() -> None:
    assert md_cell("a|b") == "a\\|b"
    assert md_cell("") == " "
    assert md_cell("x" * 50, 10) == "x" * 9 + "…"
    assert md_inline("<b>`x`</b>") == "&lt;b&gt;\\`x\\`&lt;/b&gt;"
    # a line break is shown, not taken (the Markdown source has the backslash escaped)
    assert md_inline("line one\nline two") == "line one\\\\nline two"
    assert md_inline("# not a heading") == "\\# not a heading"
    assert md_code("a `b` c") == "``a `b` c``"
    assert mermaid_id("public.t-1") == "public_t_1" and mermaid_id("1x") == "x_1x"
    assert mermaid_type("character varying(20)") == "character-varying(20)"
    assert mermaid_type("numeric(10,2)") == "numeric(10-2)"
    assert mermaid_type("integer[]") == "integer[]"


def test_reference_cells_read_as_describe_says() -> None:
    ref = build_view(sample_result()).reference
    assert ref is not None
    teams = next(t for t in ref.schemas[0].tables if t.name == "teams")
    # the serial id: its default and nullability spelt as in every mismatch description
    assert (teams.columns[0].nullable, teams.columns[0].default) == ("NOT NULL", "SERIAL")
    assert teams.columns[1].nullable == "NULL"
    identity = Column("id", "bigint", False, identity="always")
    assert describe_default(identity) == "GENERATED ALWAYS AS IDENTITY"
    assert describe_default(identity) in describe(identity)


def test_reference_lists_the_domains_with_the_other_objects() -> None:
    from drift.schema import Domain

    result = sample_result()
    percent = Domain("percent", "numeric(5,2)", nullable=False, checks=("value >= 0",))
    database = replace(result.database, schemas=tuple(
        replace(s, domains=(percent,)) if s.name == "public" else s
        for s in result.database.schemas))
    ref = build_view(replace(result, database=database)).reference
    assert ref is not None
    assert ("domain", "percent", "DOMAIN numeric(5,2) NOT NULL CHECK (value >= 0)") in (
        ref.schemas[0].others)


def test_each_finding_has_its_next_step() -> None:
    """The operation is the planner's, rendered by Alembic; unexpected drift can be accepted."""
    v = build_view(sample_result())
    rows = {r.path: r for r in (*v.unexpected, *v.expected_rows)}
    price = rows["public.odds.price"]
    assert price.operation == (
        "op.execute('ALTER TABLE \"public\".\"odds\" ALTER COLUMN \"price\" TYPE NUMERIC(10, 2) "
        "USING \"price\"::NUMERIC(10, 2)')"
    )
    # a drop of what the models do not declare is left commented out, as the plan leaves it
    dropped = rows["public.legacy_bets"].operation.splitlines()
    assert dropped[0].startswith("# DISABLED") and dropped[1] == (
        "# op.drop_table('legacy_bets', schema='public')"
    )
    unexpected = v.unexpected[0]
    accepted = yaml.safe_load(unexpected.accept)
    assert accepted[0]["path"] == unexpected.path and accepted[0]["reason"].startswith("TODO")
    assert all(r.accept == "" for r in v.expected_rows)  # already accepted


def _chain_snapshot() -> Snapshot:
    """leagues <- teams <- matches, and matches -> leagues directly (an edge over a layer)."""
    pk = PrimaryKey("pk", ("id",))

    def fk(column: str, table: str) -> ForeignKey:
        return ForeignKey(None, (column,), "public", table, ("id",))

    return Snapshot(
        "database",
        (
            Schema(
                "public",
                tables=(
                    Table("leagues", (Column("id", "integer", False),), pk),
                    Table(
                        "teams",
                        (Column("id", "integer", False), Column("league_id", "integer")),
                        pk,
                        (fk("league_id", "leagues"),),
                    ),
                    Table(
                        "matches",
                        (
                            Column("id", "integer", False),
                            Column("league_id", "integer", False),
                            Column("team_id", "integer", False),
                        ),
                        pk,
                        (fk("league_id", "leagues"), fk("team_id", "teams")),
                    ),
                ),
            ),
        ),
    )


def test_edges_leave_and_enter_the_boxes_on_the_sides_facing_each_other() -> None:
    db = _chain_snapshot()
    (diagram,) = build_reference(db, Snapshot("models")).schemas[0].diagrams
    boxes = {b.key: b for b in diagram.boxes}
    # referred tables sit left of the tables that refer to them, a layer apart
    assert boxes["public.leagues"].x < boxes["public.teams"].x < boxes["public.matches"].x
    for e in diagram.edges:
        child = boxes[e.source.rsplit(".", 1)[0]]
        parent = boxes[e.target.rsplit(".", 1)[0]]
        start = e.d.split()[0][1:].split(",")
        end = e.d.split()[-1].lstrip("LCHM").split(",")
        assert float(start[0]) == child.x, e  # the child's left side, facing its parent
        assert float(end[0]) == round(parent.x + parent.width, 1), e  # the parent's right side
    # the edge over a layer goes around the middle layer's box, not through it
    long = next(e for e in diagram.edges if e.source == "public.matches.league_id")
    teams = boxes["public.teams"]
    for (x1, y1), (x2, y2) in zip(long.points, long.points[1:], strict=False):
        across = min(x1, x2) < teams.x + teams.width and max(x1, x2) > teams.x
        assert not (across and teams.y <= min(y1, y2) <= max(y1, y2) <= teams.y + teams.height)
    assert len(long.points) > 2


def test_a_large_diagram_shows_key_and_drifted_columns_and_counts_the_rest() -> None:
    pk = PrimaryKey("pk", ("id",))
    tables = tuple(
        Table(
            f"t{i:02d}",
            (
                Column("id", "integer", False),
                *((Column("parent_id", "integer"),) if i else ()),
                Column("note", "text"),
                Column("label", "character varying(200)"),
            ),
            pk,
            (ForeignKey(None, ("parent_id",), "public", f"t{i - 1:02d}", ("id",)),) if i else (),
        )
        for i in range(25)
    )
    db = Snapshot("database", (Schema("public", tables=tables),))
    marks = {("public", "t03", "label"): "unexpected"}
    (diagram,) = build_reference(db, Snapshot("models"), marks).schemas[0].diagrams
    boxes = {b.key: b for b in diagram.boxes}
    assert [c.name for c in boxes["public.t05"].columns] == ["id", "parent_id"]
    assert boxes["public.t05"].more == "… 2 more columns"
    assert [c.name for c in boxes["public.t03"].columns] == ["id", "parent_id", "label"]
    assert boxes["public.t03"].more == "… 1 more column"
    assert len(diagram.edges) == 24
