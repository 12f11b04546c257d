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
from drift.sources.code.extract import Extraction, Site, extract
from drift.sources.code.judge import SchemaState, VerdictStore, judge
from drift.sources.code.statements import Statement

__all__ = ["Extraction", "SchemaState", "check_code", "coverage_of", "extract"]


def check_code(roots: tuple[Path, ...], sql_calls: tuple[str, ...],
               states: Sequence[SchemaState], scratch_url: str | None,
               cache: Any | None) -> tuple[list[Mismatch], CodeCoverage]:
    """The ``query`` mismatches of the SQL under ``roots``, and the coverage."""
    found = _extract(roots, sql_calls, cache)
    verdicts, asked = judge(found.statements, states, scratch_url, VerdictStore(cache))
    mismatches, unjudged = query_mismatches(found.statements, states, verdicts)
    extra = tuple(Unchecked(u.statement.location, u.statement.call, u.reason, u.statement.sql)
                  for u in unjudged)
    from_cache = cache is not None and asked == 0 and bool(found.checked)
    return mismatches, coverage_of(found, states, extra, from_cache)


def _extract(roots: tuple[Path, ...], sql_calls: tuple[str, ...], cache: Any | None
             ) -> Extraction:
    """``extract``, kept in the cache by the bytes of every file scanned (a constant may come
    from any of them): unchanged sources are not parsed again."""
    if cache is None:
        return extract(roots, sql_calls)
    from drift.sources.cache import digest, drift_version, file_digest
    from drift.sources.code.judge import JUDGE_VERSION
    from drift.sources.code.modules import python_files

    files = [(str(path.resolve()), file_digest(path) or "") for _, path in python_files(roots)]
    key = digest(["code", drift_version(), str(JUDGE_VERSION), str(Path.cwd().resolve()),
                  *(str(r.resolve()) for r in roots), *sql_calls, *(f"{p}\0{h}" for p, h in files)])
    data = cache.load("code", key)
    if data is not None:
        try:
            return Extraction(tuple(Site(*s) for s in data["sites"]),
                              tuple(Statement.from_dict(s) for s in data["statements"]),
                              int(data["files"]))
        except (KeyError, TypeError, ValueError):
            pass
    found = extract(roots, sql_calls)
    cache.store("code", key, {"sites": [[s.file, s.line, s.column, s.call] for s in found.sites],
                              "statements": [s.to_dict() for s in found.statements],
                              "files": found.files})
    return found


def coverage_of(found: Extraction, states: Sequence[SchemaState],
                extra: tuple[Unchecked, ...] = (), from_cache: bool = False) -> CodeCoverage:
    unchecked = tuple(Unchecked(s.location, s.call, s.reason or "", s.sql)
                      for s in found.unchecked) + extra
    return CodeCoverage(
        files=found.files, call_sites=len(found.sites), statements=len(found.statements),
        checked=len(found.checked) - len(extra), unchecked=unchecked,
        states=tuple((s.key, s.label) for s in states), from_cache=from_cache)
