UNWIND $rows AS row
MATCH (p:Person {id: row.person_id}), (a:Address {id: row.address_id})
MERGE (p)-[l:LIVES_AT]->(a)
SET l.sources = row.sources, l.last_seen = row.last_seen, l.current = row.current, l.run = $run
