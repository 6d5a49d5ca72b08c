// The switch readers see: one small transaction names the new generation; nothing else changes for them.
MERGE (g:Published {id: 'graph'})
WITH g, g.run AS previous
SET g.run = $run, g.previous = previous, g.published_at = datetime()
WITH g, previous
MATCH (l:LoadRun {id: $run})
SET l.status = 'complete', l.finished_at = datetime(), l.counts = $counts, l.seconds = $seconds
RETURN previous
