-- Simplified Ollama functions (no config table, plain text results).
-- The first version was too clever; the app only needs strings back.
-- Priya S. 2025-01-19

CREATE OR REPLACE FUNCTION ollama_generate(prompt text, model text DEFAULT 'llama3.2')
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    RETURN (
        SELECT (content::jsonb) ->> 'response'
        FROM extensions.http_post(
            'http://ollama:11434/api/generate',
            json_build_object('model', model, 'prompt', prompt, 'stream', false)::text,
            'application/json')
    );
END;
$$;

-- returns just the assistant message text
CREATE OR REPLACE FUNCTION ollama_chat(prompt text, model text DEFAULT 'llama3.2')
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    RETURN (
        SELECT (content::jsonb) -> 'message' ->> 'content'
        FROM extensions.http_post(
            'http://ollama:11434/api/chat',
            json_build_object(
                'model', model,
                'messages', json_build_array(json_build_object('role', 'user', 'content', prompt)),
                'stream', false)::text,
            'application/json')
    );
END;
$$;

-- model is now a parameter
CREATE OR REPLACE FUNCTION ollama_embed(input text, model text DEFAULT 'nomic-embed-text')
RETURNS vector
LANGUAGE plpgsql
SECURITY DEFINER
AS $$
BEGIN
    RETURN (
        SELECT (((content::jsonb) -> 'embedding')::text)::vector
        FROM extensions.http_post(
            'http://ollama:11434/api/embeddings',
            json_build_object('model', model, 'prompt', input)::text,
            'application/json')
    );
END;
$$;

GRANT EXECUTE ON FUNCTION ollama_embed(text, text) TO authenticated, service_role;
