-- What a database holds before demo-db builds into it: (kind, schema, name, drop kind) rows, so that a build
-- that fails can be undone object by object (the database itself is the user's and is never dropped).
SELECT 'schema' AS kind, '' AS schema, n.nspname AS name, '' AS relkind
FROM pg_catalog.pg_namespace AS n
UNION ALL
SELECT 'extension', '', e.extname, '' FROM pg_catalog.pg_extension AS e
UNION ALL
SELECT 'role', '', r.rolname, '' FROM pg_catalog.pg_roles AS r
UNION ALL
SELECT 'publication', '', p.pubname, '' FROM pg_catalog.pg_publication AS p
UNION ALL
SELECT 'event trigger', '', t.evtname, '' FROM pg_catalog.pg_event_trigger AS t
UNION ALL
SELECT 'setting', '', split_part(s.setting, '=', 1), ''
FROM pg_catalog.pg_db_role_setting AS d, unnest(d.setconfig) AS s (setting)
WHERE d.setrole = 0 AND d.setdatabase = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
UNION ALL
-- relations, types and routines outside the system schemas that no extension owns
SELECT 'relation', n.nspname, c.relname, c.relkind::text
FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.objid = c.oid AND d.deptype = 'e')
UNION ALL
SELECT 'type', n.nspname, t.typname, t.typtype::text
FROM pg_catalog.pg_type AS t JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
WHERE (t.typtype IN ('e', 'd', 'r', 'm')
       OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class AS c WHERE c.oid = t.typrelid) = 'c'))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.objid = t.oid AND d.deptype = 'e')
UNION ALL
SELECT 'routine', n.nspname, p.oid::text, p.prokind::text
FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d WHERE d.objid = p.oid AND d.deptype = 'e');
