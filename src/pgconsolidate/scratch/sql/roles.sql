-- Roles a dump may refer to (owners, grantees): every role that is not PostgreSQL's own.
SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1
