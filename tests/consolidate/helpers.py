"""Small hand-made databases for the consolidation tests."""

from __future__ import annotations

from pgconsolidate.db.connect import connection

TWIN_SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE public.owners (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text);
CREATE TABLE public.notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id uuid NOT NULL REFERENCES public.owners(id),
    body text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    embedding vector,
    importance real NOT NULL DEFAULT 0.5,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.helpers (id uuid PRIMARY KEY, owner_id uuid NOT NULL REFERENCES public.owners(id));
CREATE TABLE public.ai_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    helper_id uuid NOT NULL REFERENCES public.helpers(id),
    body text NOT NULL,
    kind text DEFAULT 'observation',
    metadata jsonb DEFAULT '{}'::jsonb,
    embedding vector,
    importance_score numeric(3,2) DEFAULT 0.50,
    created_at timestamptz DEFAULT now()
);
CREATE TABLE public.note_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note uuid);
CREATE FUNCTION public.log_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO public.note_log (note) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER notes_log AFTER INSERT ON public.notes FOR EACH ROW EXECUTE FUNCTION public.log_note();
CREATE FUNCTION public.note_count(o uuid) RETURNS bigint LANGUAGE sql SECURITY DEFINER
AS $$ SELECT count(*) FROM public.notes WHERE owner_id = o $$;
CREATE FUNCTION public.pick(a text) RETURNS text LANGUAGE sql AS $$ SELECT a $$;
CREATE FUNCTION public.pick(a text, b text DEFAULT 'x') RETURNS text LANGUAGE sql AS $$ SELECT a || b $$;
"""

TWIN_DATA = """
INSERT INTO public.owners (id, name)
  SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'o' || g FROM generate_series(1, 3) g;
INSERT INTO public.helpers (id, owner_id) SELECT ('10000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,
  ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid FROM generate_series(1, 3) g;
-- 30 notes, ids 1..30; 20 with 4 dims, 8 with 3 dims, 2 without embedding
INSERT INTO public.notes (id, owner_id, body, embedding)
  SELECT ('20000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad((1 + g % 3)::text, 12, '0'))::uuid, 'note ' || g,
         CASE WHEN g <= 20 THEN '[1,2,3,4]'::vector WHEN g <= 28 THEN '[1,2,3]'::vector END
  FROM generate_series(1, 30) g;
-- 15 ai_notes, ids 21..35: 10 collide with notes; 5 with 3 dims
INSERT INTO public.ai_notes (id, helper_id, body, kind, embedding)
  SELECT ('20000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,
         ('10000000-0000-0000-0000-' || lpad((1 + g % 3)::text, 12, '0'))::uuid, 'ai note ' || g, 'fact',
         CASE WHEN g <= 30 THEN '[4,3,2,1]'::vector ELSE '[9,9,9]'::vector END
  FROM generate_series(21, 35) g;
"""


def build_twins(url: str, *, data: bool = True) -> None:
    with connection(url, autocommit=True) as conn:
        conn.execute(TWIN_SCHEMA.encode())
        if data:
            conn.execute(TWIN_DATA.encode())
            conn.execute("TRUNCATE public.note_log")
