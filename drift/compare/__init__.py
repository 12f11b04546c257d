"""Snapshot x Snapshot -> [Mismatch]: one comparator per object kind, dispatched from a registry.

``compare_snapshots`` matches schemas, then runs the schema-level comparators
(tables, views, enums, sequences), and the tables comparator runs the
table-level ones (columns, primary key, foreign keys, unique and check
constraints, indexes). See ``registry.py`` for the severity rules.
"""

from __future__ import annotations

# imported for their registration in the dispatch tables
from drift.compare import (  # noqa: F401
    columns,
    constraints,
    domains,
    enums,
    exclusions,
    indexes,
    sequences,
    tables,
    views,
)
from drift.compare.schemas import compare_snapshots

__all__ = ["compare_snapshots"]
