-- 014_memory_sharing.sql - share memories between users of a team
-- dana.w 2025-03-12

CREATE TABLE shared_memories (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    memory_id    uuid NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    shared_by    uuid NOT NULL REFERENCES auth.users(id),
    shared_with  uuid NOT NULL REFERENCES auth.users(id),
    permission   text NOT NULL DEFAULT 'read' CHECK (permission IN ('read', 'write')),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_shared_memories_shared_with ON shared_memories(shared_with);

ALTER TABLE shared_memories ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users see shares involving them" ON shared_memories
    FOR SELECT USING (auth.uid() IN (shared_by, shared_with));

CREATE POLICY "Team admins see all shares" ON shared_memories
    FOR SELECT USING ((auth.jwt() -> 'app_metadata' ->> 'team_role') = 'admin');

CREATE POLICY "Shared memories are readable" ON memories
    FOR SELECT USING (
        id IN (SELECT memory_id FROM shared_memories WHERE shared_with = auth.uid())
    );

CREATE OR REPLACE FUNCTION share_memory(p_memory_id uuid, p_with uuid, p_permission text DEFAULT 'read')
RETURNS uuid
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_id uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM memories WHERE id = p_memory_id AND user_id = auth.uid()) THEN
        RAISE EXCEPTION 'not your memory';
    END IF;
    INSERT INTO shared_memories (memory_id, shared_by, shared_with, permission)
    VALUES (p_memory_id, auth.uid(), p_with, p_permission)
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

CREATE OR REPLACE FUNCTION get_shared_memories()
RETURNS SETOF memories
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT m.* FROM memories m
    JOIN shared_memories s ON s.memory_id = m.id
    WHERE s.shared_with = auth.uid();
$$;
