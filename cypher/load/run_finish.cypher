MATCH (l:LoadRun {id: $run})
SET l.finished_at = datetime(), l.status = 'complete', l.counts = $counts, l.seconds = $seconds
