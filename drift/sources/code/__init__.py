"""Application SQL: in go folders of Python source, out the statements they run.

Not a Snapshot: statements, each with where it came from (file, line, column
for every character of its SQL). ``extract`` finds them statically (``ast``;
the project is never imported) and rewrites their placeholders as each driver
reads them; ``judge`` has PostgreSQL prepare them on a scratch database per
schema state (the states come in from the caller, built by ``drift.plan.states``);
``breaks`` turns the verdicts into ``query`` mismatches. ``check_code`` is the
one call the orchestrator makes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from drift.mismatch import Mismatch
from drift.result import CodeCoverage, Unchecked
from drift.sources.code.breaks import query_mismatches
from drift.sources.code.extract import Extraction, extract
from drift.sources.code.judge import SchemaState, VerdictStore, judge

__all__ = ["Extraction", "SchemaState", "check_code", "coverage_of", "extract"]


def check_code(roots: tuple[Path, ...], sql_calls: tuple[str, ...],
               states: Sequence[SchemaState], scratch_url: str | None,
               cache: Any | None) -> tuple[list[Mismatch], CodeCoverage]:
    """The ``query`` mismatches of the SQL under ``roots``, and the coverage."""
    found = extract(roots, sql_calls)
    verdicts, asked = judge(found.statements, states, scratch_url, VerdictStore(cache))
    mismatches, unjudged = query_mismatches(found.statements, states, verdicts)
    extra = tuple(Unchecked(u.statement.location, u.statement.call, u.reason, u.statement.sql)
                  for u in unjudged)
    from_cache = cache is not None and asked == 0 and bool(found.checked)
    return mismatches, coverage_of(found, states, extra, from_cache)


def coverage_of(found: Extraction, states: Sequence[SchemaState],
                extra: tuple[Unchecked, ...] = (), from_cache: bool = False) -> CodeCoverage:
    unchecked = tuple(Unchecked(s.location, s.call, s.reason or "", s.sql)
                      for s in found.unchecked) + extra
    return CodeCoverage(
        files=found.files, call_sites=len(found.sites), statements=len(found.statements),
        checked=len(found.checked) - len(extra), unchecked=unchecked,
        states=tuple((s.key, s.label) for s in states), from_cache=from_cache)
