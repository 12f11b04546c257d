"""Printing a tree back as SQL: the canonical spelling both readers compare."""

from __future__ import annotations

import re

from drift.normalize.sqlexpr.grammar import (
    P_ATOM,
    P_CMP,
    P_IN,
    P_IS,
    P_NOT,
    P_UNARY,
    SQL_VALUE_FUNCTIONS,
    Node,
    precedence,
)
from drift.normalize.sqlexpr.parser import parse
from drift.normalize.sqlexpr.tokens import ParseError, tokenize

_SAFE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")
# calls that are grammar, not functions: quoted ("coalesce"(a, b)) PostgreSQL looks for a
# function of that name, and there is none
_GRAMMAR_CALLS = frozenset({"coalesce", "greatest", "least", "nullif", "row"})


def quote_identifier(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """Quote a name the way PostgreSQL's quote_ident() would (lower case and legal: bare)."""
    if _SAFE_IDENT.match(name) and name not in reserved:
        return name
    return '"' + name.replace('"', '""') + '"'


def render(node: Node, reserved: frozenset[str] = frozenset()) -> str:
    def sub(child: Node, min_prec: int) -> str:
        text = render(child, reserved)
        return f"({text})" if precedence(child) < min_prec else text

    kind = node[0]
    if kind in ("str", "num", "kw"):
        return str(node[1])
    if kind == "name":
        return ".".join(quote_identifier(p, reserved) for p in node[1])
    if kind == "call":
        name = ".".join(quote_identifier(p, reserved) for p in node[1].split("."))
        if node[1] in SQL_VALUE_FUNCTIONS and not node[2]:
            return str(node[1]).upper()
        if node[1] in _GRAMMAR_CALLS:
            name = str(node[1]).upper()
        return f"{name}({', '.join(render(a, reserved) for a in node[2])})"
    if kind == "array":
        return f"ARRAY[{', '.join(render(a, reserved) for a in node[1])}]"
    if kind == "row":
        return f"({', '.join(render(a, reserved) for a in node[1])})"
    if kind in ("and", "or"):
        p = precedence(node)
        return f" {kind.upper()} ".join(sub(c, p + 1) for c in node[1])
    if kind == "not":
        return f"NOT {sub(node[1], P_NOT)}"
    if kind == "neg":
        return f"-{sub(node[1], P_UNARY)}"
    if kind == "is":
        return f"{sub(node[1], P_IS + 1)} IS {'NOT ' if node[3] else ''}{node[2].upper()}"
    if kind == "in":
        items = ", ".join(render(a, reserved) for a in node[2])
        return f"{sub(node[1], P_IN + 1)} {'NOT IN' if node[3] else 'IN'} ({items})"
    if kind == "quant":
        _, op, quant, left, right = node
        return f"{sub(left, P_CMP + 1)} {op} {quant.upper()} ({render(right, reserved)})"
    if kind == "bin":
        _, op, left, right = node
        p = precedence(node)
        return f"{sub(left, p)} {op} {sub(right, p + 1)}"
    if kind == "subscript":
        return f"{sub(node[1], P_ATOM)}[{render(node[2], reserved)}]"
    if kind == "case":
        _, subject, whens, other = node
        parts = ["CASE"]
        if subject is not None:
            parts.append(render(subject, reserved))
        for cond, value in whens:
            parts += ["WHEN", render(cond, reserved), "THEN", render(value, reserved)]
        if other is not None:
            parts += ["ELSE", render(other, reserved)]
        parts.append("END")
        return " ".join(parts)
    raise ParseError(f"cannot render {kind}")


def canonical_expression(text: str, reserved: frozenset[str] = frozenset()) -> str:
    """The canonical spelling of a SQL expression (see the module docstring)."""
    try:
        return render(parse(text), reserved)
    except ParseError:
        return _respace(text)


def _respace(text: str) -> str:
    """The fallback: tokens case-folded and joined by single spaces."""
    try:
        return " ".join(t.text for t in tokenize(text))
    except ParseError:
        return " ".join(text.split())
