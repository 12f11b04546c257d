"""The expectations file: which drift is planned, read and checked with its file and line.

Format (YAML, read with the safe loader; every error names the file and line)::

    phases:                        # optional; the migration phases, in order
      - number: 1                  # required, a positive integer, unique
        name: current              # required
        description: ...           # optional
    expected:                      # optional; the planned drift
      - path: "quantum.*"          # required: an fnmatch glob over the mismatch path
        object_type: table         # optional: schema, table, column, primary_key, ...
        change: only_in_models     # optional: only_in_models, only_in_database, differs
        attribute: type            # optional: the attribute of a `differs` mismatch
        reason: "Quantum DNA 2.0 tables are not created yet"   # required, non-empty
        phase: 2                   # optional; a declared phase number when phases are given
        ticket: QDNA-12            # optional
        owner: data-platform       # optional
        expires: 2027-03-31        # optional date; after it the drift is unexpected again
        cause: out_of_band         # optional: missing_migration, out_of_band,
                                   # pending_migration, both (set when --migrations and a
                                   # live database are both given)

Matching: an entry matches a mismatch when its ``path`` glob matches the
mismatch's path (case-sensitive, as PostgreSQL names are; ``*`` also crosses
dots, so ``quantum.*`` covers the schema's tables and their columns) and each
of ``object_type``, ``change``, ``attribute``, ``cause`` it gives is equal. Entries are
tried in file order and **the first matching entry wins**, so put narrow
entries before broad ones. A match whose ``expires`` date is before today is
``unexpected`` and flagged ``expired`` (the expectation stays attached). An
entry that matched no mismatch is *stale*.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from drift.classify.renames import same_parent
from drift.errors import DriftError, first_line
from drift.mismatch import (
    QUERY_ATTRIBUTES,
    Cause,
    Change,
    Expectation,
    ObjectType,
    Phase,
    Rename,
)


@dataclass(frozen=True, slots=True)
class ExpectationsFile:
    phases: tuple[Phase, ...]
    entries: tuple[Expectation, ...]
    path: Path | None = None
    renames: tuple[Rename, ...] = ()  # confirmed renames, for the planner


DEFAULT_PHASES: tuple[Phase, ...] = (
    Phase(1, "current", "drift accepted as it is today"),
    Phase(2, "short term", "to fix in the next few weeks"),
    Phase(3, "medium term", "to fix in the next few months"),
    Phase(4, "long term", "to fix when the legacy tables are retired"),
)

TODO_REASON = "TODO: say why this drift is expected"

# Every attribute a comparator can name in a ``differs`` mismatch (drift/compare/): an
# expectation naming another one could never match, so a typo is an error, not a stale entry.
# tests/unit/test_expectations.py checks this against the comparators' own tables.
ATTRIBUTES: tuple[str, ...] = tuple(sorted((
    "type", "nullable", "default", "identity", "computed", "comment", "collation",  # column
    "partitioned_by",  # table
    "kind", "definition",  # view (kind: a view against a table)
    "name",  # a constraint or index matched by its definition under another name
    "columns", "referred", "on_delete", "on_update", "deferrable", "match",  # keys
    "nulls_not_distinct", "expression",  # unique and check constraints
    "expressions", "unique", "method", "where", "include",  # index
    "values",  # enum
    "checks",  # domain (and "type", "nullable", "default", "collation")
    "validated", "constraint_kind",  # NOT VALID constraints; a unique constraint as an index
    "opclass",  # index and exclusion constraint elements
    "name_too_long",  # a declared name over 63 bytes, any table-level object
    "start", "increment", "min_value", "max_value", "cycle",  # sequence (and "type")
    *QUERY_ATTRIBUTES,  # how a statement of the application breaks
)))

_TOP_KEYS = ("phases", "expected", "renames")
_RENAME_KEYS = ("from", "to")
_PHASE_KEYS = ("number", "name", "description")
_ENTRY_KEYS = ("path", "object_type", "change", "attribute", "reason", "phase", "ticket",
               "owner", "expires", "cause")

# ---------------------------------------------------------------- reading, with line numbers


class _Located(dict[Any, Any]):
    """A mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int
    key_lines: dict[Any, int]


# libyaml's parser where PyYAML was built with it (a file of 50,000 entries in seconds, not a
# minute and a half), with the safe constructors either way; marks give lines in both
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_REPR = reprlib.Repr()  # Python 3.11's Repr takes no arguments
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2


def _shown(value: Any) -> str:
    """A value for a message, bounded: never the whole of a big (or expanded) value."""
    return _REPR.repr(value)


class _Loader(_SafeBase):  # type: ignore[valid-type,misc]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        result = _Located()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise _Invalid(line, f"a key must be text, not {_shown(key)}")
            if key in result:
                raise _Invalid(line, f"duplicate key {_shown(key)}")
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines[key] = line
        return result

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            # 2027-02-30 looks like a date to YAML but is none: let validation say where
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _Invalid(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_expectations(path: Path) -> ExpectationsFile:
    """Read and validate an expectations file; any problem is a DriftError naming file:line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DriftError(f"cannot read expectations file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise DriftError(f"{path}: not UTF-8 text") from None
    try:
        return _parse(path, _load_yaml(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise DriftError(f"{path}:{line}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise DriftError(f"{path}: YAML syntax error: {first_line(exc)}") from None
    except _Invalid as exc:
        raise DriftError(f"{path}:{exc.line}: {exc.message}") from None


def _load_yaml(text: str) -> Any:
    """The document of ``text``, refusing anchors used again (*alias): a few lines of
    aliases expand to gigabytes, and no expectations file needs one."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_aliases(root: yaml.Node) -> None:
    # an alias is the anchored node itself, met a second time: the walk stops there, so
    # it costs the size of the file, not of the expansion
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise _Invalid(node.start_mark.line + 1,
                           "YAML anchors and aliases (&name, *name) are not allowed: the "
                           "anchor on this line is used again")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def _parse(path: Path, data: Any) -> ExpectationsFile:
    if data is None:
        raise _Invalid(1, "the file is empty (give 'expected:' entries, or no file)")
    if not isinstance(data, _Located):
        raise _Invalid(1, "the file must be a mapping with 'phases' and 'expected'")
    _check_keys(data, _TOP_KEYS, "the file")
    phases: list[Phase] = []
    for raw in _list(data, "phases"):
        phase = _phase(raw)
        if any(p.number == phase.number for p in phases):
            raise _Invalid(raw.line, f"phase number {phase.number} is declared twice")
        phases.append(phase)
    # phases given (even none: `phases: []`) means an entry's phase must be one of them
    numbers = {p.number for p in phases} if "phases" in data else None
    entries = tuple(_entry(path, e, numbers) for e in _list(data, "expected"))
    renames = tuple(_rename(path, r) for r in _list(data, "renames"))
    return ExpectationsFile(tuple(phases), entries, path, renames)


def _rename(path: Path, raw: _Located) -> Rename:
    _check_keys(raw, _RENAME_KEYS, "a rename")
    old = _text(raw, "from", "a rename", required=True)
    new = _text(raw, "to", "a rename", required=True)
    assert old is not None and new is not None  # required=True raised otherwise
    if not same_parent(old, new):
        raise _Invalid(raw.line, f"a rename must rename within one table or schema: "
                                 f"{_shown(old)} -> {_shown(new)}")
    return Rename(old, new, f"{path}:{raw.line}")


def _list(data: _Located, key: str) -> list[_Located]:
    value = data.get(key)
    if value is None:
        return []
    line = data.key_lines[key]
    if not isinstance(value, list):
        raise _Invalid(line, f"'{key}' must be a list")
    for item in value:
        if not isinstance(item, _Located):
            raise _Invalid(line, f"each item of '{key}' must be a mapping, not {_shown(item)}")
    return value


def _check_keys(mapping: _Located, allowed: tuple[str, ...], what: str) -> None:
    for key in mapping:
        if key not in allowed:
            raise _Invalid(mapping.key_lines[key],
                           f"unknown key {_shown(key)} in {what} (allowed: {', '.join(allowed)})")


def _text(mapping: _Located, key: str, what: str, *, required: bool = False) -> str | None:
    value = mapping.get(key)
    line = mapping.key_lines.get(key, mapping.line)
    if value is None:
        if required:
            raise _Invalid(line, f"{what} needs a non-empty '{key}'")
        return None
    # a ticket or an owner may be a bare number (ticket: 1234); a path or a reason is text
    if isinstance(value, bool) or not isinstance(value, str if required else str | int):
        raise _Invalid(line, f"'{key}' must be text, not {_shown(value)}")
    text = str(value)
    if required and not text.strip():
        raise _Invalid(line, f"{what} needs a non-empty '{key}'")
    return text


def _number(mapping: _Located, key: str, *, required: bool) -> int | None:
    value = mapping.get(key)
    line = mapping.key_lines.get(key, mapping.line)
    if value is None:
        if required:
            raise _Invalid(line, f"a phase needs a '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Invalid(line, f"'{key}' must be a positive whole number, not {_shown(value)}")
    return value


def _phase(raw: _Located) -> Phase:
    _check_keys(raw, _PHASE_KEYS, "a phase")
    number = _number(raw, "number", required=True)
    name = _text(raw, "name", "a phase", required=True)
    assert number is not None and name is not None  # required=True raised otherwise
    return Phase(number, name, _text(raw, "description", "a phase") or "")


def _choice(raw: _Located, key: str, enum: type[ObjectType] | type[Change] | type[Cause]
            ) -> Any:
    value = _text(raw, key, "an expected entry")
    if value is None:
        return None
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise _Invalid(raw.key_lines[key],
                       f"{key} {_shown(value)} is not one of: {', '.join(allowed)}")
    return enum(value)


def _attribute(raw: _Located) -> str | None:
    value = _text(raw, "attribute", "an expected entry")
    if value is not None and value not in ATTRIBUTES:
        raise _Invalid(raw.key_lines["attribute"],
                       f"unknown attribute {_shown(value)} (allowed: {', '.join(ATTRIBUTES)})")
    return value


def _expires(raw: _Located) -> date | None:
    value = raw.get("expires")
    if value is None:
        return None
    if isinstance(value, datetime):
        # quoted as written (YAML made it a datetime), not as Python's repr
        raise _Invalid(raw.key_lines["expires"],
                       f"expires {_shown(str(value))} is a time, not a date")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _Invalid(raw.key_lines["expires"],
                       f"expires {_shown(value)} is not a date (YYYY-MM-DD)") from None


def _entry(path: Path, raw: _Located, phases: set[int] | None) -> Expectation:
    _check_keys(raw, _ENTRY_KEYS, "expected entry")
    what = "an expected entry"
    glob = _text(raw, "path", what, required=True)
    reason = _text(raw, "reason", what, required=True)
    assert glob is not None and reason is not None  # required=True raised otherwise
    phase = _number(raw, "phase", required=False)
    if phase is not None and phases is not None and phase not in phases:
        raise _Invalid(raw.key_lines["phase"],
                       f"phase {phase} is not declared (phases: "
                       f"{', '.join(str(p) for p in sorted(phases)) or 'none'})")
    return Expectation(
        path=glob,
        reason=reason,
        object_type=_choice(raw, "object_type", ObjectType),
        change=_choice(raw, "change", Change),
        cause=_choice(raw, "cause", Cause),
        attribute=_attribute(raw),
        phase=phase,
        ticket=_text(raw, "ticket", what),
        owner=_text(raw, "owner", what),
        expires=_expires(raw),
        source=f"{path}:{raw.line}",
    )
