"""The text a failing ``drift_check`` test shows (the pytest plugin's failure).

pytest puts a failure's first line in its short summary (``FAILED test_x.py::test - ...``),
so the text starts with the verdict; then the terminal report; then, per unexpected
finding, what to do: the Alembic operation ``drift plan`` writes for it, or the
expectations entry that accepts it (as ``drift explain`` gives them), so the step is
where the reader's eye stops.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from drift.render.nextstep import next_steps
from drift.render.terminal import printable
from drift.render.text import render_text_plain, verdict_line

if TYPE_CHECKING:
    from drift.result import CheckResult


def _verdict(result: CheckResult) -> str:
    history = result.history.problems if result.history is not None else ()
    if history and not result.classification.unexpected:
        return f"FAIL: the migration history: {history[0]}" + (
            f" (and {len(history) - 1} more problem(s))" if len(history) > 1 else ""
        )
    return verdict_line(result)


def render_test_failure(result: CheckResult) -> str:
    """The failure message of a ``drift_check`` test whose check would exit 1."""
    report = render_text_plain(result).rstrip("\n").splitlines()
    # the report ends with the verdict, which the failure starts with instead
    if report and report[-1] == verdict_line(result):
        report = report[:-1]
    while report and not report[-1].strip():
        report.pop()
    lines = ["drift: " + _verdict(result), "", *report]
    history = result.history.problems if result.history is not None else ()
    lines += [f"migrations: {problem}" for problem in history]
    unexpected = sorted(result.classification.unexpected, key=lambda f: f.mismatch.sort_key)
    if unexpected:
        steps = next_steps(unexpected, result.models, result.database)
        lines += ["", "NEXT STEPS: the operation `drift plan` writes for each mismatch, "
                      "or the expectations entry that accepts it"]
        for f in unexpected:
            step = steps[f.id]
            lines.append(printable(f"{f.mismatch.path} [id {f.id}]"))
            if step.operation:
                lines.append("  in a revision's upgrade():")
                lines.append(textwrap.indent(step.operation, "      "))
            lines.append("  or accept it, in the expectations file's `expected:` list:")
            lines += ["      " + printable(line) for line in step.accept.splitlines()]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)
