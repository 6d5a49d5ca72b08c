UNWIND $rows AS row
MATCH (r:SourceRecord {run: $run, key: row.record_key})
MATCH (a:Address {run: $run, id: row.address_id})
CREATE (r)-[:RECORDED_AT]->(a)
RETURN count(*) AS written
