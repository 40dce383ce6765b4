-- Route Ollama calls through the nginx sidecar (TLS + bearer token) instead of
-- talking to ollama:11434 directly; the worker container cannot reach it any more.
-- Priya S. 2025-01-19 (late)

CREATE OR REPLACE FUNCTION ollama_base_url()
RETURNS text
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT 'https://ollama.internal.recall.dev'::text;
$$;

CREATE OR REPLACE FUNCTION ollama_generate(prompt text, model text DEFAULT 'llama3.2')
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_body text;
BEGIN
    SELECT content INTO v_body FROM extensions.http((
        'POST',
        ollama_base_url() || '/api/generate',
        ARRAY[extensions.http_header('Authorization', 'Bearer ' || current_setting('app.ollama_token', true))],
        'application/json',
        jsonb_build_object('model', model, 'prompt', prompt, 'stream', false)::text
    )::extensions.http_request);
    RETURN (v_body::jsonb) ->> 'response';
END;
$$;

CREATE OR REPLACE FUNCTION ollama_chat(prompt text, model text DEFAULT 'llama3.2')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_body text;
BEGIN
    SELECT content INTO v_body FROM extensions.http((
        'POST',
        ollama_base_url() || '/api/chat',
        ARRAY[extensions.http_header('Authorization', 'Bearer ' || current_setting('app.ollama_token', true))],
        'application/json',
        jsonb_build_object(
            'model', model,
            'messages', jsonb_build_array(jsonb_build_object('role', 'user', 'content', prompt)),
            'stream', false)::text
    )::extensions.http_request);
    RETURN v_body::jsonb;
END;
$$;

CREATE OR REPLACE FUNCTION ollama_embed(input text)
RETURNS vector
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
DECLARE
    v_body text;
BEGIN
    SELECT content INTO v_body FROM extensions.http((
        'POST',
        ollama_base_url() || '/api/embeddings',
        ARRAY[extensions.http_header('Authorization', 'Bearer ' || current_setting('app.ollama_token', true))],
        'application/json',
        jsonb_build_object('model', 'nomic-embed-text', 'prompt', input)::text
    )::extensions.http_request);
    RETURN ((v_body::jsonb) -> 'embedding')::text::vector(768);
END;
$$;

CREATE OR REPLACE FUNCTION ollama_list_models()
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
AS $$
DECLARE
    v_body text;
BEGIN
    SELECT content INTO v_body FROM extensions.http_get(ollama_base_url() || '/api/tags');
    RETURN (v_body::jsonb) -> 'models';
END;
$$;

-- local embeddings are 768-dim (nomic-embed-text); cache them by content hash
CREATE TABLE IF NOT EXISTS ollama_embedding_cache (
    content_hash text PRIMARY KEY,
    model        text NOT NULL DEFAULT 'nomic-embed-text',
    embedding    vector(768) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE ollama_embedding_cache ENABLE ROW LEVEL SECURITY;

CREATE INDEX IF NOT EXISTS idx_ollama_embedding_cache_hnsw
    ON ollama_embedding_cache USING hnsw (embedding vector_cosine_ops);

-- (re)embed one memory with the local model
CREATE OR REPLACE FUNCTION embed_memory(p_memory_id uuid)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE memories
       SET embedding = ollama_embed(content),
           embedding_model = 'nomic-embed-text'
     WHERE id = p_memory_id;
$$;

GRANT EXECUTE ON FUNCTION ollama_list_models() TO authenticated;
