-- The user-defined collations of the live database (not those of an extension), each with
-- the statement that makes it on the scratch copy before the tables that use it. The locale
-- column moved between versions (colliculocale in 15-16, colllocale from 17): read from
-- the row as JSON, so that one query serves every version.
SELECT format('%I.%I', n.nspname, c.collname) AS name,
       n.nspname AS schema,
       format('CREATE COLLATION IF NOT EXISTS %I.%I (provider = %s, %s%sdeterministic = %s)',
              n.nspname, c.collname,
              CASE c.collprovider WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
              CASE WHEN c.collprovider IN ('c', 'd')
                   THEN format('lc_collate = %L, lc_ctype = %L, ', c.collcollate, c.collctype)
                   ELSE format('locale = %L, ', coalesce(j ->> 'colllocale',
                                                         j ->> 'colliculocale')) END,
              CASE WHEN j ->> 'collicurules' IS NOT NULL
                   THEN format('rules = %L, ', j ->> 'collicurules') ELSE '' END,
              CASE WHEN c.collisdeterministic THEN 'true' ELSE 'false' END) AS statement
FROM pg_collation c
JOIN pg_namespace n ON n.oid = c.collnamespace
CROSS JOIN LATERAL to_jsonb(c) AS j
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d
                  WHERE d.classid = 'pg_collation'::regclass AND d.objid = c.oid
                    AND d.deptype = 'e')
ORDER BY n.nspname, c.collname
