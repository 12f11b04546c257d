-- The planner's size of each risk: the catalog's row estimate of every table of the schemas.
SELECT n.nspname, c.relname, c.reltuples
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(:schemas)
