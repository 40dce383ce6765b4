-- Event triggers whose function lives in a platform-managed schema (Supabase's pgrst_ddl_watch,
-- issue_pg_net_access, ...): they belong to the platform, are left out of snapshots, and are not copied.
SELECT e.evtname
FROM pg_catalog.pg_event_trigger e
JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ANY (%(managed)s::text[])
ORDER BY 1
