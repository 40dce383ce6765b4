-- The search_path the catalog snapshot spells function identities with (catalog/queries/functions.sql):
-- pg_catalog, public and the extensions' schemas, so that to_regprocedure reads an identity's types back.
SELECT set_config('search_path',
                  concat_ws(', ', 'pg_catalog', 'public',
                            (SELECT string_agg(DISTINCT quote_ident(n.nspname), ', ')
                               FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                              WHERE n.nspname NOT IN ('pg_catalog', 'public'))),
                  false)
