"""Proof that the project's code left the inspected database alone.

The connection guard prevents what it can see; a connection it cannot see (a C
extension's own libpq connection, a ``psql`` subprocess, another process the
code starts) can only be detected. So before any of the project's code runs,
drift takes a fingerprint of each protected database: its catalog as drift
reads it (every schema but PostgreSQL's own) and the rows of every
``alembic_version`` table. After the code ran, it takes it again; any
difference ends the run (exit 2) and says what changed, as drift's comparator
words it. What the catalog read does not hold (rows, grants, functions) is not
covered: README says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from drift.errors import DriftError, first_line
from drift.schema import Snapshot
from drift.sources.database.connection import read_only_connection, redact_url
from drift.sources.database.reflect import reflect_consistently

_USER_SCHEMAS = sa.text(
    "SELECT nspname FROM pg_catalog.pg_namespace "
    "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1")
_VERSION_TABLES = sa.text(
    "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = 'alembic_version' AND c.relkind IN ('r', 'p') ORDER BY 1")
_SHOWN = 5  # changes named in the message; the rest are counted


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One database's catalog and migration state, as drift reads them."""

    catalog: Snapshot
    versions: tuple[tuple[str, tuple[str, ...]], ...]  # (schema, revisions) per version table


def take(url: str) -> Fingerprint:
    try:
        with read_only_connection(url) as conn:
            schemas = tuple(conn.execute(_USER_SCHEMAS).scalars())
            catalog = reflect_consistently(conn, schemas, source=redact_url(url))
            versions = tuple((schema, _revisions(conn, schema, table))
                             for schema, table in conn.execute(_VERSION_TABLES).all())
    except sa.exc.DBAPIError as exc:
        raise DriftError(f"cannot read {redact_url(url)} to prove it unchanged: "
                         f"{first_line(exc)}") from None
    return Fingerprint(catalog, versions)


def _revisions(conn: sa.Connection, schema: str, table: str) -> tuple[str, ...]:
    # a Core select, not SQL text: a name may hold a quote, a % or a ':x'
    version_num: sa.ColumnClause[str] = sa.column("version_num")
    rows = conn.execute(sa.select(version_num).select_from(sa.table(table, schema=schema)))
    return tuple(sorted(str(v) for v in rows.scalars()))


def changes(before: Fingerprint, after: Fingerprint) -> list[str]:
    """What changed, in words: catalog objects created, dropped or altered, and revisions."""
    from drift.compare import compare_snapshots  # the comparator words a schema change best

    said = {"only_in_database": "created", "only_in_models": "dropped", "differs": "altered"}
    found = []
    for m in sorted(compare_snapshots(before.catalog, after.catalog), key=lambda m: m.sort_key):
        what = said[m.change.value] + (f" ({m.attribute})" if m.attribute else "")
        found.append(f"{m.object_type.value} {m.path} {what}")
    was, now = dict(before.versions), dict(after.versions)
    for schema in sorted(was.keys() | now.keys()):
        if was.get(schema) != now.get(schema):
            old = ", ".join(was.get(schema) or ()) or "base"
            new = ", ".join(now.get(schema) or ()) or "base"
            found.append(f"{schema}.alembic_version moved from {old} to {new}")
    return found


class InspectedDatabases:
    """The fingerprints of the protected databases, taken before the project's code runs."""

    def __init__(self, urls: Sequence[str]) -> None:
        self._before = {url: take(url) for url in dict.fromkeys(urls)}
        self._proven = False

    def prove_unchanged(self) -> None:
        """Raise DriftError (exit 2) naming what changed in any of them since."""
        if self._proven:
            return
        self._proven = True
        for url, before in self._before.items():
            found = changes(before, take(url))
            if found:
                more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
                raise DriftError(
                    f"{redact_url(url)} changed while the project's code ran, which only the "
                    f"scratch database may: {'; '.join(found[:_SHOWN])}{more}; nothing written")
