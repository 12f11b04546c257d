"""The plan summary: hazards of disabled steps apart, row counts in words, Markdown that renders."""

from __future__ import annotations

from pathlib import Path

from test_plan_build import DATABASE, FINDINGS, MODELS, PHASES

from drift.plan import Plan, TableStats, build_plan
from drift.plan.revision_writer import WriteResult, WrittenRevision
from drift.plan.run import PlanOutcome
from drift.plan.verify import RevisionVerdict, VerifyReport
from drift.render.plan_summary import render_plan_summary


def outcome(plan: Plan, report: VerifyReport | None = None) -> PlanOutcome:
    written = WriteResult(None, tuple(WrittenRevision(r.key, f"rev{i}", Path(f"r{i}_x.py"))
                                      for i, r in enumerate(plan.revisions)))
    return PlanOutcome(plan, written, Path("migrations"), report)


def test_hazards_of_disabled_steps_are_counted_apart() -> None:
    # phase 1: a disabled drop of teams.legacy (data loss) and an index (not concurrent)
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    phase1 = plan.revisions[1]
    assert [st.disabled for st, _ in phase1.hazards] == [False, True]
    text = render_plan_summary(outcome(plan))
    assert "1 hazard(s) (1 more on disabled steps) -> r1_x.py" in text
    assert "phase-1, data_loss (disabled step):" in text
    markdown = render_plan_summary(outcome(plan), "markdown")
    assert "| 1 (1 more on disabled steps) |" in markdown
    assert "- phase-1, data_loss (disabled step):" in markdown


def test_a_revision_without_disabled_hazards_says_nothing_more() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    text = render_plan_summary(outcome(plan))
    line = next(x for x in text.splitlines() if "drift: unexpected drift:" in x)
    assert line.endswith("1 hazard(s) -> r0_x.py")
    assert "more on disabled" not in line


def test_one_row_is_singular() -> None:
    stats = TableStats(rows={("public", "teams"): 1.0, ("public", "x"): 0.0,
                             ("public", "y"): 2.0})
    assert stats.size("public", "teams") == "~1 row by the catalog's estimate"
    assert stats.size("public", "x") == "~0 rows by the catalog's estimate"
    assert stats.size("public", "y") == "~2 rows by the catalog's estimate"


def test_markdown_verdict_is_a_paragraph_of_its_own() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    verdicts = tuple(RevisionVerdict(r.key, r.message, f"rev{i}", 1, (), (), 0)
                     for i, r in enumerate(plan.revisions))
    markdown = render_plan_summary(outcome(plan, VerifyReport("scratch", (), verdicts, True)),
                                   "markdown")
    lines = markdown.splitlines()
    at = lines.index("**Verdict: converged**")
    assert lines[at - 1] == ""
    assert lines[at - 2].startswith("- downgrade:")


def test_markdown_summary_escapes_what_comes_from_the_database() -> None:
    plan = build_plan(FINDINGS, PHASES, MODELS, DATABASE)
    hostile = "*bold* [link](http://x) <img src=x> | `tick` _u_"
    verdicts = tuple(RevisionVerdict(r.key, hostile, f"rev{i}", 1, (), (), 0)
                     for i, r in enumerate(plan.revisions))
    markdown = render_plan_summary(outcome(plan, VerifyReport(hostile, (), verdicts, True)),
                                   "markdown")
    scratch = next(x for x in markdown.splitlines() if x.startswith("On "))
    assert scratch.startswith("On ``*bold*")  # a code span: inert
    rest = markdown.replace(scratch, "")
    for raw in ("*bold*", "[link](", "<img", "| `tick`", "_u_"):
        assert raw not in rest
