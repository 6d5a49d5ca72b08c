// Staging: the refreshed sources' new records with their involvements, addresses, practitioners and phones, under
// the refresh's own run id and not yet attached to any person. Readers reach records only from a person (or by
// record id with `run = g.run`), so these stay invisible until the switch attaches them. Every node they point
// at is found by element id (resolved beforehand), which needs no index.
UNWIND $rows AS row
CREATE (r:SourceRecord)
SET r = row.props, r.run = $stage
WITH r, row
CALL (r, row) {
  UNWIND row.addresses AS aid
  MATCH (a) WHERE elementId(a) = aid
  CREATE (r)-[:RECORDED_AT]->(a)
}
CALL (r, row) {
  UNWIND row.involvements AS inv
  MATCH (s) WHERE elementId(s) = inv.service
  CREATE (r)-[:RECORDS]->(i:Involvement)-[:WITH]->(s)
  SET i = inv.props, i.run = $stage
  WITH i, inv
  CALL (i, inv) {
    MATCH (pr) WHERE elementId(pr) = inv.practitioner
    CREATE (i)-[:LEAD_PRACTITIONER]->(pr)
  }
}
CALL (r, row) {
  UNWIND row.phones AS ph
  MATCH (n) WHERE elementId(n) = ph.phone
  CREATE (r)-[:HAS_PHONE {type: ph.type, updated_at: ph.updated_at}]->(n)
}
RETURN row.props.key AS key, elementId(r) AS eid
