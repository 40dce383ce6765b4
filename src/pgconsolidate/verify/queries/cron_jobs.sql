-- The pg_cron jobs a database holds (cron.job), as the clean set's proof compares them: the job's name,
-- schedule, command, whether it is active, and whether it runs in this database (the scratch databases
-- compared have different names).
SELECT j.jobname, j.schedule, j.command, j.active, j.database OPERATOR(pg_catalog.=) pg_catalog.current_database()
FROM cron.job AS j
ORDER BY 1, 2, 3
