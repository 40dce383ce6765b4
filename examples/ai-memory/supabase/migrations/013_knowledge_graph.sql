-- 013 knowledge graph: entities extracted from memories and relations between them
-- Tomas R. 2025-03-03

CREATE TABLE IF NOT EXISTS entities (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES auth.users(id) ON DELETE CASCADE,
    name        text NOT NULL,
    entity_type text NOT NULL,
    attributes  jsonb DEFAULT '{}',
    created_at  timestamptz DEFAULT now(),
    UNIQUE (user_id, name, entity_type)
);

CREATE TABLE IF NOT EXISTS entity_relations (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_entity_id uuid NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    target_entity_id uuid NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    relation_type    text NOT NULL,
    memory_id        uuid REFERENCES memories(id) ON DELETE SET NULL,
    confidence       real DEFAULT 1.0,
    created_at       timestamptz DEFAULT now()
);

ALTER TABLE entities ENABLE ROW LEVEL SECURITY;
ALTER TABLE entity_relations ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users manage own entities" ON entities
    FOR ALL USING (auth.uid() = user_id);

CREATE POLICY "Users see relations of own entities" ON entity_relations
    FOR SELECT USING (
        EXISTS (SELECT 1 FROM entities e WHERE e.id = entity_relations.source_entity_id AND e.user_id = auth.uid())
    );

CREATE OR REPLACE FUNCTION upsert_entity(p_user_id uuid, p_name text, p_type text, p_attributes jsonb DEFAULT '{}')
RETURNS uuid
LANGUAGE sql
SECURITY DEFINER
AS $$
    INSERT INTO entities (user_id, name, entity_type, attributes)
    VALUES (p_user_id, p_name, p_type, p_attributes)
    ON CONFLICT (user_id, name, entity_type)
    DO UPDATE SET attributes = entities.attributes || EXCLUDED.attributes
    RETURNING id;
$$;

CREATE OR REPLACE FUNCTION get_related_entities(p_entity_id uuid, p_depth integer DEFAULT 2)
RETURNS TABLE (entity_id uuid, name text, entity_type text, relation_type text, depth integer)
LANGUAGE sql
STABLE
SECURITY DEFINER
AS $$
    WITH RECURSIVE walk AS (
        SELECT r.target_entity_id AS entity_id, r.relation_type, 1 AS depth
        FROM entity_relations r
        WHERE r.source_entity_id = p_entity_id
        UNION
        SELECT r.target_entity_id, r.relation_type, w.depth + 1
        FROM entity_relations r
        JOIN walk w ON r.source_entity_id = w.entity_id
        WHERE w.depth < p_depth
    )
    SELECT e.id, e.name, e.entity_type, w.relation_type, w.depth
    FROM walk w JOIN entities e ON e.id = w.entity_id;
$$;
