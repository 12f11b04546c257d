-- Indexes of the tables of the requested schemas, except those that back a
-- primary key, unique or exclusion constraint (they are reported as the
-- constraint). A partition's index attached to its parent's is `inherited`.
-- Column elements are named by the reader from the columns it has read
-- (attnums, 0 for an expression); only an index with expressions
-- has its elements deparsed, by pg_get_indexdef(oid, k, true).
-- k > indnkeyatts are INCLUDE columns. A column element's collation is
-- given only where it is not the column's own (COLLATE "C" on a text column).
SELECT i.indrelid AS relid,
       ic.relname AS name,
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
       ARRAY(SELECT CASE WHEN a.attnum IS NOT NULL AND i.indcollation[k] <> 0
                              AND i.indcollation[k] <> a.attcollation THEN
                             CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                                  ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                             END
                         END
             FROM generate_series(0, i.indnkeyatts - 1) k
             LEFT JOIN pg_attribute a
                    ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k] AND i.indkey[k] <> 0
             LEFT JOIN pg_collation co ON co.oid = i.indcollation[k]
             LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
             ORDER BY k) AS collations,
       pg_get_expr(i.indpred, i.indrelid) AS predicate,
       i.indpred IS NOT NULL AS has_predicate,
       EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AS inherited
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (
        SELECT 1 FROM pg_constraint con
        WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x'))
