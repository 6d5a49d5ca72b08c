// Each source's extract date, coverage and row counts (in = loaded + quarantined), per generation.
UNWIND $rows AS row
MERGE (s:SourceExtract {run: $run, source: row.source})
SET s += row
RETURN count(*) AS written
