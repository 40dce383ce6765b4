-- Memory search RPCs used by the web app and the agent worker.
-- Marek K. 2024-12-12
--
-- All of these run as SECURITY DEFINER so the worker (anon key) can call
-- them; they filter by user themselves.

CREATE OR REPLACE FUNCTION search_memories(query_text text, limit_count integer DEFAULT 10)
RETURNS TABLE (id uuid, content text, memory_type text, importance real, created_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.id, m.content, m.memory_type, m.importance, m.created_at
    FROM memories m
    WHERE m.user_id = auth.uid()
      AND m.content ILIKE '%' || query_text || '%'
    ORDER BY m.importance DESC, m.created_at DESC
    LIMIT limit_count;
$$;

CREATE OR REPLACE FUNCTION vector_search(
    query_embedding vector(1536),
    match_threshold float DEFAULT 0.7,
    match_count int DEFAULT 10
)
RETURNS TABLE (id uuid, content text, similarity float)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.id, m.content, 1 - (m.embedding <=> query_embedding) AS similarity
    FROM memories m
    WHERE m.user_id = auth.uid()
      AND 1 - (m.embedding <=> query_embedding) > match_threshold
    ORDER BY m.embedding <=> query_embedding
    LIMIT match_count;
$$;

-- Same as vector_search but shaped like the LangChain SupabaseVectorStore expects.
CREATE OR REPLACE FUNCTION match_memories(
    query_embedding vector(1536),
    match_threshold float,
    match_count int
)
RETURNS TABLE (id uuid, content text, metadata jsonb, similarity float)
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    RETURN QUERY
    SELECT m.id, m.content, m.metadata, 1 - (m.embedding <=> query_embedding)
    FROM memories m
    WHERE 1 - (m.embedding <=> query_embedding) > match_threshold
    ORDER BY m.embedding <=> query_embedding
    LIMIT match_count;
END;
$$;

CREATE OR REPLACE FUNCTION hybrid_search(
    query_text text,
    query_embedding vector(1536),
    match_count integer DEFAULT 10
)
RETURNS TABLE (id uuid, content text, score float)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.id, m.content,
           (0.7 * (1 - (m.embedding <=> query_embedding))
            + 0.3 * CASE WHEN m.content ILIKE '%' || query_text || '%' THEN 1 ELSE 0 END)::float AS score
    FROM memories m
    WHERE m.user_id = auth.uid()
    ORDER BY score DESC
    LIMIT match_count;
$$;

GRANT EXECUTE ON FUNCTION search_memories(text, integer) TO anon, authenticated;
GRANT EXECUTE ON FUNCTION vector_search(vector, float, int) TO anon, authenticated;
GRANT EXECUTE ON FUNCTION match_memories(vector, float, int) TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION hybrid_search(text, vector, integer) TO authenticated;
