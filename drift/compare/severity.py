"""How bad a mismatch is, and the sentence that says which rule decided it.

Severity (table-driven, ``SEVERITY`` below; rules keyed by object kind, change
and attribute, the most specific entry wins):

* ``error``: the application will break. A schema, table, column, enum,
  sequence or view declared but missing; a type that differs; a column the
  database makes NOT NULL while the models allow NULL; a column only in the
  database that is NOT NULL without any default (the application's INSERTs
  fail); an enum missing labels the models use; a serial/sequence default the
  models rely on but the database lacks.
* ``warning``: integrity or performance differs, the application still runs.
  Keys, foreign keys, unique and check constraints, indexes, defaults,
  identity, generated columns, collations, partitioning, sequence options,
  nullable where the models say NOT NULL but the database allows NULL.
* ``info``: harmless. Comments, names of equivalent constraints, objects only
  in the database that nothing declares (extra schemas, tables, nullable or
  defaulted columns, views, enums, sequences), a declared table that the
  database has as a view.

Domains are ranked as columns (a missing domain or another base type is an
``error``, a domain the database makes NOT NULL while the models allow NULL
too); exclusion constraints, constraint options (``deferrable``,
``validated``) and operator classes as other constraints and indexes
(``warning``). A unique constraint the database has only as a unique index of
the same name is a ``warning`` (``ON CONFLICT ON CONSTRAINT`` and ``DROP
CONSTRAINT`` fail on it); the reverse, an index the database has as a
constraint, is ``info`` (all the models can do with it still works).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drift.mismatch import Change, ObjectType, Severity
from drift.schema import Column

SeverityRule = Severity | Callable[[Any, Any], Severity]
_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO
_MODELS, _DATABASE, _DIFFERS = Change.ONLY_IN_MODELS, Change.ONLY_IN_DATABASE, Change.DIFFERS


def _nullable(models: Any, database: Any) -> Severity:
    # models allow NULL, the database refuses it: the application's writes fail
    return _E if models is True and database is False else _W


def _extra_column(models: Any, database: Column) -> Severity:
    # a NOT NULL column the models do not know about, with nothing to fill it, breaks INSERTs
    filled = (
        database.default is not None
        or database.serial
        or database.sequence is not None
        or database.identity is not None
        or database.computed is not None
    )
    return _E if not database.nullable and not filled else _I


def _generated_default(models: Any, database: Any) -> Severity:
    relies = isinstance(models, str) and (models == "serial" or models.startswith("nextval("))
    return _E if relies and database is None else _W


def _constraint_kind(models: Any, database: Any) -> Severity:
    return _W if models == "unique constraint" else _I


def _enum_labels(models: Any, database: Any) -> Severity:
    # labels the application may write but the database rejects
    return _E if set(models or ()) - set(database or ()) else _W


SEVERITY: dict[tuple[ObjectType | None, Change, str | None], SeverityRule] = {
    # (kind, change, attribute): None as kind or attribute = any
    (None, _MODELS, None): _W,
    (None, _DATABASE, None): _W,
    (None, _DIFFERS, None): _W,
    (None, _DIFFERS, "comment"): _I,
    (None, _DIFFERS, "name"): _I,
    (ObjectType.SCHEMA, _MODELS, None): _E,
    (ObjectType.SCHEMA, _DATABASE, None): _I,
    (ObjectType.TABLE, _MODELS, None): _E,
    (ObjectType.TABLE, _DATABASE, None): _I,
    (ObjectType.TABLE, _DIFFERS, "kind"): _I,
    (ObjectType.COLUMN, _MODELS, None): _E,
    (ObjectType.COLUMN, _DATABASE, None): _extra_column,
    (ObjectType.COLUMN, _DIFFERS, "type"): _E,
    (ObjectType.COLUMN, _DIFFERS, "nullable"): _nullable,
    (ObjectType.COLUMN, _DIFFERS, "default"): _generated_default,
    (ObjectType.ENUM, _MODELS, None): _E,
    (ObjectType.ENUM, _DATABASE, None): _I,
    (ObjectType.ENUM, _DIFFERS, "values"): _enum_labels,
    (ObjectType.SEQUENCE, _MODELS, None): _E,
    (ObjectType.SEQUENCE, _DATABASE, None): _I,
    (ObjectType.VIEW, _MODELS, None): _E,
    (ObjectType.VIEW, _DATABASE, None): _I,
    (ObjectType.VIEW, _DIFFERS, "kind"): _I,
    (ObjectType.DOMAIN, _MODELS, None): _E,
    (ObjectType.DOMAIN, _DATABASE, None): _I,
    (ObjectType.DOMAIN, _DIFFERS, "type"): _E,
    (ObjectType.DOMAIN, _DIFFERS, "nullable"): _nullable,
    (None, _DIFFERS, "constraint_kind"): _constraint_kind,
    (None, _DIFFERS, "name_too_long"): _E,  # PostgreSQL cuts the name: it is never as declared
}


def severity_of(
    kind: ObjectType, change: Change, attribute: str | None, models: Any, database: Any
) -> Severity:
    # an attribute's own rule beats the kind's catch-all (a column comment is info)
    for key in ((kind, change, attribute), (None, change, attribute), (kind, change, None)):
        if key in SEVERITY:
            rule = SEVERITY[key]
            break
    else:
        rule = SEVERITY[(None, change, None)]
    return rule if isinstance(rule, Severity) else rule(models, database)


# ---------------------------------------------------------------- rules (for `drift explain`)

RULES: dict[str | None, str] = {
    None: "objects matched by name; unnamed constraints and indexes matched by definition",
    "type": "types compared in PostgreSQL's canonical spelling (format_type)",
    "nullable": "NOT NULL compared as declared (a primary key column is always NOT NULL)",
    "default": (
        "server defaults compared after canonicalisation; a default drawn from a sequence "
        "the column owns is 'serial', one from a free-standing sequence is nextval('schema.seq')"
    ),
    "identity": "identity compared as 'always', 'by default' or none",
    "computed": "generated column expressions compared after canonicalisation",
    "comment": "comments compared as text (no comment = null)",
    "collation": "collations compared where not the type's default",
    "kind": "a declared table is matched with a view or materialized view of the same name",
    "name": "matched by definition; only the name differs",
    "columns": "columns compared in their declared order",
    "referred": "the referred table and columns compared, schema-qualified",
    "expressions": "index elements compared in order, with direction, NULLS order and opclass",
    "expression": "check expressions compared after canonicalisation (pg_get_constraintdef)",
    "where": "partial index predicates compared after canonicalisation",
    "values": "enum labels compared in their sort order",
    "opclass": "the operator class of each index element, where not its type's default",
    "deferrable": "DEFERRABLE and INITIALLY DEFERRED compared (INITIALLY DEFERRED implies "
    "DEFERRABLE)",
    "validated": (
        "NOT VALID in the database is drift unless the models declare it NOT VALID "
        "(postgresql_not_valid); one declared NOT VALID may have been validated since"
    ),
    "checks": (
        "a domain's CHECK constraints compared as the set of their AND-ed conditions, "
        "after canonicalisation; their names are not compared"
    ),
    "name_too_long": (
        "a declared name over 63 bytes (UTF-8) is cut to 63 bytes by PostgreSQL; the models "
        "are compared under the cut name"
    ),
    "constraint_kind": (
        "a unique constraint and a plain unique index on the same columns are equivalent, "
        "but under one name the kind matters to ON CONFLICT ON CONSTRAINT and DROP CONSTRAINT"
    ),
}


def rule_for(attribute: str | None) -> str:
    return RULES.get(attribute, f"{attribute} compared as normalised by the readers")


