"""Verdicts -> ``query`` mismatches: where each statement first breaks, and what breaks it.

A statement is followed through the states in order (live, each phase, the
models, the migration head). It is broken on the live database when PostgreSQL
reports a missing or mistyped object there; it breaks at a later state when it
prepared on the one before and does not on it (or, for a ``*``, returns other
columns). pglast names the column or table at PostgreSQL's error position, and
the phase's operation on that name is the one reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pglast
from pglast import ast as pg

from drift.mismatch import Change, Mismatch, ObjectType, QueryBreak, Severity
from drift.sources.code.judge import Operation, SchemaState, Verdict, Verdicts
from drift.sources.code.statements import Kind, Statement, walk

# SQLSTATE -> the attribute of the finding (PostgreSQL's condition name)
CONDITIONS = {
    "42703": "undefined_column",
    "42P01": "undefined_table",
    "42883": "undefined_function",
    "42704": "undefined_object",
    "42804": "datatype_mismatch",
    "42702": "ambiguous_column",
    "3F000": "invalid_schema_name",
}
RULE = "prepared (Parse/Describe) by PostgreSQL on a scratch database of each schema state"


@dataclass(frozen=True, slots=True)
class Unjudged:
    """A statement PostgreSQL rejects on the live schema for a reason no schema explains
    (an untyped parameter, a syntax only a later PostgreSQL reads): unchecked."""

    statement: Statement
    reason: str


def query_mismatches(statements: Sequence[Statement], states: Sequence[SchemaState],
                     verdicts: Verdicts) -> tuple[list[Mismatch], list[Unjudged]]:
    found: list[Mismatch] = []
    unjudged: list[Unjudged] = []
    for st in statements:
        if st.kind not in (Kind.QUERY, Kind.EXECUTE):
            continue
        seen = [(state, v) for state in states
                if (v := verdicts.get(state.key, {}).get(st.key)) is not None]
        if not seen:
            continue
        first_state, first = seen[0]
        if not first.ok and (first.sqlstate or "") not in CONDITIONS:
            unjudged.append(Unjudged(st, f"PostgreSQL does not prepare it on "
                                         f"{first_state.label} either: {first.message}"))
            continue
        broken = [(state, v, _columns_change(first, v) if st.star else None)
                  for state, v in seen if not v.ok or (
                      st.star and v.ok and first.ok and v.columns != first.columns)]
        if broken:
            found.append(_mismatch(st, broken, first_state))
    return found, unjudged


def _columns_change(base: Verdict, now: Verdict) -> str:
    before = [n for n, _ in base.columns]
    after = [n for n, _ in now.columns]
    gone = [n for n in before if n not in after]
    new = [n for n in after if n not in before]
    parts = ([f"no longer returns {', '.join(gone)}"] if gone else []) + (
        [f"now also returns {', '.join(new)}"] if new else [])
    return "; ".join(parts) or "returns its columns with other types or in another order"


def _mismatch(st: Statement, broken: list[tuple[SchemaState, Verdict, str | None]],
              live: SchemaState) -> Mismatch:
    state, verdict, change = broken[0]
    if change is not None and verdict.ok:
        kind, message = "result_columns_changed", change
    else:
        kind = CONDITIONS.get(verdict.sqlstate or "", "prepare_failed")
        message = verdict.message or "PostgreSQL rejects it"
    line, column = (st.position_of(verdict.position) if verdict.position is not None
                    else (st.line, st.column))
    named = _name_at(st.sql, verdict.position) if verdict.position is not None else None
    operation = _operation(state.operations, named, st.sql, kind)
    already = state is live
    hint = (f"already broken on {state.label}" if already
            else f"breaks {state.label}" + (f": {operation.description}" if operation else ""))
    record = QueryBreak(
        file=st.file, line=line, column=column, call=st.call, statement=st.sql,
        state=state.key, state_label=state.label, message=message, phase=state.phase,
        operation=operation.description if operation else None,
        broken_on=tuple(s.key for s, _, _ in broken))
    return Mismatch(
        object_type=ObjectType.QUERY, change=Change.DIFFERS, schema=f"{st.file}:{line}",
        table=None, name=None, attribute=kind, models=st.sql,
        database=f"{state.label}: {message}",
        severity=Severity.WARNING if kind == "result_columns_changed" else Severity.ERROR,
        hint=hint, rule=RULE, query=record)


def _name_at(sql: str, position: int) -> str | None:
    """The column or table reference PostgreSQL's error position points at."""
    try:
        tree = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return None
    # pglast's locations count bytes; PostgreSQL's error position counts characters
    at = len(sql[:position].encode("utf-8"))
    for node in walk(tree):
        if getattr(node, "location", None) != at:
            continue
        if isinstance(node, pg.ColumnRef):
            names = [f.sval for f in node.fields or () if isinstance(f, pg.String)]
            return names[-1] if names else None
        if isinstance(node, pg.RangeVar):
            return str(node.relname)
    return None


def _operation(operations: tuple[Operation, ...], named: str | None, sql: str, kind: str
               ) -> Operation | None:
    if not operations:
        return None
    if named is not None:
        if kind == "undefined_table":
            hits = [op for op in operations if op.table == named and op.column is None]
        else:
            hits = [op for op in operations if op.column == named]
        if hits:
            return hits[0]
    tables = _tables(sql)
    hits = [op for op in operations if op.table in tables]
    return hits[0] if len(hits) == 1 else None


def _tables(sql: str) -> set[str]:
    try:
        tree = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return set()
    return {str(n.relname) for n in walk(tree) if isinstance(n, pg.RangeVar)}
