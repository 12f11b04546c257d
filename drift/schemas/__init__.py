"""The published JSON Schemas of drift's files, and the validation of an input against them.

``report.schema.json`` describes the JSON report (``drift check --format json``,
``drift.json`` of ``drift report``); ``snapshot.schema.json`` a saved snapshot
(``drift snapshot``, ``snapshot.json``). A snapshot read back is validated
before anything uses it, so a hand-edited or truncated file is one line that
says where it is wrong, not a TypeError deep in the comparator.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from importlib import resources
from typing import Any

# fastjsonschema compiles a schema to Python: 2 s for a 3,000-table snapshot where the
# jsonschema package takes 76 s (the tests validate every output with jsonschema too)
import fastjsonschema

REPORT_SCHEMA = "report.schema.json"
SNAPSHOT_SCHEMA = "snapshot.schema.json"


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator(name: str) -> Callable[[Any], Any]:
    validate: Callable[[Any], Any] = fastjsonschema.compile(load_schema(name))
    return validate


def validation_error(name: str, data: Any) -> str | None:
    """Why ``data`` does not follow the schema ``name`` (where, and what), or None."""
    try:
        _validator(name)(data)
    except fastjsonschema.JsonSchemaValueException as exc:
        message: str = exc.message.removeprefix("data.").removeprefix("data ")
        return message[:200]  # bounded: it may quote a property name from the file
    return None


def validate_snapshot(data: Any) -> None:
    """Raise ValueError("not a drift snapshot: <where> <what>") unless ``data`` is one."""
    problem = validation_error(SNAPSHOT_SCHEMA, data)
    if problem is not None:
        raise ValueError(f"not a drift snapshot: {problem}")
