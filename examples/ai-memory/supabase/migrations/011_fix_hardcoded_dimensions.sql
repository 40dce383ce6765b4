-- 011_fix_hardcoded_dimensions.sql
-- Follow-up to 009: the search functions still assumed 1536 dims.
-- Marek K. 2025-02-20
--
-- TODO(marek): the ollama models are 768, this only covers the OpenAI path for now.

-- match_memories gets a metadata filter (LangChain passes `filter`)
DROP FUNCTION match_memories(vector, float, int);

CREATE FUNCTION match_memories(
    query_embedding vector(1536),
    match_threshold float DEFAULT 0.78,
    match_count int DEFAULT 10,
    filter jsonb DEFAULT '{}'
)
RETURNS TABLE (id uuid, content text, metadata jsonb, similarity float)
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    RETURN QUERY
    SELECT m.id, m.content, m.metadata,
           1 - (m.embedding::vector(1536) <=> query_embedding) AS similarity
    FROM memories m
    WHERE m.embedding_dim = 1536
      AND m.metadata @> filter
      AND 1 - (m.embedding::vector(1536) <=> query_embedding) > match_threshold
    ORDER BY m.embedding::vector(1536) <=> query_embedding
    LIMIT match_count;
END;
$$;

GRANT EXECUTE ON FUNCTION match_memories(vector, float, int, jsonb) TO anon, authenticated, service_role;

-- per-dimension partial index (pgvector cannot index an unconstrained column)
CREATE INDEX IF NOT EXISTS idx_memories_embedding_1536 ON memories
    USING hnsw ((embedding::vector(1536)) vector_cosine_ops)
    WHERE embedding_dim = 1536;

ALTER TABLE memories
    ADD CONSTRAINT memories_embedding_dim_check
    CHECK (embedding IS NULL OR vector_dims(embedding) = embedding_dim);

-- task results get embedded as well so the agent can recall what it did
ALTER TABLE agent_tasks ADD COLUMN result_embedding vector(1536);
