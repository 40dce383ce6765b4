-- hybrid_search: make the fusion weights configurable (as in the Supabase docs)
-- Ken O. 2025-08-18

CREATE OR REPLACE FUNCTION public.hybrid_search(
    query_text text,
    query_embedding vector(1536),
    match_count integer DEFAULT 10,
    full_text_weight float DEFAULT 1.0,
    semantic_weight float DEFAULT 1.0
)
RETURNS TABLE (id uuid, content text, similarity float, text_rank real, score float)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    WITH full_text AS (
        SELECT m.id,
               ts_rank_cd(m.fts, websearch_to_tsquery(query_text)) AS text_rank,
               row_number() OVER (ORDER BY ts_rank_cd(m.fts, websearch_to_tsquery(query_text)) DESC) AS rank_ix
        FROM public.memories m
        WHERE m.user_id = auth.uid() AND m.fts @@ websearch_to_tsquery(query_text)
        LIMIT least(match_count, 30) * 2
    ),
    semantic AS (
        SELECT m.id,
               1 - (m.embedding <=> query_embedding) AS similarity,
               row_number() OVER (ORDER BY m.embedding <=> query_embedding) AS rank_ix
        FROM public.memories m
        WHERE m.user_id = auth.uid() AND m.embedding IS NOT NULL
        ORDER BY m.embedding <=> query_embedding
        LIMIT least(match_count, 30) * 2
    )
    SELECT m.id, m.content, s.similarity, f.text_rank,
           (coalesce(1.0 / (50 + f.rank_ix), 0.0) * full_text_weight
            + coalesce(1.0 / (50 + s.rank_ix), 0.0) * semantic_weight)::float AS score
    FROM full_text f
    FULL OUTER JOIN semantic s ON s.id = f.id
    JOIN public.memories m ON m.id = coalesce(f.id, s.id)
    ORDER BY score DESC
    LIMIT least(match_count, 30);
$$;

GRANT EXECUTE ON FUNCTION public.hybrid_search(text, vector, integer, float, float) TO authenticated;
