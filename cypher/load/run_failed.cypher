MATCH (l:LoadRun {id: $run})
WHERE l.status = 'running'
SET l.status = $status, l.failed_at = datetime(), l.error = $error
