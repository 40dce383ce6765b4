-- Whether the connected role holds each right an apply needs (held NULL: the object is absent, so the
-- apply itself decides), and the object as PostgreSQL names it. Parameters: kinds text[], names text[]
-- (same length). pg_has_role(owner, 'USAGE') is PostgreSQL's own ownership test (the owner, a member
-- of the owner role, or a superuser).
SELECT t.i::int, r.held, r.object, current_user::text AS role
FROM unnest(%(kinds)s::text[], %(names)s::text[]) WITH ORDINALITY AS t(kind, name, i)
LEFT JOIN LATERAL (
  SELECT has_database_privilege(current_database(), 'CREATE') AS held, current_database()::text AS object
  WHERE t.kind = 'database-create'
  UNION ALL
  SELECT has_schema_privilege(n.oid, 'CREATE'), n.nspname::text
  FROM pg_catalog.pg_namespace n
  WHERE t.kind = 'schema-create' AND n.nspname = coalesce(t.name, (current_schemas(false))[1])
  UNION ALL
  -- DROP is allowed to the owner of the object or of its schema
  SELECT pg_has_role(c.relowner, 'USAGE')
         OR (t.kind = 'relation-drop' AND pg_has_role(n.nspowner, 'USAGE')), c.oid::regclass::text
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE t.kind IN ('relation-owner', 'relation-drop') AND c.oid = to_regclass(t.name)
  UNION ALL
  SELECT pg_has_role(p.proowner, 'USAGE')
         OR (t.kind = 'function-drop' AND pg_has_role(n.nspowner, 'USAGE')), p.oid::regprocedure::text
  FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  WHERE t.kind IN ('function-owner', 'function-drop')
    AND p.oid = CASE WHEN strpos(t.name, '(') > 0 THEN to_regprocedure(t.name) ELSE to_regproc(t.name) END
  UNION ALL
  SELECT has_table_privilege(c.oid, CASE t.kind WHEN 'table-insert' THEN 'INSERT' ELSE 'DELETE' END),
         c.oid::regclass::text
  FROM pg_catalog.pg_class c
  WHERE t.kind IN ('table-insert', 'table-delete') AND c.oid = to_regclass(t.name)
) r ON true
ORDER BY t.i
