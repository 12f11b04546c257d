"""``drift diff``: objects changed between two saved snapshots, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from drift.render.terminal import shown
from drift.report.history import ObjectChange
from drift.schema import to_jsonable

_SIGN = {"added": "+", "dropped": "-", "altered": "~"}


def render_changes_text(changes: Sequence[ObjectChange]) -> str:
    if not changes:
        return "no change\n"
    lines = []
    for c in changes:
        line = f"{_SIGN[c.change.value]} {c.object_type} {c.path} {c.change.value}"
        if c.attribute:
            line += f": {c.attribute} {c.before} -> {c.after}"
        elif c.before or c.after:
            line += f": {c.before or c.after}"
        lines.append(shown(line))  # a newline in a name must not forge a line
    counts = {k: sum(1 for c in changes if c.change.value == k) for k in _SIGN}
    lines.append(", ".join(f"{n} {k}" for k, n in counts.items()))
    return "\n".join(lines) + "\n"


def render_changes_json(changes: Sequence[ObjectChange]) -> str:
    return (
        json.dumps({"changes": [to_jsonable(c) for c in changes]}, indent=2, ensure_ascii=False)
        + "\n"
    )
