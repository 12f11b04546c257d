-- Operator classes that are not the default for their type and method: an
-- index element using one of these names it; any other is left unnamed.
-- Named bare in pg_catalog and where an extension provides them (pgvector's
-- vector_cosine_ops, pg_trgm's gin_trgm_ops), as columns.sql names extension
-- types: the models name them bare, and where the extension lives is the
-- installation's business.
SELECT opc.oid AS oid,
       CASE WHEN n.nspname = 'pg_catalog' OR EXISTS (
                 SELECT 1 FROM pg_depend e
                 WHERE e.classid = 'pg_opclass'::regclass AND e.objid = opc.oid
                   AND e.deptype = 'e')
            THEN quote_ident(opc.opcname)
            ELSE quote_ident(n.nspname) || '.' || quote_ident(opc.opcname) END AS name
FROM pg_opclass opc
JOIN pg_namespace n ON n.oid = opc.opcnamespace
WHERE NOT opc.opcdefault
