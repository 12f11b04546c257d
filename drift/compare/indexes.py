"""Indexes of one table (those that back a primary key or unique constraint are not listed).

Matched by name where both sides have one, then by definition (elements,
unique, method, predicate, included columns). Compared attributes:
``expressions`` (the elements as text, in order, e.g. ``lower(name)``,
``created_at DESC``), ``unique``, ``method``, ``where``, ``include``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from drift.compare.constraints import report_matching
from drift.compare.definitions import index_base_name, index_expressions, match_uniques_and_indexes
from drift.compare.registry import TablePair, table_comparator
from drift.mismatch import Mismatch, ObjectType
from drift.schema import Index

_INDEX_ATTRIBUTES: dict[str, Callable[[Index], Any]] = {
    "expressions": index_expressions,
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
