-- =============================================================
-- 003: Enhanced memory tables
-- Replaces the agent-only ai_memories with a user-scoped memory
-- store that supports typed memories and links between them.
-- dana.w - 2024-12-09
-- =============================================================

CREATE EXTENSION IF NOT EXISTS vector;

-- Lookup table for memory types (referenced by memories.memory_type)
CREATE TABLE IF NOT EXISTS memory_types (
    name        text PRIMARY KEY,
    description text NOT NULL,
    default_ttl interval,
    decay_rate  real NOT NULL DEFAULT 0.01
);

INSERT INTO memory_types (name, description, default_ttl, decay_rate) VALUES
    ('episodic',   'Something that happened in a conversation',        interval '90 days', 0.02),
    ('semantic',   'A fact about the user or the world',               NULL,               0.005),
    ('procedural', 'How to do something (tool usage, preferences)',    NULL,               0.0),
    ('working',    'Scratch memory for the current session',           interval '1 day',   0.2)
ON CONFLICT (name) DO NOTHING;

CREATE TABLE IF NOT EXISTS memories (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id          uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    agent_id         uuid REFERENCES agents(id) ON DELETE SET NULL,
    content          text NOT NULL,
    memory_type      text NOT NULL DEFAULT 'episodic' REFERENCES memory_types(name),
    metadata         jsonb NOT NULL DEFAULT '{}'::jsonb,
    embedding        vector(1536),
    importance       real NOT NULL DEFAULT 0.5 CHECK (importance >= 0 AND importance <= 1),
    access_count     integer NOT NULL DEFAULT 0,
    last_accessed_at timestamptz,
    expires_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_memories_user_id ON memories(user_id);
CREATE INDEX IF NOT EXISTS idx_memories_agent_id ON memories(agent_id);
CREATE INDEX IF NOT EXISTS idx_memories_embedding ON memories
    USING hnsw (embedding vector_cosine_ops);

-- Directed links between memories ("caused", "contradicts", "refines", ...)
CREATE TABLE IF NOT EXISTS memory_links (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id   uuid NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    target_id   uuid NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    relation    text NOT NULL,
    weight      real DEFAULT 1.0,
    created_at  timestamptz DEFAULT now(),
    UNIQUE (source_id, target_id, relation)
);

ALTER TABLE memories ENABLE ROW LEVEL SECURITY;
ALTER TABLE memory_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE memory_types ENABLE ROW LEVEL SECURITY;
