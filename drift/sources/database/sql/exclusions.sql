-- Exclusion constraints of the tables of the requested schemas: the index that
-- backs each one (left out of indexes.sql) read with the same columns as
-- indexes.sql, plus the constraint's name, deferrability and one operator per
-- element (conexclop, in element order).
SELECT i.indrelid AS relid,
       con.conname AS name,
       i.indisunique AS is_unique,
       am.amname AS method,
       i.indnkeyatts AS key_count,
       i.indkey::int2[] AS attnums,
       i.indoption::int2[] AS options,
       i.indclass::oid[] AS opclasses,
       CASE WHEN i.indexprs IS NOT NULL THEN
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                  FROM generate_series(1, i.indnatts) k ORDER BY k)
       END AS elements,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indpred IS NOT NULL AS has_predicate,
       ARRAY(SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY x(opr, ord)
             JOIN pg_operator o ON o.oid = x.opr ORDER BY x.ord) AS operators,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred
FROM pg_constraint con
JOIN pg_index i ON i.indexrelid = con.conindid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(:schemas)
  AND con.contype = 'x'
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
