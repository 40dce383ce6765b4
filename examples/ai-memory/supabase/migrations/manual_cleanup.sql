-- NOT A MIGRATION. Run by hand in the SQL editor on 2025-05-09 after the
-- ai_memories merge, to remove rows the old worker had written twice.
-- Kept here so we remember what was done to prod. -- marek

DELETE FROM ai_memories a
USING ai_memories b
WHERE a.agent_id = b.agent_id
  AND a.content = b.content
  AND a.created_at > b.created_at;

UPDATE memories SET embedding_dim = vector_dims(embedding)
WHERE embedding IS NOT NULL AND embedding_dim IS NULL;
