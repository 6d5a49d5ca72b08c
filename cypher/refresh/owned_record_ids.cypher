// The element ids of the records the refreshed sources own in the published generation, in one row
// (refresh/owned_records then reads them batch by batch).
UNWIND $sources AS source
MATCH (r:SourceRecord {run: $run, source: source})
RETURN collect(elementId(r)) AS ids
