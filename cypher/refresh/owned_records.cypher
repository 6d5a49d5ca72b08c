// The records the refreshed sources own in the published generation, with their current owner.
UNWIND $sources AS source
MATCH (r:SourceRecord {run: $run, source: source})
MATCH (p:Person {run: $run})-[:HAS_RECORD]->(r)
RETURN r.key AS key, p.id AS person_id
