// What the records a refresh retires point at (by element id): once they are deleted, phones, practitioners and
// addresses nothing else points at are removed (refresh/delete_orphans).
UNWIND $rows AS eid
MATCH (r:SourceRecord) WHERE elementId(r) = eid
RETURN [(r)-[:HAS_PHONE]->(n:Phone) | n.number] AS numbers,
       [(r)-[:RECORDED_AT]->(a:Address) | a.id] AS addresses,
       [(r)-[:RECORDS]->(:Involvement)-[:LEAD_PRACTITIONER]->(pr:Practitioner) | pr.id] AS practitioners
