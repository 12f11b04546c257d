"""The terminal report of ``drift check``: unexpected drift first, grouped by schema and table."""

from __future__ import annotations

import os
import secrets
import textwrap
from collections.abc import Callable, Iterator
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from drift.mismatch import Expectation, Finding, Status, summarize
from drift.render.describe import NONE, side_value
from drift.render.nextstep import NextStep
from drift.render.query_view import shown_sql
from drift.render.terminal import cut, printable
from drift.sources.database.connection import redact_url

if TYPE_CHECKING:
    from drift.result import CheckResult

_SEVERITY_COLOR = {"error": "red", "warning": "yellow", "info": "blue"}


def relative(path: str | os.PathLike[str], cwd: Path | None = None) -> str:
    """A path (or ``path:line``) relative to the working directory where it is inside it."""
    text = str(path)
    where, sep, line = text.rpartition(":")
    if not (sep and line.isdigit()):
        where, sep, line = text, "", ""
    base = cwd or Path.cwd()
    candidate = Path(where)
    if candidate.is_absolute() and candidate.is_relative_to(base):
        where = candidate.relative_to(base).as_posix()
    return where + sep + line


def describe_expectation(e: Expectation) -> str:
    extras = [
        f"phase {e.phase}" if e.phase is not None else "",
        f"ticket {e.ticket}" if e.ticket else "",
        f"owner {e.owner}" if e.owner else "",
        f"expires {e.expires.isoformat()}" if e.expires else "",
        relative(e.source) if e.source else "",
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


def render_text(result: CheckResult, *, verbose: bool = False) -> str:
    """The report with ANSI styles (click strips them when stdout is not a terminal).

    Expected drift is summed up per expectation entry; ``verbose`` lists each mismatch."""
    return _terminal_lines(lambda style: _lines(result, style, verbose), color=True)


def render_text_plain(result: CheckResult, *, verbose: bool = False) -> str:
    return _terminal_lines(lambda style: _lines(result, style, verbose), color=False)


def verdict_line(result: CheckResult) -> str:
    """The report's last lines (one per cause), plain: what a CI log shows after
    ``check -o`` or ``report``."""
    return "\n".join(printable(line) for line in
                     _verdict(result, lambda text, **_: text).split("\n"))


def _terminal_lines(lines: Callable[[Style], Iterator[str]], color: bool) -> str:
    """The one place names reach the terminal: every line with its control characters
    escaped (a name's ESC, bell, \\r or \\n), then drift's own styles put back in.

    ``style`` marks its codes with a token made for this call, which no name can hold.
    """
    token = f"\ue000{secrets.token_hex(8)}\ue001"

    def style(text: str, **kw: Any) -> str:
        if not color:
            return text
        return click.style(printable(text), **kw).replace("\x1b", token)

    def shown(line: str) -> str:
        text = cut(printable(line).replace(token, "\x1b"))
        # a line cut inside a style would leave the terminal styled
        return text + "\x1b[0m" if text.endswith("cut)") and "\x1b[" in text else text

    return "".join(shown(line) + "\n" for line in lines(style))


Style = Callable[..., str]


def _lines(result: CheckResult, style: Style, verbose: bool = False) -> Iterator[str]:
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
    expectations = result.config.expectations
    yield f"expectations: {relative(expectations) if expectations else NONE}"
    if result.code is not None:
        yield f"queries: {result.code.line()}"
    yield (
        f"{summary['total']} mismatch(es): {summary['unexpected']} unexpected, "
        f"{summary['expected']} expected" + (f" ({severities})" if severities else "")
    )
    unexpected = [f for f in cls.findings if f.status is Status.UNEXPECTED]
    if unexpected:
        yield ""
        yield style(f"UNEXPECTED ({len(unexpected)})", fg="red", bold=True)
        yield from _grouped(unexpected, style)
    expected = [f for f in cls.findings if f.status is Status.EXPECTED]
    if expected and verbose:
        yield ""
        yield style(f"EXPECTED ({len(expected)})", fg="green", bold=True)
        yield from _grouped(expected, style)
    elif expected:
        yield ""
        yield style(f"EXPECTED ({len(expected)})", fg="green", bold=True) + (
            ", by expectation entry (-v lists each mismatch)"
        )
        yield from _by_expectation(expected)
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
    if result.code is not None and result.code.unchecked:
        yield ""
        yield style(f"UNCHECKED QUERIES ({len(result.code.unchecked)})", fg="yellow", bold=True)
        for u in result.code.unchecked:
            yield f"  {u.location} {u.call}: {u.reason}"
    problems = result.history.problems if result.history is not None else ()
    if problems:
        yield ""
        yield style(f"MIGRATION HISTORY ({len(problems)})", fg="red", bold=True)
        for problem in problems:
            yield f"  {problem}"
    yield ""
    yield from _verdict(result, style).split("\n")


def _by_expectation(findings: list[Finding]) -> Iterator[str]:
    """One line per expectation entry: how many mismatches it accepts, its reason, its phase."""
    counts: dict[Expectation, int] = {}
    for f in findings:
        if f.expectation is not None:
            counts[f.expectation] = counts.get(f.expectation, 0) + 1
    width = len(str(max(counts.values(), default=0)))
    for e, n in sorted(counts.items(), key=lambda kv: (kv[0].phase is None, kv[0].phase or 0)):
        what = _expectation_filter(e)
        yield f"  {n:>{width}} × {e.path}" + (f" [{what}]" if what else "") + (
            f": {describe_expectation(e)}"
        )


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
    if m.query is not None:
        yield from _query_finding(f, style)
        return
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


def _query_finding(f: Finding, style: Style) -> Iterator[str]:
    m = f.mismatch
    q = m.query
    assert q is not None
    severity = style(m.severity.value, fg=_SEVERITY_COLOR[m.severity.value])
    yield f"  query {q.call}  {m.attribute}  [{severity}]  id {m.id}"
    yield f"      statement: {' '.join(q.statement.split())}"
    yield f"      breaks:    {q.state_label}: {q.message}"
    if q.operation:
        yield f"      operation: {q.operation}"
    if f.expectation is not None:
        word = "expired" if f.expired else "expected"
        yield f"      {word}: {describe_expectation(f.expectation)}"


def _verdict(result: CheckResult, style: Style) -> str:
    """The verdict: one line per cause of failure (the counts on the first), else OK."""
    cls = result.classification
    counts = [f"{len(cls.expected)} expected"]
    if cls.stale:
        counts.append(f"{len(cls.stale)} stale expectation(s)")
    if cls.expired:
        counts.append(f"{len(cls.expired)} expired expectation(s)")
    tail = f" ({', '.join(counts)})"
    causes = result.failure_causes
    if causes:
        lines = [style(f"FAIL: {cause}", fg="red", bold=True) for cause in causes]
        return "\n".join([lines[0] + tail, *lines[1:]])
    return style("OK: no unexpected drift", fg="green", bold=True) + tail


def render_explanation(finding: Finding, step: NextStep | None = None) -> str:
    """`drift explain`: both values as read and normalised, the rule that decided, and
    (with ``step``) the next step: the planner's operation, and the entry accepting it."""
    m = finding.mismatch
    if m.query is not None:
        return _explain_query(finding, step)
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
    text = _terminal_lines(lambda style: (f"{k + ':':<{width + 1}} {v}" for k, v in lines),
                           color=False)
    if step is not None:
        text += "\nnext step, the operation `drift plan` writes for it:\n"
        text += textwrap.indent(step.operation, "    ") + "\n"
        if finding.status is Status.UNEXPECTED:
            text += "\nor accept it: add to the expectations file's `expected:` list\n"
            accept = "".join(printable(line) + "\n" for line in step.accept.splitlines())
            text += textwrap.indent(accept, "    ")
    return text


def _explain_query(finding: Finding, step: NextStep | None) -> str:
    """`drift explain` of a statement of the application: where it is, the state it first
    breaks on, the planned operation that breaks it, and the entry that would accept it."""
    m, q = finding.mismatch, finding.mismatch.query
    assert q is not None
    status = finding.status.value + (
        " (no expectation matches it)" if finding.expectation is None else
        f", expectation: {describe_expectation(finding.expectation)}")
    lines = [
        ("id", m.id),
        ("location", f"{q.file}:{q.line}:{q.column} ({q.call})"),
        ("object type", m.object_type.value),
        ("break", f"{m.attribute}: {q.message}"),
        ("first breaks", q.state_label),
        ("phase", str(q.phase) if q.phase is not None else "-"),
        ("operation", q.operation or "-"),
        ("broken on", ", ".join(q.broken_on)),
        ("severity", m.severity.value),
        ("status", status),
        ("rule", m.rule or "-"),
    ]
    width = max(len(k) for k, _ in lines)
    text = "".join(printable(f"{k + ':':<{width + 1}} {v}") + "\n" for k, v in lines)
    text += "statement:\n" + "".join(f"    {printable(line)}\n"
                                      for line in shown_sql(q.statement).splitlines())
    if step is not None and step.accept:
        text += "\nor accept it: add to the expectations file's `expected:` list\n"
        accept = "".join(printable(line) + "\n" for line in step.accept.splitlines())
        text += textwrap.indent(accept, "    ")
    return text
