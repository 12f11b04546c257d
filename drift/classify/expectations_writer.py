"""``drift expect``: an expectations file that accepts today's drift, one entry per mismatch.

Each entry's reason is ``TODO_REASON``, which ``drift check --strict`` fails on
until someone writes the real one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from drift.classify.expectations import DEFAULT_PHASES, TODO_REASON
from drift.files import write_atomic, write_new
from drift.mismatch import Mismatch, Phase, exact_glob


def expectation_entry(m: Mismatch) -> dict[str, Any]:
    """The entry of the expectations file that accepts exactly ``m`` (reason to be written)."""
    entry: dict[str, Any] = {
        "path": exact_glob(m.path),
        "object_type": m.object_type.value,
        "change": m.change.value,
    }
    if m.attribute is not None:
        entry["attribute"] = m.attribute
    if m.query is not None and m.query.phase is not None:
        entry["phase"] = m.query.phase  # a query breaks when its phase ships
    entry["reason"] = TODO_REASON
    return entry


def render_expectations_yaml(
    mismatches: Sequence[Mismatch], phases: Sequence[Phase] | None = None
) -> str:
    """An expectations file that accepts exactly today's drift, one entry per mismatch."""
    chosen = DEFAULT_PHASES if phases is None else tuple(phases)
    entries = [expectation_entry(m) for m in sorted(mismatches, key=lambda x: x.sort_key)]
    document = {
        "phases": [
            {"number": p.number, "name": p.name, "description": p.description} for p in chosen
        ],
        "expected": entries,
    }
    header = (
        "# drift expectations: the drift this project plans to keep, for now.\n"
        "# Written by `drift expect` to accept today's drift: replace each TODO reason,\n"
        "# give each entry a phase (and a ticket, an owner, an expiry date if you like),\n"
        "# and merge entries with globs such as \"quantum.*\".\n"
    )
    # safe_dump quotes whatever needs it (spaces, quotes, colons, leading *) in paths
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)
    return header + body


def write_expectations(
    path: Path,
    mismatches: Sequence[Mismatch],
    phases: Sequence[Phase] | None = None,
    *,
    overwrite: bool = False,
) -> None:
    """Write ``render_expectations_yaml``; refuses to replace a file unless ``overwrite``."""
    text = render_expectations_yaml(mismatches, phases)
    if overwrite:
        write_atomic(path, text)
    else:
        write_new(path, text)
