"""One set of canonicalisation rules, used by both readers so the comparator can use ``==``.

Types end up in PostgreSQL's ``format_type()`` spelling, defaults and
expressions in the canonical form of ``drift.normalize.sqlexpr``, identifiers as
PostgreSQL stores them, sequences with their type's defaults made explicit.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from drift.normalize import sqlexpr
from drift.schema import Raw, Sequence

DEFAULT_SCHEMA = "public"
"""Where PostgreSQL puts what is created without a schema (the default search_path)."""

# The keywords PostgreSQL's quote_ident() quotes: every one not UNRESERVED_KEYWORD
# (pg_get_keywords() of PostgreSQL 16, catcode <> 'U'). Not SQLAlchemy's
# RESERVED_WORDS: it lacks position, time, values, ... (format_type() prints an enum
# named position as public."position") and has new, of, off, old, over.
_PG_KEYWORDS = """
    all analyse analyze and any array as asc asymmetric authorization between bigint binary
    bit boolean both case cast char character check coalesce collate collation column
    concurrently constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user dec decimal default
    deferrable desc distinct do else end except exists extract false fetch float for foreign
    freeze from full grant greatest group grouping having ilike in initially inner inout int
    integer intersect interval into is isnull join json_array json_arrayagg json_object
    json_objectagg lateral leading least left like limit localtime localtimestamp national
    natural nchar none normalize not notnull null nullif numeric offset on only or order out
    outer overlaps overlay placing position precision primary real references returning
    right row select session_user setof similar smallint some substring symmetric
    system_user table tablesample then time timestamp to trailing treat trim true union
    unique user using values varchar variadic verbose when where window with xmlattributes
    xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot
    xmlserialize xmltable
"""
_RESERVED = frozenset(_PG_KEYWORDS.split())

# --- identifiers ---------------------------------------------------------------------------


def quote_ident(name: str) -> str:
    """As PostgreSQL's quote_ident(): bare when lower case, legal and not reserved."""
    return sqlexpr.quote_identifier(name, _RESERVED)


def qualified_name(schema: str, name: str) -> str:
    """``schema.name`` the way format_type()/regclass print a name outside the search_path."""
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def fold_identifier(name: str, quote: bool | None = None) -> str:
    """The name PostgreSQL stores for a name SQLAlchemy emits.

    SQLAlchemy quotes every name that has capitals, spaces or is reserved, so
    those are stored verbatim; the rest is already lower case. Only an explicit
    ``quote=False`` lets PostgreSQL fold it.
    """
    return name.lower() if quote is False else name


def bare_identifier(canonical: str) -> str | None:
    """The name, if a canonical expression is nothing but one (maybe quoted) identifier."""
    m = re.fullmatch(r'([a-z_][a-z0-9_$]*)|"((?:[^"]|"")*)"', canonical)
    if m is None or canonical in ("true", "false", "null"):
        return None
    return m.group(1) if m.group(1) is not None else m.group(2).replace('""', '"')


def split_qualified(text: str, default_schema: str = DEFAULT_SCHEMA) -> tuple[str, str]:
    """``'public."My Seq"'`` -> ("public", "My Seq"); unquoted parts fold to lower case."""
    parts = [
        m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2).lower()
        for m in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', text.strip())
    ]
    if len(parts) == 1:
        return default_schema, parts[0]
    return parts[-2], parts[-1]


# --- types ---------------------------------------------------------------------------------

_TYPE_RE = re.compile(
    r"^(?P<base>[a-z][a-z0-9_ ]*?)\s*(?:\((?P<args>[^)]*)\))?\s*"
    r"(?P<tz>with(?:out)? time zone)?$"
)
_SIMPLE_SYNONYMS = {
    "varchar": "character varying",
    "int": "integer",
    "int4": "integer",
    "int8": "bigint",
    "int2": "smallint",
    "float8": "double precision",
    "float4": "real",
    "bool": "boolean",
    "decimal": "numeric",
    "varbit": "bit varying",
    "bpchar": "character",
    "char": "character",
    "double": "double precision",
}
NUMERIC_TYPES = frozenset({"integer", "bigint", "smallint", "numeric", "real", "double precision"})


@lru_cache(maxsize=65536)  # pure, and the same few texts recur in every table
def canonical_type(text: str) -> str:
    """PostgreSQL's format_type() spelling of a type name as SQLAlchemy compiles it
    (``VARCHAR(20)`` -> ``character varying(20)``) or as the catalog prints it."""
    text = " ".join(text.split())
    array = False
    while text.endswith("]"):
        text = text[: text.rindex("[")].rstrip()
        array = True  # PostgreSQL ignores array dimensions: format_type() prints one []
    suffix = "[]" if array else ""
    if '"' in text or "." in text:
        return _requoted(text) + suffix  # a user type, schema-qualified by both readers
    lowered = text.lower()
    m = _TYPE_RE.match(lowered)
    if m is None:
        return lowered + suffix
    base, args, tz = m.group("base"), m.group("args"), m.group("tz")
    args = args.replace(" ", "") if args is not None else None
    base = _SIMPLE_SYNONYMS.get(base, base)
    if base == "float":
        precision = int(args) if args and args.isdigit() else 53
        return ("real" if precision <= 24 else "double precision") + suffix
    if base in ("timestamptz", "timetz"):
        base, tz = base[:-2], "with time zone"
    if args == "6" and (base in ("timestamp", "time") or base.startswith("interval")):
        args = None  # 6 is the default (and the maximum) precision: format_type() may print it
    if base in ("timestamp", "time"):
        spelled = base + (f"({args})" if args else "") + " " + (tz or "without time zone")
        return spelled + suffix
    if base in ("character", "bit") and args is None:
        args = "1"  # char and bit without a length are length 1
    return base + (f"({args})" if args else "") + suffix


_QUALIFIED_RE = re.compile(r'("(?:[^"]|"")*"|[^."]+)\.("(?:[^"]|"")*"|[^."]+)')


def _requoted(text: str) -> str:
    """``schema.name`` quoted by ``qualified_name``, the models reader's rule, whatever the
    server's quote_ident() did; anything else (``"char"``) as printed."""
    if _QUALIFIED_RE.fullmatch(text) is None:
        return text
    return qualified_name(*split_qualified(text))


def base_type(type_text: str) -> str:
    """``numeric(10,2)`` -> ``numeric``; ``integer[]`` stays an array (not numeric)."""
    if type_text.endswith("]"):
        return "array"
    return type_text.split("(")[0].split(" with")[0]


# --- defaults and expressions --------------------------------------------------------------

_TRUE = {"'t'", "'true'", "'y'", "'yes'", "'on'", "'1'"}
_FALSE = {"'f'", "'false'", "'n'", "'no'", "'off'", "'0'"}


@lru_cache(maxsize=65536)  # pure, and the same few texts recur in every table
def canonical_expression(text: str) -> str:
    return sqlexpr.canonical_expression(text, _RESERVED)


@lru_cache(maxsize=65536)  # pure, and the same few texts recur in every table
def canonical_default(text: str | None, type_text: str) -> str | None:
    """A server default in canonical form, with literals coerced to the column's type
    the way PostgreSQL does (``'0'`` on a numeric column is ``0``, ``'t'`` on a
    boolean is ``true``)."""
    if text is None:
        return None
    try:
        node = sqlexpr.parse(text)
    except sqlexpr.ParseError:
        return canonical_expression(text)
    if node == ("kw", "null"):
        return None  # DEFAULT NULL is no default: PostgreSQL stores none
    base = base_type(type_text)
    if node[0] == "str" and node[1].endswith("::interval"):
        node = ("str", node[1].removesuffix("::interval"))  # the column's type gives it
    if node[0] == "str":
        literal = node[1].lower()
        if base in NUMERIC_TYPES and sqlexpr.is_number(node[1][1:-1]):
            node = ("num", sqlexpr.canonical_number(node[1][1:-1]))
        elif base == "boolean" and literal in _TRUE | _FALSE:
            node = ("kw", "true" if literal in _TRUE else "false")
        elif base == "time" and re.fullmatch(r"'\d{1,2}:\d{2}'", node[1]):
            node = ("str", node[1][:-1] + ":00'")  # PostgreSQL prints the seconds
    try:
        return sqlexpr.render(node, _RESERVED)
    except sqlexpr.ParseError:
        return canonical_expression(text)


_ORDERING_RE = re.compile(
    r"\s+(?:(asc|desc)(?:\s+nulls\s+(first|last))?|nulls\s+(first|last))\s*\Z", re.IGNORECASE
)


def split_ordering(text: str) -> tuple[str, bool, bool | None]:
    """``"ver_major DESC NULLS LAST"`` -> ("ver_major", True, False): an index element written
    as text carries its direction, which the catalog keeps apart from the expression."""
    m = _ORDERING_RE.search(text)
    if m is None:
        return text, False, None
    direction, nulls = m.group(1), m.group(2) or m.group(3)
    return (
        text[: m.start()],
        (direction or "").lower() == "desc",
        None if nulls is None else nulls.lower() == "first",
    )


@lru_cache(maxsize=65536)  # pure, and the same few texts recur in every table
def sequence_of_default(canonical: str | None) -> str | None:
    """``nextval('s')`` -> ``public.s`` (qualified); None for any other default."""
    if canonical is None:
        return None
    m = re.fullmatch(r"nextval\('((?:[^']|'')*)'\)", canonical)
    if m is None:
        return None
    schema, name = split_qualified(m.group(1).replace("''", "'"))
    return qualified_name(schema, name)


def check_conjuncts(text: str) -> tuple[str, ...]:
    """The canonical top-level AND operands of a CHECK expression, sorted and unique.

    ``CHECK (a) CHECK (b)`` and ``CHECK (a AND b)`` reject the same rows (a CHECK
    fails only where its result is false), so both give ``(a, b)``.
    """
    try:
        node = sqlexpr.parse(text)
        parts = node[1] if node[0] == "and" else (node,)
        return tuple(sorted({sqlexpr.render(p, _RESERVED) for p in parts}))
    except sqlexpr.ParseError:
        return (canonical_expression(text),)


# --- sequences -----------------------------------------------------------------------------

_TYPE_RANGES = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}


def canonical_sequence(
    name: str,
    data_type: str | None,
    start: int | None,
    increment: int | None,
    min_value: int | None,
    max_value: int | None,
    cycle: bool | None,
) -> Sequence:
    """A Sequence with PostgreSQL's defaults applied: min/max None where they are the
    defaults for the type and direction, start made explicit."""
    dtype = canonical_type(data_type) if data_type else "bigint"
    inc = increment or 1
    lo, hi = _TYPE_RANGES.get(dtype, _TYPE_RANGES["bigint"])
    default_min, default_max = (1, hi) if inc > 0 else (lo, -1)
    lo_v = default_min if min_value is None else min_value
    hi_v = default_max if max_value is None else max_value
    return Sequence(
        name=name,
        data_type=dtype,
        start=start if start is not None else (lo_v if inc > 0 else hi_v),
        increment=inc,
        min_value=None if lo_v == default_min else lo_v,
        max_value=None if hi_v == default_max else hi_v,
        cycle=bool(cycle),
    )


@contextmanager
def bulk_build() -> Iterator[None]:
    """Pause the cyclic garbage collector while a snapshot is built.

    Building one allocates hundreds of thousands of small immutable objects
    (none in cycles); each allocation burst would otherwise trigger collections
    that rescan the whole heap, e.g. 80k SQLAlchemy columns: a quarter of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def raw_of(**read: tuple[Any, Any]) -> Raw:
    """``raw`` entries: attribute -> text as read, for each (read, canonical) pair that differ."""
    found = [(k, r) for k, (r, c) in read.items() if r is not None and r != c]
    if not found:
        return ()
    return tuple(sorted((k, str(r)) for k, r in found))
