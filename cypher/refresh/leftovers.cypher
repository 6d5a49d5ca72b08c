// Refreshes whose retired records (or, failed, whose staged copy) are still in the database.
MATCH (l:LoadRun {kind: 'refresh'})
WHERE l.removed_at IS NULL AND (l.retired IS NOT NULL OR l.status IN ['failed', 'abandoned'])
RETURN l.id AS id, l.status AS status, coalesce(l.retired, l.id) AS run
