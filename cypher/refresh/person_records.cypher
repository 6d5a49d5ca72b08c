// Everything the refresh needs to know about the people it touches: their records and current addresses.
UNWIND $rows AS pid
MATCH (p:Person {run: $run, id: pid})
RETURN p.id AS person_id,
       [(p)-[:HAS_RECORD]->(r:SourceRecord) | r.key] AS record_keys,
       [(p)-[:LIVES_AT {current: true}]->(a:Address) | a.id] AS current_addresses
