"""A hand-built "production" database for the bundled example (until the demo builder lands).

What production had that a fresh replay lacks: ``ai_memories`` (vector was enabled from the dashboard),
rows in ``memories`` and ``ai_memories`` with overlapping ids and different content, embeddings of two
dimensions (1536 from OpenAI, 768 from Ollama), and pg_net (a stand-in here).
"""

from __future__ import annotations

from pathlib import Path

from pgconsolidate.db.connect import connection
from pgconsolidate.replay import replay_into
from pgconsolidate.scratch.supabase import install_supabase_base
from pgconsolidate.sources.reader import read_dir

EXAMPLE_MIGRATIONS = (
    Path(__file__).resolve().parents[2] / "examples" / "ai-memory" / "supabase" / "migrations"
)

PRODUCTION_EXTRA = """
CREATE SCHEMA IF NOT EXISTS net;
CREATE OR REPLACE FUNCTION net.http_post(url text, body jsonb DEFAULT NULL, headers jsonb DEFAULT NULL)
RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;
CREATE TABLE IF NOT EXISTS public.ai_memories (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id            uuid NOT NULL REFERENCES public.agents(id) ON DELETE CASCADE,
    session_id          uuid,
    content             text NOT NULL,
    memory_kind         text DEFAULT 'observation',
    metadata            jsonb DEFAULT '{}'::jsonb,
    embedding           vector,
    importance_score    numeric(3,2) DEFAULT 0.50,
    created_at          timestamptz DEFAULT now(),
    updated_at          timestamptz DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_ai_memories_agent_id ON public.ai_memories(agent_id);
ALTER TABLE public.ai_memories ENABLE ROW LEVEL SECURITY;
-- created by hand in production, in no migration
CREATE TABLE IF NOT EXISTS public.ops_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
"""


def _vec(dims: int, seed: str) -> str:
    return (
        f"(SELECT array_agg(((g * 7 + {seed}) % 97) / 97.0)::real[] FROM generate_series(1, "
        f"{dims}) g)::vector"
    )


def production_data(memories: int, ai_memories: int, overlap: int) -> str:
    uid = "('00000000-0000-0000-0000-' || lpad((1 + i % 5)::text, 12, '0'))::uuid"
    mid = "('30000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid"
    return f"""
INSERT INTO auth.users (id, email) SELECT ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,
  'u' || i || '@example.com' FROM generate_series(1, 5) i;
INSERT INTO public.agents (id, owner_id, name)
  SELECT ('40000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, {uid}, 'agent ' || i
  FROM generate_series(1, 5) i;
INSERT INTO public.memories (id, user_id, content, embedding)
  SELECT {mid}, {uid}, 'memory ' || i,
         CASE WHEN i % 4 = 0 THEN {_vec(768, "i")} WHEN i % 10 = 1 THEN NULL ELSE {_vec(1536, "i")} END
  FROM generate_series(1, {memories}) i;
INSERT INTO public.ai_memories (id, agent_id, content, memory_kind, embedding)
  SELECT {mid}, ('40000000-0000-0000-0000-' || lpad((1 + i % 5)::text, 12, '0'))::uuid,
         'agent memory ' || i, 'fact', CASE WHEN i % 3 = 0 THEN {_vec(768, "i")} ELSE {_vec(1536, "i")} END
  FROM generate_series({memories - overlap + 1}, {memories - overlap + ai_memories}) i;
INSERT INTO public.ops_notes (note) VALUES ('created by hand');
"""


def build_example_production(
    url: str, memories: int = 300, ai_memories: int = 120, overlap: int = 40
) -> None:
    """Build the example's production database at ``url`` (an empty database)."""
    install_supabase_base(url)
    replay_into(url, read_dir(str(EXAMPLE_MIGRATIONS)), keep_going=True)
    with connection(url, autocommit=True) as conn:
        conn.execute(PRODUCTION_EXTRA.encode())
        conn.execute(production_data(memories, ai_memories, overlap).encode())
