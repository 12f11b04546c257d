"""The JSON report: exactly ``CheckResult.to_dict()`` (the public contract of DESIGN.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drift.result import CheckResult


def render_json(result: CheckResult) -> str:
    return render_report_dict(result.to_dict())


def render_report_dict(report: dict[str, Any]) -> str:
    """``CheckResult.to_dict()`` as the JSON report's text (for a caller that also reads it)."""
    # key order is the contract's order (to_dict builds it so), not alphabetical
    return json.dumps(report, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
