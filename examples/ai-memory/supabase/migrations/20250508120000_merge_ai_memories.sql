-- One-off: copy the old agent memories (ai_memories, from 001) into memories.
-- ai_memories has no user_id, so take the agent owner.
-- Marek K. 2025-05-08
-- TODO: drop ai_memories once worker v2 stops writing to it.

CREATE OR REPLACE FUNCTION merge_ai_memories()
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    n integer;
BEGIN
    INSERT INTO memories (id, user_id, agent_id, content, memory_type, metadata,
                          embedding, embedding_model, importance, created_at, updated_at)
    SELECT am.id,
           a.owner_id,
           am.agent_id,
           am.content,
           CASE am.memory_kind WHEN 'fact' THEN 'semantic' WHEN 'skill' THEN 'procedural' ELSE 'episodic' END,
           coalesce(am.metadata, '{}'::jsonb) || jsonb_build_object('migrated_from', 'ai_memories'),
           am.embedding,
           'text-embedding-ada-002',
           am.importance_score::real,
           am.created_at,
           am.updated_at
    FROM ai_memories am
    JOIN agents a ON a.id = am.agent_id
    ON CONFLICT (id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END;
$$;

SELECT merge_ai_memories();
