MATCH (l:LoadRun {id: $run})
SET l.batches = $batches, l.step = $step, l.heartbeat = datetime()
