-- 001_ai_agents_tables.sql
-- Core tables for the agent runtime: agents, their sessions and tasks, and
-- the long-term memory store the agents write to.
--
-- Author: Marek K. <marek@recall.dev>  (2024-12-02)
-- NOTE: pgvector is already enabled on the project (Database > Extensions).

CREATE TABLE IF NOT EXISTS agents (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id        uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text,
    model           text NOT NULL DEFAULT 'gpt-4o-mini',
    system_prompt   text,
    config          jsonb NOT NULL DEFAULT '{}'::jsonb,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_agents_owner_id ON agents(owner_id);

CREATE TABLE IF NOT EXISTS agent_sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id        uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    user_id         uuid REFERENCES auth.users(id),
    status          text NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'idle', 'ended')),
    context         jsonb DEFAULT '{}'::jsonb,
    started_at      timestamptz NOT NULL DEFAULT now(),
    ended_at        timestamptz
);

CREATE INDEX IF NOT EXISTS idx_agent_sessions_agent_id ON agent_sessions(agent_id);

CREATE TABLE IF NOT EXISTS agent_tasks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id        uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    session_id      uuid REFERENCES agent_sessions(id) ON DELETE SET NULL,
    title           text NOT NULL,
    payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
    status          text NOT NULL DEFAULT 'pending',
    priority        integer NOT NULL DEFAULT 0,
    result          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz
);

CREATE INDEX IF NOT EXISTS idx_agent_tasks_agent_status ON agent_tasks(agent_id, status);

-- Long-term memory for agents. Embeddings come from text-embedding-3-small.
CREATE TABLE IF NOT EXISTS ai_memories (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id            uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    session_id          uuid,
    content             text NOT NULL,
    memory_kind         text DEFAULT 'observation',
    metadata            jsonb DEFAULT '{}'::jsonb,
    embedding           vector(1536),
    importance_score    numeric(3,2) DEFAULT 0.50,
    created_at          timestamptz DEFAULT now(),
    updated_at          timestamptz DEFAULT now()
);

CREATE INDEX idx_ai_memories_agent_id ON ai_memories(agent_id);
CREATE INDEX idx_ai_memories_embedding ON ai_memories
    USING ivfflat (embedding vector_cosine_ops) WITH (lists = 100);

ALTER TABLE agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_memories ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Owners manage their agents" ON agents
    FOR ALL USING (auth.uid() = owner_id) WITH CHECK (auth.uid() = owner_id);

CREATE POLICY "Owners see agent memories" ON ai_memories
    FOR SELECT USING (
        agent_id IN (SELECT id FROM agents WHERE owner_id = auth.uid())
    );
