// Loads that never finished: running ones (alive or dead) and failed or abandoned ones whose copy is not yet removed.
MATCH (l:LoadRun)
WHERE l.status = 'running' OR (l.kind = 'full' AND l.status IN ['failed', 'abandoned'] AND l.removed_at IS NULL)
RETURN l.id AS id, l.kind AS kind, l.status AS status, l.host AS host, l.pid AS pid
