"""The terminal report of ``drift check``: unexpected drift first, grouped by schema and table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from typing import TYPE_CHECKING, Any

import click

from drift.connection import redact_url
from drift.mismatch import Expectation, Finding, Status, summarize
from drift.render.describe import NONE, side_value

if TYPE_CHECKING:
    from drift.api import CheckResult

_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


def describe_expectation(e: Expectation) -> str:
    extras = [
        f"phase {e.phase}" if e.phase is not None else "",
        f"ticket {e.ticket}" if e.ticket else "",
        f"owner {e.owner}" if e.owner else "",
        f"expires {e.expires.isoformat()}" if e.expires else "",
        e.source,
    ]
    details = ", ".join(x for x in extras if x)
    return f"{e.reason} ({details})" if details else e.reason


def source_label(result: CheckResult) -> str:
    """Where the database side came from, never with a password."""
    source = result.database.source
    shown = redact_url(source) if source and "://" in source else (source or "?")
    if result.config.snapshot is not None:
        return f"snapshot {result.config.snapshot} (of {shown})"
    return shown


# --- the report ---------------------------------------------------------------


def render_text(result: CheckResult) -> str:
    """The report with ANSI styles (click strips them when stdout is not a terminal)."""
    return "\n".join(_lines(result, color=True)) + "\n"


def render_text_plain(result: CheckResult) -> str:
    return "\n".join(_lines(result, color=False)) + "\n"


Style = Callable[..., str]


def _lines(result: CheckResult, color: bool) -> Iterator[str]:
    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    cls = result.classification
    version = (
        f" (PostgreSQL {result.database.server_version})" if result.database.server_version else ""
    )
    summary = summarize(cls.findings)  # the JSON report's counts, without its every row
    severities = ", ".join(f"{n} {name}" for name, n in summary["by_severity"].items() if n)
    yield style("drift check", bold=True) + f": {source_label(result)}{version}"
    yield f"schemas: {', '.join(result.config.schemas)}"
    cached = " (from the cache)" if "models" in result.cached else ""
    yield f"models: {', '.join(result.config.models) or NONE}{cached}"
    yield f"expectations: {result.config.expectations or NONE}"
    yield (
        f"{summary['total']} mismatch(es): {summary['unexpected']} unexpected, "
        f"{summary['expected']} expected" + (f" ({severities})" if severities else "")
    )
    for title, status, colour in (
        ("UNEXPECTED", Status.UNEXPECTED, "red"),
        ("EXPECTED", Status.EXPECTED, "green"),
    ):
        findings = [f for f in cls.findings if f.status is status]
        if findings:
            yield ""
            yield style(f"{title} ({len(findings)})", fg=colour, bold=True)
            yield from _grouped(findings, style)
    if cls.stale:
        yield ""
        yield style(
            f"STALE EXPECTATIONS ({len(cls.stale)}): matched nothing", fg="yellow", bold=True
        )
        for e in cls.stale:
            what = _expectation_filter(e)
            yield f"  {e.path}" + (f" [{what}]" if what else "") + f": {describe_expectation(e)}"
    if cls.expired:
        yield ""
        yield style(
            f"EXPIRED EXPECTATIONS ({len(cls.expired)}): counted as unexpected again",
            fg="yellow",
            bold=True,
        )
        for f in cls.expired:
            reason = describe_expectation(f.expectation) if f.expectation else NONE
            yield f"  {f.mismatch.path} [{f.id}]: {reason}"
    yield ""
    yield _verdict(result, style)


def _expectation_filter(e: Expectation) -> str:
    fields = (e.object_type.value if e.object_type else None, e.change.value if e.change else None)
    return " ".join(x for x in (*fields, e.attribute) if x)


def _grouped(findings: list[Finding], style: Style) -> Iterator[str]:
    ordered = sorted(findings, key=lambda f: f.mismatch.sort_key)
    for (schema_name, table), group in groupby(
        ordered, key=lambda f: (f.mismatch.schema, f.mismatch.table)
    ):
        yield style(f"{schema_name}.{table}" if table else schema_name, bold=True)
        for f in group:
            yield from _finding(f, style)


def _finding(f: Finding, style: Style) -> Iterator[str]:
    m = f.mismatch
    label = m.name or m.table or m.schema
    change = m.change.value + (f": {m.attribute}" if m.attribute else "")
    severity = style(m.severity.value, fg=_SEVERITY_COLOR[m.severity.value])
    yield f"  {m.object_type.value.replace('_', ' ')} {label}  {change}  [{severity}]  id {m.id}"
    yield f"      models:   {side_value(f, 'models')}"
    yield f"      database: {side_value(f, 'database')}"
    if f.expectation is not None:
        word = "expired" if f.expired else "expected"
        yield f"      {word}: {describe_expectation(f.expectation)}"
    if m.cause:
        yield f"      cause: {m.cause.value}"
    if m.hint:
        yield "      " + style(f"hint: {m.hint}", fg="cyan")


def _verdict(result: CheckResult, style: Style) -> str:
    cls = result.classification
    counts = [f"{len(cls.expected)} expected"]
    if cls.stale:
        counts.append(f"{len(cls.stale)} stale expectation(s)")
    if cls.expired:
        counts.append(f"{len(cls.expired)} expired expectation(s)")
    tail = f" ({', '.join(counts)})"
    if cls.unexpected:
        verdict = f"FAIL: {len(cls.unexpected)} unexpected mismatch(es)"
        return style(verdict, fg="red", bold=True) + tail
    if result.failed:
        return style("FAIL (--strict): stale or expired expectations", fg="red", bold=True) + tail
    return style("OK: no unexpected drift", fg="green", bold=True) + tail


def render_explanation(finding: Finding) -> str:
    """`drift explain`: both values as read and normalised, and the rule that decided."""
    m = finding.mismatch
    if finding.expectation is None:
        status = finding.status.value + " (no expectation matches it)"
    else:
        word = "expired expectation" if finding.expired else "expectation"
        status = f"{finding.status.value}, {word}: {describe_expectation(finding.expectation)}"
    lines = [
        ("id", m.id),
        ("path", m.path),
        ("object type", m.object_type.value),
        ("change", m.change.value),
        ("attribute", m.attribute or "-"),
        ("severity", m.severity.value),
        ("status", status),
    ]
    for side, raw in (("models", m.models_raw), ("database", m.database_raw)):
        normalised = side_value(finding, side)
        lines.append((f"{side} as read", raw if raw is not None else normalised))
        lines.append((f"{side} normalised", normalised))
    lines.append(("rule", m.rule or "-"))
    lines.append(("hint", m.hint or "-"))
    lines.append(("cause", m.cause.value if m.cause else "-"))
    width = max(len(k) for k, _ in lines)
    return "".join(f"{k + ':':<{width + 1}} {v}\n" for k, v in lines)
