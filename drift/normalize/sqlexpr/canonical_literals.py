"""Literals in one spelling: escape strings, midnight timestamps as dates, numbers as printed."""

from __future__ import annotations

import decimal
import re

_ZERO_TIME = re.compile(
    r"'(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?(?:Z|[+-]00(?::?00)?)?'"
)


def canonical_string(literal: str) -> str:
    """A standard string literal; a date or midnight timestamp as its date
    (PostgreSQL prints '2020-01-01'::timestamptz back as '2020-01-01 00:00:00+00')."""
    if literal[0] in "eE":  # an escape string: PostgreSQL prints the standard form
        body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), literal[2:-1])
        literal = "'" + body.replace("''", "'").replace("'", "''") + "'"
    m = _ZERO_TIME.fullmatch(literal)
    return f"'{m.group(1)}'" if m else literal


def is_number(text: str) -> bool:
    return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text.strip()) is not None


def canonical_number(text: str) -> str:
    text = text.strip().lstrip("+")
    if "e" in text.lower():
        try:
            text = format(decimal.Decimal(text), "f")  # 1e3 is 1000, as PostgreSQL prints it
        except decimal.InvalidOperation:
            return text
    if "." in text and "e" not in text.lower():
        text = text.rstrip("0").rstrip(".") or "0"
        if text.startswith("."):
            text = "0" + text
        if text.startswith("-."):
            text = "-0" + text[1:]
    return "0" if text in ("-0", "") else text


def negated_number(text: str) -> str:
    return text[1:] if text.startswith("-") else "-" + text
