-- search_memories v3: use the fts column and include memories shared with me.
-- Tomas R. 2025-06-18

CREATE OR REPLACE FUNCTION public.search_memories(query_text text, limit_count integer DEFAULT 10)
RETURNS TABLE (id uuid, content text, memory_type text, importance real, created_at timestamptz)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.id, m.content, m.memory_type, m.importance, m.created_at
    FROM public.memories m
    WHERE (m.user_id = auth.uid()
           OR m.id IN (SELECT s.memory_id FROM public.shared_memories s WHERE s.shared_with = auth.uid()))
      AND (m.fts @@ websearch_to_tsquery('english', query_text)
           OR m.content ILIKE '%' || query_text || '%')
    ORDER BY ts_rank_cd(m.fts, websearch_to_tsquery('english', query_text)) DESC, m.importance DESC
    LIMIT limit_count;
$$;
