"""A small SQL expression canonicaliser, shared by both readers through ``normalize.py``.

PostgreSQL does not keep the text of a CHECK, an index expression, a partial
index predicate, a generated column or a default: it stores a parse tree and
deparses it, adding parentheses and casts (``(status)::text = ANY
((ARRAY['a'::character varying])::text[])`` for ``status IN ('a')``). The
models side holds the text as written. Both are parsed here into a tiny tree
and printed back in one canonical form:

* unquoted identifiers and keywords folded to lower case (keywords printed upper);
* redundant parentheses dropped (printing adds only those precedence needs);
* casts dropped (PostgreSQL adds them to literals and columns; a string
  literal cast to a numeric type becomes the number);
* ``x = ANY (ARRAY[...])`` printed as ``x IN (...)``, ``<> ALL`` as ``NOT IN``;
  ``BETWEEN`` as two comparisons; ``LIKE`` as ``~~``; ``!=`` as ``<>``;
* ``now()``, ``CURRENT_TIMESTAMP`` and ``transaction_timestamp()`` as ``now()``;
* function names without their schema.

Dropping every cast is a deliberate trade: an explicit cast that changes the
meaning is rarely the only difference between two expressions, while the casts
PostgreSQL adds are in almost every one of them, and a false positive is what
users hate most. Text this parser does not understand is only re-spaced and
case-folded token by token (``ParseError`` is handled by ``canonical_expression``).
"""

from drift.normalize.sqlexpr.canonical_literals import canonical_number, is_number
from drift.normalize.sqlexpr.grammar import NUMERIC_TYPES, Node
from drift.normalize.sqlexpr.parser import parse
from drift.normalize.sqlexpr.render import canonical_expression, quote_identifier, render
from drift.normalize.sqlexpr.tokens import ParseError

__all__ = [
    "NUMERIC_TYPES",
    "Node",
    "ParseError",
    "canonical_expression",
    "canonical_number",
    "is_number",
    "parse",
    "quote_identifier",
    "render",
]
