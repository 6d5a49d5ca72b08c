UNWIND $rows AS row
MATCH (p:Person {run: $run, id: row.person_id})
MATCH (h:Household {run: $run, id: row.household_id})
CREATE (p)-[:MEMBER_OF]->(h)
RETURN count(*) AS written
