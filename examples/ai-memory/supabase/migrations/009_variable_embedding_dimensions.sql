-- 009_variable_embedding_dimensions.sql
-- Support several embedding models with different dimensions
-- (OpenAI 1536, nomic-embed-text 768, mxbai 1024).
-- dana.w 2025-02-11
--
-- The embedding column becomes an unconstrained `vector` and we remember which
-- model / how many dimensions each row was embedded with.

CREATE TABLE IF NOT EXISTS embedding_models (
    name        text PRIMARY KEY,
    provider    text NOT NULL,
    dimensions  integer NOT NULL,
    is_default  boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO embedding_models (name, provider, dimensions, is_default) VALUES
    ('text-embedding-3-small', 'openai', 1536, true),
    ('text-embedding-ada-002', 'openai', 1536, false),
    ('nomic-embed-text',       'ollama', 768,  false),
    ('mxbai-embed-large',      'ollama', 1024, false);

ALTER TABLE memories
    ADD COLUMN IF NOT EXISTS embedding_model text DEFAULT 'text-embedding-3-small' REFERENCES embedding_models(name),
    ADD COLUMN IF NOT EXISTS embedding_dim integer;

-- the hnsw index pins the dimension, drop it before changing the type
DROP INDEX idx_memories_embedding;
ALTER TABLE memories ALTER COLUMN embedding TYPE vector;

-- old agent memories too
DROP INDEX idx_ai_memories_embedding;
ALTER TABLE ai_memories ALTER COLUMN embedding TYPE vector;

-- recreate the ANN index
CREATE INDEX idx_memories_embedding_hnsw ON memories
    USING hnsw (embedding vector_cosine_ops);

CREATE OR REPLACE FUNCTION set_embedding_dim()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.embedding IS NULL THEN
        NEW.embedding_dim := NULL;
    ELSE
        NEW.embedding_dim := vector_dims(NEW.embedding);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER memories_set_embedding_dim
    BEFORE INSERT OR UPDATE OF embedding ON memories
    FOR EACH ROW EXECUTE FUNCTION set_embedding_dim();

CREATE OR REPLACE FUNCTION get_embedding_dimensions(p_model text)
RETURNS integer
LANGUAGE sql
STABLE
AS $$
    SELECT dimensions FROM embedding_models WHERE name = p_model;
$$;
