-- Privileges not carried by the object kinds' own queries (each of those returns its object's ACL in an
-- `_acl` column): columns of views and materialized views, range and multirange types, and default
-- privileges. One row per object with its ACL (aclitem text, parsed by catalog/acl.py). Objects without
-- an explicit ACL get PostgreSQL's default (acldefault) so that "never granted" and "granted exactly
-- the default" compare equal.
WITH objects(object_kind, object, acl) AS (
    SELECT 'column', c.nspname || '.' || c.relname || '.' || a.attname, a.attacl
    FROM pg_rewrite r  -- views and materialized views by their rules, as in views.sql
    CROSS JOIN LATERAL (
        -- (the schema by a lookup of its own: a join here cost ~0.3 M server instructions more to plan)
        SELECT c.oid, c.relname, c.relkind,
               (SELECT n.nspname FROM pg_namespace n WHERE n.oid = c.relnamespace) AS nspname
          FROM pg_class c
         WHERE c.oid = r.ev_class
        OFFSET 0
    ) c
    JOIN pg_attribute a ON a.attrelid = c.oid
    -- (relations made after initdb: PostgreSQL's own views, in schemas never read, are not looked up)
    WHERE r.rulename = '_RETURN' AND r.ev_class >= 16384 AND c.relkind IN ('v', 'm')
      AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
      AND c.nspname <> ALL (%(skip_schemas)s::text[])
      AND c.nspname !~ '^pg_(toast_)?temp_'
      AND c.oid <> ALL (%(ext_class)s::oid[])
  UNION ALL
    SELECT 'type', n.nspname || '.' || t.typname, coalesce(t.typacl, acldefault('T', t.typowner))
    -- range and multirange types found from pg_range (a few rows), each looked up by oid: not a scan of
    -- all of pg_type
    FROM pg_range r
    CROSS JOIN LATERAL (SELECT mt.typname, mt.typacl, mt.typowner, mt.typnamespace, mt.oid FROM pg_type mt
                         WHERE mt.oid = r.rngtypid OR mt.oid = r.rngmultitypid OFFSET 0) t
    -- the schema of each type found (not a scan of pg_type per schema)
    CROSS JOIN LATERAL (SELECT n.nspname FROM pg_namespace n WHERE n.oid = t.typnamespace OFFSET 0) n
    WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
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
SELECT o.object_kind, o.object, o.acl::text AS acl
FROM objects o
WHERE o.acl IS NOT NULL
