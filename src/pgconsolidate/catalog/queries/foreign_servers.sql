-- Foreign servers (CREATE SERVER), not those of extensions unless asked; identity: the name. Options
-- sorted (connection settings such as host and dbname; passwords belong to user mappings, not read).
SELECT s.srvname AS identity,
       w.fdwname AS wrapper,
       s.srvtype AS type,
       s.srvversion AS version,
       CASE WHEN s.srvoptions IS NULL THEN '{}' ELSE ARRAY(SELECT o FROM unnest(s.srvoptions) o ORDER BY o) END AS options,
       pg_get_userbyid(s.srvowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(s.srvacl, acldefault('S', s.srvowner))::text AS _acl
FROM pg_foreign_server s
JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw
LEFT JOIN pg_description ds ON ds.objoid = s.oid AND ds.classoid = 'pg_foreign_server'::regclass AND ds.objsubid = 0
WHERE s.oid <> ALL (%(ext_server)s::oid[])
