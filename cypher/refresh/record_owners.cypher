UNWIND $rows AS key
MATCH (r:SourceRecord {run: $run, key: key})<-[:HAS_RECORD]-(p:Person)
RETURN r.key AS key, p.id AS person_id
