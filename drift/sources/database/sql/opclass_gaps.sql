-- Of the (type, index method) pairs given, those PostgreSQL has no default operator class
-- for (CREATE INDEX ... USING gin (a_text_column) fails: "data type text has no default
-- operator class for access method gin"). A default class matches the type itself, its
-- domain's base type, a type it is binary-coercible to, or a polymorphic input (anyarray,
-- anyenum, anyrange, anymultirange, anyelement). Types or methods this database does not
-- know are left out: nothing is said about them.
SELECT p.type_name, p.method
FROM unnest(CAST(:types AS text[]), CAST(:methods AS text[])) AS p(type_name, method)
JOIN pg_catalog.pg_type t ON t.oid = to_regtype(p.type_name)
WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_am a WHERE a.amname = p.method AND a.amtype = 'i')
  AND NOT EXISTS (
    SELECT 1
    FROM pg_catalog.pg_opclass c
    JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod AND a.amname = p.method
    WHERE c.opcdefault AND (
      c.opcintype = t.oid
      OR (t.typbasetype <> 0 AND c.opcintype = t.typbasetype)
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast k
                 WHERE k.castsource = t.oid AND k.casttarget = c.opcintype
                   AND k.castmethod = 'b')
      OR (c.opcintype = 'anyarray'::regtype AND t.typcategory = 'A')
      OR (c.opcintype = 'anyenum'::regtype AND t.typtype = 'e')
      OR (c.opcintype = 'anyrange'::regtype AND t.typtype = 'r')
      OR (c.opcintype = 'anymultirange'::regtype AND t.typtype = 'm')
      OR c.opcintype = 'anyelement'::regtype))
ORDER BY 1, 2
