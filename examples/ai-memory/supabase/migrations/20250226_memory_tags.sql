-- Free-form tags on memories
-- Tomas R. 2025-02-26

CREATE TABLE memory_tags (
    memory_id  uuid NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    tag        text NOT NULL,
    created_at timestamptz DEFAULT now(),
    PRIMARY KEY (memory_id, tag)
);

CREATE INDEX memory_tags_tag_idx ON memory_tags (tag);

ALTER TABLE memory_tags ENABLE ROW LEVEL SECURITY;

CREATE POLICY "Users manage tags on own memories" ON memory_tags
    FOR ALL USING (
        EXISTS (SELECT 1 FROM memories m WHERE m.id = memory_tags.memory_id AND m.user_id = auth.uid())
    );
