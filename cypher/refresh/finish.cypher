// In the switch transaction: readers see the new source data and the finished LoadRun together. `retired` names
// the run id the old records now carry, so a later load can remove them if this process dies before it does.
MATCH (l:LoadRun {id: $run_id})
SET l.finished_at = datetime(), l.status = 'complete', l.counts = $counts, l.seconds = $seconds,
    l.generation = $run, l.retired = $retired
