// The refreshed sources' new records, each with its addresses, involvements and phone numbers in the same
// statement: nodes made in this (large) transaction are used where they are created, never looked up again
// (an index seek has to merge the transaction's own uncommitted changes, which grows with the transaction).
UNWIND $rows AS row
MATCH (p:Person {run: $run, id: row.person_id})
CREATE (p)-[:HAS_RECORD {match_probability: row.match_probability}]->(r:SourceRecord)
SET r = row.props, r.run = $run
WITH r, row
CALL (r, row) {
  UNWIND row.addresses AS aid
  MATCH (a:Address {run: $run, id: aid})
  CREATE (r)-[:RECORDED_AT]->(a)
}
CALL (r, row) {
  UNWIND row.involvements AS inv
  MATCH (s:Service {run: $run, key: inv.service_key})
  CREATE (r)-[:RECORDS]->(i:Involvement)-[:WITH]->(s)
  SET i = inv.props, i.run = $run
  WITH i, inv
  CALL (i, inv) {
    MATCH (pr:Practitioner {run: $run, id: inv.practitioner_id})
    CREATE (i)-[:LEAD_PRACTITIONER]->(pr)
  }
}
CALL (r, row) {
  UNWIND row.phones AS ph
  MERGE (n:Phone {run: $run, number: ph.number})
  CREATE (r)-[:HAS_PHONE {type: ph.type, updated_at: ph.updated_at}]->(n)
}
RETURN count(*) AS written
