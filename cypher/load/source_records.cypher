// A record that moved to another person since the last run loses its old owner.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MERGE (r:SourceRecord {key: row.key})
SET r.source = row.source, r.system = row.system, r.record_id = row.record_id, r.first_name = row.first_name,
    r.last_name = row.last_name, r.dob = row.dob, r.extracted_at = row.extracted_at, r.run = $run
WITH p, r, row
OPTIONAL MATCH (other:Person)-[stale:HAS_RECORD]->(r) WHERE other.id <> row.person_id
DELETE stale
MERGE (p)-[h:HAS_RECORD]->(r)
SET h.match_probability = row.match_probability, h.run = $run
