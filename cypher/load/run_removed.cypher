MATCH (l:LoadRun {id: $run})
SET l.removed_at = datetime()
