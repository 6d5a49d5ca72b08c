// Full load: each linked source record, owned by the person linkage put it with.
UNWIND $rows AS row
MATCH (p:Person {run: $run, id: row.person_id})
CREATE (r:SourceRecord)
SET r = row.props, r.run = $run
CREATE (p)-[:HAS_RECORD {match_probability: row.match_probability}]->(r)
RETURN count(*) AS written
