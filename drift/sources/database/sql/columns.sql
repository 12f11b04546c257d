-- Every column of every relation of the requested schemas, in ordinal order.
-- Which sequence a column owns (serial, identity) comes from sequences.sql.
-- Types are printed schema-qualified (the reader's search_path is pg_catalog),
-- except those an extension provides (citext, hstore, vector): the models name
-- them bare, and where the extension lives is the installation's business.
WITH extension_types AS MATERIALIZED (
    SELECT e.objid AS oid FROM pg_depend e
    WHERE e.classid = 'pg_type'::regclass AND e.deptype = 'e'
)
SELECT a.attrelid AS relid,
       a.attnum AS attnum,
       a.attname AS name,
       CASE WHEN et.oid IS NULL THEN format_type(a.atttypid, a.atttypmod)
            ELSE regexp_replace(format_type(a.atttypid, a.atttypmod),
                                '^("([^"]|"")*"|[^."]+)\.', '')
       END AS type,
       a.attnotnull AS not_null,
       pg_get_expr(ad.adbin, ad.adrelid) AS default_expr,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       d.description AS comment,
       CASE WHEN a.attcollation <> t.typcollation THEN
            CASE WHEN cn.nspname = 'pg_catalog' THEN quote_ident(co.collname)
                 ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END
       END AS collation,
       ad.adbin IS NOT NULL AS has_default
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN extension_types et
       ON et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_description d
       ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND a.attnum > 0
  AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
