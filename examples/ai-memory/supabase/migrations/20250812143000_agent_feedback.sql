-- Thumbs up/down on agent answers
-- Tomas R. 2025-08-12

CREATE TABLE IF NOT EXISTS agent_feedback (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id    uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    message_id  bigint REFERENCES messages(id) ON DELETE SET NULL,
    user_id     uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users(id),
    rating      smallint NOT NULL CHECK (rating BETWEEN -1 AND 1)
    comment     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_agent_feedback_agent ON agent_feedback (agent_id, created_at DESC);

ALTER TABLE agent_feedback ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users manage own feedback" ON agent_feedback
    FOR ALL USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

CREATE OR REPLACE FUNCTION agent_feedback_score(p_agent_id uuid)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    SELECT round(avg(rating)::numeric, 3) FROM agent_feedback WHERE agent_id = p_agent_id;
$$;
