-- Functions, procedures, aggregates and window functions.
-- identity: schema.name(input argument types) — IN, INOUT and VARIADIC arguments only, format_type
-- without typmods; run with a search_path holding pg_catalog, public and the extensions' schemas.
SELECT n.nspname || '.' || p.proname || '(' ||
       CASE WHEN p.prokind <> 'p' OR p.proallargtypes IS NULL THEN oidvectortypes(p.proargtypes)
       ELSE array_to_string(ARRAY(
         SELECT format_type(u.typ, NULL)
           FROM unnest(p.proallargtypes) WITH ORDINALITY AS u(typ, ord)
          WHERE p.proargmodes[u.ord] IN ('i', 'b', 'v')
          ORDER BY u.ord), ', ') END || ')' AS identity,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'window' END AS prokind,
       pg_get_function_arguments(p.oid) AS arguments,
       -- pg_get_function_result, which first tries to print TABLE(...) for every set-returning function:
       -- called only for those with TABLE columns; otherwise the same text, SETOF and format_type
       CASE WHEN p.prokind = 'p' THEN NULL
            WHEN p.proretset AND 't' = ANY (p.proargmodes) THEN pg_get_function_result(p.oid)
            ELSE CASE WHEN p.proretset THEN 'SETOF ' ELSE '' END || format_type(p.prorettype, NULL) END AS result,
       l.lanname AS language,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       p.proisstrict AS strict,
       p.prosecdef AS security_definer,
       p.proleakproof AS leakproof,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       p.procost::text AS cost,
       p.prorows::text AS rows,
       coalesce(p.proconfig, '{}') AS config,
       CASE WHEN p.prosqlbody IS NOT NULL THEN pg_get_function_sqlbody(p.oid)
            WHEN p.prokind = 'a' THEN
                 (SELECT concat_ws(' ', ag.aggtransfn::text, ag.aggfinalfn::text, ag.aggcombinefn::text,
                                   format_type(ag.aggtranstype, NULL), ag.agginitval)
                    FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)
            ELSE coalesce(p.probin || ' ', '') || p.prosrc END AS body,
       pg_get_userbyid(p.proowner) AS owner,
       ds.description AS comment,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(p.proacl, acldefault('f', p.proowner))::text[] AS _acl
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
LEFT JOIN pg_description ds ON ds.objoid = p.oid AND ds.classoid = 'pg_proc'::regclass AND ds.objsubid = 0
WHERE n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND p.oid <> ALL (%(ext_proc)s::oid[])
