"""The rewrites made while parsing, so two spellings of one expression give one tree."""

from __future__ import annotations

from drift.normalize.sqlexpr.grammar import Node

NOW_SPELLINGS = frozenset({"now", "current_timestamp", "transaction_timestamp"})


def in_list(left: Node, items: tuple[Node, ...], negated: bool) -> Node:
    """x IN (a) is x = a: PostgreSQL itself turns a one-item list into a comparison."""
    if len(items) == 1:
        return ("bin", "<>" if negated else "=", left, items[0])
    return ("in", left, items, negated)


def negate(node: Node) -> Node:
    """NOT (a = b) is a <> b, NOT (x IS NULL) is x IS NOT NULL (also under NULLs)."""
    if node[0] == "bin" and node[1] in ("=", "<>"):
        return ("bin", "<>" if node[1] == "=" else "=", node[2], node[3])
    if node[0] == "is":
        return ("is", node[1], node[2], not node[3])
    if node[0] == "in":
        return ("in", node[1], node[2], not node[3])
    return ("not", node)


def flat_operands(kind: str, node: Node) -> tuple[Node, ...]:
    return tuple(node[1]) if node[0] == kind else (node,)


def now_call() -> Node:
    return ("call", "now", ())
