-- Stats + "more like this" for the memory browser
-- Tomas R. 2025-04-15

CREATE OR REPLACE FUNCTION public.get_memory_stats(p_user_id uuid)
RETURNS jsonb
LANGUAGE sql
STABLE
AS $$
    SELECT jsonb_build_object(
        'total',        count(*),
        'by_type',      (SELECT jsonb_object_agg(memory_type, n)
                           FROM (SELECT memory_type, count(*) AS n FROM memories
                                  WHERE user_id = p_user_id GROUP BY memory_type) t),
        'avg_importance', avg(importance),
        'embedded',     count(*) FILTER (WHERE embedding IS NOT NULL),
        'oldest',       min(created_at)
    )
    FROM memories
    WHERE user_id = p_user_id;
$$;

CREATE OR REPLACE FUNCTION public.find_similar_memories(p_memory_id uuid, p_limit integer DEFAULT 5)
RETURNS TABLE (id uuid, content text, similarity double precision)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.id, m.content, 1 - (m.embedding <=> src.embedding)
    FROM memories src
    JOIN memories m
      ON m.user_id = src.user_id
     AND m.id <> src.id
     AND m.embedding_dim = src.embedding_dim
    WHERE src.id = p_memory_id
    ORDER BY m.embedding <=> src.embedding
    LIMIT p_limit;
$$;

GRANT EXECUTE ON FUNCTION public.get_memory_stats(uuid) TO authenticated;
GRANT EXECUTE ON FUNCTION public.find_similar_memories(uuid, integer) TO authenticated;
