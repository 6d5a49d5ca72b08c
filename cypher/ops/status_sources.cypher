// `family-context status`: each source of the published generation with its extract date, row counts, and the
// last complete load (full or one-source refresh) that wrote it.
MATCH (g:Published {id: 'graph'})
MATCH (s:SourceExtract)
WHERE s.run = g.run
RETURN s.source AS source, s.system AS system, s.file AS file, s.extracted_at AS extracted_at,
       s.rows_in AS rows_in, s.rows_loaded AS rows_loaded, s.rows_quarantined AS rows_quarantined,
       head(COLLECT {
         MATCH (l:LoadRun {status: 'complete'})
         WHERE s.source IN l.sources AND (l.id = g.run OR l.generation = g.run)
         RETURN {id: l.id, kind: l.kind, finished_at: l.finished_at} ORDER BY l.finished_at DESC
       }) AS last_load
ORDER BY source
