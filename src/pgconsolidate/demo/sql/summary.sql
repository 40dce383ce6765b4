-- Summary of the example's production database: (what, name, value) rows.
SELECT 'count' AS what, t.name, t.n
FROM (
    SELECT 'auth.users' AS name, (SELECT count(*) FROM auth.users) AS n
    UNION ALL SELECT 'public.agents', (SELECT count(*) FROM public.agents)
    UNION ALL SELECT 'public.agent_sessions', (SELECT count(*) FROM public.agent_sessions)
    UNION ALL SELECT 'public.memories', (SELECT count(*) FROM public.memories)
    UNION ALL SELECT 'public.ai_memories', (SELECT count(*) FROM public.ai_memories)
) AS t
UNION ALL
SELECT 'overlap', 'memories & ai_memories', count(*)
FROM public.memories AS m JOIN public.ai_memories AS a USING (id)
UNION ALL
SELECT 'dims', 'public.memories:' || extensions.vector_dims(embedding), count(*)
FROM public.memories WHERE embedding IS NOT NULL GROUP BY extensions.vector_dims(embedding)
UNION ALL
SELECT 'dims', 'public.ai_memories:' || extensions.vector_dims(embedding), count(*)
FROM public.ai_memories WHERE embedding IS NOT NULL GROUP BY extensions.vector_dims(embedding)
UNION ALL
SELECT 'definers', 'security definer functions', count(*)
FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
WHERE p.prosecdef AND n.nspname = 'public'
UNION ALL
SELECT 'history', 'supabase_migrations.schema_migrations', count(*)
FROM supabase_migrations.schema_migrations;
