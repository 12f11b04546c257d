"""Exclusion constraints (``EXCLUDE USING gist (during WITH &&) WHERE (...)``) of one table.

Matched by name where both sides have one, then by definition (elements,
operators, method, predicate). Compared attributes: ``expressions`` (each
element with its operator, in order: ``during WITH &&``; an element and its
operator are one rule, so a change of either is one finding), ``opclass``,
``method``, ``where``, ``deferrable``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from drift.compare.constraints import report_matching
from drift.compare.definitions import (
    deferrable,
    element_base_name,
    element_expressions,
    element_opclasses,
    pg_object_name,
)
from drift.compare.registry import Matching, TablePair, match_objects, table_comparator
from drift.mismatch import Mismatch, ObjectType
from drift.schema import ExclusionConstraint

_EXCLUSION_ATTRIBUTES: dict[str, Callable[[ExclusionConstraint], Any]] = {
    "expressions": lambda x: tuple(
        f"{e} WITH {op}"
        for e, op in zip(element_expressions(x.elements), x.operators, strict=False)),
    "opclass": lambda x: element_opclasses(x.elements),
    "method": lambda x: x.method,
    "where": lambda x: x.where,
    "deferrable": deferrable,
}


def exclusion_key(x: ExclusionConstraint) -> Hashable:
    return (x.elements, x.operators, x.method, x.where)


def exclusion_base_name(table: str, x: ExclusionConstraint) -> str:
    # PostgreSQL names an unnamed exclusion constraint as it names an index: <table>_<cols>_excl
    return pg_object_name(table, "_".join(element_base_name(e) for e in x.elements), "excl")


def match_exclusions(pair: TablePair) -> Matching[ExclusionConstraint]:
    return match_objects(pair.models.exclusion_constraints, pair.database.exclusion_constraints,
                         lambda x: x.name, exclusion_key)


@table_comparator(ObjectType.EXCLUSION_CONSTRAINT)
def compare_exclusion_constraints(pair: TablePair) -> Iterator[Mismatch]:
    yield from report_matching(ObjectType.EXCLUSION_CONSTRAINT, pair, match_exclusions(pair),
                               _EXCLUSION_ATTRIBUTES,
                               lambda x: exclusion_base_name(pair.name, x))
