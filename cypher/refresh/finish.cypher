// In the refresh's own transaction: readers see the new source data and the finished LoadRun together.
MATCH (l:LoadRun {id: $run_id})
SET l.finished_at = datetime(), l.status = 'complete', l.counts = $counts, l.seconds = $seconds,
    l.generation = $run
