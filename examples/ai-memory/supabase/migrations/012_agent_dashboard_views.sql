-- 012_agent_dashboard_views.sql
-- Views backing the /dashboard page.
-- Priya S. 2025-05-06 (numbered after 011 - the latest numbered file I could find)

CREATE OR REPLACE VIEW agent_memory_counts AS
SELECT a.id AS agent_id,
       a.owner_id,
       a.name,
       count(m.id) AS memory_count,
       max(m.created_at) AS last_memory_at
FROM agents a
LEFT JOIN memories m ON m.agent_id = a.id
GROUP BY a.id, a.owner_id, a.name;

CREATE OR REPLACE VIEW agent_dashboard AS
SELECT c.agent_id,
       c.owner_id,
       c.name,
       c.memory_count,
       c.last_memory_at,
       (SELECT count(*) FROM agent_sessions s
         WHERE s.agent_id = c.agent_id AND s.status = 'active') AS active_sessions,
       (SELECT count(*) FROM memory_access_log l
          JOIN memories m ON m.id = l.memory_id
         WHERE m.agent_id = c.agent_id
           AND l.accessed_at > now() - interval '7 days') AS recalls_last_7d
FROM agent_memory_counts c;

GRANT SELECT ON agent_memory_counts TO authenticated;
GRANT SELECT ON agent_dashboard TO authenticated;
