// Full load: each involvement a business rule kept, with its service and lead practitioner.
UNWIND $rows AS row
MATCH (r:SourceRecord {run: $run, key: row.record_key})
MATCH (s:Service {run: $run, key: row.service_key})
CREATE (i:Involvement)
SET i = row.props, i.run = $run
CREATE (r)-[:RECORDS]->(i)
CREATE (i)-[:WITH]->(s)
WITH i, row
CALL (i, row) {
  MATCH (pr:Practitioner {run: $run, id: row.practitioner_id})
  CREATE (i)-[:LEAD_PRACTITIONER]->(pr)
}
RETURN count(*) AS written
