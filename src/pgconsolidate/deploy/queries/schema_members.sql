-- Objects of one schema that are not members of an extension, as droppable signatures.
-- Run with search_path = pg_catalog so that regclass/regprocedure/regtype print schema-qualified.
SELECT kind, signature FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END AS kind,
           c.oid::regclass::text AS signature,
           CASE c.relkind WHEN 'v' THEN 1 WHEN 'm' THEN 1 ELSE 2 END AS ord
    FROM pg_class c
    WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
    UNION ALL
    SELECT CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END, p.oid::regprocedure::text, 3
    FROM pg_proc p
    WHERE p.pronamespace = %(schema)s::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                      AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype::text, 4
    FROM pg_type t
    WHERE t.typnamespace = %(schema)s::regnamespace AND t.typtype IN ('c', 'd', 'e', 'r', 'm')
      AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                      AND d.objid = t.oid AND d.deptype = 'e')
      AND (t.typtype <> 'm' OR NOT EXISTS (SELECT 1 FROM pg_range r WHERE r.rngmultitypid = t.oid))
) s
ORDER BY ord, signature
