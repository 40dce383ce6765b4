-- Remove the default privileges a fresh scratch base hands to roles other than the object's owner, so that
-- objects restored from a dump get exactly the ACL the dump records (the dump restores the live
-- database's own default privileges at the end).
DO $pgc$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT pg_get_userbyid(d.defaclrole) AS owner, n.nspname, d.defaclobjtype, pg_get_userbyid(a.grantee) AS grantee
      FROM pg_default_acl d
      LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
      CROSS JOIN LATERAL aclexplode(d.defaclacl) a
     WHERE a.grantee <> 0 AND a.grantee <> d.defaclrole
  LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I %s REVOKE ALL ON %s FROM %I',
                   r.owner,
                   CASE WHEN r.nspname IS NULL THEN '' ELSE format('IN SCHEMA %I', r.nspname) END,
                   CASE r.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
                                        WHEN 'T' THEN 'TYPES' WHEN 'n' THEN 'SCHEMAS' END,
                   r.grantee);
  END LOOP;
END
$pgc$;
