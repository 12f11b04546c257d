-- Indexes of the tables of the requested schemas, except those that back a
-- primary key, unique or exclusion constraint (they are reported as the
-- constraint). Partitions are not tables, so their attached child indexes
-- never appear. Elements come from pg_get_indexdef(oid, k, true): a column
-- name or the deparsed expression; k > indnkeyatts are INCLUDE columns.
SELECT i.indrelid AS relid,
       ic.relname AS name,
       i.indisunique AS is_unique,
       am.amname AS method,
       i.indnkeyatts AS key_count,
       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
             FROM generate_series(1, i.indnatts) k ORDER BY k) AS elements,
       i.indkey::int2[] AS attnums,
       i.indoption::int2[] AS options,
       ARRAY(SELECT CASE WHEN opc.opcdefault THEN NULL
                         WHEN on_.nspname = 'pg_catalog' THEN quote_ident(opc.opcname)
                         ELSE quote_ident(on_.nspname) || '.' || quote_ident(opc.opcname) END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(opcoid, ord)
             JOIN pg_opclass opc ON opc.oid = k.opcoid
             JOIN pg_namespace on_ ON on_.oid = opc.opcnamespace
             ORDER BY k.ord) AS opclasses,
       pg_get_expr(i.indpred, i.indrelid) AS predicate
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p', 'm')
  AND NOT c.relispartition
  AND NOT EXISTS (
        SELECT 1 FROM pg_constraint con
        WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x'))
ORDER BY i.indrelid, ic.relname
