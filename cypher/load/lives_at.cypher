UNWIND $rows AS row
MATCH (p:Person {run: $run, id: row.person_id})
MATCH (a:Address {run: $run, id: row.address_id})
CREATE (p)-[:LIVES_AT {sources: row.sources, current: row.current}]->(a)
RETURN count(*) AS written
