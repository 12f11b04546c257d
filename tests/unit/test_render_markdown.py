"""Markdown: the PR summary (structure, size limit) and the full report (escaping, reference)."""

from __future__ import annotations

import re

from render_factory import HOSTILE, many_findings_result, sample_result

from drift.render import FORMATS
from drift.render.markdown import SUMMARY_LIMIT, render_markdown_report, render_markdown_summary


def _table_rows(text: str, header: str) -> list[str]:
    """The rows of the Markdown table whose header line starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _cells(row: str) -> list[str]:
    # a cell ends at a pipe that is not escaped
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_summary_structure() -> None:
    text = render_markdown_summary(sample_result())
    assert FORMATS["markdown"] is render_markdown_summary
    assert text.startswith("### ❌ drift: 3 unexpected mismatches\n")
    assert (
        "**6** mismatches: **3 unexpected**, 3 expected, 1 expired expectation, "
        "1 stale expectation." in text
    )
    unexpected = _table_rows(text, "| Severity | Object | Change | Models | Database |\n"[:-1])
    assert [_cells(r)[1] for r in unexpected] == [
        "public.odds.price",
        "public.matches.ix\\_matches\\_played\\_at",
        "public.matches.played\\_at",
    ]
    assert _cells(unexpected[0])[3:] == ["numeric(10,2)", "numeric"]
    details = text[text.index("<details><summary>3 expected mismatches</summary>") :]
    assert details.index("</details>") > details.index("Quantum DNA 2.0 tables not created yet")
    assert "2026-12-06 ⚠️ soon" in details


def test_summary_of_a_clean_run() -> None:
    result = sample_result()
    from dataclasses import replace

    from drift.mismatch import Classification

    clean = replace(result, mismatches=(), classification=Classification(()))
    text = render_markdown_summary(clean)
    assert text.startswith("### ✅ drift: no unexpected drift")
    assert "<details>" not in text and "| Severity |" not in text


def test_summary_stays_under_the_comment_limit_with_thousands_of_findings() -> None:
    result = many_findings_result(6000)
    text = render_markdown_summary(result)
    assert len(text) <= SUMMARY_LIMIT
    # counts stay complete even when rows are summarised
    assert "**6000** mismatches: **5400 unexpected**, 600 expected." in text
    assert "more unexpected mismatches, not listed here" in text
    rows = _table_rows(text, "| Severity | Object | Change | Models | Database |")
    assert 0 < len(rows) < 5400
    assert text.count("<details>") == text.count("</details>") == 1


def test_small_summary_lists_everything() -> None:
    text = render_markdown_summary(many_findings_result(50))
    assert len(_table_rows(text, "| Severity | Object | Change | Models | Database |")) == 45
    assert "not listed" not in text


def test_hostile_text_keeps_table_rows_and_cells_intact() -> None:
    hostile = sample_result(hostile=True)
    # the summary lists the 3 expected findings in one table; the report's first table is phase 1's
    for text, count in (
        (render_markdown_summary(hostile), 3),
        (render_markdown_report(hostile), 1),
    ):
        # names are code in the next steps' fenced blocks (shown as text), markup nowhere else
        prose = re.sub(r"^```(?:python|yaml)\n.*?^```$", "", text, flags=re.MULTILINE | re.DOTALL)
        assert "<script>" not in prose and "<img" not in prose
        expected = _table_rows(text, "| Severity | Object | Change | Models | Database | Reason |")
        assert len(expected) == count
        assert all(len(_cells(row)) == 9 for row in expected)
        assert "&lt;script&gt;" in expected[0] and "\\|\\`x\\`\\|" in expected[0]
    report = render_markdown_report(sample_result(hostile=True))
    columns = _table_rows(report[report.index("#### public.teams") :], "| Column | Type |")
    assert len(columns) == 2 and all(len(_cells(r)) == 6 for r in columns)
    # the Mermaid block holds no quote, backtick or angle bracket from the data
    block = report[report.index("```mermaid") : report.index("```", report.index("```mermaid") + 3)]
    assert "<" not in block and "`" not in block.removeprefix("```mermaid")
    assert HOSTILE not in report


def test_full_report_sections_and_reference() -> None:
    text = render_markdown_report(sample_result())
    for heading in (
        "## Summary",
        "## Unexpected drift",
        "## Expected drift, by phase",
        "### Phase 2: short term (1)",
        "## Stale expectations",
        "## Reference",
        "### Schema public (4 tables)",
        "#### public.teams",
    ):
        assert f"\n{heading}\n" in text, heading
    # the summary's phase counts are the sections' (the expired finding is unexpected)
    phases = "Phase 1: current 1, Phase 2: short term 1, Phase 3: medium term 1"
    assert f"- **Phase**: {phases}\n" in text
    assert "### Phase 1: current (1)" in text
    # real names (one block per schema: no schema prefix), full types where Mermaid allows
    assert "```mermaid\nerDiagram\n    legacy_bets {" in text
    assert "        timestamp-with-time-zone played_at\n" in text
    assert "    teams ||--o{ matches : \"home_team_id\"\n" in text
    assert "Declared by Team in models.public. Primary key (id)." in text
    assert "- Referred to by: public.matches (home\\_team\\_id)" in text
    assert "#### quantum.dna\\_profile (declared, not in the database)" in text


def test_strict_failure_reads_the_same_in_every_report() -> None:
    from dataclasses import replace

    from drift.render.html import render_html

    result = sample_result()
    # no unexpected drift left, the stale expectation stays: a failure under --strict only
    expected = tuple(f for f in result.classification.findings if f.status.value == "expected")
    strict = replace(
        result,
        config=replace(result.config, strict=True),
        classification=replace(result.classification, findings=expected),
    )
    assert strict.failed
    verdict = "1 stale expectation(s) (--strict)"
    assert render_markdown_summary(strict).startswith(f"### ❌ drift: {verdict}\n")
    assert f"\n**{verdict.capitalize()}** · 3 mismatches" in render_markdown_report(strict)
    assert f'id="verdict">{verdict.capitalize()}</div>' in render_html(strict)
