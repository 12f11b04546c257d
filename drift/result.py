"""The records a check produces: its settings (``CheckConfig``) and its result
(``CheckResult``, with the migration history's own problems). Data only: the
orchestrator (``api``) builds them, the renderers and the planner read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from drift.mismatch import (
    Classification,
    Finding,
    Mismatch,
    matched_expectations,
    summarize,
)
from drift.schema import Snapshot

# None given: the schemas the models declare, plus the connection's default schema
DEFAULT_SCHEMAS: tuple[str, ...] = ()

Progress = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI shows it on a terminal)."""


@dataclass(frozen=True, slots=True)
class CheckConfig:
    url: str | None = None
    snapshot: Path | None = None  # a saved database snapshot, instead of a URL
    models: tuple[str, ...] = ()  # "module:attribute" or "module"
    schemas: tuple[str, ...] = DEFAULT_SCHEMAS
    schemas_given: bool = False  # chosen by the user (flag or [tool.drift]), not the default
    expectations: Path | None = None
    strict: bool = False
    today: date = field(default_factory=date.today)
    migrations: Path | None = None  # an Alembic environment: its heads are a side to compare
    scratch_url: str | None = None  # where migrations run (default: an embedded PostgreSQL)
    downgrades: bool = False  # also check each revision's downgrade
    migrations_base: Path | None = None  # SQL the history starts from (before its first)
    env_vars: tuple[str, ...] = ()  # more variables env.py reads its URL from
    cache: Path | None = None  # the cache folder (.drift_cache); None: no cache
    code: tuple[Path, ...] = ()  # folders of Python whose SQL is checked (--code)
    sql_calls: tuple[str, ...] = ()  # the project's own functions that run SQL
    python: Path | None = None  # the interpreter that imports the models; None: drift's own


@dataclass(frozen=True, slots=True)
class Unchecked:
    location: str  # file:line of the call
    call: str
    reason: str
    statement: str


@dataclass(frozen=True, slots=True)
class CodeCoverage:
    """What ``--code`` found and how much of it PostgreSQL could judge (always shown)."""

    files: int
    call_sites: int
    statements: int
    checked: int  # judged on every schema state
    unchecked: tuple[Unchecked, ...]
    states: tuple[tuple[str, str], ...]  # (key, label) in the order statements are followed
    from_cache: bool = False  # every verdict came from .drift_cache

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "call_sites": self.call_sites, "statements": self.statements,
            "checked": self.checked,
            "unchecked": [{"location": u.location, "call": u.call, "reason": u.reason,
                           "statement": u.statement} for u in self.unchecked],
            "states": [{"key": k, "label": label} for k, label in self.states],
            "from_cache": self.from_cache,
        }

    def line(self) -> str:
        cached = " (verdicts from the cache)" if self.from_cache else ""
        return (f"{self.call_sites} call site(s) in {self.files} file(s), {self.statements} "
                f"statement(s): {self.checked} checked on {len(self.states)} schema state(s), "
                f"{len(self.unchecked)} unchecked{cached}")


@dataclass(frozen=True, slots=True)
class CheckResult:
    config: CheckConfig
    database: Snapshot
    models: Snapshot
    mismatches: tuple[Mismatch, ...]
    classification: Classification
    generated_at: datetime
    # what the run left out, as plain sentences for stderr (not part of the JSON report)
    notes: tuple[str, ...] = ()
    history: HistoryCheck | None = None  # with --migrations: the history's own problems
    cached: tuple[str, ...] = ()  # the sides read from the cache: "models", "migrations"
    code: CodeCoverage | None = None  # with --code: what was found in the application's SQL

    @property
    def placeholders(self) -> tuple[Finding, ...]:
        """Findings accepted by an entry whose reason is still `drift expect`'s placeholder."""
        from drift.classify.expectations import TODO_REASON

        return tuple(f for f in self.classification.findings
                     if f.expectation is not None and f.expectation.reason == TODO_REASON)

    @property
    def failed(self) -> bool:
        """Exit status 1: unexpected drift, a broken migration history, or (under --strict)
        stale/expired expectations and placeholder reasons."""
        if self.classification.unexpected:
            return True
        if self.history is not None and self.history.problems:
            return True
        return self.config.strict and bool(
            self.classification.stale or self.classification.expired or self.placeholders
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    @property
    def failure_causes(self) -> tuple[str, ...]:
        """Why the run fails, one sentence per cause (empty: it passes)."""
        cls = self.classification
        causes = []
        if cls.unexpected:
            causes.append(f"{len(cls.unexpected)} unexpected mismatch(es)")
        if self.history is not None:
            causes += [f"the migration history: {p}" for p in self.history.problems]
        if self.config.strict:
            if cls.stale:
                causes.append(f"{len(cls.stale)} stale expectation(s) (--strict)")
            if cls.expired:
                causes.append(f"{len(cls.expired)} expired expectation(s) (--strict)")
            if self.placeholders:
                causes.append(f"{len(self.placeholders)} finding(s) accepted with a "
                              "placeholder reason (--strict)")
        return tuple(causes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report of DESIGN.md (a public contract)."""
        findings = self.classification.findings
        return {
            "format_version": REPORT_FORMAT_VERSION,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "database": {
                "url": self.database.source,
                "server_version": self.database.server_version,
            },
            "schemas": list(self.config.schemas),
            "summary": summarize(findings),
            "mismatches": [f.to_dict() for f in findings],
            "stale_expectations": [e.to_dict() for e in self.classification.stale],
            "expectations": [e.to_dict() for e in matched_expectations(findings)],
            **({"migrations": self.history.to_dict()} if self.history is not None else {}),
            **({"queries": self.code.to_dict()} if self.code is not None else {}),
        }


# 2: the top-level ``expectations`` hold each matched entry whole, once; a finding's
# ``expectation`` gives its ``key`` and its reason cut to FINDING_REASON_LIMIT
REPORT_FORMAT_VERSION = 2



@dataclass(frozen=True, slots=True)
class DowngradeProblem:
    revision: str
    error: str | None = None  # the downgrade (or the upgrade after it) failed
    differences: tuple[str, ...] = ()  # what the downgrade did not give back
    path: str | None = None  # the revision's file

    def describe(self) -> str:
        if self.error is not None:
            return f"revision {self.revision}: {self.error}"
        return (f"revision {self.revision}: its downgrade does not restore the schema: "
                + "; ".join(self.differences))


@dataclass(frozen=True, slots=True)
class HistoryCheck:
    """What is wrong with the migration history itself (beside the schema it builds)."""

    heads: tuple[str, ...]
    downgrades_checked: bool = False  # every revision's downgrade was run (not: all passed)
    downgrade_problems: tuple[DowngradeProblem, ...] = ()
    revisions: int = 0  # the revisions of the history (counted with --downgrades)
    revisions_checked: int = 0  # those whose downgrade was run

    @property
    def items(self) -> tuple[tuple[str, str, str | None], ...]:
        """Each problem as (name, message, file): a JUnit case, a SARIF result."""
        out: list[tuple[str, str, str | None]] = []
        if len(self.heads) > 1:
            out.append(("heads", f"the migration history has {len(self.heads)} heads "
                        f"({', '.join(self.heads)}): merge them with `alembic merge heads`",
                        None))
        out += [(f"revision {p.revision}", p.describe(), p.path)
                for p in self.downgrade_problems]
        if self.revisions_checked < self.revisions:
            out.append(("downgrades", f"{self.revisions_checked} of {self.revisions} "
                        "revisions' downgrades were checked", None))
        return tuple(out)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(message for _, message, _ in self.items)

    def to_dict(self) -> dict[str, object]:
        return {
            "heads": list(self.heads),
            "downgrades_checked": self.downgrades_checked,
            "revisions": self.revisions,
            "revisions_checked": self.revisions_checked,
            "problems": list(self.problems),
        }
