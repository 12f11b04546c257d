"""Output formats of ``drift check``: one function per format, registered by name.

In go a ``CheckResult``, out text: terminal text, Markdown, JSON, JUnit, SARIF, HTML
(``templates/``), and the onboarding reference with its ER diagrams.

A format is a function ``CheckResult -> str``. To add one, write it in its own
module of this package and add a line to ``FORMATS``; ``drift check --format``
offers every registered name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from drift.errors import DriftError
from drift.render.json import render_json
from drift.render.junit import render_junit
from drift.render.markdown import render_markdown_summary
from drift.render.sarif import render_sarif
from drift.render.text import render_text, render_text_plain

if TYPE_CHECKING:
    from drift.result import CheckResult

Formatter = Callable[..., str]  # (CheckResult, **options) -> str

FORMATS: dict[str, Formatter] = {
    "text": render_text_plain,
    "json": render_json,
    "markdown": render_markdown_summary,
    "junit": render_junit,
    "sarif": render_sarif,
}

# Formats with a coloured variant for a terminal (click strips the colour when
# stdout is not a TTY); files always get the plain one.
COLORED: dict[str, Formatter] = {
    "text": render_text,
}


# Options only some formats take (``drift check --verbose``, ``--report-url``): each format
# gets those it names as keyword parameters, and ignores the others.
_OPTIONS: dict[str, frozenset[str]] = {
    "text": frozenset({"verbose"}),
    "markdown": frozenset({"report_url"}),
}


def render(result: CheckResult, fmt: str, *, color: bool = False, **options: Any) -> str:
    """``result`` in format ``fmt``; with ``color``, ANSI styles where the format has them."""
    kwargs = {k: v for k, v in options.items() if k in _OPTIONS.get(fmt, ()) and v is not None}
    if color and fmt in COLORED:
        return COLORED[fmt](result, **kwargs)
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise DriftError(
            f"unknown output format {fmt!r} (known: {', '.join(sorted(FORMATS))})"
        ) from None
    return formatter(result, **kwargs)
