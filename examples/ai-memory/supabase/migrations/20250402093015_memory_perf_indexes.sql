-- Perf: the dashboard query "latest memories of a user" seq-scans memories in prod
-- (2.1M rows). Build the index without locking writes.
-- Marek K. 2025-04-02

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_memories_user_created
    ON public.memories (user_id, created_at DESC);

CREATE INDEX IF NOT EXISTS idx_memories_type ON public.memories (memory_type);
CREATE INDEX IF NOT EXISTS idx_agent_tasks_created ON public.agent_tasks (created_at);
