"""The floor: one catalog query per object kind, all rows of the requested schemas.

No normalisation, no Python objects beyond the rows: what any tool must at
least pay to know the schema. Rows carry names, never OIDs, and come back
sorted, so two databases built differently can be compared with ``==`` (the
integration test uses this to prove the generator's DDL and models agree
without going through drift).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

QUERIES: dict[str, str] = {
    "relations": """
        SELECT n.nspname, c.relname, c.relkind, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
        ORDER BY 1, 2""",
    "columns": """
        SELECT n.nspname, c.relname, a.attnum, a.attname,
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               col_description(c.oid, a.attnum)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'p', 'v', 'm')
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2, 3""",
    "constraints": """
        SELECT n.nspname, c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(:schemas)
        ORDER BY 1, 2, 3""",
    "indexes": """
        SELECT n.nspname, c.relname, i.relname, pg_get_indexdef(x.indexrelid),
               x.indisunique, x.indisprimary
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY(:schemas)
        ORDER BY 1, 2, 3""",
    "sequences": """
        SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart,
               s.seqincrement, s.seqmin, s.seqmax, s.seqcycle,
               d.deptype, t.relname, a.attname
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
             AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        LEFT JOIN pg_class t ON t.oid = d.refobjid
        LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE n.nspname = ANY(:schemas)
        ORDER BY 1, 2""",
    "enums": """
        SELECT n.nspname, t.typname, e.enumsortorder, e.enumlabel
        FROM pg_enum e
        JOIN pg_type t ON t.oid = e.enumtypid
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = ANY(:schemas)
        ORDER BY 1, 2, 3""",
}


def read_catalog(conn: Connection, schemas: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every kind, one query each."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for kind, sql in QUERIES.items():
        rows = conn.execute(sa.text(sql), {"schemas": list(schemas)}).all()
        out[kind] = [tuple(r) for r in rows]
    return out
