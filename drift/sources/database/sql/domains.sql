-- Domains of the requested schemas, with their CHECK constraints in name order
-- (NOT NULL is typnotnull; from PostgreSQL 17 it is also a constraint, 'n',
-- left out here). The base type is printed as columns.sql prints a column's
-- (an extension's type bare);
-- the collation only where it is not the base type's default.
WITH extension_types AS MATERIALIZED (
    SELECT e.objid AS oid FROM pg_depend e
    WHERE e.classid = 'pg_type'::regclass AND e.deptype = 'e'
)
SELECT n.nspname AS schema,
       t.typname AS name,
       CASE WHEN et.oid IS NULL THEN format_type(t.typbasetype, t.typtypmod)
            ELSE regexp_replace(format_type(t.typbasetype, t.typtypmod),
                                '^("([^"]|"")*"|[^."]+)\.', '')
       END AS type,
       t.typnotnull AS not_null,
       pg_get_expr(t.typdefaultbin, 0) AS default_expr,
       CASE WHEN t.typcollation <> bt.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       ARRAY(SELECT pg_get_expr(con.conbin, 0) FROM pg_constraint con
             WHERE con.contypid = t.oid AND con.contype = 'c'
             ORDER BY con.conname) AS checks
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN extension_types et
       ON et.oid = CASE WHEN bt.typcategory = 'A' THEN bt.typelem ELSE bt.oid END
LEFT JOIN pg_collation co ON co.oid = t.typcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE n.nspname = ANY(:schemas)
  AND t.typtype = 'd'
  AND NOT EXISTS (
        SELECT 1 FROM pg_depend e
        WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY n.nspname, t.typname
