-- New memory types for the reflection feature + embedding model catalogue update.
-- dana.w 2025-07-24

INSERT INTO memory_types (name, description, default_ttl, decay_rate) VALUES
    ('reflection', 'Insight the agent derived from several memories', NULL, 0.005),
    ('preference', 'Explicit user preference ("always answer in German")', NULL, 0.0)
ON CONFLICT (name) DO NOTHING;

UPDATE memory_types SET decay_rate = 0.03 WHERE name = 'episodic';

INSERT INTO embedding_models (name, provider, dimensions, is_default) VALUES
    ('text-embedding-3-large', 'openai', 3072, false)
ON CONFLICT (name) DO NOTHING;
