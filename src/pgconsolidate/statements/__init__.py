"""Stage 2: SQL text split into statements by the real PostgreSQL parser (libpg_query via pglast)."""
