UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record_key})
MERGE (n:Phone {number: row.number})
SET n.run = $run
MERGE (r)-[h:HAS_PHONE]->(n)
SET h.type = row.type, h.updated_at = row.updated_at, h.run = $run
