"""The tree's shape and PostgreSQL's grammar: node tuples, precedences, keyword tables."""

from __future__ import annotations

from typing import Any

NUMERIC_TYPES = frozenset(
    {
        "integer",
        "bigint",
        "smallint",
        "numeric",
        "real",
        "double precision",
        "int",
        "int2",
        "int4",
        "int8",
        "float4",
        "float8",
        "decimal",
    }
)
# Words that start a multi-word type name after "::".
MULTIWORD_TYPES = {
    "character": ("varying",),
    "double": ("precision",),
    "bit": ("varying",),
    "timestamp": ("with", "without", "time", "zone"),
    "time": ("with", "without", "time", "zone"),
}
SQL_VALUE_FUNCTIONS = frozenset(
    {
        "current_date",
        "current_time",
        "current_timestamp",
        "localtime",
        "localtimestamp",
        "current_user",
        "session_user",
        "current_role",
        "current_catalog",
        "current_schema",
        "user",
    }
)

# --- the tree --------------------------------------------------------------------------------
# Nodes are tuples: (kind, ...). Kept as plain tuples so equality is structural.

Node = tuple[Any, ...]

# binding powers (PostgreSQL's operator precedence, low to high)
P_OR, P_AND, P_NOT, P_IS, P_CMP, P_IN, P_OTHER, P_ADD, P_MUL, P_EXP, P_AT = (
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)
P_UNARY, P_POSTFIX, P_ATOM = 12, 13, 14

_CMP_OPS = {"=", "<", ">", "<=", ">=", "<>", "!="}
BINARY_WORDS = {"like": "~~", "ilike": "~~*"}
NOT_BINARY_WORDS = {"like": "!~~", "ilike": "!~~*"}


def precedence(node: Node) -> int:
    kind = node[0]
    if kind == "or":
        return P_OR
    if kind == "and":
        return P_AND
    if kind == "not":
        return P_NOT
    if kind == "is":
        return P_IS
    if kind == "in":
        return P_IN
    if kind == "quant":
        return P_CMP
    if kind == "bin":
        op = node[1]
        if op in _CMP_OPS or op.startswith("IS "):
            return P_CMP
        if op in ("+", "-"):
            return P_ADD
        if op in ("*", "/", "%"):
            return P_MUL
        if op == "^":
            return P_EXP
        if op == "AT TIME ZONE":
            return P_AT
        return P_OTHER
    if kind == "neg":
        return P_UNARY
    return P_ATOM
