-- Tables in the schemas the platform manages (those left out but PostgreSQL's own: storage.objects,
-- auth.users, realtime.messages), as far as projects change them in their migrations: row level security,
-- the privileges granted on them and on their columns, their comment. The privileges of the owner and of
-- the platform's own roles are left out: the platform grants them (they differ from one project's age to
-- another's, and a replay's scratch base has none), projects grant to theirs and the API roles. Their
-- policies and the project's triggers on them are read by policies.sql and triggers.sql. Run only when the census finds a schema left out that PostgreSQL does not own. Partitions
-- (realtime.messages' daily ones, made by the platform's service) and extensions' tables are not read.
SELECT n.nspname || '.' || c.relname AS identity,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       -- "grantee: PRIVILEGE, PRIVILEGE*" (* WITH GRANT OPTION), by grantee
       ARRAY(SELECT g.grantee || ': '
                    || string_agg(g.privilege_type || CASE WHEN g.is_grantable THEN '*' ELSE '' END, ', '
                                  ORDER BY g.privilege_type)
               FROM (SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END AS grantee,
                            x.privilege_type, x.is_grantable
                       FROM aclexplode(c.relacl) x
                      WHERE x.grantee <> c.relowner AND x.grantee <> ALL (platform.roles)) g
              GROUP BY g.grantee
              ORDER BY g.grantee) AS privileges,
       -- "column grantee: PRIVILEGE, ...", by column then grantee
       ARRAY(SELECT g.attname || ' ' || g.grantee || ': '
                    || string_agg(g.privilege_type || CASE WHEN g.is_grantable THEN '*' ELSE '' END, ', '
                                  ORDER BY g.privilege_type)
               FROM (SELECT a.attname,
                            CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END AS grantee,
                            x.privilege_type, x.is_grantable
                       FROM pg_attribute a, aclexplode(a.attacl) x
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attacl IS NOT NULL
                        AND x.grantee <> c.relowner AND x.grantee <> ALL (platform.roles)) g
              GROUP BY g.attname, g.grantee
              ORDER BY g.attname, g.grantee) AS column_privileges,
       ds.description AS comment
FROM pg_namespace n
JOIN pg_class c ON c.relnamespace = n.oid
-- the platform's own roles (Supabase's), those that exist
CROSS JOIN (SELECT coalesce(array_agg(r.oid), '{}') AS roles FROM pg_roles r
             WHERE r.rolname IN ('postgres', 'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin',
                                 'supabase_functions_admin', 'supabase_realtime_admin', 'supabase_replication_admin',
                                 'supabase_read_only_user', 'supabase_etl_admin', 'dashboard_user', 'authenticator',
                                 'pgbouncer')) platform
LEFT JOIN pg_description ds ON ds.objoid = c.oid AND ds.classoid = 'pg_class'::regclass AND ds.objsubid = 0
WHERE n.nspname = ANY (%(skip_schemas)s::text[])
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition
  AND c.oid <> ALL (%(ext_class)s::oid[])
