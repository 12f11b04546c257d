"""Extensions the models need and the database does not have: created first in the plan.

A column of type ``vector(3)`` or an index with ``gin_trgm_ops`` cannot be
created before its extension: the plan's first revision begins with
``CREATE EXTENSION IF NOT EXISTS`` for each extension the models use (known by
the types and operator classes it provides) that the live database lacks.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from alembic.operations import ops

from drift import schema as s
from drift.plan import Plan
from drift.plan.steps import Step, StepKind

# the types and operator classes of the extensions projects use most, by extension
_TYPES = {"vector": "vector", "halfvec": "vector", "sparsevec": "vector", "citext": "citext",
          "hstore": "hstore", "ltree": "ltree", "geometry": "postgis", "geography": "postgis"}
_OPCLASSES = {"gin_trgm_ops": "pg_trgm", "gist_trgm_ops": "pg_trgm",
              "vector_l2_ops": "vector", "vector_ip_ops": "vector",
              "vector_cosine_ops": "vector", "vector_l1_ops": "vector"}
_BARE = re.compile(r"^(?:[a-z_]+\.)?([a-z_]+)")


def needed_extensions(models: s.Snapshot) -> tuple[str, ...]:
    """The extensions the models' types and operator classes come from."""
    found: set[str] = set()
    for schema in models.schemas:
        for table in schema.tables:
            for column in table.columns:
                bare = _BARE.match(column.type.strip('"').lower())
                if bare and bare.group(1) in _TYPES:
                    found.add(_TYPES[bare.group(1)])
            for index in table.indexes:
                for element in index.elements:
                    opclass = (element.opclass or "").rsplit(".", 1)[-1]
                    if opclass in _OPCLASSES:
                        found.add(_OPCLASSES[opclass])
    return tuple(sorted(found))


def with_extensions(plan: Plan, missing: Iterable[str]) -> Plan:
    """The plan with ``CREATE EXTENSION IF NOT EXISTS`` of each at the top of its first
    revision (never undone by its downgrade: other objects may use the extension by then)."""
    names = sorted(set(missing))
    if not names or not plan.revisions:
        return plan
    steps = tuple(
        Step(StepKind.CREATE_SCHEMA, ops.ExecuteSQLOp(
            f"CREATE EXTENSION IF NOT EXISTS {_quote(name)}"), None, "public",
            path=name, note=f"the models use the extension {name!r}")
        for name in names)
    first = plan.revisions[0]
    revisions = (dataclasses.replace(first, steps=steps + first.steps), *plan.revisions[1:])
    return dataclasses.replace(plan, revisions=revisions)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
