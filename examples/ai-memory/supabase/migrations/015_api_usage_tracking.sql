-- 015: API usage tracking + naive rate limiting
-- Marek K. 2025-04-01

CREATE TABLE api_usage (
    id          bigserial PRIMARY KEY,
    user_id     uuid REFERENCES auth.users(id),
    endpoint    text NOT NULL,
    tokens      integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX api_usage_user_created_idx ON api_usage (user_id, created_at DESC);

-- no RLS on purpose: only written through the functions below
GRANT SELECT, INSERT ON api_usage TO authenticated;

CREATE OR REPLACE FUNCTION log_api_usage(p_endpoint text, p_tokens integer DEFAULT 0)
RETURNS void
LANGUAGE sql
SECURITY DEFINER
AS $$
    INSERT INTO api_usage (user_id, endpoint, tokens) VALUES (auth.uid(), p_endpoint, p_tokens);
$$;

CREATE OR REPLACE FUNCTION check_rate_limit(p_endpoint text, p_per_minute integer DEFAULT 60)
RETURNS boolean
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    SELECT count(*) < p_per_minute
    FROM api_usage
    WHERE user_id = auth.uid()
      AND endpoint = p_endpoint
      AND created_at > now() - interval '1 minute';
$$;
