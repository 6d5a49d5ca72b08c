// Switch: the sources' old records leave the published generation (detached from their person, re-stamped with
// the refresh's retired id with their involvements); they are deleted in small transactions after the switch.
UNWIND $rows AS eid
MATCH (r:SourceRecord) WHERE elementId(r) = eid
OPTIONAL MATCH (:Person)-[h:HAS_RECORD]->(r)
DELETE h
SET r.run = $retired
WITH r
CALL (r) {
  MATCH (r)-[:RECORDS]->(i:Involvement)
  SET i.run = $retired
}
RETURN count(*) AS written
