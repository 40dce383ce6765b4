-- Settings of the database itself (ALTER DATABASE ... SET), e.g. Supabase's search_path.
-- Role settings are cluster-wide and belong to the platform; they are not read.
SELECT 'database' AS identity,
       -- a secret's value (Supabase self-hosted: app.settings.jwt_secret) never leaves the database: its
       -- digest still tells a changed value
       ARRAY(SELECT CASE WHEN split_part(v, '=', 1) ~* '(secret|password|passwd|token|credential|private|_key$|\.key$)'
                         THEN split_part(v, '=', 1) || '=<redacted md5:' || left(md5(v), 12) || '>'
                         ELSE v END
             FROM unnest(s.setconfig) v ORDER BY v) AS values
FROM pg_db_role_setting s
JOIN pg_database db ON db.oid = s.setdatabase
WHERE db.datname = current_database() AND s.setrole = 0
