-- Supabase CLI: supabase_migrations.schema_migrations(version text, statements text[], name text).
SELECT version::text AS version, {name_col} AS name, {statements_col} AS statements
FROM {table}
ORDER BY version
