-- The bodies of a few functions (identity, and the identity with its names quoted for to_regprocedure),
-- as catalog/queries/functions.sql reads them for their hash: compare shows where a changed body differs.
SELECT s.identity,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
            ELSE coalesce(p.probin || ' ', '') || p.prosrc END AS body
FROM unnest(%(identities)s::text[], %(quoted)s::text[]) AS s(identity, quoted)
JOIN pg_proc p ON p.oid = to_regprocedure(s.quoted)
