MERGE (l:LoadRun {id: $run})
SET l.started_at = datetime(), l.status = 'running'
