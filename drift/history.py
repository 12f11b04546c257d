"""Saved reports and what changed between them: week over week and the trend.

A report folder (``reports/<YYYY-MM-DD>/``) holds ``drift.json`` (the JSON
report contract) and ``snapshot.json`` (the live database snapshot).
``drift.json`` is written last, so a folder without it is not a report yet.
Drift is compared by the stable mismatch ``id``; the database itself by a
deepdiff of the two snapshots, keyed by object name so that a dropped column
reads as "column dropped", not as a shifted list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from deepdiff import DeepDiff

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
    return reports


class ObjectChangeKind(StrEnum):
    ADDED = "added"
    DROPPED = "dropped"
    ALTERED = "altered"


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """One object of the database that changed between two snapshots."""

    change: ObjectChangeKind
    object_type: str
    path: str
    attribute: str | None = None  # for ALTERED: the attribute that changed
    old: Any = None
    new: Any = None


# keyed collections of a schema and of a table, and the object type of their members
_SCHEMA_PARTS = {"tables": "table", "views": "view", "enums": "enum", "sequences": "sequence"}
_TABLE_PARTS = {
    "columns": "column",
    "foreign_keys": "foreign_key",
    "unique_constraints": "unique_constraint",
    "check_constraints": "check_constraint",
    "indexes": "index",
}


_NOT_IN_DATABASE = ("raw", "name", "declared_by")  # as read, or models-only: not compared


def _plain(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if k not in _NOT_IN_DATABASE}
    return data


def _key(data: dict[str, Any]) -> str:
    """Unnamed constraints and indexes are keyed by their definition."""
    if data.get("name"):
        return str(data["name"])
    if "elements" in data:
        return "(" + ", ".join(e["expression"] for e in data["elements"]) + ")"
    if "columns" in data:
        return "(" + ", ".join(data["columns"]) + ")"
    return json.dumps(_plain(data), sort_keys=True)


def _keyed_table(table: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        part: {_key(item): _plain(item) for item in table.get(part, [])} for part in _TABLE_PARTS
    }
    out["primary_key"] = _plain(table.get("primary_key"))
    out["comment"] = table.get("comment")
    out["partitioned_by"] = table.get("partitioned_by")
    return out


def _keyed(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot's JSON form keyed by name all the way down (lists of objects become dicts)."""
    out: dict[str, Any] = {}
    for schema in snapshot.get("schemas", []):
        parts: dict[str, Any] = {
            "tables": {t["name"]: _keyed_table(t) for t in schema.get("tables", [])}
        }
        for part in ("views", "enums", "sequences"):
            parts[part] = {o["name"]: _plain(o) for o in schema.get(part, [])}
        out[schema["name"]] = parts
    return out


def _drop_equal(before: dict[str, Any], after: dict[str, Any]) -> None:
    """Remove the objects both sides hold unchanged, so deepdiff walks only what changed."""
    for schema in before.keys() & after.keys():
        for part in _SCHEMA_PARTS:
            old, new = before[schema][part], after[schema][part]
            for name in [n for n in old.keys() & new.keys() if old[n] == new[n]]:
                del old[name], new[name]


def _object_at(keys: Sequence[Any]) -> tuple[int, str]:
    """How many leading keys of a deepdiff path name an object, and that object's type."""
    if len(keys) >= 5 and keys[1] == "tables" and keys[3] in _TABLE_PARTS:
        return 5, _TABLE_PARTS[keys[3]]
    if len(keys) >= 3 and keys[1] in _SCHEMA_PARTS:
        return 3, _SCHEMA_PARTS[keys[1]]
    return 1, "schema"


def _walk(data: Any, keys: Iterable[Any]) -> Any:
    for key in keys:
        if not isinstance(data, dict | list):
            return None
        try:
            data = data[key]
        except (KeyError, IndexError):
            return None
    return data


def diff_snapshots(old: Snapshot, new: Snapshot) -> tuple[ObjectChange, ...]:
    """Objects added, dropped and altered from ``old`` to ``new``, sorted by path."""
    return diff_snapshot_data(to_jsonable(old), to_jsonable(new))


def diff_snapshot_data(old: dict[str, Any], new: dict[str, Any]) -> tuple[ObjectChange, ...]:
    """``diff_snapshots`` over the JSON form (``to_jsonable``; what snapshot.json holds)."""
    before, after = _keyed(old), _keyed(new)
    _drop_equal(before, after)
    tree = DeepDiff(before, after, view="tree")
    found: dict[tuple[str, str, str | None], ObjectChange] = {}
    for report_type, levels in tree.items():
        for level in levels:
            keys = level.path(output_format="list")
            depth, object_type = _object_at(keys)
            # the object's path: schema, then its name (collection keys skipped)
            names = [keys[0]] + [keys[i] for i in (2, 4) if i < depth]
            path = ".".join(str(n) for n in names)
            if len(keys) == depth and report_type == "dictionary_item_added":
                change = ObjectChange(ObjectChangeKind.ADDED, object_type, path)
            elif len(keys) == depth and report_type == "dictionary_item_removed":
                change = ObjectChange(ObjectChangeKind.DROPPED, object_type, path)
            else:
                attr_keys = keys[: depth + 1]
                attribute = str(keys[depth]) if len(keys) > depth else None
                change = ObjectChange(
                    ObjectChangeKind.ALTERED,
                    object_type,
                    path,
                    attribute,
                    _walk(before, attr_keys),
                    _walk(after, attr_keys),
                )
            found.setdefault((change.path, change.object_type, change.attribute), change)
    # keyed by name, a dropped table is one removed key: its columns are not listed again
    return tuple(sorted(found.values(), key=lambda c: (c.path, c.object_type, c.attribute or "")))


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


def trend(reports: Sequence[SavedReport]) -> tuple[TrendPoint, ...]:
    return tuple(TrendPoint(r.date, r.expected, r.unexpected) for r in reports)
