-- Per-schema default privileges in the schemas the restore clears: the backup re-creates them after
-- its objects (as pg_restore orders them), so that re-created objects get exactly the backup's ACLs.
SELECT DISTINCT pg_get_userbyid(d.defaclrole) AS role, n.nspname AS schema,
       CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                            WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END AS objects,
       CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee
FROM pg_default_acl d
JOIN pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL aclexplode(d.defaclacl) a
WHERE n.nspname = ANY(%(clear)s) AND d.defaclobjtype IN ('r', 'S', 'f', 'T')
ORDER BY 1, 2, 3, 4
