"""Saved reports and what changed between them: week over week and the trend.

A report folder (``reports/<YYYY-MM-DD>/``) holds ``drift.json`` (the JSON
report contract) and ``snapshot.json`` (the live database snapshot).
``drift.json`` is written last, so a folder without it is not a report yet.
Drift is compared by the stable mismatch ``id``; the database itself object by
object, keyed by name (set algebra: added, dropped, then one change per
attribute of the objects both hold), so that a dropped column reads as "column
dropped", not as a shifted list, and every value is said in the mismatches' words.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from drift import schema as s
from drift.errors import DriftError
from drift.schema import Snapshot, to_jsonable
from drift.schemas import validate_snapshot

REPORT_FILE = "drift.json"
SNAPSHOT_FILE = "snapshot.json"


@dataclass(frozen=True, slots=True)
class MismatchRef:
    """A mismatch as a saved report records it (the fields week-over-week shows)."""

    id: str
    path: str
    object_type: str
    change: str
    attribute: str | None
    status: str
    severity: str

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MismatchRef:
        return cls(
            id=data["id"],
            path=data["path"],
            object_type=data["object_type"],
            change=data["change"],
            attribute=data.get("attribute"),
            status=data["status"],
            severity=data["severity"],
        )


@dataclass(frozen=True, slots=True)
class SavedReport:
    date: dt.date
    directory: Path
    expected: int
    unexpected: int
    total: int
    stale: int
    mismatches: tuple[MismatchRef, ...]

    @property
    def snapshot_path(self) -> Path:
        return self.directory / SNAPSHOT_FILE

    @classmethod
    def from_report(cls, day: dt.date, directory: Path, report: dict[str, Any]) -> SavedReport:
        summary = report["summary"]
        return cls(
            date=day,
            directory=directory,
            expected=summary["expected"],
            unexpected=summary["unexpected"],
            total=summary["total"],
            stale=len(report.get("stale_expectations", [])),
            mismatches=tuple(MismatchRef.from_dict(m) for m in report["mismatches"]),
        )


def load_reports(output_dir: Path) -> list[SavedReport]:
    """Every saved report under ``output_dir``, oldest first."""
    reports = []
    if not output_dir.is_dir():
        return []
    for entry in sorted(output_dir.iterdir()):
        try:
            day = dt.date.fromisoformat(entry.name)
        except ValueError:
            continue  # not a report folder (index files, other notes)
        path = entry / REPORT_FILE
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reports.append(SavedReport.from_report(day, entry, data))
        except (ValueError, KeyError, TypeError) as exc:
            raise DriftError(f"{path}: not a drift report ({type(exc).__name__}: {exc})") from None
        except RecursionError:
            raise DriftError(f"{path}: not a drift report (JSON nested too deeply)") from None
    return reports


class ObjectChangeKind(StrEnum):
    ADDED = "added"
    DROPPED = "dropped"
    ALTERED = "altered"


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One object of the database that changed between two snapshots.

    ``old``/``new`` are the JSON values (of the attribute for ALTERED, of the whole
    object otherwise); ``before``/``after`` say them in the words of the mismatches
    (``render.describe``), "" where the object is absent.
    """

    change: ObjectChangeKind
    object_type: str
    path: str
    attribute: str | None = None  # for ALTERED: the attribute that changed
    old: Any = None
    new: Any = None
    before: str = ""
    after: str = ""


# keyed collections of a schema and of a table, and the object type of their members
_SCHEMA_PARTS = {"tables": "table", "views": "view", "enums": "enum", "sequences": "sequence"}
_TABLE_PARTS = {
    "columns": "column",
    "foreign_keys": "foreign_key",
    "unique_constraints": "unique_constraint",
    "check_constraints": "check_constraint",
    "indexes": "index",
}
_RECORDS: dict[str, type] = {
    "schema": s.Schema,
    "table": s.Table,
    "view": s.View,
    "enum": s.EnumType,
    "sequence": s.Sequence,
    "column": s.Column,
    "foreign_key": s.ForeignKey,
    "unique_constraint": s.UniqueConstraint,
    "check_constraint": s.CheckConstraint,
    "index": s.Index,
}

_NOT_IN_DATABASE = ("raw", "name", "declared_by")  # as read, or models-only: not compared


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k not in _NOT_IN_DATABASE}
    return data


def _key(data: dict[str, Any]) -> str:
    """Unnamed constraints and indexes are keyed by their definition, in SQL words."""
    if data.get("name"):
        return str(data["name"])
    if "elements" in data:
        return "(" + ", ".join(e["expression"] for e in data["elements"]) + ")"
    if "columns" in data:
        return "(" + ", ".join(data["columns"]) + ")"
    if "expression" in data:
        return f"CHECK ({data['expression']})"
    return json.dumps(_plain(data), sort_keys=True)


def _describe_record(object_type: str, data: Any) -> str:
    from drift.render.describe import describe

    try:
        return describe(s.from_jsonable(_RECORDS[object_type], data))
    except (KeyError, ValueError, TypeError):  # an older snapshot's form: still words
        return describe_json(data)


def _describe_attribute(object_type: str, attribute: str, value: Any) -> str:
    from drift.render.describe import NONE, describe, describe_columns

    if value is None:
        return NONE
    try:
        hint = _hints(_RECORDS[object_type])[attribute]
        record = s.from_jsonable(hint, value)
    except (KeyError, ValueError, TypeError):
        return describe_json(value)
    if attribute == "columns" and record and isinstance(record[0], s.Column):
        return describe_columns(record)
    return describe(record, attribute)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def describe_json(value: Any) -> str:
    """Plain JSON in words (no dict or list repr): for values no record describes."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {describe_json(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "(" + ", ".join(describe_json(v) for v in value) + ")"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "(none)" if value is None else str(value)


def _by_key(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {_key(item): item for item in items}


def _diff_attributes(
    object_type: str, path: str, old: dict[str, Any], new: dict[str, Any], skip: Iterable[str] = ()
) -> Iterator[ObjectChange]:
    ignored = {*_NOT_IN_DATABASE, *skip}
    for attribute in sorted((old.keys() | new.keys()) - ignored):
        before, after = old.get(attribute), new.get(attribute)
        if before != after:
            yield ObjectChange(
                ObjectChangeKind.ALTERED,
                object_type,
                path,
                attribute,
                before,
                after,
                _describe_attribute(object_type, attribute, before),
                _describe_attribute(object_type, attribute, after),
            )


def _diff_objects(
    object_type: str, prefix: str, old: Iterable[dict[str, Any]], new: Iterable[dict[str, Any]]
) -> Iterator[ObjectChange]:
    """Set algebra on keys: added = new - old, dropped = old - new, then the common ones."""
    before, after = _by_key(old), _by_key(new)
    for key in before.keys() - after.keys():
        data = before[key]
        yield ObjectChange(
            ObjectChangeKind.DROPPED, object_type, f"{prefix}.{key}", None, data, None,
            _describe_record(object_type, data), "",
        )  # fmt: skip
    for key in after.keys() - before.keys():
        data = after[key]
        yield ObjectChange(
            ObjectChangeKind.ADDED, object_type, f"{prefix}.{key}", None, None, data,
            "", _describe_record(object_type, data),
        )  # fmt: skip
    for key in before.keys() & after.keys():
        a, b = before[key], after[key]
        if _plain(a) == _plain(b):
            continue
        path = f"{prefix}.{key}"
        if object_type == "table":
            yield from _diff_attributes("table", path, a, b, skip=("columns", *_TABLE_PARTS))
            for part, kind in _TABLE_PARTS.items():
                yield from _diff_objects(kind, path, a.get(part, []), b.get(part, []))
        else:
            yield from _diff_attributes(object_type, path, a, b)


def diff_snapshots(old: Snapshot, new: Snapshot) -> tuple[ObjectChange, ...]:
    """Objects added, dropped and altered from ``old`` to ``new``, sorted by path."""
    return diff_snapshot_data(to_jsonable(old), to_jsonable(new))


def diff_snapshot_data(old: dict[str, Any], new: dict[str, Any]) -> tuple[ObjectChange, ...]:
    """``diff_snapshots`` over the JSON form (``to_jsonable``; what snapshot.json holds).

    Object by object, keyed by name: a dropped table is one change (its columns are not
    listed again), and a changed object gives one change per attribute that differs.
    """
    before = {sch["name"]: sch for sch in old.get("schemas", [])}
    after = {sch["name"]: sch for sch in new.get("schemas", [])}
    found: list[ObjectChange] = []
    for name in before.keys() - after.keys():
        found.append(ObjectChange(ObjectChangeKind.DROPPED, "schema", name,
                                  before=f"SCHEMA {name}"))  # fmt: skip
    for name in after.keys() - before.keys():
        found.append(ObjectChange(ObjectChangeKind.ADDED, "schema", name,
                                  after=f"SCHEMA {name}"))  # fmt: skip
    for name in before.keys() & after.keys():
        old_schema, new_schema = before[name], after[name]
        for part, kind in _SCHEMA_PARTS.items():
            found += _diff_objects(kind, name, old_schema.get(part, []), new_schema.get(part, []))
    return tuple(sorted(found, key=lambda c: (c.path, c.object_type, c.attribute or "")))


@dataclass(frozen=True, slots=True)
class WeekOverWeek:
    previous_date: dt.date
    new: tuple[MismatchRef, ...]
    resolved: tuple[MismatchRef, ...]
    reclassified: tuple[tuple[MismatchRef, MismatchRef], ...]  # (before, now): status changed
    changed: tuple[ObjectChange, ...]  # objects changed in the database


def compare_reports(
    previous: SavedReport, current: Sequence[MismatchRef], current_snapshot: Snapshot
) -> WeekOverWeek:
    before = {m.id: m for m in previous.mismatches}
    now = {m.id: m for m in current}
    changed: tuple[ObjectChange, ...] = ()
    if previous.snapshot_path.is_file():
        old = load_snapshot_data(previous.snapshot_path)
        changed = diff_snapshot_data(old, to_jsonable(current_snapshot))
    return WeekOverWeek(
        previous_date=previous.date,
        new=tuple(sorted((now[i] for i in now.keys() - before.keys()), key=_ref_key)),
        resolved=tuple(sorted((before[i] for i in before.keys() - now.keys()), key=_ref_key)),
        reclassified=tuple(
            (before[i], now[i])
            for i in sorted(now.keys() & before.keys(), key=lambda i: _ref_key(now[i]))
            if before[i].status != now[i].status
        ),
        changed=changed,
    )


def _ref_key(ref: MismatchRef) -> tuple[str, str, str]:
    return (ref.path, ref.object_type, ref.attribute or "")


def load_snapshot_data(path: Path) -> dict[str, Any]:
    """A saved snapshot's JSON form, without rebuilding the records (fast on big catalogs).

    ``path`` is a snapshot file or a report folder (its snapshot.json).
    """
    if path.is_dir():
        path = path / SNAPSHOT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DriftError(f"cannot read snapshot {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise DriftError(f"{path}: not a drift snapshot: {exc}") from None
    except RecursionError:
        raise DriftError(f"{path}: not a drift snapshot: JSON nested too deeply") from None
    try:
        validate_snapshot(data)
    except ValueError as exc:
        raise DriftError(f"{path}: {exc}") from None
    snapshot: dict[str, Any] = data["snapshot"]
    return snapshot


@dataclass(frozen=True, slots=True)
class TrendPoint:
    date: dt.date
    expected: int
    unexpected: int
    stale: int = 0  # stale expectations


def trend(reports: Sequence[SavedReport]) -> tuple[TrendPoint, ...]:
    return tuple(TrendPoint(r.date, r.expected, r.unexpected, r.stale) for r in reports)
