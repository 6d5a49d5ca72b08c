MATCH (g:Published {id: 'graph'})
MATCH (s:SourceExtract)
WHERE s.run = g.run
RETURN s {.source, .system, .file, .extracted_at, .coverage_from, .coverage_to, .rows_in, .rows_loaded,
          .rows_quarantined} AS source,
       head(COLLECT { MATCH (l:LoadRun {status: 'complete'}) RETURN l.finished_at ORDER BY l.finished_at DESC })
         AS last_synchronised
ORDER BY s.source
