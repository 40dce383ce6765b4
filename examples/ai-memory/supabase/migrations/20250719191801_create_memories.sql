-- Create memories table for the v2 memory API
-- Ken O. 2025-07-19

-- Enable pgvector
CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;

-- Memories
CREATE TABLE public.memories (
    id uuid DEFAULT gen_random_uuid() PRIMARY KEY,
    user_id uuid REFERENCES auth.users(id) ON DELETE CASCADE NOT NULL,
    agent_id uuid REFERENCES public.agents(id) ON DELETE SET NULL,
    session_id uuid REFERENCES public.agent_sessions(id) ON DELETE SET NULL,
    content text NOT NULL,
    summary text,
    tags text[] DEFAULT '{}'::text[],
    metadata jsonb DEFAULT '{}'::jsonb,
    embedding vector(1536),
    importance_score double precision DEFAULT 0.5,
    created_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL,
    updated_at timestamp with time zone DEFAULT timezone('utc'::text, now()) NOT NULL
);

COMMENT ON TABLE public.memories IS 'Long-term memories of users and their agents';
COMMENT ON COLUMN public.memories.importance_score IS '0..1, higher = recalled first';

-- Indexes
CREATE INDEX IF NOT EXISTS memories_user_id_idx ON public.memories(user_id);
CREATE INDEX IF NOT EXISTS memories_session_id_idx ON public.memories(session_id);
CREATE INDEX IF NOT EXISTS memories_tags_idx ON public.memories USING gin(tags);

-- RLS
ALTER TABLE public.memories ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users can CRUD own memories" ON public.memories
    FOR ALL USING (auth.uid() = user_id) WITH CHECK (auth.uid() = user_id);

-- updated_at
CREATE TRIGGER handle_memories_updated_at BEFORE UPDATE ON public.memories
    FOR EACH ROW EXECUTE FUNCTION public.update_updated_at_column();

GRANT ALL ON TABLE public.memories TO authenticated;
GRANT ALL ON TABLE public.memories TO service_role;
