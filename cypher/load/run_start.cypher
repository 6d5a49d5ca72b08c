// A load announces itself before writing anything, so a later load can tell a dead one from a live one.
CREATE (l:LoadRun {id: $run})
SET l.kind = $kind, l.sources = $sources, l.status = 'running', l.started_at = datetime(), l.heartbeat = datetime(),
    l.host = $host, l.pid = $pid, l.batches = 0
