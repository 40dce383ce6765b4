-- Tool registry for agents (function calling)
-- Tomas R. 2025-01-27

CREATE TABLE agent_tools (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name         text NOT NULL UNIQUE,
    description  text NOT NULL,
    parameters   jsonb NOT NULL DEFAULT '{"type": "object", "properties": {}}'::jsonb,
    is_builtin   boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE agent_tool_assignments (
    agent_id  uuid NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    tool_id   uuid NOT NULL REFERENCES agent_tools(id) ON DELETE CASCADE,
    config    jsonb DEFAULT '{}',
    PRIMARY KEY (agent_id, tool_id)
);

ALTER TABLE agent_tool_assignments ENABLE ROW LEVEL SECURITY;

-- everyone can list the tool catalogue
CREATE POLICY "Tools are readable by authenticated users" ON agent_tools
    FOR SELECT TO authenticated USING (true);

CREATE POLICY "Agent owners manage tool assignments" ON agent_tool_assignments
    FOR ALL USING (
        EXISTS (SELECT 1 FROM agents a WHERE a.id = agent_tool_assignments.agent_id AND a.owner_id = auth.uid())
    );

INSERT INTO agent_tools (name, description, is_builtin) VALUES
    ('remember',      'Store a new long-term memory',                     true),
    ('recall',        'Search long-term memory',                          true),
    ('web_search',    'Search the web',                                   true),
    ('create_task',   'Queue a follow-up task for this agent',            true);
