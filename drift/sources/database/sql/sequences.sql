-- Every sequence of the requested schemas, with the column that owns it, if
-- any: a serial's (or OWNED BY) sequence (deptype 'a') or an identity's
-- (deptype 'i') belongs to its column and is not listed as a sequence; the
-- reader uses the owner to tell a serial's nextval() from a free-standing one.
SELECT n.nspname AS schema,
       c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart AS start,
       s.seqincrement AS increment,
       s.seqmin AS min_value,
       s.seqmax AS max_value,
       s.seqcycle AS cycle,
       d.refobjid AS owner_relid,
       d.refobjsubid AS owner_attnum
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_depend d
       ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
WHERE n.nspname = ANY(:schemas)
  AND NOT EXISTS (
        SELECT 1 FROM pg_depend e
        WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
