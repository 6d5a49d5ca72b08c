UNWIND $rows AS row
MATCH (r:SourceRecord {run: $run, key: row.record_key})
MATCH (n:Phone {run: $run, number: row.number})
CREATE (r)-[:HAS_PHONE {type: row.type, updated_at: row.updated_at}]->(n)
RETURN count(*) AS written
