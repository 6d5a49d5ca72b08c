// The records the refreshed sources own in the published generation: their owner, their node (the switch finds
// it by element id, never by an index the switch itself is changing), and what may be orphaned once it is gone.
UNWIND $sources AS source
MATCH (r:SourceRecord {run: $run, source: source})
MATCH (p:Person {run: $run})-[:HAS_RECORD]->(r)
RETURN r.key AS key, p.id AS person_id, elementId(r) AS eid,
       [(r)-[:HAS_PHONE]->(n:Phone) | n.number] AS numbers,
       [(r)-[:RECORDED_AT]->(a:Address) | a.id] AS addresses,
       [(r)-[:RECORDS]->(:Involvement)-[:LEAD_PRACTITIONER]->(pr:Practitioner) | pr.id] AS practitioners
