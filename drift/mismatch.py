"""What the comparator produces and what classification adds to it.

Differences are data: one record type with enums for the object kind, the
change and the severity. Nothing downstream parses a message string; renderers
and the planner read these fields. The JSON field names of ``Finding.to_dict``
are a public contract (DESIGN.md).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from drift.schema import to_jsonable


class ObjectType(StrEnum):
    SCHEMA = "schema"
    TABLE = "table"
    COLUMN = "column"
    PRIMARY_KEY = "primary_key"
    FOREIGN_KEY = "foreign_key"
    INDEX = "index"
    UNIQUE_CONSTRAINT = "unique_constraint"
    CHECK_CONSTRAINT = "check_constraint"
    ENUM = "enum"
    SEQUENCE = "sequence"
    VIEW = "view"
    DOMAIN = "domain"
    EXCLUSION_CONSTRAINT = "exclusion_constraint"
    QUERY = "query"  # application SQL found in the project's Python


class Change(StrEnum):
    ONLY_IN_MODELS = "only_in_models"  # declared, absent from the database
    ONLY_IN_DATABASE = "only_in_database"  # present, not declared
    DIFFERS = "differs"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Status(StrEnum):
    EXPECTED = "expected"
    UNEXPECTED = "unexpected"


class Cause(StrEnum):
    """Whose fault a finding is, when models, migrations and a live database are all known."""

    MISSING_MIGRATION = "missing_migration"  # the models differ from the migrations' head
    OUT_OF_BAND = "out_of_band"  # the live database differs from the head (a hand change)
    PENDING_MIGRATION = "pending_migration"  # the live database is at an older revision
    BOTH = "both"  # models, migrations and live database all disagree


SortKey = tuple[str, str, str, str, str, str]

# How a statement of the application breaks (a `query` finding's attribute): PostgreSQL's
# condition name for the error it gives, or a change of the columns a `*` returns.
QUERY_ATTRIBUTES: tuple[str, ...] = (
    "undefined_column", "undefined_table", "undefined_function", "undefined_object",
    "datatype_mismatch", "ambiguous_column", "invalid_schema_name", "result_columns_changed",
    "prepare_failed",
)


@dataclass(frozen=True, slots=True)
class QueryBreak:
    """Where a statement of the application breaks, and on which schema state first."""

    file: str  # relative to the working directory, / separated
    line: int  # of the failing part of the SQL where PostgreSQL says which, else of the call
    column: int
    call: str  # "cur.execute", "text()", "asyncpg fetch", ...
    statement: str  # as PostgreSQL received it ($n placeholders)
    state: str  # the first state it breaks on: "live", "phase-3", "models", "head"
    state_label: str  # "after phase 3 (medium term)"
    message: str  # PostgreSQL's, or what changed in the result columns
    phase: int | None = None
    operation: str | None = None  # the planned operation that breaks it
    broken_on: tuple[str, ...] = ()  # every state it breaks on, in order

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "line": self.line, "column": self.column, "call": self.call,
            "statement": self.statement, "state": self.state, "state_label": self.state_label,
            "phase": self.phase, "operation": self.operation, "message": self.message,
            "broken_on": list(self.broken_on),
        }


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between the models and the database.

    ``schema``/``table``/``name`` locate the object without parsing ``path``
    (names may contain dots). ``models``/``database`` hold the value on each
    side: for ``differs`` the attribute's normalised value; for
    ``only_in_models``/``only_in_database`` the whole object (a snapshot record
    such as ``schema.Column``) on the side that has it. ``models_raw`` and
    ``database_raw`` hold the text as read where normalisation changed it, and
    ``rule`` names the comparison rule that decided (for ``drift explain``).
    """

    object_type: ObjectType
    change: Change
    schema: str
    table: str | None
    name: str | None
    attribute: str | None
    models: Any
    database: Any
    severity: Severity
    hint: str | None = None
    models_raw: str | None = None
    database_raw: str | None = None
    rule: str = ""
    cause: Cause | None = None  # set only when a third side (the migrations) is known
    query: QueryBreak | None = None  # object type `query`: the statement and where it breaks

    @property
    def path(self) -> str:
        return ".".join(p for p in (self.schema, self.table, self.name) if p is not None)

    @property
    def id(self) -> str:
        """Stable from run to run: only the kind, path, change and attribute go in."""
        key = "|".join(
            (self.object_type.value, self.path, self.change.value, self.attribute or "")
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

    @property
    def sort_key(self) -> SortKey:
        """The one order of mismatches everywhere (reports, JSON, revisions are byte-stable)."""
        return (
            self.schema,
            self.table or "",
            self.name or "",
            self.object_type.value,
            self.attribute or "",
            self.change.value,
        )


@dataclass(frozen=True, slots=True)
class Phase:
    number: int
    name: str
    description: str = ""


# longest reason a finding's own copy of its expectation holds in the JSON report (a 5 MB
# reason accepting 20 findings made a 100 MB report); the same as a terminal line shows
FINDING_REASON_LIMIT = 2_000


@dataclass(frozen=True, slots=True)
class Expectation:
    """One entry of the expectations file; matches mismatches by glob and fields."""

    path: str  # fnmatch-style glob over Mismatch.path
    reason: str
    object_type: ObjectType | None = None
    change: Change | None = None
    attribute: str | None = None
    phase: int | None = None
    ticket: str | None = None
    owner: str | None = None
    expires: date | None = None
    cause: Cause | None = None
    source: str = ""  # "file:line", for messages and stale reports

    @property
    def key(self) -> str:
        """The entry's fingerprint (every field, its place in the file too): the same from run
        to run, and two entries never share it (they are on different lines)."""
        fields = json.dumps(self._fields(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(fields.encode("utf-8")).hexdigest()[:12]

    def to_dict(self, reason_limit: int | None = None) -> dict[str, Any]:
        """The entry as the JSON report gives it; with ``reason_limit``, a longer reason cut
        with a note (a finding's copy: the whole entry is under the report's ``expectations``
        by the same key)."""
        fields = self._fields()
        if reason_limit is not None and len(self.reason) > reason_limit:
            left = len(self.reason) - reason_limit
            fields["reason"] = f"{self.reason[:reason_limit]}… ({left:,} more characters cut)"
        return {"key": self.key, **fields}

    def _fields(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "object_type": self.object_type.value if self.object_type else None,
            "change": self.change.value if self.change else None,
            "attribute": self.attribute,
            "reason": self.reason,
            "phase": self.phase,
            "ticket": self.ticket,
            "owner": self.owner,
            "expires": self.expires.isoformat() if self.expires else None,
            "cause": self.cause.value if self.cause else None,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """A mismatch with its classification."""

    mismatch: Mismatch
    status: Status
    expectation: Expectation | None = None
    expired: bool = False  # matched an expectation whose `expires` date has passed

    @property
    def id(self) -> str:
        return self.mismatch.id

    def to_dict(self) -> dict[str, Any]:
        """The public JSON contract of one mismatch (DESIGN.md)."""
        m = self.mismatch
        return {
            "id": m.id,
            "object_type": m.object_type.value,
            "change": m.change.value,
            "attribute": m.attribute,
            "path": m.path,
            "models": to_jsonable(m.models),
            "database": to_jsonable(m.database),
            "severity": m.severity.value,
            "status": self.status.value,
            # a reason of any length is held once, in the report's ``expectations``
            "expectation": (self.expectation.to_dict(reason_limit=FINDING_REASON_LIMIT)
                            if self.expectation else None),
            "hint": m.hint,
            "cause": m.cause.value if m.cause else None,
            **({"query": m.query.to_dict()} if m.query is not None else {}),
        }


def matched_expectations(findings: Sequence[Finding]) -> tuple[Expectation, ...]:
    """Each expectation a finding matched, once, in the findings' order."""
    return tuple(dict.fromkeys(f.expectation for f in findings if f.expectation is not None))


@dataclass(frozen=True, slots=True)
class Rename:
    """A rename the user confirms (``--rename`` or the expectations file's ``renames:``)."""

    old: str  # path in the database: schema.table.column or schema.table
    new: str  # path in the models, under the same schema (and table)
    source: str  # where it was given: "--rename" or "file:line"


@dataclass(frozen=True, slots=True)
class Classification:
    findings: tuple[Finding, ...]
    stale: tuple[Expectation, ...] = ()
    phases: tuple[Phase, ...] = ()
    renames: tuple[Rename, ...] = ()  # the expectations file's confirmed renames

    @property
    def unexpected(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.UNEXPECTED)

    @property
    def expected(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.EXPECTED)

    @property
    def expired(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.expired)


def summarize(findings: tuple[Finding, ...] | list[Finding]) -> dict[str, Any]:
    """The ``summary`` object of the JSON report."""
    by_severity = {s.value: 0 for s in Severity}
    for f in findings:
        by_severity[f.mismatch.severity.value] += 1
    return {
        "total": len(findings),
        "expected": sum(1 for f in findings if f.status is Status.EXPECTED),
        "unexpected": sum(1 for f in findings if f.status is Status.UNEXPECTED),
        "by_severity": by_severity,
    }


_GLOB_SPECIAL = re.compile(r"([*?\[])")


def exact_glob(path: str) -> str:
    """A glob that matches only ``path`` (its ``*``, ``?`` and ``[`` taken literally)."""
    return _GLOB_SPECIAL.sub(r"[\1]", path)
