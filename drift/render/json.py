"""The JSON report: exactly ``CheckResult.to_dict()`` (the public contract of DESIGN.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drift.api import CheckResult


def render_json(result: CheckResult) -> str:
    # key order is the contract's order (to_dict builds it so), not alphabetical
    return json.dumps(result.to_dict(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
