UNWIND $rows AS row
MERGE (s:SourceExtract {source: row.source})
SET s.system = row.system, s.file = row.file, s.extracted_at = row.extracted_at,
    s.coverage_from = row.coverage_from, s.coverage_to = row.coverage_to, s.rows_in = row.rows_in,
    s.rows_loaded = row.rows_loaded, s.rows_quarantined = row.rows_quarantined, s.run = $run
