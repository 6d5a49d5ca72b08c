// A link/unlink decision: which person (published generation) each named record belongs to now.
MATCH (g:Published {id: 'graph'})
UNWIND $keys AS key
OPTIONAL MATCH (p:Person)-[:HAS_RECORD]->(r:SourceRecord {run: g.run, key: key})
RETURN key, p.id AS person_id
