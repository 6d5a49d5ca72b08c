// `family-context status`: the most recent load runs, newest first (status, kind, sources, error).
MATCH (l:LoadRun)
RETURN l.id AS id, l.kind AS kind, l.status AS status, l.started_at AS started_at,
       l.finished_at AS finished_at, l.seconds AS seconds, l.error AS error, l.sources AS sources
ORDER BY l.started_at DESC
LIMIT $limit
