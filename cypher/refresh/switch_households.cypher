// Switch: a household at each address whose current residents changed, holding everyone who lives there now.
UNWIND $rows AS row
MATCH (a:Address) WHERE elementId(a) = row.address
CREATE (h:Household {run: $run, id: row.id})-[:AT]->(a)
WITH h, row
CALL (h, row) {
  UNWIND row.members AS m
  MATCH (p:Person) WHERE elementId(p) = m
  CREATE (p)-[:MEMBER_OF]->(h)
}
RETURN count(*) AS written
