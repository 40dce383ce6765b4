-- Whether the database has pg_cron's job table and the role can read it: NULL without it, false when it
-- may not (no USAGE on schema cron, no SELECT on cron.job: to_regclass itself fails without USAGE),
-- true when it may.
SELECT CASE
  WHEN pg_catalog.to_regnamespace('cron') IS NULL THEN NULL
  WHEN NOT pg_catalog.has_schema_privilege('cron', 'USAGE') THEN false
  WHEN pg_catalog.to_regclass('cron.job') IS NULL THEN NULL
  ELSE pg_catalog.has_table_privilege('cron.job', 'SELECT')
END
