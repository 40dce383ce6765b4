-- Track every time a memory is recalled (feeds importance scoring)
-- dana.w 2025-02-03

CREATE TABLE IF NOT EXISTS memory_access_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    memory_id    uuid NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    user_id      uuid REFERENCES auth.users(id) ON DELETE SET NULL,
    session_id   uuid REFERENCES agent_sessions(id) ON DELETE SET NULL,
    source       text NOT NULL DEFAULT 'search',
    accessed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_memory_access_log_memory ON memory_access_log (memory_id, accessed_at DESC);

-- only written by SECURITY DEFINER functions, nobody reads it directly
ALTER TABLE memory_access_log ENABLE ROW LEVEL SECURITY;
