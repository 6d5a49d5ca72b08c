UNWIND $rows AS row
MATCH (r:SourceRecord {key: row.record_key}), (a:Address {id: row.address_id})
MERGE (r)-[x:RECORDED_AT]->(a)
SET x.run = $run
