-- Functions, procedures, aggregates and window functions.
-- identity: schema.name(input argument types) — IN, INOUT and VARIADIC arguments only, format_type
-- without typmods; run with a search_path holding pg_catalog, public and the extensions' schemas.
--
-- pg_get_function_arguments / pg_get_function_result look every function up again (a catalog cache miss
-- each in a fresh session: most of this query's cost) and print each type again: catalog/functiondef.py
-- spells the argument list, the result and the identity's types from the raw columns below (`_...`,
-- not fields) instead. The query returns `schema.name` as identity (the reader appends the types), and
-- calls pg_get_function_arguments itself only where Python would not spell the same text: aggregates
-- (ORDER BY of ordered-set aggregates), procedures (IN before 14), and more than one default (the
-- reader asks the server again when the one default holds a node that pg_get_expr, which pretty-prints
-- with indentation, may print otherwise than pg_get_function_arguments: CASE).
SELECT n.nspname || '.' || p.proname AS identity,
       CASE p.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate'
                      WHEN 'w' THEN 'window' END AS prokind,
       CASE WHEN p.prokind IN ('a', 'p') OR p.pronargdefaults > 1 THEN pg_get_function_arguments(p.oid) END
         AS arguments,
       NULL::text AS result,  -- spelled by the reader (NULL for procedures)
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
            WHEN p.probin IS NULL THEN p.prosrc  -- not copied by a concatenation
            ELSE p.probin || ' ' || p.prosrc END AS body,
       coalesce(ro.rolname, pg_get_userbyid(p.proowner)) AS owner,
       ds.description AS comment,
       p.oid AS _oid,
       p.prokind = 'p' AS _procedure,
       -- as text: functions sharing them are spelled once (catalog/functiondef.py parses them)
       p.proargtypes::text AS _argtypes,
       p.proallargtypes::text AS _allargtypes,
       array_to_string(p.proargmodes, '') AS _argmodes,
       p.proargnames::text AS _argnames,
       p.prorettype AS _rettype,
       p.proretset AS _retset,
       -- one default: its node tree (catalog/functiondef.py checks it holds only nodes that pg_get_expr
       -- prints like pg_get_function_arguments) and pg_get_expr's text; from PostgreSQL 18 on (trees
       -- without locations: the same text wherever written) NULL, and catalog/defaultdef.py spells it once
       -- per distinct tree, or the reader leaves the function to the server (the reader puts pg_get_expr
       -- back before 18)
       CASE WHEN p.pronargdefaults = 1 THEN p.proargdefaults::text END AS _default_tree,
       NULL::text AS _default,
       -- the privileges (catalog/acl.py turns them into grants; acldefault when never granted)
       coalesce(p.proacl::text, ro.acl, acldefault('f', p.proowner)::text) AS _acl
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
-- owners' names and default privileges once per role, hashed (pg_get_userbyid and acldefault per function
-- cost a lookup and an array each); the server's functions where a role is not found
LEFT JOIN (SELECT r.oid, r.rolname, acldefault('f', r.oid)::text AS acl FROM pg_roles r OFFSET 0) ro
  ON ro.oid = p.proowner
-- the comments of functions made after initdb (oid >= FirstNormalObjectId, 16384: every function of a
-- schema read here), hashed once: a probe of pg_description's index per function cost more, and a
-- join with all of them hashed the descriptions of PostgreSQL's own functions (thousands)
LEFT JOIN (SELECT d.objoid, d.description FROM pg_description d
            WHERE d.classoid = 'pg_proc'::regclass AND d.objsubid = 0 AND d.objoid >= 16384
           OFFSET 0) ds ON ds.objoid = p.oid
-- functions made after initdb (oid >= FirstNormalObjectId, 16384: every function of a schema read here, as
-- for the comments above; PostgreSQL's own ~3,300 are in pg_catalog and information_schema): a range of
-- pg_proc's oid index where those are most of pg_proc, not a test of every row's schema and extension
-- membership (-1.6 M server instructions on the bench schema)
WHERE p.oid >= 16384
  AND n.nspname <> ALL (%(skip_schemas)s::text[])
  AND n.nspname !~ '^pg_(toast_)?temp_'
  AND p.oid <> ALL (%(ext_proc)s::oid[])
-- No ORDER BY: sorting here copied every computed row (bodies included) into a sort and out again,
-- ~15 M server instructions on the bench schema (a fifth of this query); the reader's sort of 2,000
-- functions in catalog order costs it a fraction of a millisecond.
