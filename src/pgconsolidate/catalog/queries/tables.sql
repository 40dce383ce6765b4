-- Tables, partitioned tables and foreign tables. Access methods and parents come by join (one pass over
-- pg_inherits) rather than a subquery per table; options are sorted only where there are some. (In a
-- fresh session a subquery costs its planning even where it never runs: the ones below are kept to one
-- table each where they can be.)
SELECT n.nspname || '.' || c.relname AS identity,
       c.relkind::text AS relkind,
       c.relpersistence::text AS persistence,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       pg_get_userbyid(c.relowner) AS owner,
       CASE c.relreplident WHEN 'd' THEN 'default' WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
            -- the index's name by two lookups, not a join (cheaper to plan: ~0.5 M server instructions)
            WHEN 'i' THEN 'index ' || coalesce((SELECT ri.relname FROM pg_class ri
                                                 WHERE ri.oid = (SELECT x.indexrelid FROM pg_index x
                                                                  WHERE x.indrelid = c.oid AND x.indisreplident
                                                                  LIMIT 1)), '?')
            ELSE c.relreplident::text END AS replica_identity,
       -- heap (the fixed oid 2) without a lookup; other access methods looked up
       CASE c.relam WHEN 0 THEN NULL WHEN 2 THEN 'heap'::name
            ELSE (SELECT am.amname FROM pg_am am WHERE am.oid = c.relam) END AS access_method,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       -- a partition's one parent is its row of the parents joined below (a subquery of its own, joining
       -- pg_inherits, pg_class and pg_namespace, cost ~0.8 M server instructions to plan in a fresh session)
       CASE WHEN c.relispartition THEN inh.parents[1] || ' ' || pg_get_expr(c.relpartbound, c.oid) END
         AS partition_of,
       CASE WHEN inh.parents IS NULL OR c.relispartition THEN '{}' ELSE inh.parents END AS inherits,
       CASE WHEN c.reloptions IS NULL THEN '{}' ELSE ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o) END AS options,
       NULL::text AS comment,  -- given by the reader (relation_comments.sql)
       -- a foreign table's server and options (a subquery run for foreign tables only)
       CASE WHEN c.relkind = 'f' THEN
            (SELECT s.srvname FROM pg_foreign_table ft JOIN pg_foreign_server s ON s.oid = ft.ftserver
              WHERE ft.ftrelid = c.oid) END AS server,
       CASE WHEN c.relkind = 'f' THEN
            ARRAY(SELECT o FROM pg_foreign_table ft, unnest(ft.ftoptions) o WHERE ft.ftrelid = c.oid ORDER BY o)
       END AS foreign_options,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       c.oid AS _oid,
       coalesce(c.relacl, acldefault('r', c.relowner))::text AS _acl
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN (SELECT i.inhrelid, array_agg(pn.nspname || '.' || pc.relname ORDER BY i.inhseqno) AS parents
             FROM pg_inherits i
             JOIN pg_class pc ON pc.oid = i.inhparent
             JOIN pg_namespace pn ON pn.oid = pc.relnamespace
            GROUP BY i.inhrelid) inh ON inh.inhrelid = c.oid
WHERE c.relkind IN ('r', 'p', 'f')
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND c.oid <> ALL (%(ext_class)s::oid[])
