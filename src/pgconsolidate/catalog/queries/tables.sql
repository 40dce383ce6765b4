-- Tables, partitioned tables and foreign tables.
SELECT n.nspname || '.' || c.relname AS identity,
       c.relkind::text AS relkind,
       c.relpersistence::text AS persistence,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       pg_get_userbyid(c.relowner) AS owner,
       CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            WHEN 'i' THEN 'index ' || coalesce((SELECT ri.relname FROM pg_index x JOIN pg_class ri ON ri.oid = x.indexrelid
                                                 WHERE x.indrelid = c.oid AND x.indisreplident LIMIT 1), '?')
            ELSE c.relreplident::text END AS replica_identity,
       (SELECT am.amname FROM pg_am am WHERE am.oid = c.relam) AS access_method,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       CASE WHEN c.relispartition THEN
            (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = c.oid LIMIT 1) || ' ' || pg_get_expr(c.relpartbound, c.oid)
       END AS partition_of,
       ARRAY(SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i
               JOIN pg_class pc ON pc.oid = i.inhparent
               JOIN pg_namespace pn ON pn.oid = pc.relnamespace
              WHERE i.inhrelid = c.oid AND NOT c.relispartition ORDER BY i.inhseqno) AS inherits,
       coalesce(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o), '{}') AS options,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(c.relacl, acldefault('r', c.relowner))::text[] AS _acl
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE c.relkind IN ('r', 'p', 'f')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
