-- Primary keys, unique, foreign key and check constraints of the tables of the
-- requested schemas (NOT NULL is a column property, not listed here).
-- Column numbers are turned into names by the reader, from the columns it has
-- already read; only a foreign key to a table outside the requested schemas
-- needs its referred names looked up here.
-- A partition's copy of its parent's constraint is `inherited`; the copies
-- PostgreSQL makes of a foreign key for each partition of the table it refers
-- to (on the same table as the original) are internal and not listed.
-- nulls_not_distinct goes through to_jsonb() so the query also runs before
-- PostgreSQL 15, where pg_index has no indnullsnotdistinct.
SELECT con.conrelid AS relid,
       con.conname AS name,
       con.contype AS type,
       con.conkey::int2[] AS attnums,
       con.confrelid AS referred_relid,
       rn.nspname AS referred_schema,
       rc.relname AS referred_table,
       con.confkey::int2[] AS referred_attnums,
       CASE WHEN con.contype = 'f' AND NOT (rn.nspname = ANY(:schemas)
                                            AND rc.relkind IN ('r', 'p')
                                            AND NOT rc.relispartition) THEN
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
                  ORDER BY k.ord)
       END AS referred_columns,
       con.confupdtype AS on_update,
       con.confdeltype AS on_delete,
       con.confmatchtype AS match,
       con.condeferrable AS deferrable,
       con.condeferred AS initially_deferred,
       CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS expression,
       CASE WHEN con.contype = 'u' THEN
            COALESCE((SELECT (to_jsonb(i) ->> 'indnullsnotdistinct')::boolean
                      FROM pg_index i WHERE i.indexrelid = con.conindid), false)
       END AS nulls_not_distinct,
       con.conparentid <> 0 OR (con.contype = 'c' AND NOT con.conislocal) AS inherited,
       con.convalidated AS validated
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p')
  AND con.contype IN ('p', 'u', 'f', 'c')
  AND NOT EXISTS (
        SELECT 1 FROM pg_constraint pc
        WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid)
