"""Indexes of one table (those that back a primary key or unique constraint are not listed).

Matched by name where both sides have one, then by definition (elements,
unique, method, predicate, included columns). Compared attributes:
``expressions`` (the elements as text, in order, e.g. ``lower(name)``,
``created_at DESC``), ``opclass`` (the elements that name an operator class),
``unique``, ``method``, ``where``, ``include``; ``constraint_kind`` where the
database has a unique constraint of the index's name instead (see
``definitions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.constraints import report_kind_changes, report_matching
from drift.compare.definitions import (
    element_opclasses,
    index_base_name,
    index_expressions,
    match_uniques_and_indexes,
)
from drift.compare.registry import TablePair, table_comparator
from drift.mismatch import Mismatch, ObjectType
from drift.schema import Index

_INDEX_ATTRIBUTES: dict[str, Callable[[Index], Any]] = {
    "expressions": index_expressions,
    "opclass": lambda i: element_opclasses(i.elements),
    "unique": lambda i: i.unique,
    "method": lambda i: i.method,
    "where": lambda i: i.where,
    "include": lambda i: i.include,
}


@table_comparator(ObjectType.INDEX)
def compare_indexes(pair: TablePair) -> Iterator[Mismatch]:
    matching = match_uniques_and_indexes(pair).indexes
    yield from report_matching(ObjectType.INDEX, pair, matching, _INDEX_ATTRIBUTES,
                               lambda i: index_base_name(pair.name, i))
    yield from report_kind_changes(ObjectType.INDEX, pair, Index)
