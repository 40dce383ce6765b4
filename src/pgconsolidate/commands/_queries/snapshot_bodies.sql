-- The bodies of every routine made after initdb (oid >= 16384: those a snapshot can hold), spelled exactly as
-- catalog/queries/functions.sql spells them for their hash: a snapshot file keeps the text of each body its
-- functions hash to (commands/compare.with_function_bodies), matched by hash, so no identity is looked up.
SELECT DISTINCT
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
            WHEN p.prokind = 'a' THEN
                 (SELECT concat_ws(' ', ag.aggtransfn::text, ag.aggfinalfn::text, ag.aggcombinefn::text,
                                   format_type(ag.aggtranstype, NULL), ag.agginitval)
                    FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
            WHEN p.probin IS NULL THEN p.prosrc
            ELSE p.probin || ' ' || p.prosrc END AS body
FROM pg_proc p
WHERE p.oid >= 16384
