-- Tables, partitioned tables, views and materialized views of the requested
-- schemas, in one pass. Partitions come with their parent's oid: the reader
-- nests them in it (they are parts of their parent, unless the models declare
-- one as a table); objects that belong to an extension are not the application's.
SELECT c.oid AS oid,
       n.nspname AS schema,
       c.relname AS name,
       c.relkind AS kind,
       d.description AS comment,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partitioned_by,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
       CASE WHEN c.relispartition THEN
            (SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid)
       END AS parent_oid
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description d
       ON d.objoid = c.oid AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0
WHERE n.nspname = ANY(:schemas)
  AND c.relkind IN ('r', 'p', 'v', 'm')
  AND NOT EXISTS (
        SELECT 1 FROM pg_depend e
        WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
