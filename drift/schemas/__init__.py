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
from importlib import resources
from typing import Any

import jsonschema

REPORT_SCHEMA = "report.schema.json"
SNAPSHOT_SCHEMA = "snapshot.schema.json"

_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
               float: "number", type(None): "null"}


def load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _where(error: jsonschema.ValidationError) -> str:
    where = ""
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "the document"


def _what(error: jsonschema.ValidationError) -> str:
    """The problem, without the offending value when it is big (it may be a whole table)."""
    instance = error.instance
    kind = _JSON_TYPES.get(type(instance), type(instance).__name__)
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"must be {expected}, not {kind}"
    if error.validator in ("const", "enum") and kind not in ("object", "array"):
        value: Any = error.validator_value
        allowed: list[Any] = [value] if error.validator == "const" else list(value)
        shown = json.dumps(instance)[:60]
        return f"must be {' or '.join(json.dumps(a) for a in allowed)}, not {shown}"
    return error.message[:200]


def validation_error(name: str, data: Any) -> str | None:
    """Why ``data`` does not follow the schema ``name`` (where, and what), or None."""
    error = next(iter(_validator(name).iter_errors(data)), None)
    return None if error is None else f"{_where(error)}: {_what(error)}"


def validate_snapshot(data: Any) -> None:
    """Raise ValueError("not a drift snapshot: <where>: <what>") unless ``data`` is one."""
    problem = validation_error(SNAPSHOT_SCHEMA, data)
    if problem is not None:
        raise ValueError(f"not a drift snapshot: {problem}")
