-- Privileges: one row per object with its ACL (aclitem text, parsed by catalog/acl.py). Objects without an explicit ACL get PostgreSQL's default
-- (acldefault) so that "never granted" and "granted exactly the default" compare equal.
WITH objects(object_kind, object, acl) AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view'
                          ELSE 'table' END,
           n.nspname || '.' || c.relname,
           coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
      AND n.nspname <> ALL (%(skip_schemas)s::text[])
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND c.oid <> ALL (%(ext_class)s::oid[])
  UNION ALL
    SELECT 'column', n.nspname || '.' || c.relname || '.' || a.attname, a.attacl
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relkind IN ('r', 'p', 'f', 'v', 'm')
      AND n.nspname <> ALL (%(skip_schemas)s::text[])
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND c.oid <> ALL (%(ext_class)s::oid[])
  UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END,
           n.nspname || '.' || p.proname || '(' ||
           CASE WHEN p.prokind <> 'p' OR p.proallargtypes IS NULL THEN oidvectortypes(p.proargtypes)
           ELSE array_to_string(ARRAY(
             SELECT format_type(u.typ, NULL)
               FROM unnest(p.proallargtypes) WITH ORDINALITY AS u(typ, ord)
              WHERE p.proargmodes[u.ord] IN ('i', 'b', 'v')
              ORDER BY u.ord), ', ') END || ')',
           coalesce(p.proacl, acldefault('f', p.proowner))
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND p.oid <> ALL (%(ext_proc)s::oid[])
  UNION ALL
    SELECT 'schema', n.nspname, coalesce(n.nspacl, acldefault('n', n.nspowner))
    FROM pg_namespace n
    WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND n.oid <> ALL (%(ext_namespace)s::oid[])
  UNION ALL
    SELECT 'type', n.nspname || '.' || t.typname, coalesce(t.typacl, acldefault('T', t.typowner))
    FROM pg_type t
    JOIN pg_namespace n ON n.oid = t.typnamespace
    LEFT JOIN pg_class c ON c.oid = t.typrelid
    WHERE (t.typtype IN ('e', 'd', 'r', 'm') OR (t.typtype = 'c' AND c.relkind = 'c'))
      AND n.nspname <> ALL (%(skip_schemas)s::text[])
      AND n.nspname !~ '^pg_(toast_)?temp_'
      AND t.oid <> ALL (%(ext_type)s::oid[])
  UNION ALL
    SELECT 'default',
           CASE da.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                 WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' ELSE da.defaclobjtype::text END
           || ' in ' || coalesce(n.nspname, '*') || ' by ' || pg_get_userbyid(da.defaclrole),
           da.defaclacl
    FROM pg_default_acl da
    LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace
    WHERE n.nspname IS NULL OR n.nspname <> ALL (%(skip_schemas)s::text[])
)
SELECT o.object_kind, o.object, o.acl::text[] AS acl
FROM objects o
WHERE o.acl IS NOT NULL
