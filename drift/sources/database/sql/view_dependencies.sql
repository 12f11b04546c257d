-- Views that read a column: a type change of that column must drop and recreate them.
SELECT DISTINCT tn.nspname, t.relname, a.attname, vn.nspname, v.relname
FROM pg_depend d
JOIN pg_rewrite r ON r.oid = d.objid
JOIN pg_class v ON v.oid = r.ev_class
JOIN pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_class t ON t.oid = d.refobjid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_rewrite'::regclass
  AND d.refclassid = 'pg_class'::regclass
  AND v.oid <> t.oid
  AND tn.nspname = ANY(:schemas)
ORDER BY 1, 2, 3, 4, 5
