// Switch: the staged records join the published generation (with their involvements) and their person.
UNWIND $rows AS row
MATCH (p:Person) WHERE elementId(p) = row.person
MATCH (r:SourceRecord) WHERE elementId(r) = row.record
CREATE (p)-[:HAS_RECORD {match_probability: row.match_probability}]->(r)
SET r.run = $run
WITH r
CALL (r) {
  MATCH (r)-[:RECORDS]->(i:Involvement)
  SET i.run = $run
}
RETURN count(*) AS written
