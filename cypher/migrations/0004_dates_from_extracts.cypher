// A record's extract date and an address history entry's "last seen" are no longer stored on them: both follow
// from the sources' SourceExtract nodes (one extract date per source and generation), which readers use instead.
// Stored, every new extract rewrote them all (about 400,000 dates in a million-person town's housing refresh).
// Graphs loaded before this drop the copies, in batches (auto-commit, so a big graph does not need one huge
// transaction); a graph loaded since has none, and the statements find nothing.
MATCH (r:SourceRecord) WHERE r.extracted_at IS NOT NULL
CALL (r) { REMOVE r.extracted_at } IN TRANSACTIONS OF 20000 ROWS;
MATCH ()-[l:LIVES_AT]->() WHERE l.last_seen IS NOT NULL
CALL (l) { REMOVE l.last_seen } IN TRANSACTIONS OF 20000 ROWS;
