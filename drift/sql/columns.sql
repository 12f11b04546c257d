-- Every column of every relation of the requested schemas, in ordinal order.
-- owned_sequence: the sequence a serial (deptype 'a') or identity (deptype 'i')
-- column owns, so a nextval() of it can be told from one of a free-standing sequence.
WITH owned AS (
    SELECT d.refobjid, d.refobjsubid,
           quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS sequence
    FROM pg_depend d
    JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    WHERE d.classid = 'pg_class'::regclass
      AND d.refclassid = 'pg_class'::regclass
      AND d.deptype IN ('a', 'i')
)
SELECT a.attrelid AS relid,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       d.description AS comment,
       CASE WHEN a.attcollation <> t.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       o.sequence AS owned_sequence
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN owned o ON o.refobjid = a.attrelid AND o.refobjsubid = a.attnum
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT c.relispartition
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
