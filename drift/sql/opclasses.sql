-- Operator classes that are not the default for their type and method: an
-- index element using one of these names it; any other is left unnamed.
SELECT opc.oid AS oid,
       CASE WHEN n.nspname = 'pg_catalog' THEN quote_ident(opc.opcname)
            ELSE quote_ident(n.nspname) || '.' || quote_ident(opc.opcname) END AS name
FROM pg_opclass opc
JOIN pg_namespace n ON n.oid = opc.opcnamespace
WHERE NOT opc.opcdefault
