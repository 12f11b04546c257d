"""PostgreSQL judges each statement on a scratch database per schema state.

A query is prepared and described (Parse/Describe through psycopg 3, nothing
executed); DDL and DO blocks run inside a transaction that is rolled back;
COPY is judged by the query it reads or writes (a server-side COPY would touch
files). Never on the inspected database: preparing an UPDATE there takes a lock.

Scratch databases are named by the content of their schema (``SchemaState.content``),
so one state is built once per run, and on a ``--scratch-url`` server kept
and reused by the next run. Verdicts are kept in the cache by that content and
the statement's text: an unchanged statement on an unchanged schema costs
nothing, not even a server start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from drift.errors import DriftError, first_line
from drift.sources.code.statements import Kind, Statement

BuildState = Callable[[str], None]
"""Builds a schema state on an empty scratch database (given its URL)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """A planned operation, as a phase's state records it for naming what broke a query."""

    description: str  # "drop column public.odds.price_raw"
    schema: str
    table: str | None
    column: str | None


@dataclass(frozen=True, slots=True)
class SchemaState:
    key: str  # "live", "phase-3", "models", "head"
    label: str  # "the live database", "after phase 3 (medium term)"
    content: str  # digest of what builds it: its database and its verdicts are kept by it
    build: BuildState = field(compare=False)
    parent: str | None = None  # content of the state it starts from (a template copy)
    phase: int | None = None
    operations: tuple[Operation, ...] = ()


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    sqlstate: str | None = None
    message: str | None = None
    position: int | None = None  # 0-based character offset in the statement
    columns: tuple[tuple[str, int], ...] = ()  # result columns: (name, type oid)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "sqlstate": self.sqlstate, "message": self.message,
                "position": self.position, "columns": [list(c) for c in self.columns]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        return cls(bool(data["ok"]), data.get("sqlstate"), data.get("message"),
                   data.get("position"), tuple((str(n), int(t)) for n, t in data["columns"]))


NO_SCHEMA = Verdict(True)

Verdicts = dict[str, dict[str, Verdict]]  # state key -> statement key -> verdict


# bumped whenever how a verdict is reached changes: older verdicts are then misses
JUDGE_VERSION = 2


class VerdictStore:
    """The verdicts of earlier runs, by state content (``.drift_cache/queries*.json``)."""

    kind = f"queries{JUDGE_VERSION}"

    def __init__(self, cache: Any | None) -> None:  # a drift.sources.cache.SnapshotCache
        self.cache = cache

    def load(self, content: str) -> dict[str, Verdict]:
        data = self.cache.load(self.kind, content) if self.cache is not None else None
        if data is None:
            return {}
        try:
            return {k: Verdict.from_dict(v) for k, v in data["verdicts"].items()}
        except (KeyError, TypeError, ValueError):
            return {}

    def store(self, content: str, verdicts: Mapping[str, Verdict]) -> None:
        if self.cache is not None:
            self.cache.store(self.kind, content,
                             {"verdicts": {k: v.to_dict() for k, v in verdicts.items()}})


def judge(statements: Sequence[Statement], states: Sequence[SchemaState],
          scratch_url: str | None, store: VerdictStore) -> tuple[Verdicts, int]:
    """Every checkable statement's verdict on every state (from the store where it has
    one), and how many verdicts PostgreSQL was asked for (0: all from the store)."""
    todo = {s.key: s for s in statements if s.kind in (Kind.QUERY, Kind.EXECUTE)}
    out: Verdicts = {}
    missing: dict[str, list[Statement]] = {}
    known: dict[str, dict[str, Verdict]] = {}
    for state in states:
        known[state.key] = store.load(state.content)
        out[state.key] = {k: v for k, v in known[state.key].items() if k in todo}
        missing[state.key] = [s for k, s in todo.items() if k not in out[state.key]]
    for s in statements:
        if s.kind is Kind.NO_SCHEMA:
            for state in states:
                out[state.key][s.key] = NO_SCHEMA
    asked = sum(len(m) for m in missing.values())
    if not asked:
        return out, 0
    by_content = {state.content: state for state in states}
    with _server(scratch_url) as server:
        for state in states:
            if not missing[state.key]:
                continue
            url = server.ensure(state, by_content)
            fresh = _judge_on(url, missing[state.key])
            out[state.key].update(fresh)
            store.store(state.content, {**known[state.key], **fresh})
    return out, asked


# ---------------------------------------------------------------- scratch databases


class _Server:
    def __init__(self, admin_url: str, keep: bool) -> None:
        self.admin_url = admin_url
        self.keep = keep  # a --scratch-url server: the databases stay for the next run
        self.ready: dict[str, str] = {}  # content -> database name
        self.made: list[str] = []

    def name(self, content: str) -> str:
        return f"drift_q_{content[:24]}"

    def ensure(self, state: SchemaState, by_content: Mapping[str, SchemaState]) -> str:
        from drift.sources.scratch import create_database

        name = self.name(state.content)
        if state.content not in self.ready:
            if self.keep and name in self._databases():
                self.ready[state.content] = name
            else:
                template = None
                if state.parent is not None:
                    parent = by_content.get(state.parent)
                    if parent is None:
                        raise DriftError(f"no schema state to build {state.label} from")
                    self.ensure(parent, by_content)
                    template = self.name(parent.content)
                building = f"{name}_{_token()}"
                self._create(building, template) if template else create_database(
                    self.admin_url, building)
                self.made.append(building)
                try:
                    state.build(_url(self.admin_url, building))
                except DriftError as exc:
                    raise DriftError(f"cannot build {state.label} on the scratch database: "
                                     f"{exc}") from None
                self._autocommit(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
                self.made[-1] = name
                self.ready[state.content] = name
        return _url(self.admin_url, self.ready[state.content])

    def _databases(self) -> set[str]:
        import sqlalchemy as sa

        from drift.sources.database.connection import make_engine

        engine = make_engine(self.admin_url)
        try:
            with engine.connect() as conn:
                return set(conn.execute(sa.text(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'drift\\_q\\_%'"))
                    .scalars())
        finally:
            engine.dispose()

    def _create(self, name: str, template: str) -> None:
        self._autocommit(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def _autocommit(self, sql: str) -> None:
        import psycopg

        try:
            with psycopg.connect(**_connect_args(self.admin_url), autocommit=True) as conn:
                conn.execute(sql.encode("utf-8"))
        except psycopg.Error as exc:
            raise DriftError(f"scratch database: {first_line(exc)}") from None

    def drop_made(self) -> None:
        from drift.sources.scratch import drop_database

        for name in self.made:
            with contextlib.suppress(Exception):
                drop_database(self.admin_url, name)


@contextlib.contextmanager
def _server(scratch_url: str | None) -> Iterator[_Server]:
    if scratch_url is not None:
        server = _Server(scratch_url, keep=True)
        yield server
        return
    from drift.sources.scratch import embedded_postgres

    with embedded_postgres() as embedded:
        yield _Server(embedded.url(), keep=False)


def _token() -> str:
    import uuid

    return uuid.uuid4().hex[:8]


def _url(admin_url: str, database: str) -> str:
    from drift.sources.database.connection import parse_url

    return parse_url(admin_url).set(database=database).render_as_string(hide_password=False)


def _connect_args(url: str) -> dict[str, Any]:
    """libpq keywords of a SQLAlchemy URL (as its psycopg2 dialect would pass them)."""
    import sqlalchemy as sa

    from drift.sources.database.connection import parse_url

    parsed = parse_url(url).set(drivername="postgresql+psycopg2")
    _, params = sa.create_engine(parsed, poolclass=sa.pool.NullPool).dialect.create_connect_args(
        parsed)
    if "database" in params:
        params["dbname"] = params.pop("database")
    params.setdefault("connect_timeout", 10)
    return {k: v for k, v in params.items() if v is not None}


# ---------------------------------------------------------------- asking PostgreSQL


def _judge_on(url: str, statements: Sequence[Statement]) -> dict[str, Verdict]:
    import psycopg

    try:
        conn = psycopg.connect(**_connect_args(url), autocommit=True)
    except psycopg.Error as exc:
        raise DriftError(f"cannot connect to the scratch database: {first_line(exc)}") from None
    with conn:
        conn.execute("SET statement_timeout = '10s'")
        conn.execute("SET lock_timeout = '2s'")
        out: dict[str, Verdict] = {}
        for s in statements:
            out[s.key] = _query(conn, s) if s.kind is Kind.QUERY else _run(conn, s)
        return out


# a parameter whose type nothing in the statement decides ($1 IS NULL), or a function
# call it makes ambiguous: with the value spelled in as psycopg2 does, PostgreSQL decides
_UNTYPED = ("42P18", "42P08", "42725")


def _query(conn: Any, s: Statement) -> Verdict:
    verdict = _prepare(conn, s.sql)
    if verdict.ok or not s.client_side or verdict.sqlstate not in _UNTYPED:
        return verdict
    spelled, back = _nulls(s.sql)
    again = _prepare(conn, spelled)
    if again.position is not None:
        again = Verdict(again.ok, again.sqlstate, again.message, back[again.position],
                        again.columns)
    return again


def _nulls(sql: str) -> tuple[str, list[int]]:
    """``sql`` with each ``$n`` spelled NULL, and for each of its offsets the one in ``sql``."""
    from drift.sources.code.placeholders import _DOLLAR

    out: list[str] = []
    back: list[int] = []
    last = 0
    for m in _DOLLAR.finditer(sql):
        out.append(sql[last:m.start()])
        back.extend(range(last, m.start()))
        out.append("NULL")
        back.extend([m.start()] * 4)
        last = m.end()
    out.append(sql[last:])
    back.extend(range(last, len(sql) + 1))
    return "".join(out), back


def _error(result: Any) -> Verdict:
    from psycopg import pq

    def field(code: pq.DiagnosticField) -> str | None:
        value = result.error_field(code)
        return value.decode("utf-8", "replace") if value is not None else None

    position = field(pq.DiagnosticField.STATEMENT_POSITION)
    return Verdict(False, field(pq.DiagnosticField.SQLSTATE),
                   field(pq.DiagnosticField.MESSAGE_PRIMARY),
                   int(position) - 1 if position and position.isdigit() else None)


def _prepare(conn: Any, sql: str) -> Verdict:
    """Parse and Describe the unnamed statement: nothing runs, no row is read or locked."""
    from psycopg import pq

    pgconn = conn.pgconn
    result = pgconn.prepare(b"", sql.encode("utf-8"))
    if result.status != pq.ExecStatus.COMMAND_OK:
        return _error(result)
    described = pgconn.describe_prepared(b"")
    if described.status != pq.ExecStatus.COMMAND_OK:
        return _error(described)
    columns = tuple(((described.fname(i) or b"").decode("utf-8", "replace"),
                     described.ftype(i)) for i in range(described.nfields))
    return Verdict(True, columns=columns)


def _run(conn: Any, s: Statement) -> Verdict:
    """DDL and DO blocks run in a transaction that is always rolled back; COPY is judged by
    the query it stands for."""
    import pglast
    from pglast import ast as pg
    from psycopg import pq

    node = pglast.parse_sql(s.sql)[0].stmt
    if isinstance(node, pg.CopyStmt):
        return _prepare(conn, _copy_query(node))
    pgconn = conn.pgconn
    pgconn.exec_(b"BEGIN")
    try:
        result = pgconn.exec_(s.sql.encode("utf-8"))
        ok = result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)
        if result.status == pq.ExecStatus.COPY_IN:  # pragma: no cover  (COPY is read above)
            pgconn.put_copy_end(b"drift: not run")
        return Verdict(True) if ok else _error(result)
    finally:
        pgconn.exec_(b"ROLLBACK")


def _copy_query(node: Any) -> str:
    from pglast.stream import RawStream

    if node.query is not None:
        return str(RawStream()(node.query))
    relation = RawStream()(node.relation)
    columns = ", ".join(str(RawStream()(c)) for c in node.attlist or ()) or "*"
    return f"SELECT {columns} FROM {relation}"
