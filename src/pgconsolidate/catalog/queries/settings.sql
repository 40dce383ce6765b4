-- Settings of the database itself (ALTER DATABASE ... SET), e.g. Supabase's search_path.
-- Role settings are cluster-wide and belong to the platform; they are not read.
SELECT 'database' AS identity,
       ARRAY(SELECT v FROM unnest(s.setconfig) v ORDER BY v) AS values
FROM pg_db_role_setting s
JOIN pg_database db ON db.oid = s.setdatabase
WHERE db.datname = current_database() AND s.setrole = 0
